import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { returnAllAndLimit } from '../../../shared/descriptions';
import { LIMITS, forEachThreadPage, threadStateOf } from '../../../nttAnpiApi';
import { optionsCollection } from './fields';
import { items, usageOf } from './output';
import { callLimits, readLimit } from './parameters';

const properties: INodeProperties[] = [
	...returnAllAndLimit(`Fetched in pages of up to ${LIMITS.listPage}`),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'State',
				name: 'state',
				type: 'options',
				options: [
					{ name: 'Open (受付け中)', value: '0' },
					{ name: 'Completed (完了)', value: '1' },
					{ name: 'Aborted (中断)', value: '2' },
				],
				default: '0',
				description: 'Only rounds in this state (filtered in n8n; the API lists all)',
			},
		],
	},
	optionsCollection(),
];

export const description = updateDisplayOptions({ show: { resource: ['safetyConfirmation'], operation: ['getMany'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const wanted = readLimit.call(this, itemIndex);
	const state = (this.getNodeParameter('filters', itemIndex, {}) as IDataObject).state as string | undefined;
	const limits = callLimits.call(this, itemIndex);
	const rows: IDataObject[] = [];
	let usage = { useCount: 0, contractCount: 0 };
	let last: IDataObject = {};
	// with a state filter the API's pages are filtered here, so keep paging until enough rows match
	await forEachThreadPage.call(
		this,
		{ itemIndex, limits, wanted: state === undefined ? wanted : Number.POSITIVE_INFINITY },
		(page, answer) => {
			last = answer;
			for (const thread of page) {
				if (state !== undefined && String(thread.endflg) !== state) continue;
				if (rows.length < wanted) rows.push(thread);
			}
		},
	);
	usage = usageOf.call(this, last, itemIndex);
	return items(
		rows.map((thread) => ({
			...thread,
			state: threadStateOf(thread),
			drill: String(thread.trngflg) === '1',
			...usage,
		})),
		itemIndex,
	);
}
