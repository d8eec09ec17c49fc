// Which fields of OCCTO's list rows the trigger keys on: the receipt number (受付番号), and what marks a
// change — the 受付ステータス (submissions) or the last-updated time (plans), and for plans the plan division
// (plans are keyed by division + receipt number). Names we know (mapping.ts ROW_FIELDS, or "Field Names" in
// the credential's Advanced Settings) win; when the rows do not have them, the fields are found by what they
// hold. A guess that could go two ways is refused with the candidates named, never taken: a wrong key field
// makes every poll emit everything (or nothing). A decision kept from earlier polls holds only while the rows
// agree with it; rows that contradict it are decided again.
import type { IDataObject } from 'n8n-workflow';

import { PLAN_DIVISIONS, RECEPTION_NO_PATTERN, ROW_ELEMENT_KEY, ROW_FIELDS, SUBMISSION_STATUS } from '../occtoApi';

export type TriggerList = 'submissions' | 'plans';

/** The output keys the trigger (and downstream workflows) read: what mapping.ts names them. */
export const KEY = {
	receptionNo: 'occtoReceptionNo',
	status: 'status',
	statusName: 'statusName',
	lastUpdatedAt: 'lastUpdatedAt',
	planDivision: 'planDivision',
} as const;

export interface KeyFields {
	/** The field holding the receipt number. */
	receptionNo: string;
	/** The field whose change is an event: the status (submissions) or the last-updated time (plans). */
	marker: string;
	/** Submissions: the field holding the 受付ステータス name (受付中 …), the marker itself when there is no code. */
	statusName?: string;
	/** Plans: the plan division field, when the rows have one (found by name, or by content when unambiguous). */
	planDivision?: string;
}

/** The key fields could not be decided; `candidates` are the fields that came closest. */
export class KeyFieldError extends Error {
	constructor(
		message: string,
		readonly role: 'receptionNo' | 'status' | 'lastUpdatedAt' | 'planDivision',
		readonly candidates: string[],
		readonly fix: string,
	) {
		super(message);
		this.name = 'KeyFieldError';
	}
}

export type SubmissionState = keyof typeof SUBMISSION_STATUS;

const STATES = Object.keys(SUBMISSION_STATUS) as SubmissionState[];

/** The 受付ステータス a value stands for, by its code (1/2/9) or its name (受付中/受付完了/提出エラー). */
export function submissionState(value: unknown): SubmissionState | undefined {
	if (typeof value !== 'string' && typeof value !== 'number') return undefined;
	const text = String(value).trim();
	return STATES.find((state) => SUBMISSION_STATUS[state].code === text || SUBMISSION_STATUS[state].name === text);
}

const stateByName = (value: unknown) => {
	const text = typeof value === 'string' ? value.trim() : undefined;
	return STATES.find((state) => SUBMISSION_STATUS[state].name === text);
};

/**
 * The status of a submission row: its name wins (codes are an assumption, names are what OCCTO shows), then
 * the marker's code or name.
 */
export function rowState(row: IDataObject, fields: KeyFields): SubmissionState | undefined {
	return (fields.statusName !== undefined ? stateByName(row[fields.statusName]) : undefined) ?? submissionState(row[fields.marker]);
}

/** Whether two marker values of a submission say the same (`1` and `受付中` do: a decision that moved from code to name). */
export function sameStatus(before: string | undefined, after: string): boolean {
	if (before === after) return true;
	const state = submissionState(before);
	return state !== undefined && state === submissionState(after);
}

const scalar = (value: unknown): string | undefined =>
	typeof value === 'string' ? value.trim() : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;

/** Fields present in every row with a plain value, in the order of the first row, with their values. */
function columns(rows: IDataObject[]): Map<string, string[]> {
	const out = new Map<string, string[]>();
	for (const name of Object.keys(rows[0])) {
		if (name === ROW_ELEMENT_KEY) continue;
		const values: string[] = [];
		for (const row of rows) {
			const value = scalar(row[name]);
			if (value === undefined) break;
			values.push(value);
		}
		if (values.length === rows.length) out.set(name, values);
	}
	return out;
}

const inEveryRow = (rows: IDataObject[], name: string | undefined) => name !== undefined && rows.every((row) => scalar(row[name]) !== undefined);

const DIGITS_DATETIME = /^\d{4}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])([01]\d|2[0-3])[0-5]\d([0-5]\d)?$/;
const ISO_DATETIME = /^\d{4}[-/](0?[1-9]|1[0-2])[-/](0?[1-9]|[12]\d|3[01])[T ]([01]?\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
/** YYYYMMDDHHMM(SS) (ASSUMPTION 6) or ISO-ish (2026-01-05T10:00:00, 2026/01/05 10:00). */
export const looksLikeDateTime = (value: string) => DIGITS_DATETIME.test(value) || ISO_DATETIME.test(value);

/** An ID: letters and digits (with - or _), at least 4 long and holding a digit; a code like 1 or A is not one. */
const ID_LIKE = /^(?=.*\d)[A-Za-z0-9][A-Za-z0-9_-]{3,}$/;
const UPDATE_HINT = /UPD|KOSHIN|KOUSHIN|更新/i;

const quote = (names: string[]) => names.map((name) => `"${name}"`).join(', ');
const FIELD_NAMES_SETTING = '"Field Names" in the OCCTO credential (Advanced Settings → Field Names)';

function fixFor(key: string, example: string | undefined, rows: IDataObject[]): string {
	const element = String(rows[0]?.[ROW_ELEMENT_KEY] ?? 'row');
	const holds = Object.keys(rows[0] ?? {}).filter((name) => name !== ROW_ELEMENT_KEY);
	return `Map the right element in ${FIELD_NAMES_SETTING}, one per line, e.g. ${example ?? 'THE_ELEMENT'} = ${key}. A <${element}> row holds: ${holds.join(', ')}.`;
}

/** Output keys mapping.ts gives other fields: never taken for the one being looked for. */
function otherKnownKeys(except: string): Set<string> {
	return new Set(Object.values(ROW_FIELDS).filter((key) => key !== except));
}

const isStatusName = (value: string) => stateByName(value) !== undefined;

function decideStatus(rows: IDataObject[], cols: Map<string, string[]>, previous: KeyFields | undefined): Pick<KeyFields, 'marker' | 'statusName'> {
	if (inEveryRow(rows, KEY.status)) return { marker: KEY.status, statusName: inEveryRow(rows, KEY.statusName) ? KEY.statusName : undefined };
	const kept = previous?.statusName !== undefined && cols.get(previous.statusName)?.every(isStatusName) ? previous.statusName : undefined;
	const names = kept !== undefined ? [kept] : [...cols].filter(([, values]) => values.every(isStatusName)).map(([name]) => name);
	const allNames = STATES.map((state) => SUBMISSION_STATUS[state].name).join(', ');
	if (names.length !== 1) {
		const codeLike = [...cols].filter(([, values]) => values.every((value) => submissionState(value) !== undefined)).map(([name]) => name);
		const candidates = names.length ? names : codeLike;
		throw new KeyFieldError(
			names.length
				? `This trigger cannot tell which field holds the submission status (受付ステータス): ${quote(names)} all hold ${allNames}`
				: `This trigger cannot find the submission status (受付ステータス) in OCCTO's rows: no field holds the status names ${allNames}${
						codeLike.length ? ` (${quote(codeLike)} hold only codes like 1, 2, 9, which alone could mean anything)` : ''
					}`,
			'status',
			candidates,
			fixFor(KEY.status, candidates[0], rows),
		);
	}
	const [name] = names;
	const nameValues = cols.get(name)!;
	// a code field beside the names: every row's code is the code of its name
	const pairs = (field: string) => field !== name && cols.get(field)?.every((value, i) => SUBMISSION_STATUS[stateByName(nameValues[i])!].code === value) === true;
	if (kept !== undefined && previous!.marker !== kept && pairs(previous!.marker)) return { marker: previous!.marker, statusName: name };
	// …paired only once it has followed two different statuses: beside 受付中 alone, a field that always holds 1
	// (a count, a flag) looks like its code, and taking it would hide every change of status
	const codes = new Set(nameValues.map(stateByName)).size >= 2 ? [...cols.keys()].filter(pairs) : [];
	return { marker: codes.length === 1 ? codes[0] : name, statusName: name };
}

function decideLastUpdated(rows: IDataObject[], cols: Map<string, string[]>, previous: KeyFields | undefined): string {
	if (inEveryRow(rows, KEY.lastUpdatedAt)) return KEY.lastUpdatedAt;
	if (previous && cols.get(previous.marker)?.every(looksLikeDateTime)) return previous.marker;
	const others = otherKnownKeys(KEY.lastUpdatedAt);
	const dates = [...cols].filter(([name, values]) => !others.has(name) && values.every(looksLikeDateTime)).map(([name]) => name);
	if (dates.length === 1) return dates[0];
	const hinted = dates.filter((name) => UPDATE_HINT.test(name));
	if (hinted.length === 1) return hinted[0];
	throw new KeyFieldError(
		dates.length
			? `This trigger cannot tell which field holds the plans' last-updated time: ${quote(hinted.length ? hinted : dates)} all hold date-times`
			: "This trigger cannot find the plans' last-updated time in OCCTO's rows: no field holds a date-time (YYYYMMDDHHMMSS or ISO) in every row",
		'lastUpdatedAt',
		hinted.length ? hinted : dates,
		fixFor(KEY.lastUpdatedAt, (hinted.length ? hinted : dates)[0], rows),
	);
}

/** Whether a field's values tell the rows apart, within their plan division when `scope` holds the divisions. */
const distinct = (values: string[], scope: string[] | undefined) => new Set(values.map((value, i) => `${scope?.[i] ?? ''}/${value}`)).size === values.length;

function decideReceptionNo(
	rows: IDataObject[],
	cols: Map<string, string[]>,
	taken: Set<string>,
	previous: KeyFields | undefined,
	scope?: string[],
): string {
	if (inEveryRow(rows, KEY.receptionNo)) return KEY.receptionNo;
	const kept = previous && cols.get(previous.receptionNo);
	if (kept && distinct(kept, scope)) return previous.receptionNo;
	const others = otherKnownKeys(KEY.receptionNo);
	const unique = [...cols].filter(([name, values]) => !taken.has(name) && !others.has(name) && !values.some(looksLikeDateTime) && distinct(values, scope));
	const tenDigits = unique.filter(([, values]) => values.every((value) => RECEPTION_NO_PATTERN.test(value))).map(([name]) => name);
	if (tenDigits.length === 1) return tenDigits[0];
	const idLike = tenDigits.length ? tenDigits : unique.filter(([, values]) => values.every((value) => ID_LIKE.test(value))).map(([name]) => name);
	if (idLike.length === 1) return idLike[0];
	const within = scope ? ' (within its plan division)' : '';
	throw new KeyFieldError(
		idLike.length
			? `This trigger cannot tell which field holds the receipt number (受付番号): ${quote(idLike)} all hold a different ID in every row${within}`
			: `This trigger cannot find the receipt number (受付番号) in OCCTO's rows: no field holds a different ID (e.g. 10 digits) in every row${within}`,
		'receptionNo',
		idLike,
		fixFor(KEY.receptionNo, idLike[0], rows),
	);
}

const isPlanDivision = (value: string) => Object.prototype.hasOwnProperty.call(PLAN_DIVISIONS, value);
const DIVISION_HINT = /DIV|KBN|KUBUN|区分/i;

/**
 * Plans: the plan division and the receipt number, which together tell plans apart (a receipt number may
 * repeat across divisions). The division is found by content only when one field holds plan divisions (1-4)
 * and shows it — by taking two values, or by its name; a field that holds 1 in every row could be anything.
 */
function decidePlanKey(rows: IDataObject[], cols: Map<string, string[]>, marker: string, previous: KeyFields | undefined): Pick<KeyFields, 'receptionNo' | 'planDivision'> {
	const receiptWith = (division: string | undefined) =>
		decideReceptionNo(rows, cols, new Set([marker, ...(division !== undefined ? [division] : [])]), previous, division !== undefined ? cols.get(division) : undefined);
	const kept = previous?.planDivision;
	const known = inEveryRow(rows, KEY.planDivision) ? KEY.planDivision : kept !== undefined && cols.get(kept)?.every(isPlanDivision) ? kept : undefined;
	if (known !== undefined) return { receptionNo: receiptWith(known), planDivision: known };
	const others = otherKnownKeys(KEY.planDivision);
	const candidates = [...cols].filter(([name, values]) => name !== marker && !others.has(name) && values.every(isPlanDivision));
	const shown = candidates.filter(([name, values]) => new Set(values).size > 1 || DIVISION_HINT.test(name)).map(([name]) => name);
	const hinted = shown.filter((name) => DIVISION_HINT.test(name));
	const division = shown.length === 1 ? shown[0] : hinted.length === 1 ? hinted[0] : undefined;
	if (division !== undefined) return { receptionNo: receiptWith(division), planDivision: division };
	const fitsWith = (name: string | undefined) => {
		try {
			return receiptWith(name);
		} catch {
			return undefined;
		}
	};
	const alone = fitsWith(undefined); // receipt numbers alone tell these plans apart
	if (alone !== undefined) return { receptionNo: alone };
	// they repeat: the division is needed, and must be the one field with which the plans are told apart
	const names = candidates.map(([name]) => name);
	const fits = names.filter((name) => fitsWith(name) !== undefined);
	if (fits.length === 1) return { receptionNo: receiptWith(fits[0]), planDivision: fits[0] };
	if (!names.length) receiptWith(undefined); // throws: the receipt number's own error says what is missing
	const named = fits.length ? fits : names;
	throw new KeyFieldError(
		`This trigger cannot tell which field holds the plan division (計画区分), which the plans need since their receipt numbers repeat: ${quote(named)} all hold plan divisions (1-4)`,
		'planDivision',
		named,
		fixFor(KEY.planDivision, named[0], rows),
	);
}

/**
 * Decides the key fields of a list's rows. Known names win, then the fields decided before (`previous`, kept
 * in the cursor so a later, smaller list cannot change the decision) as long as the rows agree with them,
 * then content. An empty list decides nothing (undefined). Throws KeyFieldError when a field is missing or
 * could be one of several.
 */
export function decideKeyFields(rows: IDataObject[], list: TriggerList, previous?: KeyFields): KeyFields | undefined {
	if (!rows.length) return undefined;
	const cols = columns(rows);
	if (list === 'submissions') {
		const status = decideStatus(rows, cols, previous);
		const taken = new Set([status.marker, status.statusName].filter((name): name is string => name !== undefined));
		return { receptionNo: decideReceptionNo(rows, cols, taken, previous), ...status };
	}
	const marker = decideLastUpdated(rows, cols, previous);
	const { receptionNo, planDivision } = decidePlanKey(rows, cols, marker, previous);
	return { receptionNo, marker, ...(planDivision !== undefined ? { planDivision } : {}) };
}

/**
 * How a decision differs from the one before it ("status: KENSU → JOTAI_NM"), and whether the rows contradicted
 * it: a field kept before was replaced, not just one left open (the status code, the plan division) found.
 */
export function changedFields(before: KeyFields, after: KeyFields, list: TriggerList): { changes: string[]; contradicted: boolean } {
	const roles: Array<[keyof KeyFields, string, boolean]> =
		list === 'submissions'
			? [['receptionNo', 'receipt number', false], ['marker', 'status', before.marker === before.statusName], ['statusName', 'status name', false]]
			: [['receptionNo', 'receipt number', false], ['marker', 'last-updated time', false], ['planDivision', 'plan division', before.planDivision === undefined]];
	const changed = roles.filter(([role]) => before[role] !== after[role]);
	return {
		changes: changed.map(([role, label]) => `${label}: ${before[role] ?? '(none)'} → ${after[role] ?? '(none)'}`),
		contradicted: changed.some(([, , wasOpen]) => !wasOpen),
	};
}

/**
 * The row as OCCTO sent it, plus the keys downstream workflows read (occtoReceptionNo, status, statusName,
 * lastUpdatedAt, planDivision) when it holds them under other names. Nothing is dropped or overwritten.
 */
export function normalizedRow(row: IDataObject, fields: KeyFields, list: TriggerList): IDataObject {
	const out: IDataObject = { ...row };
	const add = (key: string, value: unknown) => {
		if (value !== undefined && !(key in row)) out[key] = value as IDataObject[string];
	};
	add(KEY.receptionNo, row[fields.receptionNo]);
	if (list === 'submissions') {
		// with only the names to go by, the normalised status is the code of the name, as in OCCTO's standard rows
		const state = rowState(row, fields);
		add(KEY.status, fields.marker === fields.statusName && state ? SUBMISSION_STATUS[state].code : row[fields.marker]);
		if (fields.statusName !== undefined) add(KEY.statusName, row[fields.statusName]);
	} else {
		add(KEY.lastUpdatedAt, row[fields.marker]);
		if (fields.planDivision !== undefined) add(KEY.planDivision, row[fields.planDivision]);
	}
	return out;
}

/** Field names of a decision that are not the known ones: worth a line in the log. */
export function renamedFields(fields: KeyFields, list: TriggerList): string[] {
	const known: Array<[string | undefined, string]> = [
		[fields.receptionNo, KEY.receptionNo],
		[fields.marker, list === 'submissions' ? KEY.status : KEY.lastUpdatedAt],
		list === 'submissions' ? [fields.statusName, KEY.statusName] : [fields.planDivision, KEY.planDivision],
	];
	return known.filter(([field, key]) => field !== undefined && field !== key).map(([field, key]) => `${field} → ${key}`);
}
