import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as register from './register.operation';
import * as validate from './validate.operation';

export { get, getMany, register, validate };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['outagePlan'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				description: '作業停止計画取得, BA13B102: fetch one outage plan as JSON by plan division and receipt number',
				action: 'Get an outage plan',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: '作業停止計画一覧取得, BA13B103: list outage plans, one item per plan',
				action: 'Get many outage plans',
			},
			{
				name: 'Register',
				value: 'register',
				description: '作業停止計画登録, BA13B101: submit an outage plan XML; returns its receipt number and status',
				action: 'Register an outage plan',
			},
			{
				name: 'Validate',
				value: 'validate',
				description:
					'Check an outage plan without calling OCCTO (no call, no quota): well-formed XML, the SBD-MSG envelope, BPID 3A/S1 and 情報区分 0001, required codes, real dates, Shift_JIS characters, size, and OCCTO\'s XSD when given. Returns valid and one problem per error with line, element path, rule and fix. Use it to check a plan you drafted before registering it.',
				action: 'Validate an outage plan',
			},
		],
		default: 'getMany',
	},
	...register.description,
	...validate.description,
	...get.description,
	...getMany.description,
];
