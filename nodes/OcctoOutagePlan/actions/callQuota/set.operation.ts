import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { DAILY_CALL_LIMIT, getOcctoConnection } from '../../../occtoApi';
import { quotaItem } from './common';

const properties: INodeProperties[] = [
	{
		displayName: 'Calls Used Today',
		name: 'used',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: DAILY_CALL_LIMIT },
		default: 0,
		required: true,
		description: "How many of today's 1000 OCCTO calls this user ID has already made (Japan-time day), e.g. as OCCTO's own screen shows",
	},
];

export const description = updateDisplayOptions({ show: { resource: ['callQuota'], operation: ['set'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const used = Number(this.getNodeParameter('used', itemIndex));
	if (!Number.isInteger(used) || used < 0 || used > DAILY_CALL_LIMIT) {
		throw new NodeOperationError(this.getNode(), `"Calls Used Today" must be a whole number from 0 to ${DAILY_CALL_LIMIT}, got ${String(used)}`, {
			itemIndex,
			description: 'Enter the count of calls already made today by this user ID.',
		});
	}
	const { userId, ledger } = await getOcctoConnection.call(this);
	const previous = (await ledger.read(userId)).used;
	return [{ json: { ...quotaItem(userId, await ledger.set(userId, used)), previous }, pairedItem: { item: itemIndex } }];
}
