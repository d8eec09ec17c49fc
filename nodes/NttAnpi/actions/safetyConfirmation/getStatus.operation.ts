import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { returnAllAndLimit } from '../../../shared/descriptions';
import { ENUMS, LIMITS, NO_VALUE, forEachStatusPage, personRow, statusBody, threadOf } from '../../../nttAnpiApi';
import { optionalTidField, optionsCollection, targetFilterFields } from './fields';
import { items, usageOf } from './output';
import { callLimits, readLimit, readQuestions, readTargetFilters, readTid } from './parameters';

const properties: INodeProperties[] = [
	optionalTidField,
	...returnAllAndLimit(`Fetched in pages of up to ${LIMITS.statusPage}`),
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		options: [
			{ name: 'One Item per Person', value: 'people' },
			{ name: 'One Summary Item', value: 'summary', description: 'Counts by answer state and by answer per question' },
		],
		default: 'people',
	},
	...targetFilterFields,
	optionsCollection([
		{
			displayName: 'Simplify',
			name: 'simplify',
			type: 'boolean',
			default: true,
			description: 'Whether to turn "no value" (null, "" or "-") into null and add readable state names; off returns the API\'s rows as they are',
		},
		{
			displayName: 'Join Answer Texts',
			name: 'joinAnswers',
			type: 'boolean',
			default: false,
			description: 'Whether to add each person\'s answers with the question and answer texts (e.g. 本人の安否: 無事)',
		},
	]),
];

export const description = updateDisplayOptions({ show: { resource: ['safetyConfirmation'], operation: ['getStatus'] } }, properties);

interface Question {
	questnum: number | string;
	quest: string;
	ansList?: Array<{ ans: string; ansmsg: string }>;
}

function joinAnswers(row: IDataObject, questions: Question[]): IDataObject[] {
	const codes = Array.isArray(row.ansList) ? (row.ansList as unknown[]) : [];
	return questions.map((question, index) => {
		const code = codes[index];
		const answer = question.ansList?.find((a) => a.ans === code);
		return {
			questionNumber: Number(question.questnum),
			question: question.quest,
			answerCode: NO_VALUE.has(code) ? null : (code as string),
			answer: answer?.ansmsg ?? null,
		};
	});
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const tid = readTid.call(this, itemIndex, false);
	const wanted = readLimit.call(this, itemIndex);
	const output = this.getNodeParameter('output', itemIndex, 'people') as string;
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const simplified = options.simplify !== false;
	const filters = readTargetFilters.call(this, itemIndex);
	const questions = readQuestions.call(this, itemIndex);
	const questkbn = questions.length ? (this.getNodeParameter('questkbn', itemIndex, '0') as string) : undefined;
	const body = statusBody(tid, filters, questions, questkbn);
	const limits = callLimits.call(this, itemIndex);

	const people: IDataObject[] = [];
	const joined: IDataObject[][] = [];
	const byAnswerState: Record<string, number> = {};
	const byQuestion: Record<string, Record<string, number>> = {};
	let header: IDataObject = {};
	let questList: Question[] = [];
	let total = 0;
	await forEachStatusPage.call(
		this,
		body,
		{ itemIndex, limits, wanted },
		(rows, answer) => {
			header = answer;
			questList = (answer.questList as unknown as Question[]) ?? questList;
			for (const row of rows) {
				total++;
				if (output === 'summary') {
					const state = ENUMS.ansstatus[String(row.ansstatus)] ?? 'unknown';
					byAnswerState[state] = (byAnswerState[state] ?? 0) + 1;
					for (const answered of joinAnswers(row, questList)) {
						if (answered.answerCode === null) continue;
						const counts = (byQuestion[`${answered.questionNumber}: ${String(answered.question)}`] ??= {});
						const label = String(answered.answer ?? answered.answerCode);
						counts[label] = (counts[label] ?? 0) + 1;
					}
					continue;
				}
				// kept as parsed; each becomes its item once, when the thread header is known
				if (options.joinAnswers === true) joined.push(joinAnswers(row, questList));
				people.push(row);
			}
		},
	);
	const usage = usageOf.call(this, header, itemIndex);
	const thread = threadOf(header);
	if (output === 'summary') {
		return items(
			[{ ...thread, people: total, searchTotal: header.searchTotal, byAnswerState, byQuestion, ...usage }],
			itemIndex,
		);
	}
	const out: INodeExecutionData[] = new Array(people.length);
	for (let i = 0; i < people.length; i++) {
		const json = personRow(thread, people[i], simplified);
		if (joined.length) json.answers = joined[i];
		out[i] = { json: Object.assign(json, usage), pairedItem: { item: itemIndex } };
		people[i] = undefined as unknown as IDataObject; // the parsed row can go as soon as its item exists
	}
	return out;
}
