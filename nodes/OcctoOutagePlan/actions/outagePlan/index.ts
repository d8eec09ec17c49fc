import type { INodeProperties } from 'n8n-workflow';

import * as compare from './compare.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as register from './register.operation';
import * as validate from './validate.operation';

export { compare, get, getMany, register, validate };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['outagePlan'] } },
		options: [
			{
				name: 'Compare',
				value: 'compare',
				description: '作業停止計画の比較: what changed between two plans (XML, a file, or a Get item\'s plan), one line per change. No OCCTO call, no credential.',
				action: 'Compare two outage plans — returns each changed element with its path and its value before and after and a one line summary — spends no OCCTO call',
			},
			{
				name: 'Get',
				value: 'get',
				description: '作業停止計画取得, BA13B102: fetch one outage plan as JSON by plan division and receipt number',
				action:
					'Get an outage plan — returns one plan as JSON by plan division and ten digit receipt number as listed by get many — spends one of the 1000 OCCTO calls allowed per day — the quota field reports the calls remaining',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: '作業停止計画一覧取得, BA13B103: list outage plans, one item per plan',
				action:
					'Get many outage plans — lists the plans one item per plan with plan division and receipt number — use it first to find a plan — spends one of the 1000 OCCTO calls allowed per day — the quota field reports the calls remaining',
			},
			{
				name: 'Register',
				value: 'register',
				description: '作業停止計画登録, BA13B101: submit an outage plan XML; returns its receipt number and status',
				action:
					'Register an outage plan — submits the plan XML to OCCTO for real and returns its receipt number and status — check the plan with validate first — spends one of the 1000 OCCTO calls allowed per day — the quota field reports the calls remaining',
			},
			{
				name: 'Validate',
				value: 'validate',
				description:
					'Check an outage plan without calling OCCTO (no call, no quota): well-formed XML, the SBD-MSG envelope, BPID 3A/S1 and 情報区分 0001, required codes, real dates, Shift_JIS characters, size, and OCCTO\'s XSD when given. Returns valid and one problem per error with line, element path, rule and fix. Use it to check a plan you drafted before registering it.',
				action:
					'Validate an outage plan — checks a drafted plan XML locally and returns valid and each problem with its line and fix — use it before register — spends no OCCTO call',
			},
		],
		default: 'getMany',
	},
	...compare.description,
	...register.description,
	...validate.description,
	...get.description,
	...getMany.description,
];
