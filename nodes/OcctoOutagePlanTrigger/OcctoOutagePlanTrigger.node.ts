import type {
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { clock } from '../shared/clock';
import { jstDate } from '../shared/japanTime';
import { pollsPerDay } from '../shared/pollSchedule';
import { withPollGuard } from '../shared/pollGuard';
import { useSharedPollLocks } from '../shared/sharedPollLocks';
import { DEFAULT_STOP_BEFORE, documentToJson, requireField } from '../OcctoOutagePlan/actions/common';
import { DEFAULT_ZIP_LIMITS } from '../shared/codecs';
import { PARAM, SUBMISSION_STATUS } from '../OcctoOutagePlan/mapping';
import type { OcctoCallOptions } from '../OcctoOutagePlan/transport';
import { apiLabel, callOcctoDocument, callOcctoList, getOcctoConnection } from '../OcctoOutagePlan/transport';
import { setMarker, readMarker } from '../OcctoOutagePlan/transport/activityMarkers';
import { testOcctoCredential } from '../OcctoOutagePlan/transport/credentialTest';
import type { ActiveHours, AdaptiveState } from './adaptivePolling';
import { decideCall, estimateCalls, parseActiveHours, recordCall } from './adaptivePolling';
import { quotaOfReading } from '../OcctoOutagePlan/transport/callLedger';

type Event = 'submissionStatusChanged' | 'planChanged' | 'certificateExpiring';

interface Cursor extends AdaptiveState {
	/** Receipt number → status (submissions) or last-updated time (plans). */
	seen?: Record<string, string>;
	/** Japan-time day the certificate warning last fired. */
	warnedOn?: string;
}


const adaptiveOnly = { show: { pollingMode: ['adaptive'], event: ['submissionStatusChanged', 'planChanged'] } };

const CALL_OPTIONS: OcctoCallOptions = { limits: DEFAULT_ZIP_LIMITS, stopBefore: DEFAULT_STOP_BEFORE, timeoutMs: 60_000 };
/** Longest a poll may hold the overlap guard: a list call and a few detail calls of at most 60 s each. */
const POLL_LEASE_MS = 15 * 60_000;

const pollingModes = [
	{
		name: 'Adaptive (Saves Calls)',
		value: 'adaptive',
		description: 'Call OCCTO only when something can have changed (see below)',
	},
	{ name: 'Every Poll', value: 'everyPoll', description: 'Call OCCTO on every scheduled poll' },
];

export class OcctoOutagePlanTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'OCCTO Outage Plan Trigger',
		name: 'occtoOutagePlanTrigger',
		icon: { light: 'file:../../icons/occto.svg', dark: 'file:../../icons/occto.dark.svg' },
		group: ['trigger'],
		version: [1, 2],
		defaultVersion: 2,
		subtitle: '={{ $parameter["event"] }}',
		description: 'Starts a workflow when an OCCTO submission changes status, a plan is new or updated, or the client certificate is about to expire',
		defaults: { name: 'OCCTO Outage Plan Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'occtoWebApi', required: true, testedBy: 'occtoWebApiTest' }],
		properties: [
			{
				displayName: 'Event',
				name: 'event',
				type: 'options',
				options: [
					{
						name: 'Submission Status Changed',
						value: 'submissionStatusChanged',
						description: '作業停止計画受付ファイル一覧取得, BA13B006: a submission is new or its status changed (受付中 → 受付完了 / 提出エラー). One call per poll.',
					},
					{
						name: 'New or Updated Outage Plan',
						value: 'planChanged',
						description: '作業停止計画一覧取得, BA13B103: a plan appeared or was updated. One call per poll.',
					},
					{
						name: 'Client Certificate Expiring',
						value: 'certificateExpiring',
						description: 'Fires once a day while the client certificate has fewer days left than you set. Costs no API call.',
					},
				],
				default: 'submissionStatusChanged',
			},
			{
				displayName: 'Days Left',
				name: 'daysLeft',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 30,
				description: 'Fire while the certificate has fewer days left than this',
				displayOptions: { show: { event: ['certificateExpiring'] } },
			},
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
					'Adaptive polling calls OCCTO only while a submission is 受付中, after a plan is registered or accepted through this package (any workflow or worker), and once per Quiet Interval otherwise. With polls every 5 minutes and a 60-minute Quiet Interval: about 24 calls on a day without submissions, and each submission adds its follow-up polls; never more than the Daily Call Budget.',
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
					'Most OCCTO calls a day this trigger may plan to spend (OCCTO allows 1000 for all your workflows together). A schedule that would need more is refused.',
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
						displayName: 'Fetch Error Details',
						name: 'fetchErrorDetails',
						type: 'boolean',
						default: true,
						description: 'Whether to call 作業停止計画受信確認メッセージ取得 (BA13B007) for each new 提出エラー and add its errors (one call each)',
					},
					{
						displayName: 'Fetch Each Plan',
						name: 'fetchPlans',
						type: 'boolean',
						default: false,
						description: 'Whether to call 作業停止計画取得 (BA13B102) for each new or updated plan and add it as JSON (one call each)',
					},
				],
			},
		],
	};

	methods = { credentialTest: { occtoWebApiTest: testOcctoCredential } };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		// a poll that starts while the previous one still waits on OCCTO makes no call and emits nothing
		await useSharedPollLocks(); // queue mode: the guard holds across processes
		return await withPollGuard(this, 'OCCTO Outage Plan Trigger', POLL_LEASE_MS, async () => await OcctoOutagePlanTrigger.prototype.pollOnce.call(this));
	}

	async pollOnce(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const event = this.getNodeParameter('event') as Event;
		const manual = this.getMode() === 'manual';
		const cursor = this.getWorkflowStaticData('node') as Cursor;
		if (event === 'certificateExpiring') return await certificateExpiring.call(this, cursor, manual);

		const budget = this.getNodeParameter('dailyBudget', 500) as number;
		const perDay = pollsPerDay(this.getNodeParameter('pollTimes', {}) as IDataObject);
		const adaptive = this.getNodeParameter('pollingMode', 'everyPoll') === 'adaptive';
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const isSubmissions = event === 'submissionStatusChanged';
		let activeHours: ActiveHours | undefined;
		try {
			activeHours = adaptive ? parseActiveHours(options.activeHours) : undefined;
		} catch (error) {
			throw new NodeOperationError(this.getNode(), (error as Error).message, { description: 'Set "Active Hours (Japan Time)" in the options, e.g. 08:00-20:00, or leave it empty.' });
		}
		const quietMinutes = Number(this.getNodeParameter('quietIntervalMinutes', 60));
		const estimate = estimateCalls(perDay, quietMinutes, activeHours, budget);
		if (adaptive && estimate.quiet > budget) {
			throw new NodeOperationError(
				this.getNode(),
				`A Quiet Interval of ${quietMinutes} minutes alone spends ${estimate.quiet} OCCTO calls a day, more than the daily budget of ${budget}`,
				{ description: 'Lengthen "Quiet Interval (Minutes)", narrow "Active Hours", or raise "Daily Call Budget".' },
			);
		}
		if (!adaptive && perDay > budget) {
			throw new NodeOperationError(
				this.getNode(),
				`This schedule polls ${perDay} times a day, which would spend ${perDay} OCCTO calls, more than the daily budget of ${budget}`,
				{
					description:
						'OCCTO allows 1000 calls a day for all your workflows together. Poll less often (e.g. every 5 minutes = 288 calls, every 15 minutes = 96) or raise "Daily Call Budget".',
				},
			);
		}
		const connection = await getOcctoConnection.call(this);
		const extra = { certificate: connection.certificate };
		const apiId = isSubmissions ? 'BA13B006' : 'BA13B103';
		const now = clock.now();
		if (adaptive && !manual) {
			const decision = decideCall({
				now,
				state: cursor,
				pending: isSubmissions && Object.values(cursor.seen ?? {}).includes(SUBMISSION_STATUS.receiving.code),
				markedAt: await readMarker(connection.state, isSubmissions ? 'registered' : 'plansChanged', connection.userId),
				quietMs: quietMinutes * 60_000,
				activeHours,
				dailyBudget: budget,
			});
			if (!decision.call) {
				this.logger.debug(`OCCTO Outage Plan Trigger: no call this poll (${decision.reason}); typical ${estimate.quiet}, at most ${estimate.worstCase} calls a day`);
				return null;
			}
			this.logger.debug(`OCCTO Outage Plan Trigger: calling ${apiId} (${decision.reason})`);
		}
		if (!manual) recordCall(cursor, now);
		const answer = await callOcctoList.call(this, apiId, {}, CALL_OPTIONS);
		const rows = answer.rows;
		if (answer.empty) this.logger.info(`OCCTO returned an empty list for ${apiLabel(apiId)}`);
		// without these fields every row would look unchanged (or new) on every poll: refuse rather than guess
		const markerField = isSubmissions ? 'status' : 'lastUpdatedAt';
		requireField.call(this, rows, 'occtoReceptionNo', 'This trigger', 0);
		requireField.call(this, rows, markerField, 'This trigger', 0);
		const marker = (row: IDataObject) => String(row[markerField]);

		if (manual) {
			// a test run shows what an event looks like without moving the cursor
			const sample = rows.slice(-3);
			// …and what these settings will spend, since the panel can only show a fixed text
			const spend = adaptive
				? { pollingMode: 'adaptive', quietDay: estimate.quiet, atMost: estimate.worstCase, pollsPerDay: perDay }
				: { pollingMode: 'everyPoll', everyDay: perDay, pollsPerDay: perDay };
			const items = sample.length ? sample : [{ note: 'No submissions or plans listed yet: this is what the trigger will spend.' }];
			return [items.map((row) => ({ json: { ...row, ...extra, quota: answer.quota, estimatedCallsPerDay: spend } }))];
		}
		const firstRun = cursor.seen === undefined;
		const seen = cursor.seen ?? {};
		const changed = rows.filter((row) => seen[String(row.occtoReceptionNo)] !== marker(row));
		// the cursor moves only once everything below succeeded, so a failed detail call loses no event
		const nextSeen = Object.fromEntries(rows.map((row) => [String(row.occtoReceptionNo), marker(row)]));
		if ((firstRun && options.emitExisting !== true) || !changed.length) {
			cursor.seen = nextSeen;
			return null;
		}

		const out: INodeExecutionData[] = [];
		for (const row of changed) {
			const json: IDataObject = { ...row, previous: seen[String(row.occtoReceptionNo)] ?? null, ...extra };
			if (isSubmissions && options.fetchErrorDetails !== false && row.status === SUBMISSION_STATUS.error.code) {
				const details = await callOcctoList.call(this, 'BA13B007', { [PARAM.receptionNo]: String(row.occtoReceptionNo) }, CALL_OPTIONS);
				json.errors = details.rows;
			}
			if (!isSubmissions && options.fetchPlans === true) {
				const plan = await callOcctoDocument.call(
					this,
					'BA13B102',
					{ [PARAM.planDivision]: String(row.planDivision), [PARAM.receptionNo]: String(row.occtoReceptionNo) },
					CALL_OPTIONS,
				);
				json.plan = documentToJson(plan.document);
			}
			out.push({ json });
		}
		const quota = quotaOfReading(await connection.ledger.read(connection.userId)); // after any detail calls
		for (const item of out) item.json.quota = { ...quota };
		if (isSubmissions && changed.some((row) => row.status === SUBMISSION_STATUS.accepted.code)) {
			// the plan list changed: an adaptive plan trigger on this user ID calls at its next poll
			await setMarker(connection.state, 'plansChanged', connection.userId, now).catch(() => undefined);
		}
		cursor.seen = nextSeen;
		return [out];
	}
}

async function certificateExpiring(this: IPollFunctions, cursor: Cursor, manual: boolean): Promise<INodeExecutionData[][] | null> {
	const { certificate } = await getOcctoConnection.call(this);
	const threshold = this.getNodeParameter('daysLeft', 30) as number;
	const today = jstDate(new Date());
	if (certificate.daysLeft >= threshold && !manual) return null;
	if (!manual) {
		if (cursor.warnedOn === today) return null;
		cursor.warnedOn = today;
	}
	const message =
		certificate.daysLeft < 0
			? `The OCCTO client certificate expired ${-certificate.daysLeft} days ago; OCCTO refuses every call until it is renewed.`
			: `The OCCTO client certificate expires in ${certificate.daysLeft} days (${certificate.expiresAt}). Renew it with OCCTO and update the credential.`;
	return [[{ json: { ...certificate, threshold, message } }]];
}
