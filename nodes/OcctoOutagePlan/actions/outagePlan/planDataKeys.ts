// Plan Data keys become element names of the plan as they are (codecs.buildXml escapes values, not names):
// each must be an XML name, and none may name the envelope or a field the panel owns unless allowed.
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { ENVELOPE, PLAN_DIVISION_ELEMENT } from '../../../occtoApi';

/** What Plan Data may not name unless "Plan Data May Set Header Fields" is on. */
export const PANEL_OWNED_ELEMENTS: readonly string[] = [
	ENVELOPE.root,
	ENVELOPE.group,
	ENVELOPE.header,
	ENVELOPE.body,
	...Object.keys(ENVELOPE.headerFields),
	...Object.keys(ENVELOPE.bodyFields),
	PLAN_DIVISION_ELEMENT,
];

// XML 1.0 (Fifth Edition) Name, productions [4], [4a], [5], as code point ranges
const START: Array<[number, number]> = [
	[0x3a, 0x3a], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a], [0xc0, 0xd6], [0xd8, 0xf6], [0xf8, 0x2ff], [0x370, 0x37d],
	[0x37f, 0x1fff], [0x200c, 0x200d], [0x2070, 0x218f], [0x2c00, 0x2fef], [0x3001, 0xd7ff], [0xf900, 0xfdcf],
	[0xfdf0, 0xfffd], [0x10000, 0xeffff],
];
const REST: Array<[number, number]> = [...START, [0x2d, 0x2e], [0x30, 0x39], [0xb7, 0xb7], [0x300, 0x36f], [0x203f, 0x2040]];
const within = (ranges: Array<[number, number]>, code: number) => ranges.some(([low, high]) => code >= low && code <= high);

export function isXmlName(name: string): boolean {
	const codes = [...name].map((character) => character.codePointAt(0)!);
	return codes.length > 0 && within(START, codes[0]) && codes.every((code) => within(REST, code));
}

/** buildXml's own keys: "@name" is an attribute, "#text" the element's text. */
const ATTRIBUTE = '@';
const TEXT = '#text';

export interface PlanDataKeyProblem {
	/** The key as given, and where: e.g. OUTAGE_ITEM[0].FACILITY_NM. */
	key: string;
	at: string;
	reason: 'not-a-name' | 'panel-owned' | 'nested-array';
}

/** The first key that cannot become the element it names, at any depth (walked without recursion). */
export function findBadPlanDataKey(planData: object, mayNamePanelFields: boolean): PlanDataKeyProblem | undefined {
	const stack: Array<{ value: unknown; at: string; inArray: boolean }> = [{ value: planData, at: '', inArray: false }];
	while (stack.length) {
		const { value, at, inArray } = stack.pop()!;
		if (Array.isArray(value)) {
			// an array inside an array has no element name: buildXml would name the elements 0, 1, …
			if (inArray) return { key: at, at, reason: 'nested-array' };
			value.forEach((entry, index) => stack.push({ value: entry, at: `${at}[${index}]`, inArray: true }));
			continue;
		}
		if (typeof value !== 'object' || value === null) continue;
		for (const [key, child] of Object.entries(value)) {
			const where = at ? `${at}.${key}` : key;
			if (key === TEXT) continue;
			const name = key.startsWith(ATTRIBUTE) ? key.slice(ATTRIBUTE.length) : key;
			if (!isXmlName(name)) return { key, at: where, reason: 'not-a-name' };
			if (!mayNamePanelFields && name === key && PANEL_OWNED_ELEMENTS.includes(key)) return { key, at: where, reason: 'panel-owned' };
			stack.push({ value: child, at: where, inArray: false });
		}
	}
	return undefined;
}

export const planDataKeysProperty: INodeProperties = {
	displayName: 'Plan Data May Set Header Fields',
	name: 'planDataSetsHeaderFields',
	type: 'boolean',
	default: false,
	description: `Whether keys of Plan Data may name the envelope, the header or the fields above (${PANEL_OWNED_ELEMENTS.join(', ')}); a top-level key then replaces the field's value. Off: such a key is refused before any call, so Plan Data cannot change the sender, recipient, target date or plan division shown here.`,
	displayOptions: { show: { planSource: ['json'] } },
};

const show = (key: string) => JSON.stringify(key.length > 60 ? `${key.slice(0, 60)}…` : key);

/** Refuses Plan Data whose keys would not become the elements they name, naming the key and the item. */
export function assertPlanDataKeys(ctx: IExecuteFunctions, itemIndex: number, planData: object): void {
	const allowed = ctx.getNodeParameter(planDataKeysProperty.name, itemIndex, false) === true;
	const bad = findBadPlanDataKey(planData, allowed);
	if (!bad) return;
	const where = bad.at === bad.key ? '' : ` (at ${show(bad.at)})`;
	const [message, description] =
		bad.reason === 'nested-array'
			? [`"Plan Data (JSON)" of item ${itemIndex} has an array directly inside an array at ${show(bad.at)}`, 'Each array must be the value of a key, which names its repeated elements: { "ITEM": [ … ] }.']
			: bad.reason === 'not-a-name'
				? [`"Plan Data (JSON)" of item ${itemIndex} has the key ${show(bad.key)}${where}, which is not an XML element name`, 'Keys become element names: start with a letter or _, then letters, digits, _, - or . only (an attribute is "@name").']
				: [`"Plan Data (JSON)" of item ${itemIndex} has the key ${show(bad.key)}${where}, which the envelope or a field above owns`, `Set it in its own field above, or turn on "${planDataKeysProperty.displayName}".`];
	throw new NodeOperationError(ctx.getNode(), message, { itemIndex, description: `${description} Nothing was sent.` });
}
