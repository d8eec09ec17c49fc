import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as callQuota from './actions/callQuota';
import * as outagePlan from './actions/outagePlan';
import { router } from './actions/router';
import * as submission from './actions/submission';
import { testOcctoCredential } from '../occtoApi';

export class OcctoOutagePlan implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'OCCTO Outage Plan',
		name: 'occtoOutagePlan',
		icon: { light: 'file:../../icons/occto.svg', dark: 'file:../../icons/occto.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Register, list, fetch and track OCCTO outage plans (作業停止計画) through the 広域機関システム WebAPI',
		defaults: { name: 'OCCTO Outage Plan' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			// Validate and Compare call nothing, so plans can be checked before a certificate is issued
			{ name: 'occtoWebApi', required: true, testedBy: 'occtoWebApiTest', displayOptions: { hide: { operation: ['validate', 'compare'] } } },
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Call Quota', value: 'callQuota', description: "Today's count of the 1000 daily OCCTO calls: read or align it, spending no call" },
					{ name: 'Outage Plan', value: 'outagePlan', description: '作業停止計画: register, get and list plans' },
					{ name: 'Submission', value: 'submission', description: '提出ファイル: status of submitted plans and error details' },
				],
				default: 'outagePlan',
			},
			...outagePlan.description,
			...submission.description,
			...callQuota.description,
		],
	};

	methods = { credentialTest: { occtoWebApiTest: testOcctoCredential } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
