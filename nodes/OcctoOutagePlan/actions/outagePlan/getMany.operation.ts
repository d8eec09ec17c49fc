import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { callOcctoList, PARAM, PLAN_DIVISIONS } from '../../../occtoApi';
import { applyLimit, callOptionsCollection, dateRange, dateRangeFilters, hintIfEmpty, readOptions, toItems } from '../common';
import { returnAllAndLimit } from '../../../shared/descriptions';

const properties: INodeProperties[] = [
	...returnAllAndLimit('OCCTO sends the whole list in one call; Limit only trims it'),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			...dateRangeFilters('plans'),
			{
				displayName: 'Plan Division',
				name: 'planDivision',
				type: 'options',
				options: Object.entries(PLAN_DIVISIONS).map(([value, name]) => ({ name: `${value}: ${name}`, value })),
				default: '1',
				description: 'Only plans of this division (plandivision)',
			},
		],
	},
	callOptionsCollection(),
];

export const description = updateDisplayOptions({ show: { resource: ['outagePlan'], operation: ['getMany'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const { call, attachOriginal } = readOptions.call(this, itemIndex);
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const fields: Record<string, string> = { ...dateRange.call(this, filters, itemIndex) };
	if (filters.planDivision) fields[PARAM.planDivision] = String(filters.planDivision);
	const answer = await callOcctoList.call(this, 'BA13B103', fields, call, itemIndex, attachOriginal);
	hintIfEmpty.call(this, 'BA13B103', answer, 'plans');
	const rows = applyLimit.call(this, answer.rows, itemIndex);
	return await toItems.call(this, rows, answer, attachOriginal, itemIndex, 'outage-plan-list');
}
