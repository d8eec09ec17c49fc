// One NTT access token for all n8n processes. In queue mode every worker would otherwise fetch its own token
// when executions start together (n8n stores a renewed token in the credential, but nothing stops twenty
// executions from renewing at once). The token is kept in the Redis n8n itself uses, under a key and a
// sealing key both derived from n8n's encryption key and the client secret: only a credential with the same
// secret finds and opens it. One process renews while the others wait for its token. Outside queue mode there
// is one process, and n8n's own credential store is enough.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

import type { SharedState } from '../../shared/state';
import { isQueueMode, openQueueState } from '../../shared/state';
import { TOKEN_RENEW_MARGIN_MS } from '../mapping';

export interface CachedToken {
	accessToken: string;
	validUntil: number;
}

/** Whose token: where it is fetched and with which client ID, and the secret that proves it. */
export interface TokenClient {
	/** Base URL and client ID. */
	identity: string;
	secret: string;
}

/** A renewal that has not finished within this is taken over by the next process that needs a token. */
const RENEWAL_LOCK_MS = 15_000;
const WAIT_STEP_MS = 100;

/**
 * A keyed hash of the client and its secret: a credential with the same client ID and another secret finds
 * another entry and cannot open this one. Keyed with n8n's encryption key, so the secret cannot be guessed
 * from what Redis holds; the secret itself is never stored.
 */
function clientHash(purpose: 'key' | 'seal', client: TokenClient, encryptionKey: string): Buffer {
	const purposeKey = createHmac('sha256', encryptionKey).update(`ntt-token-cache:${purpose}`).digest();
	return createHmac('sha256', purposeKey).update(JSON.stringify([client.identity, client.secret])).digest();
}

/** The shared entry of this client (v2: entries keyed without the secret are never read again). */
export function tokenCacheKey(client: TokenClient, encryptionKey: string): string {
	return `ntt-token:v2:${clientHash('key', client, encryptionKey).toString('hex').slice(0, 32)}`;
}

function sealer(secret: Buffer) {
	return {
		seal(token: CachedToken): string {
			const iv = randomBytes(12);
			const cipher = createCipheriv('aes-256-gcm', secret, iv);
			const body = Buffer.concat([cipher.update(JSON.stringify(token), 'utf8'), cipher.final()]);
			return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
		},
		open(sealed: string): CachedToken | undefined {
			try {
				const bytes = Buffer.from(sealed, 'base64');
				const decipher = createDecipheriv('aes-256-gcm', secret, bytes.subarray(0, 12));
				decipher.setAuthTag(bytes.subarray(12, 28));
				return JSON.parse(Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8')) as CachedToken;
			} catch {
				return undefined; // another key or a damaged entry: as if there were none
			}
		},
	};
}

/** The shared state to use, or undefined when tokens need not (or cannot safely) be shared. */
export async function tokenStateFor(env: NodeJS.ProcessEnv = process.env): Promise<SharedState | undefined> {
	if (!isQueueMode(env) || !env.N8N_ENCRYPTION_KEY) return undefined;
	try {
		return await openQueueState(env);
	} catch {
		return undefined; // Redis unreachable: fetching a token of our own never fails an execution
	}
}

/**
 * A token for this client: the shared one when it is still good and is not the one just refused, otherwise
 * one renewal across all processes (the others wait for it); at worst one extra token call, never an error
 * of its own.
 */
export async function sharedToken(
	state: SharedState | undefined,
	client: TokenClient,
	refused: string | undefined,
	fetchToken: () => Promise<CachedToken>,
	encryptionKey = process.env.N8N_ENCRYPTION_KEY ?? '',
): Promise<CachedToken> {
	if (!state) return await fetchToken();
	const key = tokenCacheKey(client, encryptionKey);
	const { seal, open } = sealer(clientHash('seal', client, encryptionKey));
	const usable = async () => {
		const stored = await state.get(key).catch(() => undefined);
		const token = stored ? open(stored) : undefined;
		return token && token.accessToken !== refused && token.validUntil - TOKEN_RENEW_MARGIN_MS > Date.now() ? token : undefined;
	};
	const shared = await usable();
	if (shared) return shared;
	// a token of our own: pids repeat across containers, and only the holder may release the lock
	const owner = randomBytes(16).toString('hex');
	const renewing = await state.setIfAbsent(`${key}:renewing`, owner, RENEWAL_LOCK_MS).catch(() => true);
	if (!renewing) {
		for (const end = Date.now() + RENEWAL_LOCK_MS; Date.now() < end; ) {
			await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
			const token = await usable();
			if (token) return token;
		}
	}
	try {
		const token = await fetchToken();
		await state.set(key, seal(token), Math.max(token.validUntil - Date.now(), 1000)).catch(() => undefined);
		return token;
	} finally {
		if (renewing) await state.deleteIfEquals(`${key}:renewing`, owner).catch(() => undefined);
	}
}
