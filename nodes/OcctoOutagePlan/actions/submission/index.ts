import type { INodeProperties } from 'n8n-workflow';

import * as getErrorDetails from './getErrorDetails.operation';
import * as getMany from './getMany.operation';

export { getErrorDetails, getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['submission'] } },
		options: [
			{
				name: 'Get Error Details',
				value: 'getErrorDetails',
				description: '作業停止計画受信確認メッセージ取得, BA13B007: why a submission ended in 提出エラー',
				action:
					'Get error details of a submission — returns why a submission ended in 提出エラー with one item per error — spends one of the 1000 OCCTO calls allowed per day — the quota field reports the calls remaining',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: '作業停止計画受付ファイル一覧取得, BA13B006: submitted files with their status (受付中 / 受付完了 / 提出エラー)',
				action:
					'Get many submissions — lists submitted files with their status 受付中 受付完了 or 提出エラー — use it to follow a registration — spends one of the 1000 OCCTO calls allowed per day — the quota field reports the calls remaining',
			},
		],
		default: 'getMany',
	},
	...getMany.description,
	...getErrorDetails.description,
];
