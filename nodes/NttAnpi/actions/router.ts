import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { OperationModule } from '../../shared/execution';
import { routeToOperation } from '../../shared/execution';
import { CREDENTIAL_TYPE, runStartedAt } from '../../nttAnpiApi';
import type { NttAnpiType } from './node.type';
import * as safetyConfirmation from './safetyConfirmation';

const operations: { [R in NttAnpiType['resource']]: Record<string, OperationModule> } = {
	safetyConfirmation: {
		create: safetyConfirmation.create,
		getMany: safetyConfirmation.getMany,
		getStatus: safetyConfirmation.getStatus,
		send: safetyConfirmation.send,
		complete: safetyConfirmation.complete,
	},
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	runStartedAt(this); // the Execution Deadline counts from here, for all items together
	return await routeToOperation.call(this, operations, { credentialType: CREDENTIAL_TYPE, service: 'NTT Com' });
}
