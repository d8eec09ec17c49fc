import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ItemOperation } from '../../shared/execution';
import { executePerItem } from '../../shared/execution';
import type { OcctoOutagePlanType } from './node.type';
import * as outagePlan from './outagePlan';
import * as submission from './submission';

const operations: { [R in OcctoOutagePlanType['resource']]: Record<string, { execute: ItemOperation }> } = {
	outagePlan: { register: outagePlan.register, get: outagePlan.get, getMany: outagePlan.getMany },
	submission: { getMany: submission.getMany, getErrorDetails: submission.getErrorDetails },
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as OcctoOutagePlanType['resource'];
	const operation = this.getNodeParameter('operation', 0) as string;
	const handler = operations[resource]?.[operation];
	if (!handler) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
	}
	return [await executePerItem.call(this, handler.execute)];
}
