import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { callOcctoList, SUBMISSION_STATUS } from '../../../occtoApi';
import { applyLimit, callOptionsCollection, dateRange, dateRangeFilters, hintIfEmpty, readOptions, requireField, toItems } from '../common';
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
	const answer = await callOcctoList.call(this, 'BA13B006', dateRange.call(this, filters, itemIndex), call, itemIndex, attachOriginal);
	hintIfEmpty.call(this, 'BA13B006', answer, 'submissions');
	let rows = answer.rows;
	if (filters.status) {
		requireField.call(this, rows, 'status', 'The filter "Status"', itemIndex);
		rows = rows.filter((row) => row.status === filters.status);
	}
	if (filters.occtoReceptionNo) {
		requireField.call(this, rows, 'occtoReceptionNo', 'The filter "OCCTO Receipt Number"', itemIndex);
		rows = rows.filter((row) => row.occtoReceptionNo === String(filters.occtoReceptionNo).trim());
	}
	return await toItems.call(this, applyLimit.call(this, rows, itemIndex), answer, attachOriginal, itemIndex, 'submission-list');
}
