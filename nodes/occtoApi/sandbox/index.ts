// The OCCTO Sandbox: a credential with Environment "Sandbox" hands each request to the responder in this
// folder instead of the network. The answer comes back in OCCTO's wire form (result-code header, Base64 ZIP of
// Shift_JIS XML), so decoding, the call ledger, Validate, triggers and errors run as in production. Plans are
// kept in the Sandbox's own store (nodes/shared/sandbox/store.ts), bounded, so every process of one n8n
// instance agrees and production's ledger and markers are never touched.
import type { INode } from 'n8n-workflow';

import { clock } from '../../shared/clock';
import type { SandboxStore } from '../../shared/sandbox/store';
import { openSandboxStore, sandboxBook, sandboxStoreError } from '../../shared/sandbox/store';
import type { OcctoApiId } from '../mapping';
import { PARAM, RESULT_CODE_HEADER } from '../mapping';
import type { RawResponse } from '../transport/answer';
import type { ClientCertificateInfo, CertificateValidity } from '../transport/clientCertificate';
import type { OcctoRequestFields } from '../transport/requestBody';
import { isFilePart } from '../transport/requestBody';
import type { OcctoBookState } from './responder';
import { OcctoResponder, answerFileName, emptyOcctoBook, wireAnswer } from './responder';

/** The user ID every sandbox credential of one n8n instance uses: its calls never count against a real one. */
export const SANDBOX_USER_ID = 'SANDBOX';
/** How long a sandbox plan stays 受付中 before 受付完了 or 提出エラー: long enough for a trigger to see both. */
export const SANDBOX_STATUS_DELAY_MS = 2 * 60_000;
const SANDBOX_SEED_PLANS = 3;
/** When OCCTO adjusts a registered plan's window (END_DATE a day later), so the plan trigger shows its changes. */
export const SANDBOX_ADJUST_AFTER_MS = 8 * 60_000;
const BOOK_KEY = 'occto-sandbox:book';

/** What items show in place of the client certificate's identity. */
export const SANDBOX_CERTIFICATE: ClientCertificateInfo = { subject: 'Sandbox (no client certificate)', expiresAt: '', daysLeft: Number.MAX_SAFE_INTEGER };
export const SANDBOX_VALIDITY: CertificateValidity = { from: '1970-01-01T00:00:00.000Z', to: '9999-12-31T23:59:59.999Z' };

/** What the Sandbox keeps: registrations of the last 7 days, at most 200, and at most ~4 MB of plan XML. */
export const SANDBOX_KEEP_MS = 7 * 86_400_000;
export const SANDBOX_MAX_PLANS = 200;
const SANDBOX_MAX_PLAN_CHARS = 4_000_000;

/** Oldest out: too old, too many, or too much XML (every write rewrites the whole book). */
export function pruneOcctoBook(book: OcctoBookState, now = clock.now()): void {
	const kept = book.submissions.filter((s) => s.submittedAt >= now - SANDBOX_KEEP_MS).slice(-SANDBOX_MAX_PLANS);
	let chars = kept.reduce((sum, s) => sum + s.xml.length, 0);
	let first = 0;
	while (chars > SANDBOX_MAX_PLAN_CHARS && first < kept.length - 1) chars -= kept[first++].xml.length;
	book.submissions = kept.slice(first);
}

const isOcctoBook = (document: unknown) =>
	typeof document === 'object' &&
	document !== null &&
	typeof (document as OcctoBookState).nextReceptionNo === 'number' &&
	Array.isArray((document as OcctoBookState).submissions);

/** The Sandbox's store: its own folder, or its own keys in n8n's Redis in queue mode. */
export async function openOcctoSandbox(env: NodeJS.ProcessEnv = process.env): Promise<SandboxStore> {
	return await openSandboxStore('occto', env);
}

const bookIn = (store: SandboxStore) => sandboxBook<OcctoBookState>('occto', store, { key: BOOK_KEY, empty: emptyOcctoBook, isBook: isOcctoBook, prune: pruneOcctoBook });

/** Reads the book once: a damaged Sandbox is named before any call is counted. */
export async function checkOcctoSandbox(store: SandboxStore): Promise<void> {
	await bookIn(store).read();
}

let serial = 0;

/** One call answered in process, as OCCTO would put it on the wire. Opens no socket. */
export async function answerFromSandbox(store: SandboxStore, apiId: OcctoApiId, fields: OcctoRequestFields, node: INode): Promise<RawResponse> {
	const form: Record<string, string> = { [PARAM.userId]: SANDBOX_USER_ID };
	let file: Buffer | undefined;
	for (const [name, value] of Object.entries(fields)) {
		if (!isFilePart(value)) form[name] = value;
		else if (name === PARAM.file) file = value.data; // where OCCTO looks for the plan, whatever the credential says
	}
	const book = bookIn(store);
	const responder = new OcctoResponder(book, {
		statusDelayMs: SANDBOX_STATUS_DELAY_MS,
		seedPlans: SANDBOX_SEED_PLANS,
		adjustAfterMs: SANDBOX_ADJUST_AFTER_MS,
		clock: () => new Date(clock.now()),
	});
	const reply = await responder.answer({ apiId, form, file, userId: SANDBOX_USER_ID });
	// the responder answers any failure as OCCTO's system error; the Sandbox's own store failing is not OCCTO's answer
	if (book.failure) throw sandboxStoreError(node, book.failure);
	return await wireAnswer(apiId, reply, { resultCodeHeader: RESULT_CODE_HEADER, encoding: 'Shift_JIS', fileName: answerFileName(apiId, new Date(clock.now()), ++serial) });
}
