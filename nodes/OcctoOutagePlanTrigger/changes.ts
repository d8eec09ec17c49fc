// What an event says changed, at no extra call: the list row's fields against the copy the cursor kept
// (`changes`), a submission's status move (`statusChange`), and with "Include Plan Changes" the fetched plan
// against the last fetched copy (`planChanges`). Copies are capped so the cursor stays small.
import type { IDataObject } from 'n8n-workflow';

import { fromJstDigits } from '../shared/japanTime';
import type { FieldChange } from '../shared/planDiff';
import { capCopies, diffRow } from '../shared/planDiff';
import { planChanges, ROW_ELEMENT_KEY, SUBMISSION_STATUS } from '../occtoApi';
import type { PlanChange } from '../occtoApi';
import type { KeyFields } from './keyFields';
import { KEY, rowState, submissionState } from './keyFields';

/** Most characters of list rows the cursor keeps (rows past it get `changes` from their marker alone). */
export const ROW_COPIES_MAX_CHARS = 300_000;
/** Most characters of fetched plans the cursor keeps; the least recently fetched go first. */
export const PLAN_COPIES_MAX_CHARS = 200_000;

export type Copies = Record<string, IDataObject>;

/** The row as kept: OCCTO's fields, without the row element's name. */
export function rowCopy(row: IDataObject): IDataObject {
	const fields = { ...row };
	delete fields[ROW_ELEMENT_KEY];
	return fields;
}

/** Element names of readable keys (Field Names reversed): lastUpdatedAt → LAST_UPD_DAYTIME. */
export function elementsOf(fieldNames: ReadonlyMap<string, string>): (key: string) => string | undefined {
	const byKey = new Map([...fieldNames].map(([element, key]) => [key, element]));
	return (key) => byKey.get(key);
}

/**
 * The row's changed fields against its copy; without a copy (cursor from before, or past the cap), the marker's
 * change alone, as the snapshot knows it. A new row: none.
 */
export function rowChanges(
	copy: IDataObject | undefined,
	row: IDataObject,
	previousMarker: string | undefined,
	fields: KeyFields,
	elementOf: (key: string) => string | undefined,
): FieldChange[] {
	if (previousMarker === undefined) return [];
	if (copy) return diffRow(copy, rowCopy(row), { elementOf });
	const field = elementOf(fields.marker) ?? fields.marker;
	return [{ field, ...(field !== fields.marker ? { key: fields.marker } : {}), before: previousMarker, after: row[fields.marker] ?? null }];
}

const statusOf = (state: keyof typeof SUBMISSION_STATUS | undefined) => (state ? { ...SUBMISSION_STATUS[state] } : null);

/** A submission's move: from / to (code and name), and since when it had the status it left (ISO, when known). */
export function statusChange(copy: IDataObject | undefined, row: IDataObject, previousMarker: string | undefined, fields: KeyFields): IDataObject {
	const before = copy ? rowState(copy, fields) : submissionState(previousMarker);
	const updated = copy?.[KEY.lastUpdatedAt];
	const since = typeof updated === 'string' ? fromJstDigits(updated)?.toISOString() : undefined;
	return { from: statusOf(previousMarker === undefined ? undefined : before), to: statusOf(rowState(row, fields)), since: since ?? null };
}

/**
 * The copies to keep: every listed row as listed now, except deferred ones, which keep their old copy so the
 * later event compares with what was last emitted. Capped: this poll's changes first, then list order.
 */
export function nextRowCopies(stored: Copies | undefined, rows: Array<{ key: string; row: IDataObject }>, deferred: ReadonlySet<string>, changed: ReadonlySet<string>): Copies {
	const copyOf = ({ key, row }: { key: string; row: IDataObject }) => (deferred.has(key) ? stored?.[key] : rowCopy(row));
	const ordered = [...rows.filter(({ key }) => changed.has(key)), ...rows.filter(({ key }) => !changed.has(key))];
	const out: Copies = {};
	let total = 0;
	for (const entry of ordered) {
		const copy = copyOf(entry);
		if (!copy) continue;
		total += JSON.stringify(copy).length;
		if (total > ROW_COPIES_MAX_CHARS) break;
		out[entry.key] = copy;
	}
	return out;
}

export interface PlanComparison {
	planChanges: PlanChange[] | null;
	planChangesNote?: string;
}

/**
 * Compares a fetched plan with the copy kept for it, and keeps this one instead (most recent last, capped).
 * A new plan: planChanges null (its copy is what its first update is compared with).
 */
export function comparePlan(copies: Copies, key: string, plan: IDataObject, isNew: boolean): PlanComparison {
	const before = copies[key];
	delete copies[key];
	copies[key] = plan;
	const dropped = capCopies(copies, PLAN_COPIES_MAX_CHARS).includes(key);
	const kept = dropped ? ` This plan is larger than the ${PLAN_COPIES_MAX_CHARS} characters the trigger keeps, so its next update cannot be compared either.` : '';
	if (before) return { planChanges: planChanges(before, plan), ...(kept ? { planChangesNote: kept.trim() } : {}) };
	if (isNew) return { planChanges: null, ...(kept ? { planChangesNote: kept.trim() } : {}) };
	return {
		planChanges: null,
		planChangesNote: `No earlier copy of this plan was kept (it was listed before the trigger fetched it, or its copy made room for others): its next update is compared with this one.${kept}`,
	};
}
