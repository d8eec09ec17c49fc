import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { callOcctoDocument, PARAM } from '../../../occtoApi';
import { callOptionsCollection, documentToJson, readOptions, receptionNoParameter, requiredText, toItems } from '../common';

const properties: INodeProperties[] = [
	{
		displayName: 'Plan Division',
		name: 'planDivision',
		type: 'string',
		default: '={{ $json.planDivision }}',
		required: true,
		description: 'The plandivision of the plan, as listed by Outage Plan → Get Many',
	},
	{
		displayName: 'OCCTO Receipt Number',
		name: 'occtoReceptionNo',
		type: 'string',
		default: '={{ $json.occtoReceptionNo }}',
		required: true,
		description: 'The occtoreceptionno (広域機関受付番号) of the plan, as listed by Outage Plan → Get Many',
	},
	callOptionsCollection(),
];

export const description = updateDisplayOptions({ show: { resource: ['outagePlan'], operation: ['get'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const { call, attachOriginal } = readOptions.call(this, itemIndex);
	const planDivision = requiredText.call(
		this,
		'planDivision',
		'Plan Division',
		itemIndex,
		'Map it from a previous Get Many, e.g. {{ $json.planDivision }}.',
	);
	const occtoReceptionNo = receptionNoParameter.call(this, itemIndex);
	const answer = await callOcctoDocument.call(
		this,
		'BA13B102',
		{ [PARAM.planDivision]: planDivision, [PARAM.receptionNo]: occtoReceptionNo },
		call,
		itemIndex,
	);
	return await toItems.call(
		this,
		[{ planDivision, occtoReceptionNo, fileName: answer.fileName, plan: documentToJson(answer.document) }],
		answer,
		attachOriginal,
		itemIndex,
		`outage-plan-${occtoReceptionNo}`,
	);
}
