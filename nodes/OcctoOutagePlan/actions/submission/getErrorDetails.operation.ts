import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { callOcctoList, PARAM } from '../../../occtoApi';
import { callOptionsCollection, hintIfEmpty, readOptions, receptionNoParameter, toItems } from '../common';

const properties: INodeProperties[] = [
	{
		displayName: 'OCCTO Receipt Number',
		name: 'occtoReceptionNo',
		type: 'string',
		default: '={{ $json.occtoReceptionNo }}',
		required: true,
		description: 'Receipt number of a submission whose status is 提出エラー, from Submission → Get Many',
	},
	callOptionsCollection(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['submission'], operation: ['getErrorDetails'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const { call, attachOriginal } = readOptions.call(this, itemIndex);
	const occtoReceptionNo = receptionNoParameter.call(this, itemIndex);
	const answer = await callOcctoList.call(this, 'BA13B007', { [PARAM.receptionNo]: occtoReceptionNo }, call, itemIndex, attachOriginal);
	hintIfEmpty.call(this, 'BA13B007', answer, 'error messages');
	const rows = answer.rows.map((row) => ({ occtoReceptionNo, ...row }));
	return await toItems.call(this, rows, answer, attachOriginal, itemIndex, `error-details-${occtoReceptionNo}`);
}
