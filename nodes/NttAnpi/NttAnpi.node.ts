import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { router } from './actions/router';
import { testNttCredential } from '../nttAnpiApi';
import * as safetyConfirmation from './actions/safetyConfirmation';

export class NttAnpi implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'NTT Anpi',
		name: 'nttAnpi',
		icon: { light: 'file:../../icons/nttAnpi.svg', dark: 'file:../../icons/nttAnpi.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Run safety-confirmation rounds (安否確認) with NTT Com Biz安否確認: open, send, watch answers, remind, close',
		defaults: { name: 'NTT Anpi' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'nttComApi', required: true, testedBy: 'nttComApiTest' }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Safety Confirmation', value: 'safetyConfirmation', description: '安否確認: one round (thread, tid) per disaster or drill' }],
				default: 'safetyConfirmation',
			},
			...safetyConfirmation.description,
		],
	};

	methods = { credentialTest: { nttComApiTest: testNttCredential } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
