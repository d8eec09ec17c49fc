// The credential's Test button: one real BA13B006 call through our own request building and answer
// judging, so it tells apart "certificate refused", "user ID/password refused" and OK — which a plain
// request test cannot, since OCCTO reports a wrong password in a header of an HTTP 200 answer.
import type {
	ICredentialTestFunctions,
	ICredentialsDecrypted,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { DEFAULT_ZIP_LIMITS, DecodeError } from '../shared/codecs';
import { isSandbox } from '../shared/sandbox/environment';
import { SANDBOX_USER_ID } from './sandbox';
import { ListShapeError } from '../shared/listShape';
import { DAILY_CALL_LIMIT, OCCTO_APIS, RESULT_CODE_MEANINGS, RESULT_CODES } from './mapping';
import type { HttpAnswer } from '../shared/http/answer';
import { bodyBytes } from '../shared/http/answer';
import type { RawResponse } from './transport/answer';
import { judgeAnswer } from './transport/answer';
import { authenticateOcctoRequest, credentialSecrets } from './transport/authenticate';
import { LedgerUnavailableError, openCallLedger } from './transport/callLedger';
import { occtoBaseUrlOf } from './transport/connection';
import { apiLabel, classifyNetworkFailure, fixFor, NETWORK_FAILURE_FIX, networkFailureMessage } from './transport/errors';
import { readListAnswer } from './transport/listAnswer';
import { readWireSettings } from './transport/wireSettings';

const API = 'BA13B006';
const TEST_TIMEOUT_MS = 30_000;

const error = (message: string): INodeCredentialTestResult => ({ status: 'Error', message });

export async function testOcctoCredential(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	if (isSandbox(data)) {
		return {
			status: 'OK',
			message: `Sandbox: no network. Calls are answered inside n8n by the built-in OCCTO sandbox (user ${SANDBOX_USER_ID}, counted in a sandbox ledger of its own); switch Environment to Production once OCCTO has issued your certificate.`,
		};
	}
	const userId = String(data.userId ?? '').trim();
	if (!userId) return error('The credential has no User ID. Fill in "User ID".');
	let wire;
	let request;
	const baseUrl = occtoBaseUrlOf(data);
	const path = (data.overridePaths === true && String(data[`path${API}`] ?? '').trim()) || OCCTO_APIS[API].defaultPath;
	try {
		// everything local first: a wrong passphrase or a bad setting costs no call
		wire = readWireSettings(data);
		request = authenticateOcctoRequest(data, { method: 'POST', url: path, body: {} });
	} catch (problem) {
		return error((problem as Error & { fix?: string }).fix ? `${(problem as Error).message}. ${(problem as Error & { fix: string }).fix}` : (problem as Error).message);
	}
	let ledger;
	let reservation;
	try {
		({ ledger } = await openCallLedger(data));
		reservation = await ledger.reserve(userId, DAILY_CALL_LIMIT);
	} catch (problem) {
		const reason = problem instanceof LedgerUnavailableError ? `${problem.message}. ${problem.description}` : `The call ledger cannot be used: ${(problem as Error).message}`;
		return error(`${reason.replace(/\.?$/, '.')} The test was not sent.`);
	}
	if (!reservation.allowed) {
		return error(`No OCCTO calls are left today for ${userId} (${reservation.reading.used} used); the test was not sent. The count resets at 00:00 Japan time.`);
	}
	const used = reservation.reading.used;
	const spent = () => `This test spent one of today's ${DAILY_CALL_LIMIT} OCCTO calls (${used} used today, counted in the ${reservation.reading.store} ledger).`;
	const secrets = credentialSecrets(data);

	let response: RawResponse;
	try {
		// eslint-disable-next-line @n8n/community-nodes/no-deprecated-workflow-functions -- a credential test has only the legacy request helper
		const answer = (await this.helpers.request({
			method: 'POST',
			uri: `${baseUrl}${path}`,
			body: request.body,
			headers: request.headers,
			agentOptions: request.agentOptions,
			rejectUnauthorized: data.ignoreTlsErrors !== true,
			encoding: null,
			resolveWithFullResponse: true,
			simple: false,
			followRedirect: false,
			timeout: TEST_TIMEOUT_MS,
		})) as HttpAnswer<Buffer | string>;
		response = { body: bodyBytes(answer.body), headers: answer.headers ?? {}, statusCode: answer.statusCode };
	} catch (failure) {
		const network = classifyNetworkFailure(failure, API, secrets);
		const lead = network.kind === 'clientCertificateRefused' || network.kind === 'closed' ? 'Certificate refused: ' : '';
		return error(`${lead}${networkFailureMessage(network, API)}. ${NETWORK_FAILURE_FIX[network.kind]} ${spent()}`);
	}

	const verdict = judgeAnswer(response, wire, secrets);
	if (!verdict.ok) {
		switch (verdict.kind) {
			case 'http':
				return error(`OCCTO answered HTTP ${verdict.statusCode} instead of an API answer ("${verdict.text || 'empty body'}"). Check the Base URL and the path of ${API}. ${spent()}`);
			case 'quota':
				await ledger.markExhausted(userId);
				return error(`The certificate and login were accepted, but OCCTO's daily limit of ${DAILY_CALL_LIMIT} calls is reached: ${verdict.message}`);
			case 'noResultCode':
				return error(`The answer has no "${wire.resultCodeHeader}" header, so it is not an OCCTO API answer. Check the Base URL and the path of ${API}, or "Result Code Header" in Advanced Settings. ${spent()}`);
			case 'rejected': {
				const meaning = RESULT_CODE_MEANINGS[verdict.resultCode];
				const lead =
					verdict.resultCode === RESULT_CODES.authError
						? 'User ID or password refused'
						: verdict.resultCode === RESULT_CODES.certificateUserMismatch
							? 'Certificate refused for this user ID'
							: `OCCTO refused the test call`;
				return error(`${lead} (result code ${verdict.resultCode}: ${verdict.message || meaning || 'no message'}). ${fixFor(verdict.resultCode, meaning)} ${spent()}`);
			}
		}
	}
	try {
		const list = await readListAnswer(response.body, { zipped: true, limits: DEFAULT_ZIP_LIMITS, wire });
		return {
			status: 'OK',
			message: `Connection successful: certificate and user ID/password accepted; ${apiLabel(API)} listed ${list.rows.length} submission(s). ${spent()}`,
		};
	} catch (problem) {
		if (problem instanceof ListShapeError || problem instanceof DecodeError) {
			return error(`The certificate and login were accepted, but the answer of ${apiLabel(API)} cannot be read as a list: ${problem.message}. Check the path of ${API}, and "List Root Elements" / "Row Elements" in Advanced Settings. ${spent()}`);
		}
		return error(`The certificate and login were accepted, but reading the answer failed: ${(problem as Error).message}. ${spent()}`);
	}
}
