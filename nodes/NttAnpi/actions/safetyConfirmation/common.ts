// Fields, validation and output shaping shared by the safety-confirmation operations.
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { toJstDigits } from '../../../shared/japanTime';
import { DEFAULT_DEADLINE_MINUTES, ENUMS, LIMITS, QUESTION_COUNT, TID_PATTERN, formatMinutes, readTimeoutMs, runStartedAt, timeoutOption } from '../../../nttAnpiApi';
import type { CallLimits } from '../../../nttAnpiApi';

/** The thread a call is about; mapped from the previous step by default. */
export const tidField: INodeProperties = {
	displayName: 'Thread ID',
	name: 'tid',
	type: 'string',
	default: '={{ $json.tid }}',
	required: true,
	placeholder: '0000101',
	description: 'Thread ID (tid, スレッドID) of the round, as Create or Get Many returned it',
};

/** Get Status may leave the thread out: the API then uses the round that is open now. */
export const optionalTidField: INodeProperties = {
	displayName: 'Thread ID',
	name: 'tid',
	type: 'string',
	default: '',
	placeholder: '0000101',
	description: 'Thread ID (tid, スレッドID) of the round to look at. Empty means the round that is open now.',
};

/** Thread IDs are 7-character strings (the spec's examples show both "A000001" and "0000019"). */
export function readTid(this: IExecuteFunctions, itemIndex: number, required: boolean): string | undefined {
	const raw = this.getNodeParameter('tid', itemIndex, '') as unknown;
	const tid = raw === undefined || raw === null ? '' : String(raw).trim();
	if (!tid) {
		if (!required) return undefined;
		throw new NodeOperationError(this.getNode(), '"Thread ID" is empty', {
			itemIndex,
			description: 'Map it from a Create or Get Many step, e.g. {{ $json.tid }}.',
		});
	}
	if (!TID_PATTERN.test(tid)) {
		throw new NodeOperationError(this.getNode(), `"Thread ID" must be up to ${LIMITS.tidLength} letters or digits, got "${tid}"`, {
			itemIndex,
			description: 'Use the tid exactly as Create or Get Many returned it, e.g. 0000101.',
		});
	}
	return tid;
}

/** An n8n date-time, ISO string or 12-digit YYYYMMDDHHMI → YYYYMMDDHHMI in Japan time. */
export function readDate(this: IExecuteFunctions, value: unknown, label: string, itemIndex: number): string | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const digits = toJstDigits(value, 12);
	if (!digits) {
		throw new NodeOperationError(this.getNode(), `"${label}" is not a date-time: "${String(value)}"`, {
			itemIndex,
			description: 'Pick a date-time, or give an ISO string (2026-11-24T09:30:00+09:00) or YYYYMMDDHHMI in Japan time (202611240930).',
		});
	}
	return digits;
}

/** Text that must fit a length limit of the API. */
export function checkLength(this: IExecuteFunctions, value: string, label: string, max: number, itemIndex: number): void {
	if ([...value].length > max) {
		throw new NodeOperationError(this.getNode(), `"${label}" is ${[...value].length} characters long; the API allows ${max}`, {
			itemIndex,
			description: `Shorten "${label}" to at most ${max} characters.`,
		});
	}
}

/** "a, b" or ["a","b"] → ["a","b"]. */
export function toList(value: unknown): string[] {
	if (value === undefined || value === null || value === '') return [];
	const items = Array.isArray(value) ? value : String(value).split(/[,\n]/);
	return items.map((item) => String(item).trim()).filter(Boolean);
}

export function readLimit(this: IExecuteFunctions, itemIndex: number): number {
	if (this.getNodeParameter('returnAll', itemIndex, false) as boolean) return Number.POSITIVE_INFINITY;
	const limit = Number(this.getNodeParameter('limit', itemIndex, 50));
	if (!Number.isInteger(limit) || limit < 1) {
		throw new NodeOperationError(this.getNode(), `"Limit" must be a whole number of at least 1, got ${String(limit)}`, { itemIndex });
	}
	return limit;
}

export const usageWarningOption: INodeProperties = {
	displayName: 'Usage Warning',
	name: 'usageWarning',
	type: 'fixedCollection',
	default: {},
	placeholder: 'Add Usage Warning',
	description: 'Warn when the calls used (useCount) pass a share of the contracted calls (contractCount)',
	options: [
		{
			displayName: 'Warning',
			name: 'warning',
			values: [
				{
					displayName: 'Share of Contract (%)',
					name: 'percent',
					type: 'number',
					typeOptions: { minValue: 1, maxValue: 100 },
					default: 80,
				},
				{
					displayName: 'When Passed',
					name: 'onExceed',
					type: 'options',
					options: [
						{ name: 'Show a Hint', value: 'hint', description: 'The node succeeds and shows a warning hint' },
						{ name: 'Fail the Node', value: 'error', description: 'Stop the workflow with an error (after this call)' },
					],
					default: 'hint',
				},
			],
		},
	],
};

/** useCount / contractCount of an answer, and the user's usage warning applied to them. */
export function usageOf(this: IExecuteFunctions, answer: IDataObject, itemIndex: number): { useCount: number; contractCount: number } {
	const useCount = Number(answer.useCount);
	const contractCount = Number(answer.contractCount);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const warning = (options.usageWarning as IDataObject | undefined)?.warning as IDataObject | undefined;
	if (warning && contractCount > 0 && Number.isFinite(useCount)) {
		const percent = Number(warning.percent ?? 80);
		const used = (useCount / contractCount) * 100;
		if (used >= percent) {
			const message = `NTT Anpi API usage is at ${used.toFixed(1)}% of the contract (${useCount} of ${contractCount} calls), past your warning level of ${percent}%`;
			if (warning.onExceed === 'error') {
				throw new NodeOperationError(this.getNode(), message, {
					itemIndex,
					description: 'The call itself was made. Raise the warning level or the contract to go on.',
				});
			}
			this.addExecutionHints({ message, type: 'warning', location: 'outputPane' });
		}
	}
	return { useCount, contractCount };
}

const waitOptions: INodeProperties[] = [
	timeoutOption(
		'Longest one call may wait for the NTT Com API gateway, the access-token call included. Reads (Get Many, Get Status) that time out are tried again up to 3 times; Create, Send and Complete never are.',
	),
	{
		displayName: 'Execution Deadline (Minutes)',
		name: 'executionDeadline',
		type: 'number',
		typeOptions: { minValue: 0.1, maxValue: 60, numberPrecision: 1 },
		default: DEFAULT_DEADLINE_MINUTES,
		description:
			'Longest this node may spend on all its items together. Return All stops at the deadline with an error saying how many pages were read; an incomplete list is never passed on.',
	},
];

export const optionsCollection = (extra: INodeProperties[] = []): INodeProperties => ({
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [...extra, ...waitOptions, usageWarningOption],
});

/** Timeout and deadline of this item's calls; the deadline counts from the start of the node's run. */
export function callLimits(this: IExecuteFunctions, itemIndex: number): CallLimits {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const timeoutMs = readTimeoutMs(this.getNode(), options, itemIndex);
	const deadline = Number(options.executionDeadline ?? DEFAULT_DEADLINE_MINUTES);
	if (!Number.isFinite(deadline) || deadline <= 0) {
		throw new NodeOperationError(this.getNode(), `"Execution Deadline (Minutes)" must be a positive number, got ${String(options.executionDeadline)}`, {
			itemIndex,
			description: `Set it to the minutes the node may spend in all, e.g. ${DEFAULT_DEADLINE_MINUTES}.`,
		});
	}
	const deadlineMs = deadline * 60_000;
	return {
		timeoutMs,
		deadlineAt: runStartedAt(this) + deadlineMs,
		deadlineLabel: `Execution Deadline (${formatMinutes(deadlineMs)})`,
	};
}

export function items(rows: IDataObject[], itemIndex: number): INodeExecutionData[] {
	return rows.map((json) => ({ json, pairedItem: { item: itemIndex } }));
}

// ---------- target filters (Get Status and Send) ----------

const list = (displayName: string, name: string, description: string): INodeProperties => ({
	displayName,
	name,
	type: 'string',
	default: '',
	description: `${description} Several values: separate with commas`,
});
const text = (displayName: string, name: string, description: string): INodeProperties => ({
	displayName,
	name,
	type: 'string',
	default: '',
	description,
});
const choice = (displayName: string, name: string, values: Record<string, string | null>, description: string): INodeProperties => ({
	displayName,
	name,
	type: 'options',
	options: Object.entries(values).map(([value, label]) => ({ name: `${value}: ${label ?? '-'}`, value })),
	default: '',
	description,
});

const collection = (displayName: string, name: string, options: INodeProperties[]): INodeProperties => ({
	displayName,
	name,
	type: 'collection',
	placeholder: 'Add Filter',
	default: {},
	options,
});

export const targetFilterFields: INodeProperties[] = [
	collection('Organisation Filters', 'organisationFilters', [
		choice('Organisation Kind', 'orgkbn', { '0': 'organisation', '1': 'group' }, 'Whether the paths below are organisations or groups (組織区分)'),
		list('Organisation Paths', 'orgpathList', 'Organisation paths such as /1stAAAA00001/ (組織パス)'),
		list('Group IDs', 'grpidList', 'Group IDs (グループID)'),
		choice('Include People Without Organisation', 'indpflg', { '0': 'no', '1': 'yes' }, 'Whether people without an organisation are included (所属組織区分)'),
	]),
	collection('People Filters', 'peopleFilters', [
		list('User Codes', 'usrcdList', 'User codes (氏名コード)'),
		text('Family Name', 'sei', 'Family name (氏名 姓)'),
		text('Given Name', 'mei', 'Given name (氏名 名)'),
		choice('Language', 'langcd', { ja: 'Japanese', en: 'English' }, 'Language of the person (言語コード)'),
		list('Location Codes', 'lcncdList', 'Location codes (ロケーションコード)'),
		list('User-Defined Codes', 'ctmcdList', 'User-defined codes (ユーザー設定コード)'),
	]),
	collection('Address Filters', 'addressFilters', [
		choice('Address Match', 'adkbn', { '0': 'all conditions', '1': 'any condition' }, 'How the address conditions combine (住所条件)'),
		choice('Organisation and Address', 'searchkbn', { '0': 'both must match', '1': 'either may match' }, 'How organisation and address conditions combine (住所検索区分)'),
		list('Workplace Prefecture Codes', 'wktdfkcdList', 'Workplace prefecture codes, 2 digits (勤務先都道府県コード)'),
		list('Workplace Area Codes', 'wkareacdList', 'Workplace area codes, 3 digits (勤務先地域コード)'),
		text('Workplace City', 'wkskcs', 'Workplace city name (勤務先市区町村名)'),
		list('Home Address 1 Prefecture Codes', 'ad1tdfkcdList', 'Home address 1 prefecture codes (住所1都道府県コード)'),
		list('Home Address 1 Area Codes', 'ad1areacdList', 'Home address 1 area codes (住所1地域コード)'),
		text('Home Address 1 City', 'ad1skcs', 'Home address 1 city name (住所1市区町村名)'),
		list('Home Address 2 Prefecture Codes', 'ad2tdfkcdList', 'Home address 2 prefecture codes (住所2都道府県コード)'),
		list('Home Address 2 Area Codes', 'ad2areacdList', 'Home address 2 area codes (住所2地域コード)'),
		text('Home Address 2 City', 'ad2skcs', 'Home address 2 city name (住所2市区町村名)'),
	]),
	collection('Answer State Filters', 'answerFilters', [
		choice('Answer State', 'ansstatus', ENUMS.ansstatusFilter, 'Only people in this answer state (回答状況)'),
		choice('Answer Time Condition', 'regdatekbn', ENUMS.regdatekbn, 'Combine with Answer Time: people who answered, or did not answer, since then (時間指定区分)'),
		{
			displayName: 'Answer Time',
			name: 'regdate',
			type: 'dateTime',
			default: '',
			description: 'Required with Answer Time Condition (時間指定). Sent as YYYYMMDDHHMI in Japan time.',
		},
		text('Disaster ID', 'prodid', 'Disaster ID (災害ID)'),
		choice('Disasters', 'prodkbn', { '0': 'all', '1': 'latest only' }, 'Which disasters count (災害区分)'),
	]),
	collection('Send State Filters', 'sendFilters', [
		choice('Send State', 'sendstatus', ENUMS.sendstatusFilter, 'Only people whose request is in this state (発信状況)'),
		choice('Send Result', 'sendresult', ENUMS.sendresult, 'Only with Send State "sent" (発信状況(結果))'),
	]),
	{
		displayName: 'Answers per Question',
		name: 'answerFilters2',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Question',
		default: {},
		description: 'People who gave one of these answer codes to a question (回答コード一覧1-20)',
		options: [
			{
				displayName: 'Question',
				name: 'question',
				values: [
					{
						displayName: 'Question Number',
						name: 'questnum',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: QUESTION_COUNT },
						default: 1,
					},
					{
						displayName: 'Answer Codes',
						name: 'answers',
						type: 'string',
						default: '',
						placeholder: '01, 02',
						description: 'Answer codes, separated with commas (e.g. 02 = injured)',
					},
				],
			},
		],
	},
	{
		displayName: 'Question Match',
		name: 'questkbn',
		type: 'options',
		options: [
			{ name: 'All Questions Must Match', value: '0' },
			{ name: 'Any Question May Match', value: '1' },
		],
		default: '0',
		description: 'How the answers per question combine (質問一致条件)',
	},
];

const LIST_NAMES = new Set([
	'orgpathList', 'grpidList', 'usrcdList', 'lcncdList', 'ctmcdList', 'wktdfkcdList', 'wkareacdList',
	'ad1tdfkcdList', 'ad1areacdList', 'ad2tdfkcdList', 'ad2areacdList',
]);

/** Per-question answer codes from the panel, checked. */
export function readQuestions(this: IExecuteFunctions, itemIndex: number): Array<{ questnum: number; ansList: string[] }> {
	const questions = ((this.getNodeParameter('answerFilters2', itemIndex, {}) as IDataObject).question ?? []) as IDataObject[];
	return questions.map((question) => {
		const questnum = Number(question.questnum);
		const ansList = toList(question.answers);
		if (!Number.isInteger(questnum) || questnum < 1 || questnum > QUESTION_COUNT) {
			throw new NodeOperationError(this.getNode(), `"Question Number" must be 1 to ${QUESTION_COUNT}, got ${String(question.questnum)}`, { itemIndex });
		}
		if (!ansList.length || ansList.some((code) => !/^\d{1,2}$/.test(code))) {
			throw new NodeOperationError(this.getNode(), `"Answer Codes" of question ${questnum} must be 1–2 digit codes such as 01, 02`, {
				itemIndex,
				description: `Got "${String(question.answers)}". Separate several codes with commas.`,
			});
		}
		return { questnum, ansList };
	});
}

/** The filter groups as the API's body fields, checked before any call. */
export function readTargetFilters(this: IExecuteFunctions, itemIndex: number): IDataObject {
	const body: IDataObject = {};
	for (const group of ['organisationFilters', 'peopleFilters', 'addressFilters', 'answerFilters', 'sendFilters']) {
		const values = this.getNodeParameter(group, itemIndex, {}) as IDataObject;
		for (const [name, value] of Object.entries(values)) {
			if (value === '' || value === undefined || value === null) continue;
			if (LIST_NAMES.has(name)) {
				const entries = toList(value);
				if (entries.length) body[name] = entries;
			} else if (name === 'regdate') body.regdate = readDate.call(this, value, 'Answer Time', itemIndex);
			else body[name] = typeof value === 'string' ? value.trim() : value;
		}
	}
	if (body.regdatekbn !== undefined && body.regdate === undefined) {
		throw new NodeOperationError(this.getNode(), '"Answer Time" is required with "Answer Time Condition"', {
			itemIndex,
			description: 'Add the Answer Time filter (the date-time the condition counts from), or remove Answer Time Condition.',
		});
	}
	if (body.sendresult !== undefined && body.sendstatus !== '3') {
		throw new NodeOperationError(this.getNode(), '"Send Result" only works with "Send State" = 3: sent', {
			itemIndex,
			description: 'Add the Send State filter set to "3: sent", or remove Send Result.',
		});
	}
	for (const name of ['sei', 'mei'] as const) if (typeof body[name] === 'string') checkLength.call(this, body[name] as string, name === 'sei' ? 'Family Name' : 'Given Name', LIMITS.nameCode, itemIndex);
	for (const path of (body.orgpathList as string[] | undefined) ?? []) checkLength.call(this, path, 'Organisation Paths', LIMITS.orgPath, itemIndex);
	return body;
}
