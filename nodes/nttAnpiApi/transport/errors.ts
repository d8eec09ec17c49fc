// NTT Com API failures as n8n errors: the deadline, a call without an answer (and whether a write may have
// been carried out), the API's own errors and the gateway's faults.
import type { IDataObject } from 'n8n-workflow';

import { apiError, excerpt } from '../../shared/execution';
import { maybeSent } from '../../shared/writeOnce';
import type { RefusedAfterRenewal } from '../../shared/n8nLine';
import { API_NAMES_JA } from '../mapping';
import type { NoAnswer } from './answer';
import { parseBody } from './answer';
import type { AnpiContext } from './connection';
import { formatMinutes } from './limits';
import type { AnpiCall, AnpiOperation } from './request';

/** What to do after a Create, Send or Complete that may have been carried out without us knowing. */
const CHECK_BEFORE_REPEATING = 'check Get Many / Get Status before repeating it';
const WRITE_DONE: Partial<Record<AnpiOperation, string>> = { create: 'created', send: 'sent', complete: 'completed' };
const WRITE_NOT_RETRIED =
	'It was not retried, so that nothing is created or sent twice, and a re-run or Retry On Fail will not send it again unless "Send Even If Sent Before" is on.';

/** The operation as the node panel names it, next to the API's Japanese name in every error. */
const OPERATION_NAMES: Record<AnpiOperation, string> = {
	create: 'Create',
	list: 'Get Many',
	status: 'Get Status',
	send: 'Send',
	complete: 'Complete',
};

export function operationLabel(operation: AnpiOperation): string {
	return `${OPERATION_NAMES[operation]} (${API_NAMES_JA[operation]})`;
}

/** A 2xx whose body is not JSON. */
export function notJsonError(ctx: AnpiContext, call: AnpiCall, status: number, text: string) {
	const apiName = API_NAMES_JA[call.operation];
	const error = apiError(ctx, {
		itemIndex: call.itemIndex,
		httpCode: String(status),
		// a write that got a 2xx was taken by the gateway, even if its answer cannot be read
		message: `NTT Com API gateway error: ${apiName} answered HTTP ${status} without a JSON body${call.idempotent ? '' : ` and may have been sent: ${CHECK_BEFORE_REPEATING}`}`,
		description: text ? `The answer began: "${excerpt(text)}"` : `The answer was empty.${call.idempotent ? ' Try again later.' : ''}`,
	});
	return call.idempotent ? error : maybeSent(error);
}

export function deadlineError(ctx: AnpiContext, call: AnpiCall, label: string, attempts: number, cutShort: boolean) {
	const { limits, progress } = call;
	const tried = attempts ? ` (${attempts} attempt${attempts === 1 ? '' : 's'})` : '';
	if (progress && progress.pages > 0) {
		return apiError(ctx, {
			itemIndex: call.itemIndex,
			message: `${label} stopped at the ${limits.deadlineLabel} after reading ${progress.pages} page${progress.pages === 1 ? '' : 's'} (${progress.rows} rows): the list is incomplete, so nothing was passed on`,
			description: deadlineAdvice(call),
		});
	}
	const mayHaveLeft = !call.idempotent && cutShort;
	const error = apiError(ctx, {
		itemIndex: call.itemIndex,
		message: mayHaveLeft
			? `${label} was cut off by the ${limits.deadlineLabel} and may have been sent: ${CHECK_BEFORE_REPEATING}`
			: `${label} stopped at the ${limits.deadlineLabel}${tried}${call.idempotent ? '' : '; nothing was sent'}${progress ? ' before the first page was read' : ''}`,
		description: mayHaveLeft ? WRITE_NOT_RETRIED : deadlineAdvice(call),
	});
	return mayHaveLeft ? maybeSent(error) : error;
}

function deadlineAdvice(call: AnpiCall): string {
	const paging = call.progress ? ' For long lists use a Limit instead of Return All.' : '';
	return `The NTT Com API gateway is answering slowly. Raise the deadline in the node options, or try again later.${paging}`;
}

export function noAnswerError(ctx: AnpiContext, call: AnpiCall, label: string, failure: NoAnswer, attempts: number) {
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
		return maybeSent(
			apiError(ctx, {
				itemIndex,
				message: `${label} ${what} and may have been sent: ${CHECK_BEFORE_REPEATING}`,
				description: `The request reached the gateway but no answer came back. ${WRITE_NOT_RETRIED}`,
			}),
		);
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

/** A non-2xx answer: the API's own error, the gateway's fault, or whatever else came back. */
export function answerError(ctx: AnpiContext, status: number, json: IDataObject | undefined, text: string, call: AnpiCall) {
	const label = API_NAMES_JA[call.operation]; // the gateway's and API's own errors name the API, as before
	const { itemIndex } = call;
	// a server error can come after the write was carried out, whatever its body says
	if (!call.idempotent && status >= 500) return maybeSent(serverFailedWrite(ctx, status, json, text, call));
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

/** A write answered 5xx: the gateway or the API failed, perhaps after carrying it out. */
function serverFailedWrite(ctx: AnpiContext, status: number, json: IDataObject | undefined, text: string, call: AnpiCall) {
	const fault = json?.fault as { faultstring?: string; detail?: { errorcode?: string } } | undefined;
	const code = typeof json?.errorCode === 'string' ? json.errorCode : fault?.detail?.errorcode;
	const said = String(json?.errorMessage ?? fault?.faultstring ?? (text ? excerpt(text) : 'an empty answer'));
	return apiError(ctx, {
		itemIndex: call.itemIndex,
		httpCode: String(status),
		apiCode: code,
		message: `${
			typeof json?.errorCode === 'string'
				? `${API_NAMES_JA[call.operation]} failed: ${`${json.errorCode} ${String(json.errorMessage ?? '')}`.trim()} (HTTP ${status})`
				: `NTT Com API gateway error (HTTP ${status}) on ${operationLabel(call.operation)}${code ? ` [${code}]` : ''}`
		}: it may have been ${WRITE_DONE[call.operation] ?? 'sent'}; ${CHECK_BEFORE_REPEATING}`,
		description: `The server said: "${said}". A server error can come after the request was carried out. ${WRITE_NOT_RETRIED}`,
	});
}
