import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';
import * as set from './set.operation';

export { get, set };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['callQuota'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				description: "Today's count of OCCTO calls for the credential's user ID, the limit, where it is counted and when it resets. Spends no OCCTO call.",
				action:
					'Get the OCCTO call count for today — returns used and remaining of the 1000 calls allowed per day and when the count resets — use it before a series of calls — spends no OCCTO call',
			},
			{
				name: 'Set',
				value: 'set',
				description: "Align today's count with a figure known from elsewhere (OCCTO's own screen, another system using this user ID). Spends no OCCTO call.",
				action:
					'Set the OCCTO call count for today — overwrites the count kept here with a figure known from elsewhere — spends no OCCTO call',
			},
		],
		default: 'get',
	},
	...set.description,
];
