// The OCCTO trigger's key fields found by content (receipt number, status, last-updated time) when OCCTO names
// them otherwise, and its call accounting: every call within the Daily Call Budget, deferred detail calls
// losing no event, a lease that outlasts the longest poll.
import { PollContext } from 'n8n-core';
import type { IDataObject, INode, INodeExecutionData } from 'n8n-workflow';

import { OcctoWebApi } from '../credentials/OcctoWebApi.credentials';
import { MAX_DETAIL_CALLS_PER_POLL, OcctoOutagePlanTrigger, POLL_LEASE_MS } from '../nodes/OcctoOutagePlanTrigger/OcctoOutagePlanTrigger.node';
import type { KeyFields } from '../nodes/OcctoOutagePlanTrigger/keyFields';
import { KeyFieldError, changedFields, decideKeyFields, normalizedRow, rowState, sameStatus } from '../nodes/OcctoOutagePlanTrigger/keyFields';
import { clock as sharedClock } from '../nodes/shared/clock';
import type { OcctoSimulator } from '../simulators/occto/server';
import { startOcctoSimulator } from '../simulators/occto/server';
import { CredentialStore, additionalDataFor } from './harness';
import { badPlanXml, registerAtSimulator, simulatorCredential, submissionsSettled, validPlanXml } from './occto-fixtures';
import { setCallsUsed } from './occtoRunner';
import { Poller } from './pollHarness';
import { triggerNode } from './support/nodes';

const row = (fields: IDataObject): IDataObject => ({ ...fields, rowElement: 'SUBMISSION_INFO' });

describe('key fields by content (keyFields.ts)', () => {
	const renamed = [
		row({ UKETSUKE_NO: '1000000001', FILE_NM: 'a.xml', JOTAI_CD: '1', JOTAI_NM: '受付中', TEISHUTSU_NICHIJI: '20260105100000', KOSHIN_NICHIJI: '20260105100000' }),
		row({ UKETSUKE_NO: '1000000002', FILE_NM: 'b.xml', JOTAI_CD: '9', JOTAI_NM: '提出エラー', TEISHUTSU_NICHIJI: '20260105110000', KOSHIN_NICHIJI: '20260105111000' }),
		row({ UKETSUKE_NO: '1000000003', FILE_NM: 'c.xml', JOTAI_CD: '2', JOTAI_NM: '受付完了', TEISHUTSU_NICHIJI: '20260105120000', KOSHIN_NICHIJI: '20260105121000' }),
	];

	it('finds the receipt number (unique 10 digits) and the status (code beside its name) of renamed submission rows', () => {
		expect(decideKeyFields(renamed, 'submissions')).toEqual({ receptionNo: 'UKETSUKE_NO', marker: 'JOTAI_CD', statusName: 'JOTAI_NM' });
	});

	it('takes the names alone as the status when no code sits beside them, and recognises 提出エラー by its name', () => {
		const names = renamed.map(({ JOTAI_CD: _code, ...rest }) => rest);
		const fields = decideKeyFields(names, 'submissions')!;
		expect(fields).toEqual({ receptionNo: 'UKETSUKE_NO', marker: 'JOTAI_NM', statusName: 'JOTAI_NM' });
		expect(names.map((r) => rowState(r, fields))).toEqual(['receiving', 'error', 'accepted']);
		// downstream sees the usual keys, the status as its code, and the originals stay
		expect(normalizedRow(names[1], fields, 'submissions')).toEqual(expect.objectContaining({ occtoReceptionNo: '1000000002', status: '9', statusName: '提出エラー', UKETSUKE_NO: '1000000002', JOTAI_NM: '提出エラー' }));
	});

	it('a field of codes only is not taken for the status: the error names it', () => {
		const codes = renamed.map(({ JOTAI_NM: _name, ...rest }) => rest);
		expect(() => decideKeyFields(codes, 'submissions')).toThrow(KeyFieldError);
		try {
			decideKeyFields(codes, 'submissions');
		} catch (error) {
			expect((error as KeyFieldError).candidates).toEqual(['JOTAI_CD']);
			expect((error as KeyFieldError).fix).toMatch(/Advanced Settings → Field Names.*JOTAI_CD = status/);
		}
	});

	it('accepts another ID-like receipt number when it is the only candidate', () => {
		const rows = [row({ RNO: 'A-20001', JOTAI_NM: '受付中', KIND: '1' }), row({ RNO: 'A-20002', JOTAI_NM: '受付中', KIND: '1' })];
		expect(decideKeyFields(rows, 'submissions')?.receptionNo).toBe('RNO');
	});

	it('two fields that could each be the receipt number: refused, both named', () => {
		const rows = renamed.map((r, i) => ({ ...r, SEIRI_NO: String(3000000001 + i) }));
		let error: KeyFieldError | undefined;
		try {
			decideKeyFields(rows, 'submissions');
		} catch (caught) {
			error = caught as KeyFieldError;
		}
		expect(error?.role).toBe('receptionNo');
		expect(error?.candidates).toEqual(['UKETSUKE_NO', 'SEIRI_NO']);
		expect(error?.message).toMatch(/"UKETSUKE_NO", "SEIRI_NO"/);
		expect(error?.fix).toMatch(/Field Names/);
	});

	it('no ID at all: refused', () => {
		expect(() => decideKeyFields([row({ JOTAI_NM: '受付中' }), row({ JOTAI_NM: '受付中' })], 'submissions')).toThrow(/cannot find the receipt number/);
	});

	it('known (or configured) names win over content, and a remembered decision holds for a smaller list', () => {
		const known = renamed.map((r, i) => ({ ...r, occtoReceptionNo: String(4000000001 + i), status: r.JOTAI_CD }));
		expect(decideKeyFields(known, 'submissions')).toEqual({ receptionNo: 'occtoReceptionNo', marker: 'status', statusName: undefined });
		const previous: KeyFields = { receptionNo: 'UKETSUKE_NO', marker: 'JOTAI_CD', statusName: 'JOTAI_NM' };
		// one row: every field is "unique"; the remembered decision is kept
		expect(decideKeyFields([renamed[0]], 'submissions', previous)).toEqual(previous);
	});

	it('plans: the last-updated time is the date-time field, preferring an update-like name; the plan division is kept', () => {
		const plans: IDataObject[] = renamed.map((r, i) => ({ ...r, planDivision: String(i + 1), rowElement: 'OUTAGE_PLAN_INFO' }));
		expect(decideKeyFields(plans, 'plans')).toEqual({ receptionNo: 'UKETSUKE_NO', marker: 'KOSHIN_NICHIJI', planDivision: 'planDivision' });
		const iso = plans.map(({ KOSHIN_NICHIJI: _u, TEISHUTSU_NICHIJI: _s, ...rest }, i) => ({ ...rest, UPDATED: `2026-01-05T10:0${i}:00+09:00` }));
		expect(decideKeyFields(iso, 'plans')?.marker).toBe('UPDATED');
		const two = plans.map(({ KOSHIN_NICHIJI: _u, ...rest }) => ({ ...rest, T1: rest.TEISHUTSU_NICHIJI }));
		expect(() => decideKeyFields(two, 'plans')).toThrow(/"TEISHUTSU_NICHIJI", "T1" all hold date-times/);
	});

	it('an empty list decides nothing and does not fail', () => {
		expect(decideKeyFields([], 'submissions')).toBeUndefined();
	});

	it('a status seen as a code and later as a name is the same status', () => {
		expect(sameStatus('9', '提出エラー')).toBe(true);
		expect(sameStatus('1', '受付完了')).toBe(false);
		expect(sameStatus(undefined, '受付中')).toBe(false);
	});

	it('one 受付中 beside a field that holds 1: the name is the marker; a code field pairs only over two statuses', () => {
		const one = [row({ UKETSUKE_NO: '1000000001', KENSU: '1', JOTAI_NM: '受付中' })];
		expect(decideKeyFields(one, 'submissions')).toEqual({ receptionNo: 'UKETSUKE_NO', marker: 'JOTAI_NM', statusName: 'JOTAI_NM' });
		const two = [...one, row({ UKETSUKE_NO: '1000000002', KENSU: '1', JOTAI_NM: '受付完了' })];
		expect(decideKeyFields(two, 'submissions')?.marker).toBe('JOTAI_NM'); // KENSU does not follow the names
		const coded = two.map((r, i) => ({ ...r, JOTAI_CD: String(i + 1) }));
		expect(decideKeyFields(coded, 'submissions')?.marker).toBe('JOTAI_CD');
	});

	it('a kept pairing the rows contradict is decided again, and said to be contradicted', () => {
		const kept: KeyFields = { receptionNo: 'UKETSUKE_NO', marker: 'KENSU', statusName: 'JOTAI_NM' };
		const rows = [row({ UKETSUKE_NO: '1000000001', KENSU: '1', JOTAI_NM: '受付完了' })];
		const fields = decideKeyFields(rows, 'submissions', kept)!;
		expect(fields).toEqual({ receptionNo: 'UKETSUKE_NO', marker: 'JOTAI_NM', statusName: 'JOTAI_NM' });
		expect(changedFields(kept, fields, 'submissions')).toEqual({ changes: ['status: KENSU → JOTAI_NM'], contradicted: true });
		// a pairing found once two statuses are seen settles what was open: no contradiction
		const open: KeyFields = { receptionNo: 'UKETSUKE_NO', marker: 'JOTAI_NM', statusName: 'JOTAI_NM' };
		expect(changedFields(open, { ...open, marker: 'JOTAI_CD' }, 'submissions').contradicted).toBe(false);
	});

	it('plans: a receipt number repeating across divisions is fine; the division is found by content when it shows itself', () => {
		const plan = (fields: IDataObject): IDataObject => ({ ...fields, rowElement: 'OUTAGE_PLAN_INFO' });
		const repeated = [
			plan({ KEIKAKU: '2', UKETSUKE_NO: '1000000001', KOSHIN_NICHIJI: '20260105100000' }),
			plan({ KEIKAKU: '3', UKETSUKE_NO: '1000000001', KOSHIN_NICHIJI: '20260105110000' }),
			plan({ KEIKAKU: '3', UKETSUKE_NO: '1000000002', KOSHIN_NICHIJI: '20260105120000' }),
		];
		expect(decideKeyFields(repeated, 'plans')).toEqual({ receptionNo: 'UKETSUKE_NO', marker: 'KOSHIN_NICHIJI', planDivision: 'KEIKAKU' });
		const known = repeated.map(({ KEIKAKU, ...rest }) => ({ ...rest, planDivision: KEIKAKU }));
		expect(decideKeyFields(known, 'plans')).toEqual({ receptionNo: 'UKETSUKE_NO', marker: 'KOSHIN_NICHIJI', planDivision: 'planDivision' });
		expect(normalizedRow(repeated[1], decideKeyFields(repeated, 'plans')!, 'plans')).toEqual(expect.objectContaining({ planDivision: '3', occtoReceptionNo: '1000000001' }));
		// one plan beside a field holding 1: not taken for the division (it shows nothing), by its name it is
		const single = [plan({ KENSU: '1', UKETSUKE_NO: '1000000001', KOSHIN_NICHIJI: '20260105100000' })];
		expect(decideKeyFields(single, 'plans')?.planDivision).toBeUndefined();
		expect(decideKeyFields(single.map(({ KENSU, ...rest }) => ({ ...rest, PLAN_KBN: KENSU })), 'plans')?.planDivision).toBe('PLAN_KBN');
		// repeating receipt numbers and two fields of 1-4: the one with which the plans are told apart
		const two = repeated.map((r, i) => ({ ...r, HANSU: String((i % 2) + 1) }));
		expect(decideKeyFields(two.map((r) => ({ ...r, KEIKAKU: '3' })), 'plans')?.planDivision).toBe('HANSU');
		// …and two that both would: refused, both named
		const both = repeated.map((r, i) => ({ ...r, HANSU: String(i + 1) }));
		expect(() => decideKeyFields(both, 'plans')).toThrow(/plan division.*"KEIKAKU", "HANSU"/);
		// a kept decision without division whose receipt numbers now repeat is decided again
		const kept: KeyFields = { receptionNo: 'UKETSUKE_NO', marker: 'KOSHIN_NICHIJI' };
		expect(decideKeyFields(repeated, 'plans', kept)?.planDivision).toBe('KEIKAKU');
	});

	it('the overlap lease outlasts the longest poll: a list call and every detail call of 60 s, plus a margin', () => {
		expect(POLL_LEASE_MS).toBeGreaterThan((1 + MAX_DETAIL_CALLS_PER_POLL) * 60_000);
	});
});

// ---- through n8n-core's PollContext against the simulator with the "renamed" profile, no Field Names ----

const every5Minutes = { item: [{ mode: 'everyX', value: 5, unit: 'minutes' }] };
const every6Hours = { item: [{ mode: 'everyX', value: 6, unit: 'hours' }] };

let sim: OcctoSimulator;
let store: CredentialStore;
const realNow = sharedClock.now;

beforeAll(async () => {
	sim = await startOcctoSimulator({ statusDelayMs: 1500, seedPlans: 3, profile: 'renamed' });
});
afterAll(async () => {
	sharedClock.now = realNow;
	await sim.close();
});
beforeEach(async () => {
	sharedClock.now = realNow;
	sim.setAnswerOverride('BA13B006', undefined);
	sim.setAnswerOverride('BA13B103', undefined);
	await setCallsUsed('U0000001', 0);
	sim.setCallCount('U0000001', 0);
	store = new CredentialStore({ occtoWebApi: new OcctoWebApi() }, { occtoWebApi: simulatorCredential(sim) });
});

const calls = (api: string) => sim.requests.filter((r) => r.apiId === api).length;
const settled = async () => await submissionsSettled(sim);
const register = async (xml: string) => await registerAtSimulator(sim, xml);
function poller(parameters: IDataObject, typeVersion = 1): Poller {
	const node = triggerNode('n8n-nodes-occto-anpi.occtoOutagePlanTrigger', { pollTimes: every5Minutes, ...parameters }, { occtoWebApi: { id: '1', name: 'OCCTO' } }, { typeVersion });
	return new Poller(node, new OcctoOutagePlanTrigger(), store);
}
const cursorOf = (trigger: Poller) => trigger.staticData['node:Trigger'] as IDataObject;

/** One poll of `trigger` as n8n 2.x runs it, with the poll budget the engine gives it set to `budgetMs`. */
async function pollWithBudget(trigger: Poller, budgetMs: number): Promise<IDataObject[] | null> {
	const { workflow, node } = trigger as unknown as { workflow: ConstructorParameters<typeof PollContext>[0]; node: INode };
	const noop = () => undefined;
	const context = new PollContext(workflow, node, additionalDataFor(store), 'trigger', 'activate', noop, noop, undefined, undefined, undefined, () => budgetMs);
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	const result = (await nodeType.poll!.call(context)) as INodeExecutionData[][] | null;
	return result ? result[0].map((item) => item.json) : null;
}

describe('OCCTO trigger on renamed rows, no Field Names configured', () => {
	it('Submission Status Changed: new, changed and 提出エラー events with the usual keys, one BA13B007 call per error', async () => {
		await settled();
		const trigger = poller({ event: 'submissionStatusChanged' });
		expect(await trigger.poll()).toBeNull(); // activation: remembers what is there, no error
		const good = await register(validPlanXml({ facility: '髙﨑変電所' }));
		const bad = await register(badPlanXml());
		const first = await trigger.poll();
		expect(first?.map((e) => [e.occtoReceptionNo, e.status, e.statusName, e.UKETSUKE_NO, e.JOTAI_NM])).toEqual([
			[good, '1', '受付中', good, '受付中'],
			[bad, '1', '受付中', bad, '受付中'],
		]);
		await settled();
		const before = calls('BA13B007');
		const second = await trigger.poll();
		// both 受付中 until now: the names were the marker; two statuses now pair the code field with them
		expect(second?.map((e) => [e.occtoReceptionNo, e.status, e.JOTAI_NM, e.previous])).toEqual([
			[good, '2', '受付完了', '受付中'],
			[bad, '9', '提出エラー', '受付中'],
		]);
		expect((second?.[1].errors as IDataObject[])[0]).toEqual(expect.objectContaining({ errorElement: 'JP06110' }));
		expect(second?.[0].errors).toBeUndefined();
		expect(calls('BA13B007') - before).toBe(1);
		expect(await trigger.poll()).toBeNull(); // nothing repeats
		expect(calls('BA13B007') - before).toBe(1);
		expect(cursorOf(trigger).keyFields).toEqual({ list: 'submissions', receptionNo: 'UKETSUKE_NO', marker: 'JOTAI_CD', statusName: 'JOTAI_NM' });
	});

	it('提出エラー given by its name only (no code) is recognised: details fetched once', async () => {
		const bad = await register(badPlanXml());
		await settled();
		const list = (status: string) =>
			`<SBD-MSG><SUBMISSION_INFO><UKETSUKE_NO>${bad}</UKETSUKE_NO><JOTAI_NM>${status}</JOTAI_NM><KOSHIN_NICHIJI>20260105100000</KOSHIN_NICHIJI></SUBMISSION_INFO></SBD-MSG>`;
		sim.setAnswerOverride('BA13B006', list('受付中'));
		const trigger = poller({ event: 'submissionStatusChanged' });
		expect(await trigger.poll()).toBeNull();
		sim.setAnswerOverride('BA13B006', list('提出エラー'));
		const before = calls('BA13B007');
		const events = await trigger.poll();
		expect(events?.map((e) => [e.occtoReceptionNo, e.status, e.statusName, e.previous])).toEqual([[bad, '9', '提出エラー', '受付中']]);
		expect((events?.[0].errors as IDataObject[]).length).toBeGreaterThan(0);
		expect(calls('BA13B007') - before).toBe(1);
		expect(await trigger.poll()).toBeNull();
	});

	it('ambiguous rows fail at activation naming the candidates and the setting; Field Names in the credential resolve it', async () => {
		sim.setAnswerOverride(
			'BA13B006',
			`<SBD-MSG>${[1, 2]
				.map((i) => `<SUBMISSION_INFO><UKETSUKE_NO>100000000${i}</UKETSUKE_NO><SEIRI_NO>300000000${i}</SEIRI_NO><JOTAI_NM>受付中</JOTAI_NM></SUBMISSION_INFO>`)
				.join('')}</SBD-MSG>`,
		);
		const trigger = poller({ event: 'submissionStatusChanged' });
		const failure = await trigger.poll().then(
			() => undefined,
			(error: Error & { description?: string }) => error,
		);
		expect(failure?.message).toMatch(/receipt number.*"UKETSUKE_NO", "SEIRI_NO"/);
		expect(failure?.description).toMatch(/Advanced Settings → Field Names/);
		expect(failure?.description).toMatch(/Candidates found: UKETSUKE_NO, SEIRI_NO/);
		store.data.occtoWebApi.advancedSettings = true;
		store.data.occtoWebApi.fieldNames = 'UKETSUKE_NO = occtoReceptionNo';
		const configured = poller({ event: 'submissionStatusChanged', options: { emitExisting: true } });
		expect((await configured.poll())?.map((e) => e.occtoReceptionNo)).toEqual(['1000000001', '1000000002']);
	});

	it('an empty list at activation decides nothing and does not fail', async () => {
		sim.setAnswerOverride('BA13B006', '<SBD-MSG/>');
		const trigger = poller({ event: 'submissionStatusChanged' });
		expect(await trigger.poll()).toBeNull();
		expect(cursorOf(trigger).seen).toEqual({});
	});

	it('New or Updated Outage Plan: found by content, keyed by plan division + receipt number, each plan fetched', async () => {
		await settled();
		const trigger = poller({ event: 'planChanged', options: { fetchPlans: true } });
		expect(await trigger.poll()).toBeNull();
		const receipt = await register(validPlanXml({ facility: '北港連系線', planDivision: '3' }));
		await settled();
		const events = await trigger.poll();
		expect(events?.map((e) => [e.occtoReceptionNo, e.planDivision, e.lastUpdatedAt === e.KOSHIN_NICHIJI])).toEqual([[receipt, '3', true]]);
		expect(JSON.stringify(events?.[0].plan)).toContain('北港連系線');
		expect(await trigger.poll()).toBeNull();
		const cursor = cursorOf(trigger);
		expect(cursor.seenKeys).toBe(2);
		expect(Object.keys(cursor.seen as IDataObject)).toContain(`3/${receipt}`);
	});

	it('first poll sees one 受付中 beside a field holding 1: 受付完了 and 提出エラー are emitted when they come', async () => {
		const good = await register(validPlanXml());
		const bad = await register(badPlanXml());
		await settled();
		const list = (...rows: Array<[string, string]>) =>
			`<SBD-MSG>${rows
				.map(([no, status]) => `<SUBMISSION_INFO><UKETSUKE_NO>${no}</UKETSUKE_NO><KENSU>1</KENSU><JOTAI_NM>${status}</JOTAI_NM></SUBMISSION_INFO>`)
				.join('')}</SBD-MSG>`;
		sim.setAnswerOverride('BA13B006', list([good, '受付中']));
		const trigger = poller({ event: 'submissionStatusChanged' });
		expect(await trigger.poll()).toBeNull();
		expect(cursorOf(trigger).keyFields).toEqual(expect.objectContaining({ marker: 'JOTAI_NM', statusName: 'JOTAI_NM' }));
		sim.setAnswerOverride('BA13B006', list([good, '受付完了'], [bad, '受付中']));
		expect((await trigger.poll())?.map((e) => [e.occtoReceptionNo, e.status, e.statusName, e.previous])).toEqual([
			[good, '2', '受付完了', '受付中'],
			[bad, '1', '受付中', null],
		]);
		sim.setAnswerOverride('BA13B006', list([good, '受付完了'], [bad, '提出エラー']));
		const before = calls('BA13B007');
		const error = await trigger.poll();
		expect(error?.map((e) => [e.occtoReceptionNo, e.status, e.statusName, e.previous])).toEqual([[bad, '9', '提出エラー', '受付中']]);
		expect((error?.[0].errors as IDataObject[]).length).toBeGreaterThan(0);
		expect(calls('BA13B007') - before).toBe(1);
		expect(await trigger.poll()).toBeNull();
	});

	it('a cursor that kept such a field as the status code: the contradicting rows decide again, the change is emitted and said', async () => {
		const good = await register(validPlanXml());
		await settled();
		const trigger = poller({ event: 'submissionStatusChanged' });
		// what the earlier rule left: KENSU (always 1) taken for the code of 受付中
		Object.assign((trigger.staticData['node:Trigger'] = {}) as IDataObject, {
			seen: { [good]: '1' },
			keyFields: { list: 'submissions', receptionNo: 'UKETSUKE_NO', marker: 'KENSU', statusName: 'JOTAI_NM' },
		});
		sim.setAnswerOverride('BA13B006', `<SBD-MSG><SUBMISSION_INFO><UKETSUKE_NO>${good}</UKETSUKE_NO><KENSU>1</KENSU><JOTAI_NM>受付完了</JOTAI_NM></SUBMISSION_INFO></SBD-MSG>`);
		const events = await trigger.poll();
		expect(events?.map((e) => [e.occtoReceptionNo, e.status, e.previous])).toEqual([[good, '2', '1']]);
		expect(events?.[0].keyFieldsNotice).toMatch(/no longer fit.*status: KENSU → JOTAI_NM/);
		expect(cursorOf(trigger).keyFields).toEqual(expect.objectContaining({ marker: 'JOTAI_NM' }));
		expect(await trigger.poll()).toBeNull();
	});

	it('plans whose receipt number repeats across divisions, the division under another name: one call a poll, keyed and fetched by division', async () => {
		const receipt = await register(validPlanXml({ facility: '北港連系線', planDivision: '3' }));
		await settled();
		const list = (updatedAt: string) =>
			`<SBD-MSG>${[
				['2', '20260105100000'],
				['3', updatedAt],
			]
				.map(([division, at]) => `<OUTAGE_PLAN_INFO><KEIKAKU_KBN>${division}</KEIKAKU_KBN><UKETSUKE_NO>${receipt}</UKETSUKE_NO><KOSHIN_NICHIJI>${at}</KOSHIN_NICHIJI></OUTAGE_PLAN_INFO>`)
				.join('')}</SBD-MSG>`;
		sim.setAnswerOverride('BA13B103', list('20260105100000'));
		const trigger = poller({ event: 'planChanged', options: { fetchPlans: true } });
		const before = sim.requests.length;
		expect(await trigger.poll()).toBeNull(); // not refused
		expect(await trigger.poll()).toBeNull();
		expect(sim.requests.length - before).toBe(2);
		expect(Object.keys(cursorOf(trigger).seen as IDataObject)).toEqual([`2/${receipt}`, `3/${receipt}`]);
		sim.setAnswerOverride('BA13B103', list('20260106090000'));
		const events = await trigger.poll();
		expect(events?.map((e) => [e.occtoReceptionNo, e.planDivision, e.previous])).toEqual([[receipt, '3', '20260105100000']]);
		expect(JSON.stringify(events?.[0].plan)).toContain('北港連系線');
		expect(await trigger.poll()).toBeNull();
	});

	it('a plan cursor from before (keyed by receipt number alone) is read and rewritten: nothing repeated', async () => {
		await settled();
		const trigger = poller({ event: 'planChanged' });
		expect(await trigger.poll()).toBeNull();
		const cursor = cursorOf(trigger);
		const seen = cursor.seen as Record<string, string>;
		cursor.seen = Object.fromEntries(Object.entries(seen).map(([key, value]) => [key.split('/')[1], value]));
		delete cursor.seenKeys;
		delete cursor.keyFields;
		expect(await trigger.poll()).toBeNull();
		expect(cursorOf(trigger).seen).toEqual(seen);
	});
});

describe('Daily Call Budget counts every call', () => {
	// 2026-11-25 10:00 Japan time
	let now = Date.parse('2026-11-25T01:00:00Z');
	beforeEach(() => {
		now += 7 * 86_400_000; // a day of its own for each test
		sharedClock.now = () => now;
	});

	it('budget reached: the remaining detail calls wait for the next poll with their events, none lost, never over budget', async () => {
		// 4 polls a day, budget 4: the list calls alone fit, the error details must share what is left
		const trigger = poller({ event: 'submissionStatusChanged', pollingMode: 'everyPoll', pollTimes: every6Hours, dailyBudget: 4 });
		expect(await trigger.poll()).toBeNull(); // call 1
		const bad = [await register(badPlanXml()), await register(badPlanXml()), await register(badPlanXml())];
		await settled();
		const detailsBefore = calls('BA13B007');
		const requestsBefore = sim.requests.length;
		const first = await trigger.poll(); // call 2 (list) + 2 details = 4: the third error waits
		expect(first?.map((e) => e.occtoReceptionNo)).toEqual(bad.slice(0, 2));
		expect(first?.every((e) => (e.errors as IDataObject[]).length > 0)).toBe(true);
		expect(cursorOf(trigger).deferred).toEqual([bad[2]]);
		expect(cursorOf(trigger).calls).toEqual(expect.objectContaining({ count: 4 }));
		expect(await trigger.poll()).toBeNull(); // the budget is spent: no call at all
		expect(sim.requests.length - requestsBefore).toBe(3);
		now += 86_400_000; // the next day (Japan time)
		const next = await trigger.poll();
		expect(next?.map((e) => [e.occtoReceptionNo, e.statusName, e.previous])).toEqual([[bad[2], '提出エラー', null]]);
		expect((next?.[0].errors as IDataObject[]).length).toBeGreaterThan(0);
		expect(calls('BA13B007') - detailsBefore).toBe(3); // exactly one per error
		expect(cursorOf(trigger).deferred).toBeUndefined();
		expect(await trigger.poll()).toBeNull();
	});

	it(`at most ${MAX_DETAIL_CALLS_PER_POLL} detail calls a poll (the lease covers them); the rest follow at the next poll`, async () => {
		const trigger = poller({ event: 'submissionStatusChanged', pollingMode: 'everyPoll' });
		expect(await trigger.poll()).toBeNull();
		const bad: string[] = [];
		for (let i = 0; i < MAX_DETAIL_CALLS_PER_POLL + 2; i++) bad.push(await register(badPlanXml()));
		await settled();
		const detailsBefore = calls('BA13B007');
		const first = await trigger.poll();
		expect(first).toHaveLength(MAX_DETAIL_CALLS_PER_POLL);
		expect(calls('BA13B007') - detailsBefore).toBe(MAX_DETAIL_CALLS_PER_POLL);
		const second = await trigger.poll();
		expect([...(first ?? []), ...(second ?? [])].map((e) => e.occtoReceptionNo)).toEqual(bad);
		expect(calls('BA13B007') - detailsBefore).toBe(bad.length);
		expect(await trigger.poll()).toBeNull();
	});

	it('slow calls: no detail call that could end past the poll budget n8n gives the poll; the rest follow', async () => {
		const trigger = poller({ event: 'submissionStatusChanged', pollingMode: 'everyPoll' });
		expect(await trigger.poll()).toBeNull();
		const bad = [await register(badPlanXml()), await register(badPlanXml()), await register(badPlanXml())];
		await settled();
		// every call takes 4 s; a 100 s budget leaves 70 s (30 s margin) by which a call of up to 60 s must end: after
		// the list (at 4 s) a detail call fits (4 + 60 ≤ 70), a second too (8 + 60 ≤ 70), a third not (12 + 60 > 70)
		sim.setFault('slow', { delayMs: 4_000 });
		const detailsBefore = calls('BA13B007');
		let first: IDataObject[] | null;
		try {
			first = await pollWithBudget(trigger, 100_000);
		} finally {
			sim.setFault(undefined);
		}
		expect(first?.map((e) => e.occtoReceptionNo)).toEqual(bad.slice(0, 2));
		expect(cursorOf(trigger).deferred).toEqual([bad[2]]);
		const second = await trigger.poll();
		expect(second?.map((e) => e.occtoReceptionNo)).toEqual([bad[2]]);
		expect(calls('BA13B007') - detailsBefore).toBe(3);
	}, 90_000);

	it('adaptive: deferred details make the next poll call, within the budget', async () => {
		// quiet interval of a day: 1 quiet call a day, budget 3
		const trigger = poller({ event: 'submissionStatusChanged', quietIntervalMinutes: 1440, dailyBudget: 3 }, 2);
		expect(await trigger.poll()).toBeNull(); // first poll: call 1
		const bad = [await register(badPlanXml()), await register(badPlanXml())];
		await settled();
		now += 1440 * 60_000; // a day later: the quiet interval has passed (and a new budget day)
		const first = await trigger.poll(); // list + 2 details = 3
		expect(first?.map((e) => e.occtoReceptionNo)).toEqual(bad);
		now += 5 * 60_000;
		expect(await trigger.poll()).toBeNull(); // nothing pending, nothing deferred: no call
		const more = [await register(badPlanXml()), await register(badPlanXml()), await register(badPlanXml())];
		await settled();
		now += 1440 * 60_000;
		const requestsBefore = sim.requests.length;
		const second = await trigger.poll(); // list + 2 details; the third waits
		expect(second?.map((e) => e.occtoReceptionNo)).toEqual(more.slice(0, 2));
		now += 5 * 60_000;
		const third = await trigger.poll(); // deferred = pending, but the budget (3) is spent today
		expect(third).toBeNull();
		expect(sim.requests.length - requestsBefore).toBe(3);
		now += 86_400_000;
		const fourth = await trigger.poll(); // a new day: the deferred event with its details
		expect(fourth?.map((e) => e.occtoReceptionNo)).toEqual([more[2]]);
		expect((fourth?.[0].errors as IDataObject[]).length).toBeGreaterThan(0);
	});
});
