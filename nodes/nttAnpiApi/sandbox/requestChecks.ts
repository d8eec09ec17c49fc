// What the Sandbox gateway checks in a request (the spec's lengths and enumerations) and how it refuses: the
// API's error body with codes it invents ("SIM…"), or a bare status.
import type { Body } from './state';

export const YMDHM = /^\d{12}$/;
export const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export class BusinessError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly details: string[] = [],
	) {
		super(message);
	}
}

/** An HTTP status without a body (e.g. a bare 404 from the gateway). */
export class NoAnswerBody extends Error {
	constructor(readonly status: number) {
		super(`HTTP ${status}`);
	}
}

export const simError = (status: number, n: number, message: string, details: string[] = []) =>
	new BusinessError(status, `SIM${String(n).padStart(6, '0')}`, `${message} (simulator code, not NTT's)`, details);


/** Collects what is wrong with one request; flush() refuses it with every problem at once. */
export function requestChecks() {
	const details: string[] = [];
	const check = (ok: boolean, detail: string) => {
		if (!ok) details.push(detail);
	};
	const enumField = (body: Body, name: string, values: string[]) => {
		if (body[name] !== undefined && body[name] !== null) check(values.includes(String(body[name])), `${name}: must be one of ${values.join(', ')}`);
	};
	const listField = (body: Body, name: string, pattern: RegExp) => {
		if (body[name] === undefined) return;
		check(Array.isArray(body[name]) && (body[name] as unknown[]).every((v) => pattern.test(String(v))), `${name}: must be a list of ${pattern}`);
	};
	const flush = (n: number) => {
		if (details.length) {
			const copy = details.splice(0);
			throw simError(400, n, 'Invalid request parameters', copy);
		}
	};
	const validateFilters = (body: Body) => {
		enumField(body, 'orgkbn', ['0', '1']);
		enumField(body, 'indpflg', ['0', '1']);
		enumField(body, 'langcd', ['ja', 'en']);
		enumField(body, 'adkbn', ['0', '1']);
		enumField(body, 'searchkbn', ['0', '1']);
		enumField(body, 'ansstatus', ['1', '2', '3', '4', '5']);
		enumField(body, 'regdatekbn', ['1', '2']);
		enumField(body, 'sendstatus', ['1', '2', '3']);
		enumField(body, 'sendresult', ['1', '2', '3', '4']);
		enumField(body, 'prodkbn', ['0', '1']);
		enumField(body, 'questkbn', ['0', '1']);
		if (body.regdatekbn !== undefined) check(YMDHM.test(String(body.regdate ?? '')), 'regdate: required as YYYYMMDDHHMI when regdatekbn is set');
		else if (body.regdate !== undefined) check(YMDHM.test(String(body.regdate)), 'regdate: must be YYYYMMDDHHMI');
		if (body.sendresult !== undefined) check(String(body.sendstatus) === '3', 'sendresult: only valid with sendstatus 3 (sent)');
		listField(body, 'usrcdList', /^[A-Za-z0-9]{1,32}$/);
		listField(body, 'orgpathList', /^.{1,331}$/);
		for (let q = 1; q <= 20; q++) listField(body, `ansList${q}`, /^\d{1,2}$/);
		for (const name of ['sei', 'mei']) if (body[name] !== undefined) check(String(body[name]).length <= 32, `${name}: at most 32 characters`);
	};

	const page = (body: Body, max: number, fallback: number) => {
		const offset = body.offset === undefined ? 0 : Number(body.offset);
		const limit = body.limit === undefined ? fallback : Number(body.limit);
		check(Number.isInteger(offset) && offset >= 0, 'offset: must be a whole number ≥ 0');
		check(Number.isInteger(limit) && limit >= 1 && limit <= max, `limit: must be 1 to ${max}`);
		return { offset, limit };
	};
	return { check, enumField, listField, flush, validateFilters, page, reset: () => void details.splice(0) };
}

export type RequestChecks = ReturnType<typeof requestChecks>;
