// All HTTP to the NTT Com API gateway goes through here: token (via the credential), error mapping,
// bounded waits (a timeout per call, a deadline per run), bounded retries of reads on 429/503, timeouts and
// reset connections with back-off and jitter, and paging. Create, Send and Complete are never retried here;
// the only repeat they can see is n8n's single retry after renewing a rejected token.
import type { IDataObject, IExecuteFunctions, IHttpRequestMethods, IPollFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { CallTimedOut, withinMs } from '../../shared/deadline';
import { apiError, excerpt } from '../../shared/execution';
import { RefusedAfterRenewal, causeOf, requestRenewingOn401 } from '../../shared/n8nLine';
import type { ANPI_PATHS } from '../mapping';
import { API_NAMES_JA, DEFAULT_HOST } from '../mapping';
import type { CallLimits } from './limits';
import { formatMinutes, remainingMs } from './limits';

type AnpiContext = IExecuteFunctions | IPollFunctions;
export type AnpiOperation = keyof typeof ANPI_PATHS;

export const CREDENTIAL_TYPE = 'nttComApi';
/** The credential's expirable field: the access token its preAuthentication fetches (emptied to renew it). */
const TOKEN_FIELD = 'accessToken';
/** Retries of a read after the first attempt (429/503, timeouts and reset connections together). */
export const READ_RETRIES = 3;
const MAX_RETRY_WAIT_MS = 30_000;
/** What to do after a Create, Send or Complete that may have been carried out without us knowing. */
const CHECK_BEFORE_REPEATING = 'check Get Many / Get Status before repeating it';
const BACKOFF_BASE_MS = 1000;

/** The operation as the node panel names it, next to the API's Japanese name in every error. */
const OPERATION_NAMES: Record<AnpiOperation, string> = {
	create: 'Create',
	list: 'Get Many',
	status: 'Get Status',
	send: 'Send',
	complete: 'Complete',
};

export interface AnpiCall {
	operation: AnpiOperation;
	method: IHttpRequestMethods;
	path: string;
	body?: IDataObject;
	qs?: IDataObject;
	/** Reads may be retried on 429/503, timeouts and reset connections; writes never are. */
	idempotent: boolean;
	itemIndex: number;
	limits: CallLimits;
	/** Set by forEachPage: how far a list got, for the deadline error. */
	progress?: { pages: number; rows: number };
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

/** Exponential back-off with jitter (50–100 % of the step), so many waiting workflows do not retry in step. */
function backoffMs(attempt: number): number {
	return Math.round(Math.min(BACKOFF_BASE_MS * 2 ** attempt, MAX_RETRY_WAIT_MS) * (0.5 + Math.random() / 2));
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
	return backoffMs(attempt);
}

/** What went wrong with one attempt that got no HTTP answer. */
interface NoAnswer {
	kind: 'timeout' | 'reset' | 'notSent' | 'credential' | 'unauthorized' | 'other';
	reason: string;
	error: unknown;
}

const RESET_CODES = new Set(['ECONNRESET', 'EPIPE']);
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function classify(error: unknown): NoAnswer {
	if (error instanceof CallTimedOut) return { kind: 'timeout', reason: 'no answer', error };
	if (error instanceof RefusedAfterRenewal) return { kind: 'unauthorized', reason: 'HTTP 401', error };
	// Keep only code and reason: the original error carries the request, with the token in its headers. Its cause
	// is read the same way on every n8n line (causeOf: n8n before 2.34 keeps only pieces of it).
	const wrapped = error as { message?: string; code?: string };
	const cause = causeOf(error);
	const reason = cause?.message ?? wrapped.message ?? String(error);
	const code = String(cause?.code ?? wrapped.code ?? '');
	if (/Client ID|access token from the NTT Com API gateway|without an access token/.test(reason)) return { kind: 'credential', reason, error };
	if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(reason)) return { kind: 'timeout', reason: 'no answer', error };
	if (RESET_CODES.has(code) || /socket hang up|ECONNRESET/i.test(reason)) return { kind: 'reset', reason: 'the gateway closed the connection without an answer', error };
	if (NOT_SENT_CODES.has(code)) return { kind: 'notSent', reason, error };
	return { kind: 'other', reason, error };
}

/** One API call; returns the JSON answer of a 2xx, or throws a NodeApiError that says what went wrong. */
export async function anpiRequest(this: AnpiContext, call: AnpiCall): Promise<IDataObject> {
	const baseURL = await anpiBaseUrl.call(this);
	const label = `${OPERATION_NAMES[call.operation]} (${API_NAMES_JA[call.operation]})`;
	const apiName = API_NAMES_JA[call.operation]; // the gateway's and API's own errors name the API, as before
	const { limits } = call;
	for (let attempt = 0; ; attempt++) {
		const left = remainingMs(limits);
		if (left <= 0) throw deadlineError(this, call, label, attempt, false);
		const waitMs = Math.min(limits.timeoutMs, left);
		let response: RawResponse;
		try {
			// a 401 renews the token and sends once more (on 1.x and 2.x), one that stays is thrown; every other status is ours to read
			const request = async (abortSignal: AbortSignal) =>
				(await requestRenewingOn401.call(
					this,
					CREDENTIAL_TYPE,
					{
						method: call.method,
						baseURL,
						url: call.path,
						body: call.body,
						qs: call.qs,
						json: true,
						timeout: waitMs, // closes the socket of a stalled call; our timer also bounds the token wait
						abortSignal, // and closes it when our timer runs out, e.g. on a dripping answer
					},
					TOKEN_FIELD,
				)) as RawResponse;
			response = await withinMs(request, waitMs);
		} catch (error) {
			const failure = classify(error);
			const retryable = call.idempotent && (failure.kind === 'timeout' || failure.kind === 'reset') && attempt < READ_RETRIES;
			if (failure.kind === 'timeout' && waitMs < limits.timeoutMs) throw deadlineError(this, call, label, attempt + 1, true);
			if (retryable) {
				await pause(this, call, label, attempt, backoffMs(attempt));
				continue;
			}
			throw noAnswerError(this, call, label, failure, attempt + 1);
		}
		const { json, text } = parseBody(response.body);
		const status = response.statusCode;
		if (status >= 200 && status < 300) {
			if (!json) {
				throw apiError(this, {
					itemIndex: call.itemIndex,
					httpCode: String(status),
					// a write that got a 2xx was taken by the gateway, even if its answer cannot be read
					message: `NTT Com API gateway error: ${apiName} answered HTTP ${status} without a JSON body${call.idempotent ? '' : ` and may have been sent: ${CHECK_BEFORE_REPEATING}`}`,
					description: text ? `The answer began: "${excerpt(text)}"` : 'The answer was empty. Try again later.',
				});
			}
			return json;
		}
		const retryable = call.idempotent && (status === 429 || status === 503) && attempt < READ_RETRIES;
		if (retryable) {
			await pause(this, call, label, attempt, retryAfterMs(response.headers, attempt));
			continue;
		}
		throw answerError(this, status, json, text, apiName, call);
	}
}

/** Waits before the next attempt of a read, unless the wait would run past the deadline. */
async function pause(ctx: AnpiContext, call: AnpiCall, label: string, attempt: number, ms: number): Promise<void> {
	if (ms >= remainingMs(call.limits)) throw deadlineError(ctx, call, label, attempt + 1, false);
	await sleep(ms);
}

function deadlineError(ctx: AnpiContext, call: AnpiCall, label: string, attempts: number, cutShort: boolean) {
	const { limits, progress } = call;
	const tried = attempts ? ` (${attempts} attempt${attempts === 1 ? '' : 's'})` : '';
	if (progress && progress.pages > 0) {
		return apiError(ctx, {
			itemIndex: call.itemIndex,
			message: `${label} stopped at the ${limits.deadlineLabel} after reading ${progress.pages} page${progress.pages === 1 ? '' : 's'} (${progress.rows} rows): the list is incomplete, so nothing was passed on`,
			description: deadlineAdvice(call),
		});
	}
	const maybeSent = !call.idempotent && cutShort;
	return apiError(ctx, {
		itemIndex: call.itemIndex,
		message: maybeSent
			? `${label} was cut off by the ${limits.deadlineLabel} and may have been sent: ${CHECK_BEFORE_REPEATING}`
			: `${label} stopped at the ${limits.deadlineLabel}${tried}${call.idempotent ? '' : '; nothing was sent'}${progress ? ' before the first page was read' : ''}`,
		description: deadlineAdvice(call),
	});
}

function deadlineAdvice(call: AnpiCall): string {
	const paging = call.progress ? ' For long lists use a Limit instead of Return All.' : '';
	return `The NTT Com API gateway is answering slowly. Raise the deadline in the node options, or try again later.${paging}`;
}

function noAnswerError(ctx: AnpiContext, call: AnpiCall, label: string, failure: NoAnswer, attempts: number) {
	const { itemIndex } = call;
	const seconds = formatMinutes(call.limits.timeoutMs);
	if (failure.kind === 'unauthorized') {
		const { json } = parseBody((failure.error as RefusedAfterRenewal).answer.body);
		const fault = (json?.fault as { faultstring?: string } | undefined)?.faultstring;
		return apiError(ctx, {
			itemIndex,
			httpCode: '401',
			message: `NTT Com API gateway error (HTTP 401) on ${API_NAMES_JA[call.operation]}: ${fault ?? 'access token refused'}`,
			description: 'The token was renewed once and still refused. Check that the Client ID has access to the 安否確認 API and that the API Host is right.',
		});
	}
	if (failure.kind === 'credential') {
		return apiError(ctx, {
			itemIndex,
			message: failure.reason,
			description: 'Open the NTT Com API credential and check Client ID, Client Secret and API Host.',
		});
	}
	const what = failure.kind === 'timeout' ? `timed out (no answer within ${seconds})` : `failed (${failure.reason})`;
	if (!call.idempotent && (failure.kind === 'timeout' || failure.kind === 'reset' || failure.kind === 'other')) {
		return apiError(ctx, {
			itemIndex,
			message: `${label} ${what} and may have been sent: ${CHECK_BEFORE_REPEATING}`,
			description: 'The request reached the gateway but no answer came back. It was not retried, so that nothing is created or sent twice.',
		});
	}
	if (failure.kind === 'timeout' || failure.kind === 'reset') {
		return apiError(ctx, {
			itemIndex,
			message: `${label} ${what} after ${attempts} attempt${attempts === 1 ? '' : 's'}`,
			description: `The NTT Com API gateway accepted the call but did not answer${attempts > 1 ? '; it was tried again with pauses in between' : ''}. Raise "Timeout (Seconds)" in the node options, or try again later.`,
		});
	}
	return apiError(ctx, {
		itemIndex,
		message: `Could not reach the NTT Com API gateway for ${label} (${failure.reason})`,
		description: 'Check the API Host and your network or proxy. Nothing was sent and nothing was retried.',
	});
}

function answerError(ctx: AnpiContext, status: number, json: IDataObject | undefined, text: string, label: string, call: AnpiCall) {
	const { itemIndex } = call;
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
	const busyAdvice = busy
		? ` The gateway is busy or limiting the rate; ${call.idempotent ? 'reads were retried a few times' : 'it refused the call, which was not retried'}. Try again later.`
		: '';
	const http = status === 429 ? 'HTTP 429, rate limit' : `HTTP ${status}`; // 429 named in the message, not only in the advice
	if (fault) {
		return apiError(ctx, {
			itemIndex,
			httpCode: String(status),
			apiCode: fault.detail?.errorcode,
			message: `NTT Com API gateway error (${http}) on ${label}: ${fault.faultstring ?? 'no reason given'}`,
			description: `Gateway code: ${fault.detail?.errorcode ?? 'none'}.${busyAdvice}`,
		});
	}
	return apiError(ctx, {
		itemIndex,
		httpCode: String(status),
		message: `NTT Com API gateway error (${http}) on ${label}${text ? '' : ': empty answer'}`,
		description: `${text ? `The answer began: "${excerpt(text)}".` : 'The gateway sent no body.'}${busyAdvice}`,
	});
}

/**
 * Walks offset/limit pages until `wanted` rows were seen or the API has no more. Each page is handed to
 * `onPage` and then dropped, so memory grows with what the caller keeps, not with the pages. A page that
 * cannot be read (deadline included) fails the whole walk: a partial list is never passed on.
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
	const progress = { pages: 0, rows: 0 };
	while (seen < wanted) {
		const limit = Math.min(pageMax, wanted - seen);
		const answer = await anpiRequest.call(this, { ...request(offset, limit), progress });
		const rows = (Array.isArray(answer[listKey]) ? answer[listKey] : []) as IDataObject[];
		progress.pages++;
		progress.rows += rows.length;
		const kept = rows.slice(0, wanted - seen);
		onPage(kept, answer);
		seen += kept.length;
		const total = Number(answer.searchTotal);
		const next = Number(answer.nextOffset);
		if (rows.length === 0 || (Number.isFinite(total) && offset + rows.length >= total)) break;
		offset = Number.isFinite(next) && next > offset ? next : offset + rows.length;
	}
}
