// The OCCTO Sandbox: a credential with Environment "Sandbox" hands each request to the responder in this
// folder instead of the network. The answer comes back in OCCTO's wire form (result-code header, Base64 ZIP of
// Shift_JIS XML), so decoding, the call ledger, Validate, triggers and errors run as in production. Plans are
// kept in the package's shared store (the ledger's), so every process of one n8n instance agrees.
import { clock } from '../../shared/clock';
import type { SharedState } from '../../shared/state';
import { StoredBook } from '../../shared/sandbox/book';
import type { OcctoApiId } from '../mapping';
import { PARAM, RESULT_CODE_HEADER } from '../mapping';
import type { RawResponse } from '../transport/answer';
import type { ClientCertificateInfo, CertificateValidity } from '../transport/clientCertificate';
import type { OcctoRequestFields } from '../transport/requestBody';
import { isFilePart } from '../transport/requestBody';
import { OcctoResponder, answerFileName, emptyOcctoBook, wireAnswer } from './responder';

/** The user ID every sandbox credential of one n8n instance uses: its calls never count against a real one. */
export const SANDBOX_USER_ID = 'SANDBOX';
/** How long a sandbox plan stays 受付中 before 受付完了 or 提出エラー: long enough for a trigger to see both. */
export const SANDBOX_STATUS_DELAY_MS = 2 * 60_000;
const SANDBOX_SEED_PLANS = 3;
const BOOK_KEY = 'occto-sandbox:book';

/** What items show in place of the client certificate's identity. */
export const SANDBOX_CERTIFICATE: ClientCertificateInfo = { subject: 'Sandbox (no client certificate)', expiresAt: '', daysLeft: Number.MAX_SAFE_INTEGER };
export const SANDBOX_VALIDITY: CertificateValidity = { from: '1970-01-01T00:00:00.000Z', to: '9999-12-31T23:59:59.999Z' };

let serial = 0;

/** One call answered in process, as OCCTO would put it on the wire. Opens no socket. */
export async function answerFromSandbox(
	state: SharedState,
	apiId: OcctoApiId,
	fields: OcctoRequestFields,
	userId = SANDBOX_USER_ID,
): Promise<RawResponse> {
	const form: Record<string, string> = { [PARAM.userId]: userId };
	let file: Buffer | undefined;
	for (const [name, value] of Object.entries(fields)) {
		if (!isFilePart(value)) form[name] = value;
		else if (name === PARAM.file) file = value.data; // where OCCTO looks for the plan, whatever the credential says
	}
	const responder = new OcctoResponder(new StoredBook(state, BOOK_KEY, emptyOcctoBook), {
		statusDelayMs: SANDBOX_STATUS_DELAY_MS,
		seedPlans: SANDBOX_SEED_PLANS,
		clock: () => new Date(clock.now()),
	});
	const reply = await responder.answer({ apiId, form, file, userId });
	return await wireAnswer(apiId, reply, { resultCodeHeader: RESULT_CODE_HEADER, encoding: 'Shift_JIS', fileName: answerFileName(apiId, new Date(clock.now()), ++serial) });
}
