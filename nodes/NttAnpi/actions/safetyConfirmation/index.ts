import type { INodeProperties } from 'n8n-workflow';

import * as complete from './complete.operation';
import * as create from './create.operation';
import * as getMany from './getMany.operation';
import * as getStatus from './getStatus.operation';
import * as send from './send.operation';

export { complete, create, getMany, getStatus, send };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['safetyConfirmation'] } },
		options: [
			{
				name: 'Complete',
				value: 'complete',
				description: '安否確認API(完了): close a round; Get Many shows it completed shortly after',
				action:
					'Complete a safety confirmation — closes a round by its tid for real so no more answers are taken — one NTT API call that counts against the contracted calls shown on each item',
			},
			{
				name: 'Create',
				value: 'create',
				description: '安否確認API(登録): open a new round for a disaster or drill; returns its tid',
				action:
					'Create a safety confirmation — opens a new round for real for a disaster or drill and returns its tid — nobody is notified until send — one NTT API call that counts against the contracted calls shown on each item',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: '安否確認API(集計一覧): list rounds with their state (open, completed, aborted)',
				action:
					'Get many safety confirmations — lists rounds with their tid title and state open completed or aborted — use it to find a tid — read only — each page is one NTT API call that counts against the contracted calls shown on each item',
			},
			{
				name: 'Get Status',
				value: 'getStatus',
				description: '安否確認API(状況確認): who answered what, one item per person or a summary',
				action:
					'Get the answer status of a safety confirmation — returns who answered what one item per person or one summary item — read only — each page is one NTT API call that counts against the contracted calls shown on each item',
			},
			{
				name: 'Send',
				value: 'send',
				description: '安否確認API(発信): send (or stop) the request to everyone, filtered people or by answers',
				action:
					'Send a safety confirmation request — sends or stops the request for real to everyone or to filtered people who are notified at once — one NTT API call that counts against the contracted calls shown on each item',
			},
		],
		default: 'getStatus',
	},
	...create.description,
	...getMany.description,
	...getStatus.description,
	...send.description,
	...complete.description,
];
