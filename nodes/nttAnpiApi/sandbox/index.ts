// The NTT Anpi Sandbox: a credential with Environment "Sandbox" hands each call to the responder in this
// folder instead of the network, token included. The answer comes back as the gateway's JSON with its status,
// so retries, paging, deadlines and errors run as in production. Rounds are kept, bounded, in the Sandbox's
// own store (nodes/shared/sandbox/store.ts: its own folder, or its own keys in n8n's Redis in queue mode), so
// every process of one instance agrees.
import type { INode } from 'n8n-workflow';

import { clock } from '../../shared/clock';
import { openSandboxStore, sandboxBook, sandboxStoreError } from '../../shared/sandbox/store';
import { StoreUnavailableError } from '../../shared/state';
import type { RawResponse } from '../transport/answer';
import type { AnpiBookState, AnpiResponder } from './responder';
import { createAnpiResponder, initialAnpiBook } from './responder';

const SANDBOX_CLIENT = { clientId: 'sandbox', clientSecret: 'sandbox' };
/** How long a send or a completion takes before Get Status shows it. */
const SANDBOX_DELAY_MS = 5_000;
/** Rounds kept (oldest out): every write rewrites the whole book. */
export const SANDBOX_MAX_ROUNDS = 100;

let accessToken: string | undefined;

export function pruneAnpiBook(book: AnpiBookState): void {
	book.threads = book.threads.slice(-SANDBOX_MAX_ROUNDS);
}

const isAnpiBook = (document: unknown) =>
	typeof document === 'object' &&
	document !== null &&
	typeof (document as AnpiBookState).nextTid === 'number' &&
	Array.isArray((document as AnpiBookState).threads) &&
	typeof (document as AnpiBookState).tokens === 'object';

async function sandboxResponder(): Promise<AnpiResponder> {
	const store = await openSandboxStore('ntt');
	const book = sandboxBook<AnpiBookState>('ntt', store, {
		key: 'ntt-sandbox:book',
		empty: () => initialAnpiBook({ seedOpenRound: false, now: clock.now() }),
		isBook: isAnpiBook,
		prune: pruneAnpiBook,
	});
	return createAnpiResponder(book, {
		clients: { [SANDBOX_CLIENT.clientId]: SANDBOX_CLIENT.clientSecret },
		asyncDelayMs: SANDBOX_DELAY_MS,
		answersArrive: true,
		clock: () => clock.now(),
	});
}

export interface SandboxCall {
	method: string;
	path: string;
	body?: object;
	qs?: object;
}

/** One call answered in process, token included, as the gateway would answer it. Opens no socket. */
export async function answerFromAnpiSandbox(call: SandboxCall, node: INode): Promise<RawResponse> {
	try {
		return await answer(call);
	} catch (error) {
		// the Sandbox's own store failing is not the gateway's answer: say which store and how to start again
		if (error instanceof StoreUnavailableError) throw sandboxStoreError(node, error);
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- the responder's own failure, judged by the caller as in production
		throw error;
	}
}

async function answer(call: SandboxCall): Promise<RawResponse> {
	const responder = await sandboxResponder();
	if (!accessToken || !(await responder.authorized(`Bearer ${accessToken}`))) {
		const token = await responder.token({ grantType: 'client_credentials', ...SANDBOX_CLIENT });
		accessToken = (token.body as { accessToken?: string } | undefined)?.accessToken;
	}
	const query = new URLSearchParams(Object.entries(call.qs ?? {}).map(([name, value]): [string, string] => [name, String(value)]));
	const route = call.path.replace(/\/+$/, '') + '/';
	const reply = responder.knows(call.method, route)
		? await responder.call({ method: call.method, route, query, body: (call.body ?? {}) as Record<string, unknown> })
		: { status: 404, body: undefined };
	return { statusCode: reply.status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: reply.body ?? '' };
}
