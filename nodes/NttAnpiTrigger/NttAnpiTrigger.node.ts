import type { IDataObject, INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { fromJstDigits, jstMinute } from '../shared/japanTime';
import { isSandbox } from '../shared/sandbox/environment';
import { onCursorCopy } from '../shared/trigger/cursorCopy';
import { emitsExisting, onlyRemembers } from '../shared/trigger/firstRun';
import { pollsPerDay } from '../shared/pollSchedule';
import { guardedPoll } from '../shared/trigger/guardedPoll';
import { diffSnapshot } from '../shared/trigger/snapshotDiff';
import { isTestRun, testRunSample } from '../shared/trigger/testRun';
import type { CallLimits } from '../nttAnpiApi';
import {
	CREDENTIAL_TYPE,
	DEFAULT_DEADLINE_MINUTES,
	LIMITS,
	NO_VALUE,
	TID_PATTERN,
	answerStateOf,
	forEachStatusPage,
	forEachThreadPage,
	formatMinutes,
	personRow,
	readTimeoutMs,
	statusBody,
	testNttCredential,
	threadOf,
	threadStateOf,
	timeoutOption,
} from '../nttAnpiApi';

type Event = 'newAnswers' | 'threadCompleted' | 'threadOpened';

interface Cursor {
	/**
	 * newAnswers: the thread followed ("" when no round was open yet), the answer time (YYYYMMDDHHMI) polled
	 * from, and the answers already emitted at that minute.
	 */
	tid?: string;
	since?: string;
	emittedAtSince?: string[];
	/**
	 * newAnswers: the minute (YYYYMMDDHHMI) the trigger was activated. With Emit Existing off, no answer from
	 * before it is new, even in a round first seen later (a round may open holding yesterday's answers).
	 */
	activatedAt?: string;
	/** thread events: tid → endflg as last seen. */
	threads?: Record<string, string>;
}

const ONE_MINUTE = 60_000;
/** Answers a test run from the editor reads and shows. */
const TEST_RUN_ROWS = 5;

// The spec names no error for "no round is open"; an API error counts as one when it speaks of the thread
// (スレッド, tid) and of its absence, in Japanese or English.
const ABOUT_THE_ROUND = /スレッド|thread|\btid\b|\bround\b/i;
const NOT_THERE = /ありません|存在しません|見つかりません|ない|なし|無し|not found|not exist|no (?:open |active )?(?:thread|round)|not open|\bnone\b/i;

/**
 * Whether Get Status without tid failed only because no round is open, the normal state between disasters:
 * HTTP 404 (with or without an API error), or an API error about the thread not being there.
 */
function noOpenRound(error: unknown): boolean {
	if (!(error instanceof NodeApiError)) return false;
	if (error.httpCode === '404') return true;
	if (typeof error.context.apiCode !== 'string') return false; // gateway faults and bare statuses are real errors
	const said = `${error.message} ${error.description ?? ''}`;
	return ABOUT_THE_ROUND.test(said) && NOT_THERE.test(said);
}
/** How long past its deadline a poll may still hold the overlap guard (its last call is bounded by it). */
const GUARD_MARGIN_MS = 60_000;

/**
 * A poll's waits: each call bounded by Timeout, the whole poll by n8n's poll budget where n8n 2.x gives
 * one (it abandons a poll that runs past its own poll timeout), else by the node's default deadline.
 */
function pollLimits(this: IPollFunctions): CallLimits {
	const timeoutMs = readTimeoutMs(this.getNode(), this.getNodeParameter('options', {}) as IDataObject);
	const budget = typeof this.getPollBudgetMs === 'function' ? this.getPollBudgetMs() : DEFAULT_DEADLINE_MINUTES * ONE_MINUTE;
	return { timeoutMs, deadlineAt: Date.now() + budget, deadlineLabel: `poll deadline (${formatMinutes(budget)})` };
}

export class NttAnpiTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'NTT Anpi Trigger',
		name: 'nttAnpiTrigger',
		icon: { light: 'file:../../icons/nttAnpi.svg', dark: 'file:../../icons/nttAnpi.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ $parameter["event"] }}',
		description: 'Starts a workflow when people answer a safety confirmation, or a round opens or closes',
		defaults: { name: 'NTT Anpi Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'nttComApi', required: true, testedBy: 'nttComApiTest' }],
		properties: [
			{
				displayName: 'Event',
				name: 'event',
				type: 'options',
				options: [
					{
						name: 'New Answers',
						value: 'newAnswers',
						description: '安否確認API(状況確認): one item per new answer (each person and answer time once)',
					},
					{
						name: 'Thread Completed',
						value: 'threadCompleted',
						description: '安否確認API(集計一覧): a round was completed (完了)',
					},
					{
						name: 'New Thread Opened',
						value: 'threadOpened',
						description: '安否確認API(集計一覧): a new round was opened',
					},
				],
				default: 'newAnswers',
			},
			{
				displayName: 'Thread ID',
				name: 'tid',
				type: 'string',
				default: '',
				placeholder: '0000101',
				description:
					'Thread ID (tid) to follow. Empty follows the round that is open now, and moves on to the next one when it opens; while no round is open, polls find nothing and stay quiet.',
				displayOptions: { show: { event: ['newAnswers'] } },
			},
			{
				displayName: 'Emit Existing on First Run',
				name: 'emitExisting',
				type: 'boolean',
				default: false,
				description:
					'Whether the first poll after activation emits what is already there (otherwise it only remembers it, and New Answers never emits an answer given before activation, even in a round that opens later)',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					timeoutOption(
						'Longest one call may wait for the NTT Com API gateway, the access-token call included; a call that times out is tried again up to 3 times. A poll that fails leaves its place where it was, so nothing is lost.',
					),
				],
			},
		],
	};

	methods = { credentialTest: { nttComApiTest: testNttCredential } };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const limits = pollLimits.call(this);
		// a poll that starts while the previous one still waits on the gateway makes no call and emits nothing
		const events = await guardedPoll(this, 'NTT Anpi Trigger', limits.deadlineAt - Date.now() + GUARD_MARGIN_MS, async () => await pollOnce.call(this, limits));
		if (events && isSandbox(await this.getCredentials(CREDENTIAL_TYPE))) for (const item of events.flat()) item.json.sandbox = true;
		return events;
	}
}

async function pollOnce(this: IPollFunctions, limits: CallLimits): Promise<INodeExecutionData[][] | null> {
	const event = this.getNodeParameter('event') as Event;
	const items = await onCursorCopy<Cursor, INodeExecutionData[]>(this, async (state) =>
		event === 'newAnswers' ? await newAnswers.call(this, state, limits) : await threadChanges.call(this, event, state, limits),
	);
	return items.length ? [items] : null;
}

/** New answers since the cursor; updates `state` (a copy of the cursor) as it goes. */
async function newAnswers(this: IPollFunctions, state: Cursor, limits: CallLimits): Promise<INodeExecutionData[]> {
	const tid = String(this.getNodeParameter('tid', '') ?? '').trim();
	if (tid && !TID_PATTERN.test(tid)) {
		throw new NodeOperationError(this.getNode(), `"Thread ID" must be up to ${LIMITS.tidLength} letters or digits, got "${tid}"`);
	}
	// a cursor from before activatedAt was kept: its activation was no later than the poll before this one
	const sinceLastPoll = state.tid === undefined ? 0 : Math.ceil(86_400_000 / pollsPerDay(this.getNodeParameter('pollTimes', {}) as IDataObject));
	state.activatedAt ??= jstMinute(new Date(Date.now() - sinceLastPoll));
	const before: Cursor = { ...state };
	let items: INodeExecutionData[] | undefined;
	try {
		items = await answersOfRound.call(this, tid, state, limits);
	} catch (error) {
		// anything but the gateway saying that no round is open: already n8n's error, passed on unchanged
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
		if (tid || !noOpenRound(error)) throw error;
	}
	if (items) return items;
	// Between rounds: no error, no event, and the place stays where it was. A round seen before stays the one
	// followed (a round that opens next is read from its beginning, as any change of round); when none was
	// seen yet, "" says so, and the first round that opens is new, its answers from its beginning (with Emit
	// Existing off, from activation on).
	state.tid = before.tid ?? '';
	state.since = before.since;
	state.emittedAtSince = before.emittedAtSince;
	return [];
}

/**
 * New answers of the followed (or open) round since the cursor; undefined when the gateway answers without a
 * round (its way of saying that none is open).
 */
async function answersOfRound(
	this: IPollFunctions,
	tid: string,
	state: Cursor,
	limits: CallLimits,
): Promise<INodeExecutionData[] | undefined> {
	const testRun = isTestRun(this);
	// nothing remembered yet (not even that no round was open): what the first round read holds is not new
	const remembersOnly = onlyRemembers(this, state.since) && state.tid === undefined;
	const rows: IDataObject[] = [];
	let thread: IDataObject = {};
	const query = (since: string | undefined) => async () =>
		await forEachStatusPage.call(
			this,
			statusBody(tid || undefined, { ansstatus: '1', ...(since ? { regdatekbn: '1', regdate: since } : {}) }),
			{ itemIndex: 0, limits, wanted: testRun ? TEST_RUN_ROWS : Number.POSITIVE_INFINITY },
			(page, answer) => {
				thread = { ...threadOf(answer), useCount: answer.useCount, contractCount: answer.contractCount };
				rows.push(...page);
			},
		);
	// an answer without a round: the gateway's way of saying that none is open
	const noRound = () => !tid && NO_VALUE.has(thread.tid);
	// A round is read from its start, but with Emit Existing off never from before activation: answers it held
	// then are not new. Answer times have minute resolution: the activation minute is read (nothing lost).
	const start = testRun || emitsExisting(this) ? undefined : state.activatedAt;
	// Answer times have minute resolution: poll from the last minute seen again and drop what was emitted.
	const from = state.since ?? start;
	await query(from)();
	if (noRound()) return undefined;
	if (state.tid !== undefined && thread.tid !== state.tid && !tid) {
		// the open round changed (or one opened after none was): follow the new one from its start
		state.since = undefined;
		state.emittedAtSince = [];
		if (from !== start) {
			rows.length = 0;
			await query(start)();
			if (noRound()) return undefined;
		}
	}
	const key = (row: IDataObject) => `${String(row.usrcd)}@${String(row.regdate)}`;
	// an answer landing while we page shifts the offsets: a row may then come twice in one poll (or next poll)
	const already = new Set(state.emittedAtSince ?? []);
	const fresh: IDataObject[] = [];
	if (!remembersOnly) {
		for (const row of rows) {
			if (already.has(key(row))) continue;
			already.add(key(row));
			fresh.push(row);
		}
	}
	const latest = rows.reduce((max, row) => (String(row.regdate) > max ? String(row.regdate) : max), state.since ?? '');
	const since = latest || jstMinute(new Date(Date.now() - ONE_MINUTE));
	state.tid = String(thread.tid ?? tid);
	state.emittedAtSince = rows.filter((row) => String(row.regdate) === since).map(key);
	state.since = since;
	const answerOf = (row: IDataObject) => ({ ...personRow(thread, row, false), answerState: answerStateOf(row) });
	if (testRun) return testRunSample(rows, TEST_RUN_ROWS, 'first').map((row) => ({ json: answerOf(row) }));
	return fresh.map((row) => ({ json: { ...answerOf(row), answeredAt: fromJstDigits(String(row.regdate))?.toISOString() ?? null } }));
}

/** Rounds completed or opened since the cursor; updates `cursor` (a copy) once the list is read. */
async function threadChanges(this: IPollFunctions, event: Event, cursor: Cursor, limits: CallLimits): Promise<INodeExecutionData[]> {
	const threads: IDataObject[] = [];
	await forEachThreadPage.call(this, { itemIndex: 0, limits, wanted: Number.POSITIVE_INFINITY }, (page, answer) =>
		threads.push(...page.map((t) => ({ ...t, useCount: answer.useCount, contractCount: answer.contractCount }))),
	);
	const completed = (thread: IDataObject) => String(thread.endflg) === '1';
	const describe = (thread: IDataObject) => ({ json: { ...thread, state: threadStateOf(thread) } });
	if (isTestRun(this)) return testRunSample(event === 'threadCompleted' ? threads.filter(completed) : threads, 3, 'first').map(describe);
	const remembersOnly = onlyRemembers(this, cursor.threads);
	const diff = diffSnapshot(cursor.threads, threads, { keyOf: (t) => String(t.tid), markerOf: (t) => String(t.endflg) });
	cursor.threads = diff.next;
	if (remembersOnly) return [];
	// completed: now 完了 and not before; opened: not listed before
	const events = diff.changed.filter(({ row, previous }) => (event === 'threadCompleted' ? completed(row) : previous === undefined));
	return events.map(({ row }) => describe(row));
}
