// A call that got no HTTP answer: what its socket code proves about whether the request left this machine.
import { CallTimedOut } from './deadline';

/** Failures before a connection existed: nothing was sent, so even a write may be repeated. */
export const NOT_SENT_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** The connection was closed under a request that may already have been sent (and carried out). */
export const RESET_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'EPIPE']);

export function provesNotSent(code: string): boolean {
	return NOT_SENT_CODES.has(code);
}

/** Our own timer ran out, or the socket code or reason says the wait timed out. */
export function looksTimedOut(error: unknown, code: string, reason: string): boolean {
	return error instanceof CallTimedOut || /timeout|ETIMEDOUT|ECONNABORTED/i.test(`${code} ${reason}`);
}
