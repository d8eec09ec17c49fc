// All HTTP to the NTT Com API gateway goes through here: token (via the credential), error mapping,
// bounded retries of reads on 429/503 honouring Retry-After, and paging. Create and Send are never
// retried here; the only repeat they can see is n8n's single retry after renewing a rejected token.
import type { IDataObject, IExecuteFunctions, IHttpRequestMethods, IPollFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { apiError, excerpt } from '../../shared/execution';
import type { ANPI_PATHS } from '../mapping';
import { API_NAMES_JA, DEFAULT_HOST } from '../mapping';

type AnpiContext = IExecuteFunctions | IPollFunctions;
export type AnpiOperation = keyof typeof ANPI_PATHS;

export const CREDENTIAL_TYPE = 'nttComApi';
export const READ_RETRIES = 3;
const MAX_RETRY_WAIT_MS = 30_000;

export interface AnpiCall {
	operation: AnpiOperation;
	method: IHttpRequestMethods;
	path: string;
	body?: IDataObject;
	qs?: IDataObject;
	/** Reads may be retried on 429/503; writes never are. */
	idempotent: boolean;
	itemIndex: number;
}

interface RawResponse {
	body: unknown;
	headers: Record<string, string | string[] | undefined>;
	statusCode: number;
}

export async function anpiBaseUrl(this: AnpiContext): Promise<string> {
	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	const host = String(credentials.host || DEFAULT_HOST);
	return (host === 'custom' ? String(credentials.customUrl ?? '') : host).replace(/\/+$/, '');
}

function parseBody(body: unknown): { json?: IDataObject; text: string } {
	if (body === undefined || body === null || body === '') return { text: '' };
	if (typeof body === 'object') return { json: body as IDataObject, text: JSON.stringify(body) };
	const text = Buffer.isBuffer(body) ? body.toString('utf8') : String(body);
	try {
		const parsed = JSON.parse(text) as unknown;
		return typeof parsed === 'object' && parsed !== null ? { json: parsed as IDataObject, text } : { text };
	} catch {
		return { text };
	}
}

function retryAfterMs(headers: RawResponse['headers'], attempt: number): number {
	const value = headers['retry-after'];
	const text = Array.isArray(value) ? value[0] : value;
	if (text !== undefined) {
		const seconds = Number(text);
		if (Number.isFinite(seconds)) return Math.min(Math.max(seconds, 0) * 1000, MAX_RETRY_WAIT_MS);
		const date = Date.parse(text);
		if (Number.isFinite(date)) return Math.min(Math.max(date - Date.now(), 0), MAX_RETRY_WAIT_MS);
	}
	return Math.min(1000 * 2 ** attempt, MAX_RETRY_WAIT_MS);
}

/** One API call; returns the JSON answer of a 2xx, or throws a NodeApiError that says what went wrong. */
export async function anpiRequest(this: AnpiContext, call: AnpiCall): Promise<IDataObject> {
	const baseURL = await anpiBaseUrl.call(this);
	const label = `${API_NAMES_JA[call.operation]}`;
	for (let attempt = 0; ; attempt++) {
		let response: RawResponse;
		try {
			response = (await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_TYPE, {
				method: call.method,
				baseURL,
				url: call.path,
				body: call.body,
				qs: call.qs,
				json: true,
				returnFullResponse: true,
				// 401 must throw so that n8n renews the token and retries once; every other status is ours to read
				ignoreHttpStatusErrors: { ignore: true, except: [401] },
			})) as RawResponse;
		} catch (error) {
			throw transportError(this, error, label, call.itemIndex);
		}
		const { json, text } = parseBody(response.body);
		const status = response.statusCode;
		if (status >= 200 && status < 300) {
			if (!json) {
				throw apiError(this, {
					itemIndex: call.itemIndex,
					httpCode: String(status),
					message: `NTT Com API gateway error: ${label} answered HTTP ${status} without a JSON body`,
					description: text ? `The answer began: "${excerpt(text)}"` : 'The answer was empty. Try again later.',
				});
			}
			return json;
		}
		const retryable = call.idempotent && (status === 429 || status === 503) && attempt < READ_RETRIES;
		if (retryable) {
			await sleep(retryAfterMs(response.headers, attempt));
			continue;
		}
		throw answerError(this, status, json, text, label, call.itemIndex);
	}
}

function answerError(ctx: AnpiContext, status: number, json: IDataObject | undefined, text: string, label: string, itemIndex: number) {
	if (json && typeof json.errorCode === 'string') {
		const details = Array.isArray(json.errorDetails) ? (json.errorDetails as unknown[]).map(String) : [];
		return apiError(ctx, {
			itemIndex,
			httpCode: String(status),
			apiCode: json.errorCode,
			message: `${label} failed: ${json.errorCode} ${String(json.errorMessage ?? '')}`.trim(),
			description: details.length ? `Details: ${details.join(' / ')}` : 'The API gave no details.',
		});
	}
	const fault = json?.fault as { faultstring?: string; detail?: { errorcode?: string } } | undefined;
	const busy = status === 429 || status === 503;
	const busyAdvice = busy ? ' The gateway is busy or limiting the rate; reads were retried a few times. Try again later.' : '';
	if (fault) {
		return apiError(ctx, {
			itemIndex,
			httpCode: String(status),
			apiCode: fault.detail?.errorcode,
			message: `NTT Com API gateway error (HTTP ${status}) on ${label}: ${fault.faultstring ?? 'no reason given'}`,
			description: `Gateway code: ${fault.detail?.errorcode ?? 'none'}.${busyAdvice}`,
		});
	}
	return apiError(ctx, {
		itemIndex,
		httpCode: String(status),
		message: `NTT Com API gateway error (HTTP ${status}) on ${label}${text ? '' : ': empty answer'}`,
		description: `${text ? `The answer began: "${excerpt(text)}".` : 'The gateway sent no body.'}${busyAdvice}`,
	});
}

function transportError(ctx: AnpiContext, error: unknown, label: string, itemIndex: number) {
	// Keep only status and reason: the original error carries the request, with the token in its headers.
	const wrapped = error as { message?: string; httpCode?: string | null; cause?: { response?: { status?: number; data?: unknown }; message?: string; code?: string } };
	const response = wrapped.cause?.response;
	if (response?.status === 401) {
		const { json } = parseBody(response.data);
		const fault = (json?.fault as { faultstring?: string } | undefined)?.faultstring;
		return apiError(ctx, {
			itemIndex,
			httpCode: '401',
			message: `NTT Com API gateway error (HTTP 401) on ${label}: ${fault ?? 'access token refused'}`,
			description: 'The token was renewed once and still refused. Check that the Client ID has access to the 安否確認 API and that the API Host is right.',
		});
	}
	const reason = wrapped.cause?.message ?? wrapped.message ?? String(error);
	const credentialProblem = /Client ID|access token from the NTT Com API gateway|without an access token/.test(reason);
	return apiError(ctx, {
		itemIndex,
		message: credentialProblem ? reason : `Could not reach the NTT Com API gateway for ${label} (${reason})`,
		description: credentialProblem
			? 'Open the NTT Com API credential and check Client ID, Client Secret and API Host.'
			: 'Check the API Host and your network or proxy. Nothing was retried.',
	});
}

/**
 * Walks offset/limit pages until `wanted` rows were seen or the API has no more. Each page is handed to
 * `onPage` and then dropped, so memory grows with what the caller keeps, not with the pages.
 */
export async function forEachPage(
	this: AnpiContext,
	request: (offset: number, limit: number) => AnpiCall,
	listKey: string,
	pageMax: number,
	wanted: number,
	onPage: (rows: IDataObject[], answer: IDataObject) => void,
): Promise<void> {
	let offset = 0;
	let seen = 0;
	while (seen < wanted) {
		const limit = Math.min(pageMax, wanted - seen);
		const answer = await anpiRequest.call(this, request(offset, limit));
		const rows = (Array.isArray(answer[listKey]) ? answer[listKey] : []) as IDataObject[];
		const kept = rows.slice(0, wanted - seen);
		onPage(kept, answer);
		seen += kept.length;
		const total = Number(answer.searchTotal);
		const next = Number(answer.nextOffset);
		if (rows.length === 0 || (Number.isFinite(total) && offset + rows.length >= total)) break;
		offset = Number.isFinite(next) && next > offset ? next : offset + rows.length;
	}
}
