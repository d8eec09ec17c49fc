// The panel's shared fields of the safety-confirmation operations: the thread, the options every operation has,
// and the target filters of Get Status and Send.
import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_DEADLINE_MINUTES, ENUMS, QUESTION_COUNT, timeoutOption } from '../../../nttAnpiApi';

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
