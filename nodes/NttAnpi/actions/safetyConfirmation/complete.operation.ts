import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { ANPI_PATHS } from '../../mapping';
import { anpiRequest } from '../../transport';
import { callLimits, items, optionsCollection, readTid, tidField, usageOf } from './common';

const properties: INodeProperties[] = [
	tidField,
	{
		displayName: 'Completing is asynchronous: Get Many shows the round as completed (完了) shortly after.',
		name: 'asyncNotice',
		type: 'notice',
		default: '',
	},
	optionsCollection(),
];

export const description = updateDisplayOptions({ show: { resource: ['safetyConfirmation'], operation: ['complete'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const tid = readTid.call(this, itemIndex, true) as string;
	const limits = callLimits.call(this, itemIndex);
	const answer = await anpiRequest.call(this, { operation: 'complete', method: 'PUT', path: ANPI_PATHS.complete, body: { tid }, idempotent: false, itemIndex, limits });
	return items([{ tid, targetCount: answer.targetCount, ...usageOf.call(this, answer, itemIndex) }], itemIndex);
}
