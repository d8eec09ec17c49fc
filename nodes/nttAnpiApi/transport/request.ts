// Building and sending one NTT Com API call: the token (via the credential), a bounded wait per attempt
// within the run's deadline, and bounded retries of reads on 429/503, timeouts and reset connections with
// back-off and jitter. Create, Send and Complete are never retried here; the only repeat they can see is
// n8n's single retry after renewing a rejected token.
import type { IDataObject, IHttpRequestMethods } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import { headerOf } from '../../shared/http/answer';
import { withinMs } from '../../shared/http/deadline';
import { requestRenewingOn401 } from '../../shared/n8nLine';
import { isSandbox } from '../../shared/sandbox/environment';
import { answerFromAnpiSandbox } from '../sandbox';
import type { ANPI_PATHS } from '../mapping';
import type { RawResponse } from './answer';
import { classify, parseBody } from './answer';
import type { AnpiContext } from './connection';
import { CREDENTIAL_TYPE, TOKEN_FIELD, anpiBaseUrlOf } from './connection';
import { answerError, deadlineError, noAnswerError, notJsonError, operationLabel } from './errors';
import type { CallLimits } from './limits';
import { remainingMs } from './limits';

export type AnpiOperation = keyof typeof ANPI_PATHS;

/** Retries of a read after the first attempt (429/503, timeouts and reset connections together). */
export const READ_RETRIES = 3;
const MAX_RETRY_WAIT_MS = 30_000;
const BACKOFF_BASE_MS = 1000;

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

/** Exponential back-off with jitter (50–100 % of the step), so many waiting workflows do not retry in step. */
function backoffMs(attempt: number): number {
	return Math.round(Math.min(BACKOFF_BASE_MS * 2 ** attempt, MAX_RETRY_WAIT_MS) * (0.5 + Math.random() / 2));
}

function retryAfterMs(headers: RawResponse['headers'], attempt: number): number {
	const text = headerOf(headers, 'retry-after');
	if (text !== undefined) {
		const seconds = Number(text);
		if (Number.isFinite(seconds)) return Math.min(Math.max(seconds, 0) * 1000, MAX_RETRY_WAIT_MS);
		const date = Date.parse(text);
		if (Number.isFinite(date)) return Math.min(Math.max(date - Date.now(), 0), MAX_RETRY_WAIT_MS);
	}
	return backoffMs(attempt);
}

/** One API call; returns the JSON answer of a 2xx, or throws a NodeApiError that says what went wrong. */
export async function anpiRequest(this: AnpiContext, call: AnpiCall): Promise<IDataObject> {
	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	const sandbox = isSandbox(credentials);
	const baseURL = anpiBaseUrlOf(credentials);
	const label = operationLabel(call.operation);
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
			// the Sandbox answers in process (nodes/nttAnpiApi/sandbox): no token call, no socket
			response = await withinMs(sandbox ? async () => await answerFromAnpiSandbox(call, this.getNode()) : request, waitMs);
		} catch (error) {
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- already a NodeOperationError: the Sandbox's own store, named
			if (sandbox && error instanceof NodeOperationError) throw error;
			const failure = classify(error);
			const retryable = call.idempotent && (failure.kind === 'timeout' || failure.kind === 'reset') && attempt < READ_RETRIES;
			if (failure.kind === 'timeout' && waitMs < limits.timeoutMs) throw deadlineError(this, call, label, attempt + 1, true);
			if (retryable) {
				await pause(this, call, label, attempt, backoffMs(attempt));
				continue;
			}
			throw noAnswerError(this, call, label, failure, attempt + 1);
		}
		const answer = parseBody(response.body);
		const status = response.statusCode;
		if (status >= 200 && status < 300) {
			if (!answer.json) throw notJsonError(this, call, status, answer.text);
			return answer.json;
		}
		const retryable = call.idempotent && (status === 429 || status === 503) && attempt < READ_RETRIES;
		if (retryable) {
			await pause(this, call, label, attempt, retryAfterMs(response.headers, attempt));
			continue;
		}
		throw answerError(this, status, answer.json, answer.text, call);
	}
}

/** Waits before the next attempt of a read, unless the wait would run past the deadline. */
async function pause(ctx: AnpiContext, call: AnpiCall, label: string, attempt: number, ms: number): Promise<void> {
	if (ms >= remainingMs(call.limits)) throw deadlineError(ctx, call, label, attempt + 1, false);
	await sleep(ms);
}
