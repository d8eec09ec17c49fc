// Reading the panel's values, checked before any call: a NodeOperationError names the field and the fix.
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { toJstDigits } from '../../../shared/japanTime';
import type { CallLimits } from '../../../nttAnpiApi';
import { DEFAULT_DEADLINE_MINUTES, LIMITS, QUESTION_COUNT, TID_PATTERN, formatMinutes, readTimeoutMs, runStartedAt } from '../../../nttAnpiApi';

/** Thread IDs are 7-character strings (the spec's examples show both "A000001" and "0000019"). */
export function readTid(this: IExecuteFunctions, itemIndex: number, required: boolean): string | undefined {
	const raw = this.getNodeParameter('tid', itemIndex, '') as unknown;
	const tid = raw === undefined || raw === null ? '' : String(raw).trim();
	if (!tid) {
		if (!required) return undefined;
		throw new NodeOperationError(this.getNode(), '"Thread ID" is empty', {
			itemIndex,
			description: 'Map it from a Create or Get Many step, e.g. {{ $json.tid }}.',
		});
	}
	if (!TID_PATTERN.test(tid)) {
		throw new NodeOperationError(this.getNode(), `"Thread ID" must be up to ${LIMITS.tidLength} letters or digits, got "${tid}"`, {
			itemIndex,
			description: 'Use the tid exactly as Create or Get Many returned it, e.g. 0000101.',
		});
	}
	return tid;
}

/** An n8n date-time, ISO string or 12-digit YYYYMMDDHHMI → YYYYMMDDHHMI in Japan time. */
export function readDate(this: IExecuteFunctions, value: unknown, label: string, itemIndex: number): string | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const digits = toJstDigits(value, 12);
	if (!digits) {
		throw new NodeOperationError(this.getNode(), `"${label}" is not a date-time: "${String(value)}"`, {
			itemIndex,
			description: 'Pick a date-time, or give an ISO string (2026-11-24T09:30:00+09:00) or YYYYMMDDHHMI in Japan time (202611240930).',
		});
	}
	return digits;
}

/** Text that must fit a length limit of the API. */
export function checkLength(this: IExecuteFunctions, value: string, label: string, max: number, itemIndex: number): void {
	if ([...value].length > max) {
		throw new NodeOperationError(this.getNode(), `"${label}" is ${[...value].length} characters long; the API allows ${max}`, {
			itemIndex,
			description: `Shorten "${label}" to at most ${max} characters.`,
		});
	}
}

/** "a, b" or ["a","b"] → ["a","b"]. */
export function toList(value: unknown): string[] {
	if (value === undefined || value === null || value === '') return [];
	const items = Array.isArray(value) ? value : String(value).split(/[,\n]/);
	return items.map((item) => String(item).trim()).filter(Boolean);
}

export function readLimit(this: IExecuteFunctions, itemIndex: number): number {
	if (this.getNodeParameter('returnAll', itemIndex, false) as boolean) return Number.POSITIVE_INFINITY;
	const limit = Number(this.getNodeParameter('limit', itemIndex, 50));
	if (!Number.isInteger(limit) || limit < 1) {
		throw new NodeOperationError(this.getNode(), `"Limit" must be a whole number of at least 1, got ${String(limit)}`, { itemIndex });
	}
	return limit;
}

/** Timeout and deadline of this item's calls; the deadline counts from the start of the node's run. */
export function callLimits(this: IExecuteFunctions, itemIndex: number): CallLimits {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const timeoutMs = readTimeoutMs(this.getNode(), options, itemIndex);
	const deadline = Number(options.executionDeadline ?? DEFAULT_DEADLINE_MINUTES);
	if (!Number.isFinite(deadline) || deadline <= 0) {
		throw new NodeOperationError(this.getNode(), `"Execution Deadline (Minutes)" must be a positive number, got ${String(options.executionDeadline)}`, {
			itemIndex,
			description: `Set it to the minutes the node may spend in all, e.g. ${DEFAULT_DEADLINE_MINUTES}.`,
		});
	}
	const deadlineMs = deadline * 60_000;
	return {
		timeoutMs,
		deadlineAt: runStartedAt(this) + deadlineMs,
		deadlineLabel: `Execution Deadline (${formatMinutes(deadlineMs)})`,
	};
}

const LIST_NAMES = new Set([
	'orgpathList', 'grpidList', 'usrcdList', 'lcncdList', 'ctmcdList', 'wktdfkcdList', 'wkareacdList',
	'ad1tdfkcdList', 'ad1areacdList', 'ad2tdfkcdList', 'ad2areacdList',
]);

/** Per-question answer codes from the panel, checked. */
export function readQuestions(this: IExecuteFunctions, itemIndex: number): Array<{ questnum: number; ansList: string[] }> {
	const questions = ((this.getNodeParameter('answerFilters2', itemIndex, {}) as IDataObject).question ?? []) as IDataObject[];
	return questions.map((question) => {
		const questnum = Number(question.questnum);
		const ansList = toList(question.answers);
		if (!Number.isInteger(questnum) || questnum < 1 || questnum > QUESTION_COUNT) {
			throw new NodeOperationError(this.getNode(), `"Question Number" must be 1 to ${QUESTION_COUNT}, got ${String(question.questnum)}`, { itemIndex });
		}
		if (!ansList.length || ansList.some((code) => !/^\d{1,2}$/.test(code))) {
			throw new NodeOperationError(this.getNode(), `"Answer Codes" of question ${questnum} must be 1–2 digit codes such as 01, 02`, {
				itemIndex,
				description: `Got "${String(question.answers)}". Separate several codes with commas.`,
			});
		}
		return { questnum, ansList };
	});
}

/** The filter groups as the API's body fields, checked before any call. */
export function readTargetFilters(this: IExecuteFunctions, itemIndex: number): IDataObject {
	const body: IDataObject = {};
	for (const group of ['organisationFilters', 'peopleFilters', 'addressFilters', 'answerFilters', 'sendFilters']) {
		const values = this.getNodeParameter(group, itemIndex, {}) as IDataObject;
		for (const [name, value] of Object.entries(values)) {
			if (value === '' || value === undefined || value === null) continue;
			if (LIST_NAMES.has(name)) {
				const entries = toList(value);
				if (entries.length) body[name] = entries;
			} else if (name === 'regdate') body.regdate = readDate.call(this, value, 'Answer Time', itemIndex);
			else body[name] = typeof value === 'string' ? value.trim() : value;
		}
	}
	if (body.regdatekbn !== undefined && body.regdate === undefined) {
		throw new NodeOperationError(this.getNode(), '"Answer Time" is required with "Answer Time Condition"', {
			itemIndex,
			description: 'Add the Answer Time filter (the date-time the condition counts from), or remove Answer Time Condition.',
		});
	}
	if (body.sendresult !== undefined && body.sendstatus !== '3') {
		throw new NodeOperationError(this.getNode(), '"Send Result" only works with "Send State" = 3: sent', {
			itemIndex,
			description: 'Add the Send State filter set to "3: sent", or remove Send Result.',
		});
	}
	for (const name of ['sei', 'mei'] as const) if (typeof body[name] === 'string') checkLength.call(this, body[name] as string, name === 'sei' ? 'Family Name' : 'Given Name', LIMITS.nameCode, itemIndex);
	for (const path of (body.orgpathList as string[] | undefined) ?? []) checkLength.call(this, path, 'Organisation Paths', LIMITS.orgPath, itemIndex);
	return body;
}
