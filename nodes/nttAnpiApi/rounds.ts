// The rounds (threads) and their answers as node and trigger read them: the pages of the round list and of a
// round's status, and one person's row shaped for an item.
import type { IDataObject, IExecuteFunctions, IPollFunctions } from 'n8n-workflow';

import { ANPI_PATHS, ENUMS, LIMITS, NO_VALUE } from './mapping';
import { forEachPage } from './transport';
import type { CallLimits } from './transport/limits';

/** Walks the pages of the round list (Get Many and the trigger's round events). */
export async function forEachThreadPage(
	this: IExecuteFunctions | IPollFunctions,
	call: { itemIndex: number; limits: CallLimits; wanted: number },
	onPage: (threads: IDataObject[], answer: IDataObject) => void,
): Promise<void> {
	const { itemIndex, limits, wanted } = call;
	await forEachPage.call(
		this,
		(offset, limit) => ({ operation: 'list', method: 'GET', path: ANPI_PATHS.list, qs: { offset, limit }, idempotent: true, itemIndex, limits }),
		'thrdiList',
		LIMITS.listPage,
		wanted,
		onPage,
	);
}

/** The round's state by name (open, completed, aborted). */
export function threadStateOf(thread: IDataObject): string | null {
	return ENUMS.endflg[String(thread.endflg)] ?? null;
}

const noValue = (value: unknown) => (NO_VALUE.has(value) ? null : value);

/** The status call's body: the round (none: the open one), the filters, then the answers per question. */
export function statusBody(tid: string | undefined, filters: IDataObject, questions: Array<{ questnum: number; ansList: string[] }> = [], questkbn?: string): IDataObject {
	const body: IDataObject = { ...(tid ? { tid } : {}), ...filters };
	for (const question of questions) body[`ansList${question.questnum}`] = question.ansList;
	if (questions.length) body.questkbn = questkbn;
	return body;
}

/** Walks the status pages of `body` (Get Status and the trigger's New Answers). */
export async function forEachStatusPage(
	this: IExecuteFunctions | IPollFunctions,
	body: IDataObject,
	call: { itemIndex: number; limits: CallLimits; wanted: number },
	onPage: (rows: IDataObject[], answer: IDataObject) => void,
): Promise<void> {
	const { itemIndex, limits, wanted } = call;
	await forEachPage.call(
		this,
		(offset, limit) => ({ operation: 'status', method: 'POST', path: ANPI_PATHS.status, body: { ...body, offset, limit }, idempotent: true, itemIndex, limits }),
		'thrddList',
		LIMITS.statusPage,
		wanted,
		onPage,
	);
}

/** The round a status answer is about. */
export function threadOf(answer: IDataObject): IDataObject {
	return { tid: answer.tid, title: answer.title, strdate: answer.strdate };
}

export function answerStateOf(row: IDataObject): string | null {
	return ENUMS.ansstatus[String(row.ansstatus)] ?? null;
}

/** One person's row after its round's fields, simplified or as it came. */
export function personRow(thread: IDataObject, row: IDataObject, simplified: boolean): IDataObject {
	return copyRow({ ...thread }, row, simplified);
}

const simplifiedItem = (value: unknown) => (typeof value === 'object' ? value : noValue(value));

/**
 * Writes the row into `out` (simplified or as it came): one object per person, not a copy of a copy. `out` may be
 * a copy of an earlier person's object with the same fields: every field is then written where it already is.
 */
function copyRow(out: IDataObject, row: IDataObject, simplified: boolean): IDataObject {
	if (!simplified) return Object.assign(out, row);
	for (const key in row) {
		const value = row[key];
		out[key] = Array.isArray(value) ? value.map(simplifiedItem) : (noValue(value) as IDataObject[keyof IDataObject]);
	}
	out.answerState = answerStateOf(row);
	out.sendState = ENUMS.sendstatus[String(row.sendstatus)] ?? null;
	out.answerDevice = ENUMS.regdevice[String(row.regdevice)] ?? null;
	return out;
}

