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

const ROUND_KEYS = ['tid', 'title', 'strdate'];
/** The round's fields until the last answer gives them (`personRow` puts them first). */
const ROUND_PLACEHOLDER: IDataObject = { tid: null, title: null, strdate: null };

/**
 * An object with `item`'s keys in its order, made through JSON so it holds them all itself: an object grown key
 * by key past a dozen fields turns into a slow dictionary, and so would each copy of it.
 */
function templateOf(item: IDataObject): IDataObject {
	const keys = Object.keys(item);
	// a parsed "__proto__" would be a field of its own, where the plain way sets the prototype
	if (keys.includes('__proto__')) return item;
	return JSON.parse(`{${keys.map((key) => `${JSON.stringify(key)}:null`).join(',')}}`) as IDataObject;
}

/**
 * The people as items, made page by page so each parsed page can go at once. Each is `personRow`'s object with
 * `answers` and the usage after it; `finish` sets the round's fields (those the row does not have itself) and the
 * usage from the last answer, as one object made at the end would have them. A row with the same fields as the
 * last new shape is written into a copy of that shape's item, so no object grows field by field.
 */
export class PersonItems {
	readonly items: IDataObject[] = [];
	/** Per item, the round's fields it takes from the last answer. */
	private readonly roundKeys: string[][] = [];
	private keys: string[] = [];
	private template: IDataObject | undefined;
	private templateRoundKeys: string[] = ROUND_KEYS;

	constructor(
		private readonly simplified: boolean,
		private readonly answers: ((row: IDataObject) => IDataObject[]) | undefined,
		/** The usage fields, held by placeholders until `finish`. */
		private readonly usage: IDataObject,
	) {}

	add(rows: IDataObject[]): void {
		for (const row of rows) {
			const fresh = this.template === undefined || !this.sameKeys(row);
			const item = fresh ? personRow(ROUND_PLACEHOLDER, row, this.simplified) : this.copy(row);
			if (this.answers) item.answers = this.answers(row);
			Object.assign(item, this.usage);
			if (fresh) {
				this.keys = Object.keys(Object(row));
				this.templateRoundKeys = ROUND_KEYS.filter((key) => !this.keys.includes(key));
				this.template = templateOf(item);
			}
			this.items.push(item);
			this.roundKeys.push(this.templateRoundKeys);
		}
	}

	finish(answer: IDataObject, usage: IDataObject): IDataObject[] {
		const round = threadOf(answer);
		for (let i = 0; i < this.items.length; i++) {
			const item = this.items[i];
			for (const key of this.roundKeys[i]) item[key] = round[key];
			Object.assign(item, usage);
		}
		return this.items;
	}

	/** `personRow` for a row of the template's shape: each field written where the copy holds it already. */
	private copy(row: IDataObject): IDataObject {
		if (this.simplified) return personRow(this.template!, row, true);
		const item = { ...this.template };
		for (const key of this.keys) item[key] = row[key];
		return item;
	}

	private sameKeys(row: IDataObject): boolean {
		let i = 0;
		for (const key in row) if (this.keys[i++] !== key) return false;
		return i === this.keys.length;
	}
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

	// each page's rows become items as they come, so the parsed page can go
	const answers = options.joinAnswers === true ? (row: IDataObject) => joinAnswers(row, questList) : undefined;
	const people = new PersonItems(simplified, answers, { useCount: null, contractCount: null });
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
			if (output !== 'summary') return people.add(rows);
			for (const row of rows) {
				total++;
				const state = ENUMS.ansstatus[String(row.ansstatus)] ?? 'unknown';
				byAnswerState[state] = (byAnswerState[state] ?? 0) + 1;
				for (const answered of joinAnswers(row, questList)) {
					if (answered.answerCode === null) continue;
					const counts = (byQuestion[`${answered.questionNumber}: ${String(answered.question)}`] ??= {});
					const label = String(answered.answer ?? answered.answerCode);
					counts[label] = (counts[label] ?? 0) + 1;
				}
			}
		},
	);
	const usage = usageOf.call(this, header, itemIndex);
	if (output === 'summary') {
		return items(
			[{ ...threadOf(header), people: total, searchTotal: header.searchTotal, byAnswerState, byQuestion, ...usage }],
			itemIndex,
		);
	}
	return items(people.finish(header, usage), itemIndex);
}
