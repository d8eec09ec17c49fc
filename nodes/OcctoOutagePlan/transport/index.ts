// All HTTP to OCCTO goes through here: quota guard, mutual TLS (added by the credential), result-code
// check, Base64 → ZIP → XML decoding and error mapping. Nothing here retries: every call is rationed,
// and a repeated register could submit a plan twice.
import type { IDataObject, IExecuteFunctions, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { XmlObject, ZipLimits } from '../../shared/codecs';
import { DecodeError, decodeBase64ZipXml, decodeXmlBytes, parseXml } from '../../shared/codecs';
import { apiError, excerpt, redact } from '../../shared/execution';
import type { OcctoApiId } from '../mapping';
import {
	DAILY_CALL_LIMIT,
	DEFAULT_BASE_URL,
	ERROR_BODY_DEFAULT_CHARSET,
	OCCTO_APIS,
	QUOTA_EXCEEDED_TEXT,
	RESULT_CODE_HEADER,
	RESULT_CODE_MEANINGS,
	RESULT_CODES,
	RESULT_MESSAGE_HEADER,
} from '../mapping';
import type { ClientCertificateInfo } from './clientCertificate';
import { CertificateSetupError, readClientCertificate } from './clientCertificate';
import type { QuotaSnapshot } from './quota';
import { occtoQuota } from './quota';
import type { OcctoRequestFields } from './requestBody';

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
	/** Strings that must never be shown, for scrubbing server texts that echo input. */
	secrets: string[];
}

export interface OcctoAnswer {
	resultCode: string;
	/** Parsed XML (ZIP answers are unpacked first). */
	document: XmlObject;
	xml: string;
	xmlBytes: Buffer;
	/** The ZIP as received, for ZIP answers. */
	zipBytes?: Buffer;
	fileName?: string;
	quota: QuotaSnapshot;
}

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
	try {
		certificate = readClientCertificate(credential).info;
	} catch (error) {
		if (error instanceof CertificateSetupError) {
			throw new NodeOperationError(this.getNode(), error.message, { description: error.fix });
		}
		throw new NodeOperationError(this.getNode(), error as Error);
	}
	const paths = {} as Record<OcctoApiId, string>;
	for (const api of Object.values(OCCTO_APIS)) {
		const override = credential.overridePaths === true ? String(credential[`path${api.id}`] ?? '').trim() : '';
		paths[api.id] = override || api.defaultPath;
	}
	const secrets = ['password', 'pfxPassphrase', 'privateKeyPassphrase', 'pfxBase64', 'privateKeyPem']
		.map((key) => String(credential[key] ?? ''))
		.filter((value) => value.length >= 3);
	return {
		userId,
		baseUrl: String(credential.baseUrl || DEFAULT_BASE_URL).replace(/\/+$/, ''),
		paths,
		certificate,
		secrets,
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

interface RawResponse {
	body: Buffer;
	headers: Record<string, string | string[] | undefined>;
	statusCode: number;
}

function header(response: RawResponse, name: string): string | undefined {
	const value = response.headers[name] ?? response.headers[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}

function apiLabel(apiId: OcctoApiId): string {
	return `${OCCTO_APIS[apiId].nameJa} (${apiId})`;
}

/** One OCCTO call. Throws NodeOperationError before sending when the quota guard stops it. */
export async function callOcctoApi(
	this: OcctoContextFunctions,
	apiId: OcctoApiId,
	fields: OcctoRequestFields,
	options: OcctoCallOptions,
	itemIndex = 0,
): Promise<OcctoAnswer> {
	const connection = await getOcctoConnection.call(this);
	const used = occtoQuota.used(connection.userId);
	if (used >= DAILY_CALL_LIMIT) {
		throw quotaError(this, `${used} calls already made today`, itemIndex);
	}
	if (used >= options.stopBefore) {
		throw new NodeOperationError(
			this.getNode(),
			`Stopped before calling OCCTO: ${used} of ${DAILY_CALL_LIMIT} daily calls are used for user ${connection.userId} (your "Stop Before Call Count" is ${options.stopBefore})`,
			{
				itemIndex,
				description: `The count resets at ${occtoQuota.snapshot(connection.userId).resetsAt} (00:00 Japan time). Raise "Stop Before Call Count" in the node options only if the remaining calls are not needed elsewhere.`,
			},
		);
	}
	occtoQuota.record(connection.userId); // OCCTO counts every call, failed ones included

	let response: RawResponse;
	try {
		response = (await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_TYPE, {
			method: 'POST',
			baseURL: connection.baseUrl,
			url: connection.paths[apiId],
			body: fields as unknown as IDataObject,
			encoding: 'arraybuffer',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
			timeout: options.timeoutMs,
		})) as RawResponse;
	} catch (error) {
		throw networkError(this, apiId, error, connection, itemIndex);
	}
	const body = Buffer.isBuffer(response.body) ? response.body : Buffer.from(response.body ?? '');
	const quota = () => occtoQuota.snapshot(connection.userId);

	if (response.statusCode !== 200) {
		const text = redact(excerpt(decodeText(body, header(response, 'content-type'))), connection.secrets);
		throw apiError(this, {
			itemIndex,
			httpCode: String(response.statusCode),
			message: `OCCTO answered HTTP ${response.statusCode} to ${apiLabel(apiId)} instead of an API answer`,
			description: `The server (or a proxy in front of it) said: "${text || '(empty body)'}". This is usually maintenance or a network problem; try again later. The call still counts against today's quota.`,
		});
	}

	const resultCode = header(response, RESULT_CODE_HEADER)?.trim();
	if (resultCode !== RESULT_CODES.ok) {
		const message = redact(resultMessage(response, body), connection.secrets);
		if (resultCode === RESULT_CODES.quotaExceeded || message.includes(QUOTA_EXCEEDED_TEXT)) {
			occtoQuota.markExhausted(connection.userId);
			throw quotaError(this, `OCCTO answered ${resultCode ?? 'without a result code'}: ${message}`, itemIndex);
		}
		if (resultCode === undefined) {
			throw apiError(this, {
				itemIndex,
				httpCode: '200',
				message: `OCCTO's answer to ${apiLabel(apiId)} has no "${RESULT_CODE_HEADER}" header, so it cannot be trusted`,
				description: `Answer begins: "${excerpt(message)}". Check the Base URL and the API paths in the credential.`,
			});
		}
		const meaning = RESULT_CODE_MEANINGS[resultCode];
		throw apiError(this, {
			itemIndex,
			httpCode: '200',
			apiCode: resultCode,
			message: `OCCTO rejected ${apiLabel(apiId)} with result code ${resultCode}: ${message || meaning || 'no message'}`,
			description: fixFor(resultCode, meaning),
		});
	}

	try {
		if (!OCCTO_APIS[apiId].answersZip && body.subarray(0, 64).toString('latin1').trimStart().startsWith('<')) {
			const xml = decodeXmlBytes(body);
			return { resultCode, document: parseXml(xml), xml, xmlBytes: body, quota: quota() };
		}
		const decoded = await decodeBase64ZipXml(body.toString('latin1'), options.limits);
		return {
			resultCode,
			document: decoded.document,
			xml: decoded.xml,
			xmlBytes: decoded.xmlBytes,
			zipBytes: decoded.zipBytes,
			fileName: decoded.fileName,
			quota: quota(),
		};
	} catch (error) {
		if (!(error instanceof DecodeError)) throw new NodeOperationError(this.getNode(), error as Error, { itemIndex });
		throw apiError(this, {
			itemIndex,
			httpCode: '200',
			message: `Could not decode OCCTO's answer to ${apiLabel(apiId)}: ${error.message}`,
			description:
				error.stage === 'limit'
					? 'The answer is larger than the safety limits. Raise "Max Decompressed Size (MB)" or "Max ZIP Entries" in the node options if this answer is expected.'
					: 'The answer arrived damaged or in an unexpected format. The call counted against the quota; try again later, and report it to OCCTO if it persists.',
		});
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

function fixFor(code: string, meaning: string | undefined): string {
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

function resultMessage(response: RawResponse, body: Buffer): string {
	const fromHeader = header(response, RESULT_MESSAGE_HEADER);
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

function networkError(
	ctx: OcctoContextFunctions,
	apiId: OcctoApiId,
	error: unknown,
	connection: OcctoConnection,
	itemIndex: number,
) {
	if (error instanceof NodeOperationError) return error; // e.g. certificate problems found by the credential
	// Only the code and message are kept: the original error carries the request (password, key) with it.
	const cause = (error as { cause?: { code?: string; message?: string } }).cause;
	const code = String((error as { code?: string }).code ?? cause?.code ?? '');
	const rawMessage = redact(String(cause?.message ?? (error as Error).message ?? error), connection.secrets);
	if (TLS_SETUP_CODES.test(code) || TLS_SETUP_CODES.test(rawMessage)) {
		const serverSide = /UNABLE_TO|SELF_SIGNED|HOSTNAME|CERT_HAS_EXPIRED|unable to verify|self.signed/i.test(`${code} ${rawMessage}`);
		return apiError(ctx, {
			itemIndex,
			message: serverSide
				? `Could not verify OCCTO's server certificate (${rawMessage})`
				: `The TLS handshake with OCCTO failed: the server did not accept the client certificate (${rawMessage})`,
			description: serverSide
				? 'Add the server\'s CA certificate to "CA Certificate(s) of the Server" in the credential, or check the Base URL.'
				: 'Check that the credential holds the client certificate OCCTO issued to you, that it has not expired or been revoked, and that it matches the User ID.',
		});
	}
	const maybeSent = apiId === 'BA13B101' && !NOT_SENT_CODES.has(code);
	// Under TLS 1.3 a server that refuses the client certificate just closes the connection after the handshake.
	if (!maybeSent && (code === 'ECONNRESET' || /socket hang up/i.test(rawMessage))) {
		return apiError(ctx, {
			itemIndex,
			message: `OCCTO closed the connection to ${apiLabel(apiId)} without an answer (${rawMessage})`,
			description:
				'If this happens on every call, the server is most likely not accepting the client certificate (TLS 1.3 servers close the connection without giving a reason): check that the credential holds the certificate OCCTO issued for this user ID and that it has not expired or been revoked. Otherwise it is a network problem; nothing was retried.',
		});
	}
	const timedOut = /timeout|ETIMEDOUT|ECONNABORTED/i.test(`${code} ${rawMessage}`);
	return apiError(ctx, {
		itemIndex,
		message: maybeSent
			? `The connection to OCCTO failed after the outage plan was sent (${timedOut ? 'timeout' : rawMessage}): the plan may have been registered`
			: `Could not reach OCCTO for ${apiLabel(apiId)} (${timedOut ? 'timeout' : rawMessage})`,
		description: maybeSent
			? 'Do NOT resubmit yet. Run Submission → Get Many (作業停止計画受付ファイル一覧取得, BA13B006) and check whether the plan is listed before registering it again. Nothing was retried automatically.'
			: 'Check the Base URL, your network and proxy settings. Nothing was retried automatically, and the attempt may still count against today\'s quota.',
	});
}
