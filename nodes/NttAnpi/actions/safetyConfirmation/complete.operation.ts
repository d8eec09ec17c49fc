import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { ANPI_PATHS } from '../../../nttAnpiApi';
import { writeOnceOptions } from '../../../shared/writeOnce';
import { optionsCollection, tidField } from './fields';
import { readTid } from './parameters';
import { anpiWriteOperation } from './writeOperation';

const properties: INodeProperties[] = [
	tidField,
	{
		displayName: 'Completing is asynchronous: Get Many shows the round as completed (完了) shortly after.',
		name: 'asyncNotice',
		type: 'notice',
		default: '',
	},
	optionsCollection(writeOnceOptions('execution', { write: 'the completion', done: 'completed', check: 'check Get Many' })),
];

export const description = updateDisplayOptions({ show: { resource: ['safetyConfirmation'], operation: ['complete'] } }, properties);

export const write = anpiWriteOperation({
	scope: 'execution',
	words: { what: 'the completion', done: 'completed', check: 'Get Many shows the round as completed (完了)' },
	async build(itemIndex) {
		const tid = readTid.call(this, itemIndex, true) as string;
		return { call: { operation: 'complete' as const, method: 'PUT' as const, path: ANPI_PATHS.complete, body: { tid } }, content: { tid } };
	},
	outcome: (answer, call) => ({ tid: call.body?.tid, targetCount: answer.targetCount }),
	reference: (outcome) => `completion of thread ${String(outcome.tid)}`,
});
