import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ItemOperation } from '../../shared/execution';
import { executePerItem } from '../../shared/execution';
import type { NttAnpiType } from './node.type';
import * as safetyConfirmation from './safetyConfirmation';

const operations: { [R in NttAnpiType['resource']]: Record<string, { execute: ItemOperation }> } = {
	safetyConfirmation: {
		create: safetyConfirmation.create,
		getMany: safetyConfirmation.getMany,
		getStatus: safetyConfirmation.getStatus,
		send: safetyConfirmation.send,
		complete: safetyConfirmation.complete,
	},
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as NttAnpiType['resource'];
	const operation = this.getNodeParameter('operation', 0) as string;
	const handler = operations[resource]?.[operation];
	if (!handler) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
	}
	return [await executePerItem.call(this, handler.execute)];
}
