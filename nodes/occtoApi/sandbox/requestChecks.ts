// How the Sandbox OCCTO refuses a call: a result code and OCCTO's message, for parameters the spec defines.
import { fromJstDigits } from '../../shared/japanTime';
import { PARAM, RECEPTION_NO_PATTERN, RESULT_CODES } from '../mapping';

/** A refusal with OCCTO's result code and message. */
export class Refusal extends Error {
	constructor(
		readonly code: string,
		message: string,
	) {
		super(message);
	}
}

export function inRange(digits: string, form: Record<string, string>): boolean {
	const day = digits.slice(0, 8);
	if (form[PARAM.from] && day < form[PARAM.from]) return false;
	if (form[PARAM.to] && day > form[PARAM.to]) return false;
	return true;
}

export function checkDates(form: Record<string, string>): void {
	for (const name of [PARAM.from, PARAM.to]) {
		if (form[name] !== undefined && form[name] !== '' && !fromJstDigits(form[name])) {
			throw new Refusal(RESULT_CODES.parameterError, `パラメータ ${name} の形式が不正です (YYYYMMDD)`);
		}
	}
}

export function checkReceptionNo(receptionNo: string): void {
	if (!RECEPTION_NO_PATTERN.test(receptionNo)) {
		throw new Refusal(RESULT_CODES.parameterError, `パラメータ ${PARAM.receptionNo} の形式が不正です (10桁の数字)`);
	}
}
