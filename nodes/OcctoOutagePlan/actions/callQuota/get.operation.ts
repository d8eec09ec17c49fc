import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { getOcctoConnection } from '../../../occtoApi';
import { quotaItem } from './common';

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const { userId, ledger } = await getOcctoConnection.call(this);
	return [{ json: quotaItem(userId, await ledger.read(userId)), pairedItem: { item: itemIndex } }];
}
