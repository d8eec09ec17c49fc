// Judging what one attempt brought back: an answer's JSON (or text), or, without an answer, what kind of
// failure it was (timeout, reset, not sent, the credential, a token refused after renewal).
import type { IDataObject } from 'n8n-workflow';

import type { HttpAnswer } from '../../shared/http/answer';
import { CallTimedOut } from '../../shared/http/deadline';
import { RESET_CODES, looksTimedOut, provesNotSent } from '../../shared/http/noAnswer';
import { RefusedAfterRenewal, causeOf } from '../../shared/n8nLine';

/** A gateway answer: JSON parsed by the helper, or text/bytes when it was not JSON. */
export type RawResponse = HttpAnswer;

export function parseBody(body: unknown): { json?: IDataObject; text: string } {
	if (body === undefined || body === null || body === '') return { text: '' };
	// the text of an answer already parsed is only for error messages: made when asked for (a page of 5,000 people)
	if (typeof body === 'object') return { json: body as IDataObject, get text() { return JSON.stringify(body); } };
	const text = Buffer.isBuffer(body) ? body.toString('utf8') : String(body);
	try {
		const parsed = JSON.parse(text) as unknown;
		return typeof parsed === 'object' && parsed !== null ? { json: parsed as IDataObject, text } : { text };
	} catch {
		return { text };
	}
}

/** What went wrong with one attempt that got no HTTP answer. */
export interface NoAnswer {
	kind: 'timeout' | 'reset' | 'notSent' | 'credential' | 'unauthorized' | 'other';
	reason: string;
	error: unknown;
}

export function classify(error: unknown): NoAnswer {
	if (error instanceof CallTimedOut) return { kind: 'timeout', reason: 'no answer', error };
	if (error instanceof RefusedAfterRenewal) return { kind: 'unauthorized', reason: 'HTTP 401', error };
	// Keep only code and reason: the original error carries the request, with the token in its headers. Its cause
	// is read the same way on every n8n line (causeOf: n8n before 2.34 keeps only pieces of it).
	const wrapped = error as { message?: string; code?: string };
	const cause = causeOf(error);
	const reason = cause?.message ?? wrapped.message ?? String(error);
	const code = String(cause?.code ?? wrapped.code ?? '');
	if (/Client ID|access token from the NTT Com API gateway|without an access token/.test(reason)) return { kind: 'credential', reason, error };
	if (looksTimedOut(error, code, reason)) return { kind: 'timeout', reason: 'no answer', error };
	if (RESET_CODES.has(code) || /socket hang up|ECONNRESET/i.test(reason)) return { kind: 'reset', reason: 'the gateway closed the connection without an answer', error };
	if (provesNotSent(code)) return { kind: 'notSent', reason, error };
	return { kind: 'other', reason, error };
}
