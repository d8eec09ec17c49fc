// OCCTO's failures as n8n errors: a refused or unreadable answer, the daily quota, and a call that got no
// answer (told apart by what its socket error proves: certificate, closed, may have registered, unreachable).
import { NodeOperationError } from 'n8n-workflow';

import { DecodeError } from '../../shared/codecs';
import { apiError, excerpt, redact } from '../../shared/execution';
import { looksTimedOut, provesNotSent } from '../../shared/http/noAnswer';
import { ListShapeError } from '../../shared/listShape';
import type { OcctoApiId } from '../mapping';
import { DAILY_CALL_LIMIT, OCCTO_APIS, REGISTER_REFUSAL_CODES, RESULT_CODE_MEANINGS, RESULT_CODES } from '../mapping';
import type { AnswerVerdict } from './answer';
import type { OcctoConnection, OcctoContextFunctions } from './connection';
import { MAY_HAVE_REGISTERED, maybeSubmitted, submits } from './submissionOutcome';
import type { OcctoWireSettings } from './wireSettings';

export function apiLabel(apiId: OcctoApiId): string {
	return `${OCCTO_APIS[apiId].nameJa} (${apiId})`;
}

export function verdictError(ctx: OcctoContextFunctions, apiId: OcctoApiId, verdict: Exclude<AnswerVerdict, { ok: true }>, wire: OcctoWireSettings, itemIndex: number) {
	switch (verdict.kind) {
		case 'http':
			return apiError(ctx, {
				itemIndex,
				httpCode: String(verdict.statusCode),
				message: `OCCTO answered HTTP ${verdict.statusCode} to ${apiLabel(apiId)} instead of an API answer`,
				description: `The server (or a proxy in front of it) said: "${verdict.text || '(empty body)'}". ${
					submits(apiId)
						? `If OCCTO received the plan before this answer, it was processed. ${MAY_HAVE_REGISTERED}`
						: 'This is usually maintenance or a network problem; try again later.'
				} The call still counts against today's quota.`,
			});
		case 'quota':
			return quotaError(ctx, `OCCTO answered ${verdict.resultCode ?? 'without a result code'}: ${verdict.message}`, itemIndex);
		case 'noResultCode':
			return apiError(ctx, {
				itemIndex,
				httpCode: '200',
				message: `OCCTO's answer to ${apiLabel(apiId)} has no "${wire.resultCodeHeader}" header, so it cannot be trusted`,
				description: `Answer begins: "${excerpt(verdict.message)}". ${submits(apiId) ? `${MAY_HAVE_REGISTERED} Then check` : 'Check'} the Base URL and the API paths in the credential; if OCCTO's specification names another header, set "Result Code Header" in the credential's Advanced Settings.`,
			});
		case 'rejected': {
			const meaning = RESULT_CODE_MEANINGS[verdict.resultCode];
			if (submits(apiId) && !REGISTER_REFUSAL_CODES.includes(verdict.resultCode)) {
				// the request reached OCCTO and this code does not say the plan was refused before it was stored
				return apiError(ctx, {
					itemIndex,
					httpCode: '200',
					apiCode: verdict.resultCode,
					message: `OCCTO answered ${apiLabel(apiId)} with result code ${verdict.resultCode} (${verdict.message || meaning || 'a code the node does not know'}): the plan may have been registered`,
					description: `${MAY_HAVE_REGISTERED} Only the codes ${REGISTER_REFUSAL_CODES.join(', ')} (and the quota error) are read as refusals before OCCTO stores a plan (ASSUMPTION 13 in mapping.ts); report this code with the plan's outcome so the node can read it.`,
				});
			}
			return apiError(ctx, {
				itemIndex,
				httpCode: '200',
				apiCode: verdict.resultCode,
				message: `OCCTO rejected ${apiLabel(apiId)} with result code ${verdict.resultCode}: ${verdict.message || meaning || 'no message'}`,
				description: `${fixFor(verdict.resultCode, meaning)} (Success is recognised by the code(s) ${wire.successCodes.join(', ')}; if OCCTO's specification says otherwise, set "Success Codes" in the credential's Advanced Settings.)`,
			});
		}
	}
}

export function decodeFailure(ctx: OcctoContextFunctions, apiId: OcctoApiId, error: unknown, itemIndex: number) {
	if (!(error instanceof DecodeError)) return new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
	return apiError(ctx, {
		itemIndex,
		httpCode: '200',
		message: `Could not decode OCCTO's answer to ${apiLabel(apiId)}: ${error.message}`,
		description:
			error.stage === 'limit'
				? 'The answer is larger than the safety limits. Raise "Max Decompressed Size (MB)" or "Max ZIP Entries" in the node options if this answer is expected.'
				: 'The answer arrived damaged or in an unexpected format. The call counted against the quota; try again later, and report it to OCCTO if it persists.',
	});
}

export function shapeFailure(ctx: OcctoContextFunctions, apiId: OcctoApiId, error: ListShapeError, itemIndex: number) {
	const children = error.firstChildren.length ? error.firstChildren.map((name) => `<${name}>`).join(', ') : 'none';
	return apiError(ctx, {
		itemIndex,
		httpCode: '200',
		message: `OCCTO's answer to ${apiLabel(apiId)} cannot be read as a list: ${error.message}`,
		description: `Root element <${error.root}>, first child elements: ${children}. ${
			error.problem === 'root'
				? 'If this is the list format in OCCTO\'s specification, add the root to "List Root Elements" in the credential\'s Advanced Settings; otherwise check the Base URL and the API path of this API in the credential.'
				: 'Check the API path of this API in the credential (another API may be answering). If OCCTO\'s specification puts the rows under a named element, enter it in "Row Elements" in the credential\'s Advanced Settings.'
		} Nothing was retried.`,
	});
}

/** A success code, then a receipt we cannot read: never "try again", never "wrong path" alone. */
export function unreadableReceipt(ctx: OcctoContextFunctions, apiId: OcctoApiId, resultCode: string, error: unknown, itemIndex: number) {
	let arrived: string;
	let settings: string;
	if (error instanceof ListShapeError) {
		const children = error.firstChildren.length ? error.firstChildren.map((name) => `<${name}>`).join(', ') : 'none';
		arrived = `${error.message} (root element <${error.root}>, first child elements: ${children})`;
		settings = `If this is the receipt layout in OCCTO's specification, enter its root in "List Root Elements" or its row in "Row Elements" in the credential's Advanced Settings; if it is not an OCCTO answer at all, check the Base URL and the path of ${apiId}.`;
	} else if (error instanceof DecodeError) {
		arrived = error.message;
		settings = `If OCCTO's receipt comes in another form, report it with the answer so the node can read it.`;
	} else {
		throw error;
	}
	return maybeSubmitted(
		apiError(ctx, {
			itemIndex,
			httpCode: '200',
			apiCode: resultCode,
			message: `OCCTO answered ${apiLabel(apiId)} with the success code ${resultCode}, but its receipt cannot be read: the plan may have been registered`,
			description: `${MAY_HAVE_REGISTERED} What arrived: ${arrived}. ${settings}`,
		}),
	);
}

export function quotaError(ctx: OcctoContextFunctions, detail: string, itemIndex: number) {
	return apiError(ctx, {
		itemIndex,
		apiCode: RESULT_CODES.quotaExceeded,
		message: `OCCTO daily API call limit (${DAILY_CALL_LIMIT}) exceeded`,
		description: `${detail}. OCCTO allows ${DAILY_CALL_LIMIT} calls per user per day across all APIs; the count resets at 00:00 Japan time. Nothing was retried.`,
	});
}

export function fixFor(code: string, meaning: string | undefined): string {
	const fixes: Record<string, string> = {
		[RESULT_CODES.authError]: 'Check "User ID" and "Password" in the OCCTO WebAPI credential.',
		[RESULT_CODES.certificateUserMismatch]:
			'The client certificate belongs to a different user: use the certificate OCCTO issued for this user ID.',
		[RESULT_CODES.parameterError]: 'Check the node parameters named in the message.',
		[RESULT_CODES.notFound]: 'Check the plan division and receipt number (take them from a Get Many list).',
		[RESULT_CODES.xmlValidationError]: 'Fix the outage-plan XML as the message says and register it again.',
		[RESULT_CODES.systemError]: 'A problem on OCCTO\'s side: try again later.',
	};
	return [meaning, fixes[code] ?? 'See OCCTO\'s WebAPI specification for this result code.'].filter(Boolean).join('. ');
}

const TLS_SETUP_CODES = /CERT|SSL|TLS|ALERT|EPROTO|SELF_SIGNED|UNABLE_TO|HOSTNAME|ERR_OSSL/i;
/**
 * TLS failures that can only happen before any request data is processed: the server's certificate not
 * verified, or the server refusing ours (it rejects the client certificate before reading the request, TLS 1.3
 * included), or no common protocol.
 */
const HANDSHAKE_FAILURE =
	/UNABLE_TO|SELF_SIGNED|HOSTNAME|CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|ERR_TLS_CERT|unable to verify|self.signed|alert (number )?(40|42|43|44|45|46|48|70|116)\b|(bad|unsupported|unknown|revoked|expired) certificate|certificate (required|revoked|expired|unknown)|unknown ca|handshake failure|wrong version number|no (shared )?cipher|protocol version|NO_PROTOCOLS|ALERT_(BAD_CERTIFICATE|CERTIFICATE|UNKNOWN_CA|HANDSHAKE_FAILURE|PROTOCOL_VERSION)/i;

/** How a request failed before any answer. Pure, so the credential test tells failures apart the same way. */
export interface NetworkFailure {
	kind: 'serverCertificate' | 'clientCertificateRefused' | 'closed' | 'maybeRegistered' | 'unreachable';
	detail: string;
}

export function classifyNetworkFailure(error: unknown, apiId: OcctoApiId, secrets: string[]): NetworkFailure {
	// Only the code and message are kept: the original error carries the request (password, key) with it.
	const cause = (error as { cause?: { code?: string; message?: string } }).cause;
	const code = String((error as { code?: string }).code ?? cause?.code ?? '');
	const rawMessage = redact(String(cause?.message ?? (error as Error).message ?? error), secrets);
	// a TLS error on a register that does not prove the handshake failed may come after the plan was written
	const tlsAfterSending = apiId === 'BA13B101' && !HANDSHAKE_FAILURE.test(`${code} ${rawMessage}`);
	if ((TLS_SETUP_CODES.test(code) || TLS_SETUP_CODES.test(rawMessage)) && !tlsAfterSending) {
		const serverSide = /UNABLE_TO|SELF_SIGNED|HOSTNAME|CERT_HAS_EXPIRED|unable to verify|self.signed/i.test(`${code} ${rawMessage}`);
		return { kind: serverSide ? 'serverCertificate' : 'clientCertificateRefused', detail: rawMessage };
	}
	const maybeSent = apiId === 'BA13B101' && !provesNotSent(code);
	// Under TLS 1.3 a server that refuses the client certificate just closes the connection after the handshake.
	if (!maybeSent && (code === 'ECONNRESET' || /socket hang up/i.test(rawMessage))) return { kind: 'closed', detail: rawMessage };
	const timedOut = looksTimedOut(error, code, rawMessage);
	return { kind: maybeSent ? 'maybeRegistered' : 'unreachable', detail: timedOut ? 'timeout' : rawMessage };
}

export const NETWORK_FAILURE_FIX: Record<NetworkFailure['kind'], string> = {
	serverCertificate: 'Add the server\'s CA certificate to "CA Certificate(s) of the Server" in the credential, or check the Base URL.',
	clientCertificateRefused:
		'Check that the credential holds the client certificate OCCTO issued to you, that it has not expired or been revoked, and that it matches the User ID.',
	closed:
		'If this happens on every call, the server is most likely not accepting the client certificate (TLS 1.3 servers close the connection without giving a reason): check that the credential holds the certificate OCCTO issued for this user ID and that it has not expired or been revoked. Otherwise it is a network problem; nothing was retried.',
	maybeRegistered:
		'Do NOT resubmit yet. Run Submission → Get Many (作業停止計画受付ファイル一覧取得, BA13B006) and check whether the plan is listed before registering it again. Nothing was retried automatically.',
	unreachable: 'Check the Base URL, your network and proxy settings. Nothing was retried automatically, and the attempt may still count against today\'s quota.',
};

export function networkFailureMessage(failure: NetworkFailure, apiId: OcctoApiId): string {
	switch (failure.kind) {
		case 'serverCertificate':
			return `Could not verify OCCTO's server certificate (${failure.detail})`;
		case 'clientCertificateRefused':
			return `The TLS handshake with OCCTO failed: the server did not accept the client certificate (${failure.detail})`;
		case 'closed':
			return `OCCTO closed the connection to ${apiLabel(apiId)} without an answer (${failure.detail})`;
		case 'maybeRegistered':
			return `The connection to OCCTO failed after the outage plan was sent (${failure.detail}): the plan may have been registered`;
		case 'unreachable':
			return `Could not reach OCCTO for ${apiLabel(apiId)} (${failure.detail})`;
	}
}

export function networkError(
	ctx: OcctoContextFunctions,
	apiId: OcctoApiId,
	error: unknown,
	connection: OcctoConnection,
	itemIndex: number,
) {
	if (error instanceof NodeOperationError) return error; // e.g. certificate problems found by the credential
	const failure = classifyNetworkFailure(error, apiId, connection.secrets);
	const nodeError = apiError(ctx, { itemIndex, message: networkFailureMessage(failure, apiId), description: NETWORK_FAILURE_FIX[failure.kind] });
	return failure.kind === 'maybeRegistered' ? maybeSubmitted(nodeError) : nodeError;
}
