// All HTTP to OCCTO goes through here: quota guard, mutual TLS (added by the credential), result-code
// check, Base64 → ZIP → XML decoding and error mapping. Nothing here retries: every call is rationed,
// and a repeated register could submit a plan twice.
import type { IDataObject, IExecuteFunctions, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { XmlObject, ZipLimits } from '../../shared/codecs';
import { DecodeError, decodeXmlBytes } from '../../shared/codecs';
import { CallTimedOut, withinMs } from '../../shared/deadline';
import { apiError, excerpt, redact } from '../../shared/execution';
import { ListShapeError } from '../../shared/listShape';
import { requestWithTlsOptions, tlsRoute } from '../../shared/n8nLine';
import { decodeBase64ZipXml } from '../../shared/zipXmlStream';
import type { OcctoApiId } from '../mapping';
import {
	DAILY_CALL_LIMIT,
	DEFAULT_BASE_URL,
	ERROR_BODY_DEFAULT_CHARSET,
	OCCTO_APIS,
	QUOTA_EXCEEDED_TEXT,
	RESULT_CODE_MEANINGS,
	RESULT_CODES,
} from '../mapping';
import { credentialSecrets } from './authenticate';
import type { CertificateValidity, ClientCertificateInfo } from './clientCertificate';
import { CertificateSetupError, readClientCertificate, unusableCertificate } from './clientCertificate';
import type { ListAnswer } from './listAnswer';
import { readListAnswer } from './listAnswer';
import type { CallLedger, ItemQuota, SharedState } from './callLedger';
import { LedgerUnavailableError, openCallLedger, quotaOfReading } from './callLedger';
import type { OcctoRequestFields } from './requestBody';
import { MAY_HAVE_REGISTERED, maybeSubmitted, submits } from './submissionOutcome';
import type { OcctoWireSettings } from './wireSettings';
import { WireSettingError, readWireSettings } from './wireSettings';

type OcctoContextFunctions = IExecuteFunctions | IPollFunctions;

export const CREDENTIAL_TYPE = 'occtoWebApi';
export const CERTIFICATE_WARNING_DAYS = 30;

export interface OcctoCallOptions {
	limits: ZipLimits;
	/** Refuse the call when this many calls were already made today (per user ID). */
	stopBefore: number;
	timeoutMs: number;
}

export interface OcctoConnection {
	userId: string;
	baseUrl: string;
	paths: Record<OcctoApiId, string>;
	certificate: ClientCertificateInfo;
	certificateValidity: CertificateValidity;
	/** Strings that must never be shown, for scrubbing server texts that echo input. */
	secrets: string[];
	/** Wire assumptions, from the credential's Advanced Settings or mapping.ts. */
	wire: OcctoWireSettings;
	/** Where today's calls are counted (the credential's "Ledger" setting). */
	ledger: CallLedger;
	/** Small shared values in the same store (activity markers for adaptive polling). */
	state: SharedState;
}

const SOCKET_CODE_WORDS: Record<string, string> = {
	ECONNREFUSED: 'connection refused',
	ECONNRESET: 'connection reset',
	ETIMEDOUT: 'timed out',
	ENOTFOUND: 'host not found',
	EHOSTUNREACH: 'host unreachable',
	EAI_AGAIN: 'name lookup failed',
	EACCES: 'permission denied',
	ENOENT: 'no such file or folder',
};

const connections = new WeakMap<object, Promise<OcctoConnection>>();

/** Reads the credential once per node run: user ID, URLs and the certificate's identity and expiry. */
export async function getOcctoConnection(this: OcctoContextFunctions): Promise<OcctoConnection> {
	let connection = connections.get(this);
	if (!connection) {
		connection = loadConnection.call(this);
		connections.set(this, connection);
	}
	return await connection;
}

async function loadConnection(this: OcctoContextFunctions): Promise<OcctoConnection> {
	const credential = await this.getCredentials(CREDENTIAL_TYPE);
	const userId = String(credential.userId ?? '').trim();
	if (!userId) {
		throw new NodeOperationError(this.getNode(), 'The OCCTO WebAPI credential has no User ID', {
			description: 'Open the credential and fill in "User ID".',
		});
	}
	let certificate: ClientCertificateInfo;
	let certificateValidity: CertificateValidity;
	try {
		({ info: certificate, validity: certificateValidity } = readClientCertificate(credential));
	} catch (error) {
		if (error instanceof CertificateSetupError) {
			throw new NodeOperationError(this.getNode(), error.message, { description: error.fix });
		}
		throw new NodeOperationError(this.getNode(), error as Error);
	}
	let wire: OcctoWireSettings;
	try {
		wire = readWireSettings(credential);
	} catch (error) {
		if (error instanceof WireSettingError) {
			throw new NodeOperationError(this.getNode(), `OCCTO WebAPI credential, Advanced Settings: ${error.message}`, { description: error.fix });
		}
		throw new NodeOperationError(this.getNode(), error as Error);
	}
	let ledger: CallLedger;
	let state: SharedState;
	try {
		({ ledger, state } = await openCallLedger(credential));
	} catch (error) {
		if (error instanceof LedgerUnavailableError) {
			// socket codes in words: n8n replaces any message naming one with a generic text that drops where and why
			const message = error.message.replace(/\bE[A-Z_]{4,}\b/g, (code) => SOCKET_CODE_WORDS[code] ?? 'network error');
			throw new NodeOperationError(this.getNode(), message, { description: error.description });
		}
		throw new NodeOperationError(this.getNode(), error as Error);
	}
	const paths = {} as Record<OcctoApiId, string>;
	for (const api of Object.values(OCCTO_APIS)) {
		const override = credential.overridePaths === true ? String(credential[`path${api.id}`] ?? '').trim() : '';
		paths[api.id] = override || api.defaultPath;
	}
	const secrets = credentialSecrets(credential);
	return {
		userId,
		baseUrl: String(credential.baseUrl || DEFAULT_BASE_URL).replace(/\/+$/, ''),
		paths,
		certificate,
		certificateValidity,
		secrets,
		wire,
		ledger,
		state,
	};
}

/** Adds a node hint when the client certificate is close to expiry (or expired). */
export function certificateHints(certificate: ClientCertificateInfo) {
	if (certificate.daysLeft >= CERTIFICATE_WARNING_DAYS) return [];
	const message =
		certificate.daysLeft < 0
			? `The OCCTO client certificate (${certificate.subject}) expired on ${certificate.expiresAt}. OCCTO will refuse every call until it is renewed.`
			: `The OCCTO client certificate (${certificate.subject}) expires in ${certificate.daysLeft} days (${certificate.expiresAt}). Renew it with OCCTO and update the credential before then.`;
	return [{ message, type: 'warning' as const, location: 'outputPane' as const }];
}

export interface RawResponse {
	body: Buffer;
	headers: Record<string, string | string[] | undefined>;
	statusCode: number;
}

/** Header lookup ignoring case (OCCTO-like servers differ: resultcode, ResultCode). */
function header(response: RawResponse, name: string): string | undefined {
	const wanted = name.toLowerCase();
	for (const key in response.headers) {
		if (key.toLowerCase() !== wanted) continue;
		const value = response.headers[key];
		return Array.isArray(value) ? value[0] : value;
	}
	return undefined;
}

export function apiLabel(apiId: OcctoApiId): string {
	return `${OCCTO_APIS[apiId].nameJa} (${apiId})`;
}

/** What an answer means before its body is read. Pure, so the credential test judges answers the same way. */
export type AnswerVerdict =
	| { ok: true; resultCode: string }
	| { ok: false; kind: 'http'; statusCode: number; text: string }
	| { ok: false; kind: 'quota'; resultCode: string | undefined; message: string }
	| { ok: false; kind: 'noResultCode'; message: string }
	| { ok: false; kind: 'rejected'; resultCode: string; message: string };

export function judgeAnswer(response: RawResponse, wire: OcctoWireSettings, secrets: string[]): AnswerVerdict {
	const body = Buffer.isBuffer(response.body) ? response.body : Buffer.from(response.body ?? '');
	if (response.statusCode !== 200) {
		return { ok: false, kind: 'http', statusCode: response.statusCode, text: redact(excerpt(decodeText(body, header(response, 'content-type'))), secrets) };
	}
	const resultCode = header(response, wire.resultCodeHeader)?.trim();
	if (resultCode !== undefined && wire.successCodes.includes(resultCode)) return { ok: true, resultCode };
	const message = redact(resultMessage(response, body, wire), secrets);
	if ((resultCode !== undefined && wire.quotaExceededCodes.includes(resultCode)) || message.includes(QUOTA_EXCEEDED_TEXT)) {
		return { ok: false, kind: 'quota', resultCode, message };
	}
	if (resultCode === undefined) return { ok: false, kind: 'noResultCode', message };
	return { ok: false, kind: 'rejected', resultCode, message };
}

/** What needs mutual TLS, in the error of an n8n that cannot send it (nodes/shared/n8nLine.ts). */
const TLS_PURPOSE = "OCCTO's TLS client certificate";

/** Sends one request through n8n with the credential's mutual TLS and login fields, on the helper that keeps TLS options on this n8n. */
async function send(this: OcctoContextFunctions, connection: OcctoConnection, apiId: OcctoApiId, fields: OcctoRequestFields, timeoutMs: number, abortSignal?: AbortSignal) {
	return (await requestWithTlsOptions.call(
		this,
		CREDENTIAL_TYPE,
		{
			method: 'POST',
			baseURL: connection.baseUrl,
			url: connection.paths[apiId],
			body: fields as unknown as IDataObject,
			encoding: 'arraybuffer',
			disableFollowRedirect: true,
			timeout: timeoutMs,
			abortSignal, // withinMs aborts the request (closes its socket) when Timeout runs out
		},
		TLS_PURPOSE,
	)) as RawResponse;
}

interface Exchange {
	connection: OcctoConnection;
	resultCode: string;
	body: Buffer;
	quota: () => Promise<ItemQuota>;
}

/** Quota guard → one call → HTTP status and result code checked. Throws NodeOperationError before sending when the guard stops it. */
async function exchange(
	this: OcctoContextFunctions,
	apiId: OcctoApiId,
	fields: OcctoRequestFields,
	options: OcctoCallOptions,
	itemIndex: number,
): Promise<Exchange> {
	const connection = await getOcctoConnection.call(this);
	tlsRoute(this, TLS_PURPOSE); // an n8n that cannot send the certificate says so before a call is counted
	const unusable = unusableCertificate(connection.certificate, connection.certificateValidity);
	if (unusable) throw new NodeOperationError(this.getNode(), unusable.message, { itemIndex, description: unusable.fix });
	await reserveCall(this, connection, options.stopBefore, itemIndex);

	let response: RawResponse;
	try {
		// the whole call within Timeout: the helper's own timeout covers only silence, not a slow drip
		response = await withinMs(async (signal) => await send.call(this, connection, apiId, fields, options.timeoutMs, signal), options.timeoutMs);
	} catch (error) {
		throw networkError(this, apiId, error, connection, itemIndex);
	}
	const verdict = judgeAnswer(response, connection.wire, connection.secrets);
	if (!verdict.ok) {
		if (verdict.kind === 'quota') await connection.ledger.markExhausted(connection.userId);
		const error = verdictError(this, apiId, verdict, connection.wire, itemIndex);
		// OCCTO refused it with a code: nothing was registered; any other failure after sending may hide a success
		throw submits(apiId) && verdict.kind !== 'rejected' && verdict.kind !== 'quota' ? maybeSubmitted(error) : error;
	}
	const body = Buffer.isBuffer(response.body) ? response.body : Buffer.from(response.body ?? '');
	return { connection, resultCode: verdict.resultCode, body, quota: async () => quotaOfReading(await connection.ledger.read(connection.userId)) };
}

/**
 * Counts the call before it is made (OCCTO counts every call, failed ones included), atomically in the
 * shared ledger: two workers racing for the last call before "Stop Before Call Count" cannot both pass.
 */
async function reserveCall(ctx: OcctoContextFunctions, connection: OcctoConnection, stopBefore: number, itemIndex: number): Promise<void> {
	const { allowed, reading, refusedBy } = await connection.ledger.reserve(connection.userId, Math.min(stopBefore, DAILY_CALL_LIMIT));
	if (allowed) return;
	if (refusedBy === 'dailyLimit') throw quotaError(ctx, `${reading.used} calls already made today (counted in the ${reading.store} ledger)`, itemIndex);
	throw new NodeOperationError(
		ctx.getNode(),
		`Stopped before calling OCCTO: ${reading.used} of ${DAILY_CALL_LIMIT} daily calls are used for user ${connection.userId} (your "Stop Before Call Count" is ${stopBefore})`,
		{
			itemIndex,
			description: `Counted in the ${reading.store} ledger. The count resets at ${reading.resetsAt} (00:00 Japan time). Raise "Stop Before Call Count" in the node options only if the remaining calls are not needed elsewhere.`,
		},
	);
}

function verdictError(ctx: OcctoContextFunctions, apiId: OcctoApiId, verdict: Exclude<AnswerVerdict, { ok: true }>, wire: OcctoWireSettings, itemIndex: number) {
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

function decodeFailure(ctx: OcctoContextFunctions, apiId: OcctoApiId, error: unknown, itemIndex: number) {
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

export interface OcctoListAnswer extends ListAnswer {
	resultCode: string;
	quota: ItemQuota;
}

/** A list API (or the register receipt): one row per repeated element, found by shape. */
export async function callOcctoList(
	this: OcctoContextFunctions,
	apiId: OcctoApiId,
	fields: OcctoRequestFields,
	options: OcctoCallOptions,
	itemIndex = 0,
	keepOriginal = false,
): Promise<OcctoListAnswer> {
	const { connection, resultCode, body, quota } = await exchange.call(this, apiId, fields, options, itemIndex);
	const zipped = OCCTO_APIS[apiId].answersZip || !body.subarray(0, 64).toString('latin1').trimStart().startsWith('<');
	try {
		const answer = await readListAnswer(body, { zipped, limits: options.limits, keepOriginal, wire: connection.wire });
		return { ...answer, resultCode, quota: await quota() };
	} catch (error) {
		if (submits(apiId)) throw unreadableReceipt(this, apiId, resultCode, error, itemIndex);
		if (error instanceof ListShapeError) throw shapeFailure(this, apiId, error, itemIndex);
		throw decodeFailure(this, apiId, error, itemIndex);
	}
}

/** A success code, then a receipt we cannot read: never "try again", never "wrong path" alone. */
function unreadableReceipt(ctx: OcctoContextFunctions, apiId: OcctoApiId, resultCode: string, error: unknown, itemIndex: number) {
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

export interface OcctoDocumentAnswer {
	resultCode: string;
	document: XmlObject;
	xmlBytes: Buffer;
	zipBytes: Buffer;
	fileName: string;
	quota: ItemQuota;
}

/** A single document (作業停止計画取得, BA13B102): the plan's whole tree. */
export async function callOcctoDocument(
	this: OcctoContextFunctions,
	apiId: OcctoApiId,
	fields: OcctoRequestFields,
	options: OcctoCallOptions,
	itemIndex = 0,
): Promise<OcctoDocumentAnswer> {
	const { resultCode, body, quota } = await exchange.call(this, apiId, fields, options, itemIndex);
	try {
		const decoded = await decodeBase64ZipXml(body.toString('latin1'), options.limits);
		return { resultCode, document: decoded.document, xmlBytes: decoded.xmlBytes, zipBytes: decoded.zipBytes, fileName: decoded.fileName, quota: await quota() };
	} catch (error) {
		throw decodeFailure(this, apiId, error, itemIndex);
	}
}

function quotaError(ctx: OcctoContextFunctions, detail: string, itemIndex: number) {
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

function charsetOf(contentType: string | undefined): string | undefined {
	return /charset=([^;]+)/i.exec(contentType ?? '')?.[1]?.trim().replace(/"/g, '');
}

function decodeText(body: Buffer, contentType: string | undefined): string {
	const charset = (charsetOf(contentType) ?? '').toLowerCase();
	if (charset === 'utf-8' || charset === 'utf8' || charset === 'us-ascii') return body.toString('utf8');
	if (body.subarray(0, 200).toString('latin1').includes('<?xml')) return decodeXmlBytes(body);
	try {
		return new TextDecoder('utf-8', { fatal: true }).decode(body);
	} catch {
		return decodeXmlBytes(Buffer.concat([Buffer.from(`<?xml version="1.0" encoding="${ERROR_BODY_DEFAULT_CHARSET}"?>`), body])).replace(
			/^<\?xml[^>]*\?>/,
			'',
		);
	}
}

function resultMessage(response: RawResponse, body: Buffer, wire: OcctoWireSettings): string {
	const fromHeader = header(response, wire.resultMessageHeader);
	if (fromHeader) {
		try {
			return decodeURIComponent(fromHeader);
		} catch {
			return fromHeader;
		}
	}
	return excerpt(decodeText(body, header(response, 'content-type')), 500);
}

const TLS_SETUP_CODES = /CERT|SSL|TLS|ALERT|EPROTO|SELF_SIGNED|UNABLE_TO|HOSTNAME|ERR_OSSL/i;
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

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
	if (TLS_SETUP_CODES.test(code) || TLS_SETUP_CODES.test(rawMessage)) {
		const serverSide = /UNABLE_TO|SELF_SIGNED|HOSTNAME|CERT_HAS_EXPIRED|unable to verify|self.signed/i.test(`${code} ${rawMessage}`);
		return { kind: serverSide ? 'serverCertificate' : 'clientCertificateRefused', detail: rawMessage };
	}
	const maybeSent = apiId === 'BA13B101' && !NOT_SENT_CODES.has(code);
	// Under TLS 1.3 a server that refuses the client certificate just closes the connection after the handshake.
	if (!maybeSent && (code === 'ECONNRESET' || /socket hang up/i.test(rawMessage))) return { kind: 'closed', detail: rawMessage };
	const timedOut = error instanceof CallTimedOut || /timeout|ETIMEDOUT|ECONNABORTED/i.test(`${code} ${rawMessage}`);
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

function networkError(
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
