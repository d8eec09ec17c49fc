import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { OperationModule } from '../../shared/execution';
import { routeToOperation } from '../../shared/execution';
import { CREDENTIAL_TYPE } from '../../occtoApi';
import type { OcctoOutagePlanType } from './node.type';
import * as callQuota from './callQuota';
import * as outagePlan from './outagePlan';
import * as submission from './submission';

const operations: { [R in OcctoOutagePlanType['resource']]: Record<string, OperationModule> } = {
	outagePlan: { register: outagePlan.register, validate: outagePlan.validate, compare: outagePlan.compare, get: outagePlan.get, getMany: outagePlan.getMany },
	submission: { getMany: submission.getMany, getErrorDetails: submission.getErrorDetails },
	callQuota: { get: callQuota.get, set: callQuota.set },
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await routeToOperation.call(this, operations, { credentialType: CREDENTIAL_TYPE, service: 'OCCTO' });
}
