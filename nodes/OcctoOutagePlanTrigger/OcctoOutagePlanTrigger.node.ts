import type {
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { clock } from '../shared/clock';
import { pollsPerDay } from '../shared/pollSchedule';
import { onCursorCopy } from '../shared/trigger/cursorCopy';
import { onlyRemembers } from '../shared/trigger/firstRun';
import { guardedPoll } from '../shared/trigger/guardedPoll';
import type { Snapshot } from '../shared/trigger/snapshotDiff';
import { diffSnapshot, keepUnseen } from '../shared/trigger/snapshotDiff';
import { isTestRun, testRunSample } from '../shared/trigger/testRun';
import {
	apiLabel,
	callOcctoDocument,
	callOcctoList,
	DEFAULT_STOP_BEFORE,
	getOcctoConnection,
	PARAM,
	quotaOfReading,
	readMarker,
	ROW_ELEMENT_KEY,
	setMarker,
	testOcctoCredential,
} from '../occtoApi';
import { DEFAULT_ZIP_LIMITS, documentToJson } from '../shared/codecs';
import type { OcctoCallOptions, OcctoConnection } from '../occtoApi';
import type { ActiveHours, AdaptiveState } from './adaptivePolling';
import { callsToday, countCall, decideCall, estimateCalls, parseActiveHours, recordCall } from './adaptivePolling';
import type { KeyFields, TriggerList } from './keyFields';
import { KeyFieldError, changedFields, decideKeyFields, normalizedRow, renamedFields, rowState, sameStatus, submissionState } from './keyFields';
import { pollCertificateExpiry } from './certificateExpiry';
import type { Copies } from './changes';
import { triggerProperties } from './description';
import { CALL_TIMEOUT_MS, ENGINE_BUDGET_MARGIN_MS, MAX_DETAIL_CALLS_PER_POLL, POLL_LEASE_MS, POLL_MARGIN_MS } from './pollLimits';
import { comparePlan, elementsOf, nextRowCopies, rowChanges, statusChange } from './changes';

type Event = 'submissionStatusChanged' | 'planChanged' | 'certificateExpiring';

interface Cursor extends AdaptiveState {
	/** Row key → status (submissions) or last-updated time (plans). Submissions are keyed by receipt number. */
	seen?: Snapshot;
	/**
	 * How the plan trigger keys `seen`: 2 = plan division + receipt number ("1/2000000001"). Absent: a cursor
	 * from before, keyed by receipt number alone, which the next poll reads and rewrites (no event lost or repeated).
	 */
	seenKeys?: 2;
	/** The key fields decided from the rows (and for which list), so a later list cannot change the decision. */
	keyFields?: KeyFields & { list: TriggerList };
	/** Rows whose detail calls did not fit in a poll (Daily Call Budget, per-poll cap): kept unseen, emitted by a later poll. */
	deferred?: string[];
	/** The last listed row per key, for `changes` (capped: ROW_COPIES_MAX_CHARS). */
	rowCopies?: Copies;
	/** "Include Plan Changes": the last fetched plan per key, most recent last (capped: PLAN_COPIES_MAX_CHARS). */
	planCopies?: Copies;
}

/**
 * Time after the poll's start by which its last detail call must have ended: within the lease, and within the
 * poll budget n8n 2.x gives a poll (getPollBudgetMs; absent on n8n 1.x).
 */
function detailCallDeadlineMs(ctx: IPollFunctions): number {
	const engineBudget = (ctx as { getPollBudgetMs?: () => number }).getPollBudgetMs?.();
	const lease = POLL_LEASE_MS - POLL_MARGIN_MS;
	return typeof engineBudget === 'number' && engineBudget > 0 ? Math.min(lease, engineBudget - ENGINE_BUDGET_MARGIN_MS) : lease;
}

const CALL_OPTIONS: OcctoCallOptions = { limits: DEFAULT_ZIP_LIMITS, stopBefore: DEFAULT_STOP_BEFORE, timeoutMs: CALL_TIMEOUT_MS };

export { MAX_DETAIL_CALLS_PER_POLL, POLL_LEASE_MS };

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
		properties: triggerProperties,
	};

	methods = { credentialTest: { occtoWebApiTest: testOcctoCredential } };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		// a poll that starts while the previous one still waits on OCCTO makes no call and emits nothing
		return await guardedPoll(this, 'OCCTO Outage Plan Trigger', POLL_LEASE_MS, async () => await pollOnce.call(this));
	}
}

async function pollOnce(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const startedAt = Date.now(); // real time, for the lease (the adaptive clock may be moved by tests)
	const event = this.getNodeParameter('event') as Event;
	if (event === 'certificateExpiring') return await pollCertificateExpiry.call(this);
	const manual = isTestRun(this);
	const stored = this.getWorkflowStaticData('node') as Cursor;
	const budget = this.getNodeParameter('dailyBudget', 500) as number;
	const perDay = pollsPerDay(this.getNodeParameter('pollTimes', {}) as IDataObject);
	const adaptive = this.getNodeParameter('pollingMode', 'everyPoll') === 'adaptive';
	const options = this.getNodeParameter('options', {}) as IDataObject;
	const isSubmissions = event === 'submissionStatusChanged';
	const list: TriggerList = isSubmissions ? 'submissions' : 'plans';
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
	const extra: IDataObject = connection.sandbox ? { certificate: null, sandbox: true } : { certificate: connection.certificate };
	const apiId = isSubmissions ? 'BA13B006' : 'BA13B103';
	const now = clock.now();
	const deferredBefore = stored.deferred ?? [];
	if (!manual) {
		const spent = callsToday(stored, now);
		if (adaptive) {
			const decision = decideCall({
				now,
				state: stored,
				pending: (isSubmissions && Object.values(stored.seen ?? {}).some((value) => submissionState(value) === 'receiving')) || deferredBefore.length > 0,
				markedAt: await readMarker(connection.state, isSubmissions ? 'registered' : 'plansChanged', connection.userId),
				quietMs: quietMinutes * 60_000,
				activeHours,
				dailyBudget: budget,
			});
			if (!decision.call) {
				this.logger.debug(`OCCTO Outage Plan Trigger: no call this poll (${decision.reason}); typical ${estimate.quiet}, at most ${estimate.worstCase} list calls a day`);
				return null;
			}
			this.logger.debug(`OCCTO Outage Plan Trigger: calling ${apiId} (${decision.reason})`);
		} else if (spent >= budget) {
			// detail calls used up what the list calls left: the rest of the day waits (nothing is lost)
			this.logger.info(`OCCTO Outage Plan Trigger: no call this poll: the Daily Call Budget of ${budget} is spent for today (Japan time)`);
			return null;
		}
	}

	// a failed poll keeps its call count: OCCTO counts failed calls too, and so does the budget
	return await onCursorCopy<Cursor, INodeExecutionData[][] | null>(
		this,
		async (next) => {
			if (!manual) recordCall(next, now);
			return await pollList.call(this, { list, apiId, manual, adaptive, budget, perDay, estimate, options, stored, next, now, startedAt, extra, connection });
		},
		['calls', 'lastCallAt'],
	);
}

interface PollInput {
	list: TriggerList;
	apiId: 'BA13B006' | 'BA13B103';
	manual: boolean;
	adaptive: boolean;
	budget: number;
	perDay: number;
	estimate: ReturnType<typeof estimateCalls>;
	options: IDataObject;
	/** The cursor as stored (read only here). */
	stored: Cursor;
	/** The copy this poll writes; committed by the caller when the poll succeeds. */
	next: Cursor;
	now: number;
	startedAt: number;
	extra: IDataObject;
	connection: OcctoConnection;
}

async function pollList(this: IPollFunctions, input: PollInput): Promise<INodeExecutionData[][] | null> {
	const { list, apiId, manual, adaptive, budget, perDay, estimate, options, stored, next, now, startedAt, extra, connection } = input;
	const isSubmissions = list === 'submissions';
	const answer = await callOcctoList.call(this, apiId, {}, CALL_OPTIONS);
	const rows = answer.rows;
	if (answer.empty) this.logger.info(`OCCTO returned an empty list for ${apiLabel(apiId)}`);

	// without its key fields every row would look unchanged (or new) on every poll: find them, or refuse rather than guess
	const previousFields = stored.keyFields?.list === list ? stored.keyFields : undefined;
	let fields: KeyFields | undefined;
	try {
		fields = decideKeyFields(rows, list, previousFields) ?? previousFields;
	} catch (error) {
		if (!(error instanceof KeyFieldError)) throw new NodeOperationError(this.getNode(), error as Error);
		throw new NodeOperationError(this.getNode(), error.message, {
			description: `${error.fix}${error.candidates.length ? ` Candidates found: ${error.candidates.join(', ')}.` : ''}`,
		});
	}
	// rows that contradict the decision kept decide again, and say so (log and items) rather than go silent
	const redecided = fields && previousFields ? changedFields(previousFields, fields, list) : undefined;
	const notice = redecided?.contradicted ? `key fields decided again, as OCCTO's rows no longer fit those kept: ${redecided.changes.join(', ')}` : undefined;
	if (notice) this.logger.warn(`OCCTO Outage Plan Trigger: ${notice}`);
	else if (redecided?.changes.length) this.logger.info(`OCCTO Outage Plan Trigger: key fields settled by this poll's rows: ${redecided.changes.join(', ')}`);
	if (fields) {
		const renamed = renamedFields(fields, list);
		if (renamed.length && !previousFields) this.logger.info(`OCCTO Outage Plan Trigger: key fields found by content: ${renamed.join(', ')}`);
		const { receptionNo, marker, statusName, planDivision } = fields;
		next.keyFields = { list, receptionNo, marker, ...(statusName !== undefined ? { statusName } : {}), ...(planDivision !== undefined ? { planDivision } : {}) };
	}
	const normalized = (row: IDataObject) => (fields ? normalizedRow(row, fields, list) : row);

	if (manual) {
		// a test run shows what an event looks like without moving the cursor
		const sample = testRunSample(rows, 3, 'last').map(normalized);
		// …and what these settings will spend, since the panel can only show a fixed text
		const spend = adaptive
			? { pollingMode: 'adaptive', quietDay: estimate.quiet, atMost: estimate.worstCase, pollsPerDay: perDay }
			: { pollingMode: 'everyPoll', everyDay: perDay, pollsPerDay: perDay };
		const items = sample.length ? sample : [{ note: 'No submissions or plans listed yet: this is what the trigger will spend.' }];
		return [items.map((row) => ({ json: { ...row, ...extra, quota: answer.quota, estimatedCallsPerDay: spend } }))];
	}
	if (!fields) {
		// an empty list and nothing decided before: nothing to key on yet, nothing to emit
		next.seen = {};
		next.deferred = undefined;
		next.rowCopies = undefined;
		next.planCopies = undefined;
		if (!isSubmissions) next.seenKeys = 2;
		return null;
	}
	const keyFields = fields;
	const marker = (row: IDataObject) => String(row[keyFields.marker]);
	const receipt = (row: IDataObject) => String(row[keyFields.receptionNo]);
	// plans are keyed by plan division + receipt number; submissions by receipt number
	const keyWith = (f: KeyFields, byDivision: boolean) => (row: IDataObject) =>
		byDivision && f.planDivision !== undefined ? `${String(row[f.planDivision])}/${String(row[f.receptionNo])}` : String(row[f.receptionNo]);
	const keyOf = keyWith(keyFields, !isSubmissions);
	// the key a row has in the snapshot: under the fields decided before (a cursor from before division keys: receipt alone)
	const olderKeyOf = keyWith(previousFields ?? keyFields, !isSubmissions && stored.seenKeys === 2);
	// a last-updated time now read from another field cannot be compared with the one kept: this poll tells only
	// new plans (no flood of "updates"), and remembers the new field's times for the next
	const markerMoved = !isSubmissions && previousFields !== undefined && previousFields.marker !== keyFields.marker;
	// a status seen as code and now as name (or back) is the same status
	const { changed, next: nextSeen } = diffSnapshot(stored.seen, rows, {
		keyOf,
		markerOf: marker,
		olderKeyOf,
		...(isSubmissions ? { same: sameStatus } : markerMoved ? { same: (before: string | undefined) => before !== undefined } : {}),
	});
	if (markerMoved) for (const row of rows) nextSeen[keyOf(row)] = marker(row);
	if (!isSubmissions) next.seenKeys = 2;
	const includePlanChanges = !isSubmissions && options.includePlanChanges === true;
	// the copies follow the list: a plan that left it is forgotten (deferred rows keep the copy last emitted)
	const keepCopies = (deferredKeys: Set<string>, changedKeys: Set<string>) => {
		next.rowCopies = nextRowCopies(stored.rowCopies, rows.map((row) => ({ key: keyOf(row), row })), deferredKeys, changedKeys);
		const listed = new Set(rows.map(keyOf));
		const plans = Object.entries(next.planCopies ?? {}).filter(([key]) => includePlanChanges && listed.has(key));
		next.planCopies = plans.length ? Object.fromEntries(plans) : undefined;
	};
	if (onlyRemembers(this, stored.seen) || !changed.length) {
		next.seen = nextSeen;
		next.deferred = undefined;
		keepCopies(new Set(), new Set());
		return null;
	}

	const needsDetails = (row: IDataObject) =>
		isSubmissions ? options.fetchErrorDetails !== false && rowState(row, keyFields) === 'error' : options.fetchPlans === true || includePlanChanges;
	const fetchOption = options.fetchPlans === true ? 'Fetch Each Plan' : 'Include Plan Changes';
	if (!isSubmissions && (options.fetchPlans === true || includePlanChanges) && keyFields.planDivision === undefined) {
		throw new NodeOperationError(this.getNode(), `"${fetchOption}" needs the plan division of each plan, which this trigger cannot find in OCCTO's rows (not under "planDivision", nor one field that shows plan divisions by content)`, {
			description: `Map its element in "Field Names" in the OCCTO credential's Advanced Settings (e.g. THE_ELEMENT = planDivision), or turn "${fetchOption}" off. A <${String(rows[0][ROW_ELEMENT_KEY])}> row holds: ${Object.keys(rows[0]).filter((name) => name !== ROW_ELEMENT_KEY).join(', ')}.`,
		});
	}
	// every detail call counts against the Daily Call Budget; those that do not fit wait for the next poll
	let allowance = Math.min(MAX_DETAIL_CALLS_PER_POLL, budget - callsToday(next, now));
	const deadline = detailCallDeadlineMs(this);
	const out: INodeExecutionData[] = [];
	const deferred: string[] = [];
	const elementOf = elementsOf(connection.wire.fieldNames);
	next.planCopies = { ...(stored.planCopies ?? {}) };
	for (const change of changed) {
		const { row, key } = change;
		const copy = stored.rowCopies?.[key];
		const json: IDataObject = {
			...normalized(row),
			previous: change.previous ?? null,
			// what the list row says changed, against the copy kept: no call
			changes: rowChanges(copy, row, change.previous, keyFields, elementOf) as unknown as IDataObject[],
			...(isSubmissions ? { statusChange: statusChange(copy, row, change.previous, keyFields) } : {}),
			...extra,
			...(notice ? { keyFieldsNotice: notice } : {}),
		};
		if (needsDetails(row)) {
			// the lease (and n8n's poll budget) must outlast the poll: no detail call that could end past it
			if (allowance <= 0 || Date.now() - startedAt + CALL_TIMEOUT_MS > deadline) {
				deferred.push(key);
				keepUnseen(nextSeen, change);
				continue;
			}
			allowance--;
			countCall(next, clock.now());
			if (isSubmissions) {
				const details = await callOcctoList.call(this, 'BA13B007', { [PARAM.receptionNo]: receipt(row) }, CALL_OPTIONS);
				json.errors = details.rows;
			} else {
				const plan = await callOcctoDocument.call(
					this,
					'BA13B102',
					{ [PARAM.planDivision]: String(row[keyFields.planDivision!]), [PARAM.receptionNo]: receipt(row) },
					CALL_OPTIONS,
				);
				const document = documentToJson(plan.document);
				if (options.fetchPlans === true) json.plan = document;
				if (includePlanChanges) Object.assign(json, comparePlan(next.planCopies, key, document, change.previous === undefined));
			}
		}
		out.push({ json });
	}
	if (deferred.length) {
		this.logger.info(
			`OCCTO Outage Plan Trigger: ${deferred.length} event(s) wait for their detail calls until a later poll (${callsToday(next, now)} of the Daily Call Budget of ${budget} spent today; at most ${MAX_DETAIL_CALLS_PER_POLL} detail calls a poll, none that could end past ${Math.round(deadline / 1000)} s into the poll)`,
		);
	}
	next.seen = nextSeen;
	next.deferred = deferred.length ? deferred : undefined;
	keepCopies(new Set(deferred), new Set(changed.map(({ key }) => key)));
	if (!out.length) return null;
	const quota = quotaOfReading(await connection.ledger.read(connection.userId)); // after any detail calls
	for (const item of out) item.json.quota = { ...quota };
	if (isSubmissions && changed.some(({ row, key }) => !deferred.includes(key) && rowState(row, keyFields) === 'accepted')) {
		// the plan list changed: an adaptive plan trigger on this user ID calls at its next poll
		await setMarker(connection.state, 'plansChanged', connection.userId, now).catch(() => undefined);
	}
	return [out];
}
