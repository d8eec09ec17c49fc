import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { SUBMISSION_ROW, SUBMISSION_STATUS } from '../../mapping';
import { callOcctoApi } from '../../transport';
import { applyLimit, callOptionsCollection, dateRange, dateRangeFilters, listRows, readOptions, toItems } from '../common';
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
			...dateRangeFilters('submissions'),
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				options: [
					{ name: `${SUBMISSION_STATUS.receiving.name} (Receiving)`, value: SUBMISSION_STATUS.receiving.code },
					{ name: `${SUBMISSION_STATUS.accepted.name} (Accepted)`, value: SUBMISSION_STATUS.accepted.code },
					{ name: `${SUBMISSION_STATUS.error.name} (Submission Error)`, value: SUBMISSION_STATUS.error.code },
				],
				default: '9',
				description: 'Only submissions in this status (filtered in n8n after the one list call)',
			},
			{
				displayName: 'OCCTO Receipt Number',
				name: 'occtoReceptionNo',
				type: 'string',
				default: '',
				description: 'Only this submission, e.g. the receipt number a Register step returned',
			},
		],
	},
	callOptionsCollection(),
];

export const description = updateDisplayOptions({ show: { resource: ['submission'], operation: ['getMany'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const { call, attachOriginal } = readOptions.call(this, itemIndex);
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const answer = await callOcctoApi.call(this, 'BA13B006', dateRange.call(this, filters, itemIndex), call, itemIndex);
	let rows = listRows(answer.document, SUBMISSION_ROW);
	if (filters.status) rows = rows.filter((row) => row.status === filters.status);
	if (filters.occtoReceptionNo) rows = rows.filter((row) => row.occtoReceptionNo === String(filters.occtoReceptionNo).trim());
	return await toItems.call(this, applyLimit.call(this, rows, itemIndex), answer, attachOriginal, itemIndex, 'submission-list');
}
