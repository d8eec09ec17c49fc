// The OCCTO trigger's panel: the event, how it polls (adaptive or every poll), and each event's options.
import type { INodeProperties } from 'n8n-workflow';

import { daysLeftField } from './certificateExpiry';
import { MAX_DETAIL_CALLS_PER_POLL } from './pollLimits';

const adaptiveOnly = { show: { pollingMode: ['adaptive'], event: ['submissionStatusChanged', 'planChanged'] } };

const pollingModes = [
	{
		name: 'Adaptive (Saves Calls)',
		value: 'adaptive',
		description: 'Call OCCTO only when something can have changed (see below)',
	},
	{ name: 'Every Poll', value: 'everyPoll', description: 'Call OCCTO on every scheduled poll' },
];

export const triggerProperties: INodeProperties[] = [
	{
		displayName: 'Event',
		name: 'event',
		type: 'options',
		options: [
			{
				name: 'Submission Status Changed',
				value: 'submissionStatusChanged',
				description:
					'作業停止計画受付ファイル一覧取得, BA13B006: a submission is new or its status changed (受付中 → 受付完了 / 提出エラー). One list call per poll, plus one call per new 提出エラー for its details.',
			},
			{
				name: 'New or Updated Outage Plan',
				value: 'planChanged',
				description:
					'作業停止計画一覧取得, BA13B103: a plan appeared or was updated; updates carry the changed list fields. One list call per poll (plus one per plan with "Fetch Each Plan" or "Include Plan Changes").',
			},
			{
				name: 'Client Certificate Expiring',
				value: 'certificateExpiring',
				description: 'Fires once a day while the client certificate has fewer days left than you set. Costs no API call.',
			},
		],
		default: 'submissionStatusChanged',
	},
	daysLeftField,
	{
		displayName: 'Polling Mode',
		name: 'pollingMode',
		type: 'options',
		options: pollingModes,
		default: 'adaptive',
		description: 'Whether every scheduled poll calls OCCTO, or only the polls when something can have changed',
		displayOptions: { show: { '@version': [{ _cnd: { gte: 2 } }] }, hide: { event: ['certificateExpiring'] } },
	},
	{
		displayName: 'Polling Mode',
		name: 'pollingMode',
		type: 'options',
		options: pollingModes,
		default: 'everyPoll',
		description: 'Whether every scheduled poll calls OCCTO, or only the polls when something can have changed',
		displayOptions: { show: { '@version': [1] }, hide: { event: ['certificateExpiring'] } },
	},
	{
		displayName:
			'Adaptive polling calls OCCTO only while a submission is 受付中, after a plan is registered or accepted through this package (any workflow or worker), and once per Quiet Interval otherwise. With polls every 5 minutes and a 60-minute Quiet Interval: about 24 list calls on a day without submissions; each submission adds its follow-up polls, and each 提出エラー (or fetched plan) one detail call. All of them count against the Daily Call Budget, which the trigger never passes: detail calls that would pass it wait for a later poll, and their events with them.',
		name: 'adaptiveNotice',
		type: 'notice',
		default: '',
		displayOptions: adaptiveOnly,
	},
	{
		displayName: 'Quiet Interval (Minutes)',
		name: 'quietIntervalMinutes',
		type: 'number',
		typeOptions: { minValue: 5 },
		default: 60,
		description: 'With nothing pending, call OCCTO at most once in this many minutes — to catch what was submitted outside n8n (OCCTO\'s own screens)',
		displayOptions: adaptiveOnly,
	},
	{
		displayName: 'Daily Call Budget',
		name: 'dailyBudget',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 1000 },
		default: 500,
		description:
			`Most OCCTO calls a day (Japan time) this trigger makes, list and detail calls together (OCCTO allows 1000 for all your workflows together). A schedule whose list calls alone would need more is refused; detail calls that would pass it, or more than ${MAX_DETAIL_CALLS_PER_POLL} in one poll, wait for a later poll, and their events with them.`,
		displayOptions: { hide: { event: ['certificateExpiring'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { hide: { event: ['certificateExpiring'] } },
		options: [
			{
				displayName: 'Active Hours (Japan Time)',
				name: 'activeHours',
				type: 'string',
				default: '',
				placeholder: '08:00-20:00',
				description:
					'Adaptive polling only: outside these hours no calls are made, except to finish following a submission that is 受付中. Empty means around the clock.',
			},
			{
				displayName: 'Emit Existing on First Run',
				name: 'emitExisting',
				type: 'boolean',
				default: false,
				description: 'Whether the first poll after activation emits everything already there (otherwise it only remembers it)',
			},
			{
				displayName: 'Fetch Each Plan',
				name: 'fetchPlans',
				type: 'boolean',
				default: false,
				description: 'Whether to call 作業停止計画取得 (BA13B102) for each new or updated plan and add it as JSON (one call each, counted in the Daily Call Budget)',
			},
			{
				displayName: 'Fetch Error Details',
				name: 'fetchErrorDetails',
				type: 'boolean',
				default: true,
				description: 'Whether to call 作業停止計画受信確認メッセージ取得 (BA13B007) for each new 提出エラー and add its errors (one call each, counted in the Daily Call Budget)',
			},
			{
				displayName: 'Include Plan Changes',
				name: 'includePlanChanges',
				type: 'boolean',
				default: false,
				displayOptions: { show: { '/event': ['planChanged'] } },
				description:
					'Whether to call 作業停止計画取得 (BA13B102) for each new or updated plan (one call each, counted in the Daily Call Budget and deferred like other detail calls) and add planChanges: what changed in the plan since the trigger last fetched it',
			},
		],
	},
];
