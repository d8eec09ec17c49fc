import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { ANPI_PATHS } from '../../../nttAnpiApi';
import { writeOnceOptions } from '../../../shared/writeOnce';
import { optionsCollection, targetFilterFields, tidField } from './fields';
import { readQuestions, readTargetFilters, readTid } from './parameters';
import { anpiWriteOperation } from './writeOperation';

const filtered = { target: ['filtered', 'byAnswers'] };

const properties: INodeProperties[] = [
	tidField,
	{
		displayName: 'Send or Stop',
		name: 'sendKind',
		type: 'options',
		options: [
			{ name: 'Send', value: '0', description: 'Send the safety-confirmation request (発信)' },
			{ name: 'Stop Sending', value: '1', description: 'Stop a request still being sent (発信停止)' },
		],
		default: '0',
	},
	{
		displayName: 'Target',
		name: 'target',
		type: 'options',
		options: [
			{ name: 'Everyone', value: 'everyone', description: 'Everyone in the organisation (全件対象)' },
			{ name: 'Filtered People', value: 'filtered', description: 'People matching the filters, e.g. those who have not answered' },
			{ name: 'By Answers', value: 'byAnswers', description: 'People who gave certain answers, e.g. 負傷 (injured)' },
		],
		default: 'everyone',
	},
	...targetFilterFields.map((field) => ({ ...field, displayOptions: { show: field.name === 'answerFilters2' || field.name === 'questkbn' ? { target: ['byAnswers'] } : filtered } })),
	{
		displayName:
			'Sending is asynchronous: the answer only says how many people are targeted (targetCount). Who was reached shows in Get Status (Send State filter) shortly after.',
		name: 'asyncNotice',
		type: 'notice',
		default: '',
	},
	optionsCollection(writeOnceOptions('execution', { write: 'the request', done: 'sent', check: 'check Get Status' })),
];

export const description = updateDisplayOptions({ show: { resource: ['safetyConfirmation'], operation: ['send'] } }, properties);

async function build(this: IExecuteFunctions, itemIndex: number) {
	const tid = readTid.call(this, itemIndex, true) as string;
	const sendkbn = this.getNodeParameter('sendKind', itemIndex, '0') as string;
	const target = this.getNodeParameter('target', itemIndex, 'everyone') as string;
	let body: IDataObject = { tid, sendkbn, allsendkbn: target === 'everyone' ? '1' : '0' };
	if (target !== 'everyone') body = { ...body, ...readTargetFilters.call(this, itemIndex) };
	if (target === 'byAnswers') {
		const questions = readQuestions.call(this, itemIndex);
		if (!questions.length) {
			throw new NodeOperationError(this.getNode(), 'Target "By Answers" needs at least one question in "Answers per Question"', {
				itemIndex,
				description: 'Add a question number and the answer codes to target, e.g. question 1, codes 02.',
			});
		}
		body.questList = questions;
		body.questkbn = this.getNodeParameter('questkbn', itemIndex, '0') as string;
	} else if (target === 'filtered' && Object.keys(body).length === 3) {
		throw new NodeOperationError(this.getNode(), 'Target "Filtered People" needs at least one filter', {
			itemIndex,
			description: 'Add a filter (e.g. Answer State Filters → Answer State = unanswered), or choose Target "Everyone".',
		});
	}
	return { call: { operation: 'send' as const, method: 'PUT' as const, path: ANPI_PATHS.send, body }, content: body };
}

// a Send repeated next hour (a reminder) is meant to go out: it is remembered within one execution only
export const write = anpiWriteOperation({
	scope: 'execution',
	words: { what: 'the send request', done: 'sent', check: 'Get Status (Send State filter) shows it was sent' },
	build,
	outcome: (answer, call) => ({ tid: call.body?.tid, action: call.body?.sendkbn === '1' ? 'stop' : 'send', targetCount: answer.targetCount }),
	reference: (outcome) => `${String(outcome.action)} of thread ${String(outcome.tid)} (${String(outcome.targetCount)} people)`,
});
