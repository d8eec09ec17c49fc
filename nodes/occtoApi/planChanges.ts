// What changed in an outage plan, as the trigger's planChanges and Outage Plan → Compare put it: every path
// of the plan document, repeated elements matched by facility (or by content), with a one-line summary.
import type { IDataObject } from 'n8n-workflow';

import type { PathChange } from '../shared/planDiff';
import { changeSummary, diffDocuments } from '../shared/planDiff';
import { ENVELOPE } from './mapping';

/** ASSUMPTION (like 10): a repeated element of a plan (OUTAGE_ITEM …) is told apart by its facility name. */
export const PLAN_ITEM_KEYS: readonly string[] = ['FACILITY_NM'];

/** Summaries start at the plan body (OUTAGE_ITEM[…]/END_DATE), or at the group for the header (JPMGH/JPC21). */
const SHORTENED = [`${ENVELOPE.root}/${ENVELOPE.group}/${ENVELOPE.body}/`, `${ENVELOPE.root}/${ENVELOPE.group}/`];

export type PlanChange = PathChange & { summary: string };

export function planChanges(before: unknown, after: unknown, keyHints: readonly string[] = PLAN_ITEM_KEYS): PlanChange[] {
	return diffDocuments(before, after, { keyHints }).map((change) => ({ ...change, summary: changeSummary(change, SHORTENED) }));
}

/** The plan document of a Get item (`{ plan: … }`) or the document itself. */
export function planDocumentOf(value: IDataObject): IDataObject {
	const plan = value.plan;
	return !(ENVELOPE.root in value) && typeof plan === 'object' && plan !== null && !Array.isArray(plan) ? (plan as IDataObject) : value;
}
