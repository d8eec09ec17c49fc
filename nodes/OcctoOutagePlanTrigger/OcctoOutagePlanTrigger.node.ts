import type {
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { jstDate } from '../shared/japanTime';
import { pollsPerDay } from '../shared/pollSchedule';
import { withPollGuard } from '../shared/pollGuard';
import { DEFAULT_STOP_BEFORE, documentToJson, requireField } from '../OcctoOutagePlan/actions/common';
import { DEFAULT_ZIP_LIMITS } from '../shared/codecs';
import { PARAM, SUBMISSION_STATUS } from '../OcctoOutagePlan/mapping';
import type { OcctoCallOptions } from '../OcctoOutagePlan/transport';
import { apiLabel, callOcctoDocument, callOcctoList, getOcctoConnection } from '../OcctoOutagePlan/transport';
import { testOcctoCredential } from '../OcctoOutagePlan/transport/credentialTest';
import { occtoQuota } from '../OcctoOutagePlan/transport/quota';

type Event = 'submissionStatusChanged' | 'planChanged' | 'certificateExpiring';

interface Cursor {
	/** Receipt number → status (submissions) or last-updated time (plans). */
	seen?: Record<string, string>;
	/** Japan-time day the certificate warning last fired. */
	warnedOn?: string;
}

const CALL_OPTIONS: OcctoCallOptions = { limits: DEFAULT_ZIP_LIMITS, stopBefore: DEFAULT_STOP_BEFORE, timeoutMs: 60_000 };
/** Longest a poll may hold the overlap guard: a list call and a few detail calls of at most 60 s each. */
const POLL_LEASE_MS = 15 * 60_000;

export class OcctoOutagePlanTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'OCCTO Outage Plan Trigger',
		name: 'occtoOutagePlanTrigger',
		icon: { light: 'file:../../icons/occto.svg', dark: 'file:../../icons/occto.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ $parameter["event"] }}',
		description: 'Starts a workflow when an OCCTO submission changes status, a plan is new or updated, or the client certificate is about to expire',
		defaults: { name: 'OCCTO Outage Plan Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'occtoWebApi', required: true, testedBy: 'occtoWebApiTest' }],
		properties: [
			{
				displayName: 'This trigger',
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
		return await withPollGuard(this, 'OCCTO Outage Plan Trigger', POLL_LEASE_MS, async () => await OcctoOutagePlanTrigger.prototype.pollOnce.call(this));
	}

	async pollOnce(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const event = this.getNodeParameter('event') as Event;
		const manual = this.getMode() === 'manual';
		const cursor = this.getWorkflowStaticData('node') as Cursor;
		if (event === 'certificateExpiring') return await certificateExpiring.call(this, cursor, manual);

		const budget = this.getNodeParameter('dailyBudget', 500) as number;
		const perDay = pollsPerDay(this.getNodeParameter('pollTimes', {}) as IDataObject);
		if (perDay > budget) {
			throw new NodeOperationError(
				this.getNode(),
				`This schedule polls ${perDay} times a day, which would spend ${perDay} OCCTO calls, more than the daily budget of ${budget}`,
				{
					description:
						'OCCTO allows 1000 calls a day for all your workflows together. Poll less often (e.g. every 5 minutes = 288 calls, every 15 minutes = 96) or raise "Daily Call Budget".',
				},
			);
		}
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const connection = await getOcctoConnection.call(this);
		const extra = { certificate: connection.certificate };
		const isSubmissions = event === 'submissionStatusChanged';
		const apiId = isSubmissions ? 'BA13B006' : 'BA13B103';
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
			return sample.length ? [sample.map((row) => ({ json: { ...row, ...extra, quota: answer.quota } }))] : null;
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
		const quota = occtoQuota.snapshot(connection.userId); // after any detail calls
		for (const item of out) item.json.quota = { ...quota };
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
