// Issue 36, "know what changed": the list row's changed fields on trigger events (no extra call), plan-level
// changes with "Include Plan Changes" (one BA13B102 call, within the Daily Call Budget, copies capped), and
// Outage Plan → Compare (no call, no credential). The Sandbox adjusts a registered plan's window after 8 minutes.
import type { IDataObject } from 'n8n-workflow';

import { OcctoWebApi } from '../credentials/OcctoWebApi.credentials';
import { OcctoOutagePlan } from '../nodes/OcctoOutagePlan/OcctoOutagePlan.node';
import { planChanges, SANDBOX_ADJUST_AFTER_MS, SANDBOX_STATUS_DELAY_MS, withWindowMoved } from '../nodes/occtoApi';
import { OcctoOutagePlanTrigger } from '../nodes/OcctoOutagePlanTrigger/OcctoOutagePlanTrigger.node';
import { PLAN_COPIES_MAX_CHARS, ROW_COPIES_MAX_CHARS, comparePlan, nextRowCopies, rowChanges, statusChange } from '../nodes/OcctoOutagePlanTrigger/changes';
import { clock } from '../nodes/shared/clock';
import { diffDocuments, diffRow } from '../nodes/shared/planDiff';
import { CredentialStore, chain, errorOf, outputOf, runWorkflow } from './harness';
import { validPlanXml } from './occto-fixtures';
import { occtoNode } from './occtoRunner';
import { Poller } from './pollHarness';
import { triggerNode } from './support/nodes';

const body = (items: IDataObject | IDataObject[], extra: IDataObject = {}) => ({
	'SBD-MSG': { JPMGRP: { JPMGH: { JPC21: 'M1' }, JPTRM: { JP06116: '20261201', ...extra, OUTAGE_ITEM: items } } },
});
const item = (facility: string, start: string, end: string, extra: IDataObject = {}) => ({ FACILITY_NM: facility, STR_DATE: start, END_DATE: end, ...extra });

describe('list rows (diffRow, rowChanges, statusChange)', () => {
	const fields = { receptionNo: 'occtoReceptionNo', marker: 'lastUpdatedAt', planDivision: 'planDivision' };
	const elementOf = (key: string) => ({ lastUpdatedAt: 'LAST_UPD_DAYTIME', planName: 'PLAN_NM' })[key];
	const before = { occtoReceptionNo: '1000000001', planName: '○○発電所1号機 20261201', lastUpdatedAt: '20261201100000', KOJI: 'A' };
	const after = { ...before, lastUpdatedAt: '20261201110000', KOJI: 'B', rowElement: 'OUTAGE_PLAN' };

	it('names each changed field as OCCTO sent it, with the readable key where there is one', () => {
		expect(rowChanges(before, after, '20261201100000', fields, elementOf)).toEqual([
			{ field: 'LAST_UPD_DAYTIME', key: 'lastUpdatedAt', before: '20261201100000', after: '20261201110000' },
			{ field: 'KOJI', before: 'A', after: 'B' },
		]);
		expect(diffRow({ a: '1', b: ['x'] }, { a: '1', b: ['y'], c: '新' })).toEqual([
			{ field: 'b', before: ['x'], after: ['y'] },
			{ field: 'c', before: null, after: '新' },
		]);
	});

	it('without a copy: the marker alone; a new row: none', () => {
		expect(rowChanges(undefined, after, '20261201100000', fields, elementOf)).toEqual([
			{ field: 'LAST_UPD_DAYTIME', key: 'lastUpdatedAt', before: '20261201100000', after: '20261201110000' },
		]);
		expect(rowChanges(undefined, after, undefined, fields, elementOf)).toEqual([]);
	});

	it('a submission: from / to with codes and names, since when (from the copy)', () => {
		const status = { receptionNo: 'occtoReceptionNo', marker: 'status', statusName: 'statusName' };
		const copy = { occtoReceptionNo: '1', status: '1', statusName: '受付中', lastUpdatedAt: '20261201100000' };
		expect(statusChange(copy, { ...copy, status: '9', statusName: '提出エラー' }, '1', status)).toEqual({
			from: { code: '1', name: '受付中' },
			to: { code: '9', name: '提出エラー' },
			since: '2026-12-01T01:00:00.000Z',
		});
		expect(statusChange(undefined, copy, undefined, status)).toEqual({ from: null, to: { code: '1', name: '受付中' }, since: null });
	});

	it('copies: this poll\'s changes first, deferred rows keep their old copy, the rest up to the cap', () => {
		const big = 'x'.repeat(ROW_COPIES_MAX_CHARS / 4);
		const rows = [1, 2, 3, 4, 5].map((n) => ({ key: `1/${n}`, row: { n: String(n), big, rowElement: 'R' } }));
		const kept = nextRowCopies({ '1/2': { n: 'old' } }, rows, new Set(['1/2']), new Set(['1/5', '1/2']));
		expect(kept['1/2']).toEqual({ n: 'old' });
		expect(Object.keys(kept)).toEqual(['1/2', '1/5', '1/1', '1/3']); // 1/4 does not fit
		expect(kept['1/5']).not.toHaveProperty('rowElement');
	});
});

describe('plans (diffDocuments, planChanges)', () => {
	it('matches repeated elements by facility, whatever their order; Japanese intact; one line each', () => {
		const a = body([item('○○発電所1号機', '20261201', '20261205'), item('△△水力発電所2号機', '20261203', '20261204'), item('北港連系線', '20261210', '20261211')]);
		const b = body([item('△△水力発電所2号機', '20261203', '20261204'), item('○○発電所1号機', '20261201', '20261207'), item('髙﨑変電所 1号変圧器', '20261220', '20261221')]);
		const changes = planChanges(a, b);
		expect(changes.map(({ path, before, after }) => ({ path, before, after }))).toEqual([
			{ path: 'SBD-MSG/JPMGRP/JPTRM/OUTAGE_ITEM[FACILITY_NM=○○発電所1号機]/END_DATE', before: '20261205', after: '20261207' },
			{ path: 'SBD-MSG/JPMGRP/JPTRM/OUTAGE_ITEM[FACILITY_NM=髙﨑変電所 1号変圧器]', before: null, after: item('髙﨑変電所 1号変圧器', '20261220', '20261221') },
			{ path: 'SBD-MSG/JPMGRP/JPTRM/OUTAGE_ITEM[FACILITY_NM=北港連系線]', before: item('北港連系線', '20261210', '20261211'), after: null },
		]);
		expect(changes[0].summary).toBe('OUTAGE_ITEM[FACILITY_NM=○○発電所1号機]/END_DATE: 20261205 → 20261207');
		expect(changes[1].summary).toMatch(/^OUTAGE_ITEM\[FACILITY_NM=髙﨑変電所 1号変圧器\]: 追加 \{"FACILITY_NM":"髙﨑変電所 1号変圧器"/);
		expect(changes[2].summary).toMatch(/: 削除 /);
	});

	it('a single element is labelled by its facility too; the header keeps its group in the summary', () => {
		const changes = planChanges(body(item('○○発電所1号機', '20261201', '20261205')), { 'SBD-MSG': { JPMGRP: { JPMGH: { JPC21: 'M2' }, JPTRM: { JP06116: '20261201', OUTAGE_ITEM: item('○○発電所1号機', '20261201', '20261206') } } } });
		expect(changes.map((c) => c.summary)).toEqual(['JPMGH/JPC21: M1 → M2', 'OUTAGE_ITEM[FACILITY_NM=○○発電所1号機]/END_DATE: 20261205 → 20261206']);
	});

	it('without a key child: matched by content, not position (an inserted element is one addition)', () => {
		const rows = (values: string[]) => ({ ROOT: { ROW: values.map((v) => ({ A: v, B: `b${v}`, C: `c${v}`, D: 'same' })) } });
		const before = rows(['1', '2', '3']);
		const after = { ROOT: { ROW: [{ A: 'new', B: 'bnew', C: 'cnew', D: 'x' }, ...before.ROOT.ROW.slice(0, 2), { ...before.ROOT.ROW[2], C: 'changed' }] } };
		const changes = diffDocuments(before, after);
		// A, B, C are unique per side: A is shared most (3 of 4), so it is the key
		expect(changes.map((c) => [c.path, c.before, c.after])).toEqual([
			['ROOT/ROW[A=new]', null, { A: 'new', B: 'bnew', C: 'cnew', D: 'x' }],
			['ROOT/ROW[A=3]/C', 'c3', 'changed'],
		]);
		// no child unique on both sides: similarity, numbered by position
		const x = (a: string, b: string) => ({ A: a, B: b, C: 'c' });
		const noKey = { before: { R: { X: [x('1', 'x'), x('1', 'y')] } }, after: { R: { X: [x('2', 'x'), x('1', 'x'), x('1', 'y')] } } };
		expect(diffDocuments(noKey.before, noKey.after).map((c) => [c.path, c.before, c.after])).toEqual([['R/X[1]', null, x('2', 'x')]]);
	});

	it('equal documents: no change; elements added where there were none', () => {
		expect(planChanges(body(item('A', '1', '2')), body(item('A', '1', '2')))).toEqual([]);
		expect(diffDocuments({ R: { S: '1' } }, { R: { S: '1', T: { U: '2' } } })).toEqual([{ path: 'R/T', before: null, after: { U: '2' } }]);
	});

	it('the cursor keeps fetched plans up to a cap, least recently fetched out first', () => {
		const copies: Record<string, IDataObject> = {};
		const plan = (n: number, size: number) => body(item(`F${n}`, '20261201', '20261205', { NOTE: 'あ'.repeat(size) }));
		const third = PLAN_COPIES_MAX_CHARS / 3;
		expect(comparePlan(copies, '1/1', plan(1, third), true)).toEqual({ planChanges: null });
		comparePlan(copies, '1/2', plan(2, third), true);
		comparePlan(copies, '1/1', plan(1, third), false); // fetched again: most recent now
		comparePlan(copies, '1/3', plan(3, third), true);
		expect(Object.keys(copies)).toEqual(['1/1', '1/3']);
		const lost = comparePlan(copies, '1/2', plan(2, 10), false);
		expect(lost.planChanges).toBeNull();
		expect(lost.planChangesNote).toMatch(/No earlier copy/);
		const huge = comparePlan(copies, '1/4', plan(4, PLAN_COPIES_MAX_CHARS), true);
		expect(huge.planChangesNote).toMatch(/larger than/);
		expect(copies).not.toHaveProperty('1/4');
	});
});

describe('in the Sandbox: the trigger and Compare', () => {
	let offsetMs = 0;
	beforeAll(() => {
		clock.now = () => Date.now() + offsetMs;
	});
	afterAll(() => {
		clock.now = () => Date.now();
	});
	const credentials = () => new CredentialStore({ occtoWebApi: new OcctoWebApi() }, { occtoWebApi: { environment: 'sandbox' } });
	const nodeTypes = { 'n8n-nodes-occto-anpi.occtoOutagePlan': new OcctoOutagePlan() };
	const occto = async (parameters: IDataObject, withCredential = true) => {
		const node = occtoNode('OCCTO', parameters);
		if (!withCredential) delete node.credentials;
		const { nodes, connections } = chain([node]);
		return await runWorkflow({ nodes, connections, nodeTypes, credentials: credentials() });
	};
	const planTrigger = (parameters: IDataObject) =>
		new Poller(
			triggerNode(
				'n8n-nodes-occto-anpi.occtoOutagePlanTrigger',
				{ event: 'planChanged', pollingMode: 'everyPoll', pollTimes: { item: [{ mode: 'everyX', value: 6, unit: 'hours' }] }, ...parameters },
				{ occtoWebApi: { id: 'occtoSandbox', name: 'OCCTO Sandbox' } },
				{ typeVersion: 2 },
			),
			new OcctoOutagePlanTrigger(),
			credentials(),
		);
	const register = async () => outputOf(await occto({ resource: 'outagePlan', operation: 'register', planSource: 'xml', planXml: validPlanXml(), encoding: 'Shift_JIS', options: {} }), 'OCCTO')[0];
	const cursorOf = (trigger: Poller) => trigger.staticData['node:Trigger'] as IDataObject & { calls?: { count: number } };

	it('moves a registered plan\'s window a day, 8 minutes after its Register (from the time, no timers)', () => {
		expect(SANDBOX_ADJUST_AFTER_MS).toBeGreaterThan(SANDBOX_STATUS_DELAY_MS);
		expect(withWindowMoved(validPlanXml())).toContain('<END_DATE>20261206</END_DATE>');
		expect(withWindowMoved('<SBD-MSG><JPMGRP><JPMGH/><JPTRM><JP00002>0001</JP00002></JPTRM></JPMGRP></SBD-MSG>')).toBeUndefined();
	});

	it('an updated plan carries its changed list fields and, with Include Plan Changes, its plan changes; the fetch waits for the budget', async () => {
		const watcher = planTrigger({ dailyBudget: 1000, options: { includePlanChanges: true } });
		const lean = planTrigger({ dailyBudget: 1000, options: {} });
		expect(await watcher.poll()).toBeNull(); // remembers the sample plans
		expect(await lean.poll()).toBeNull();
		const receipt = (await register()).occtoReceptionNo as string;
		offsetMs += SANDBOX_STATUS_DELAY_MS + 1000;
		const [added] = (await watcher.poll()) ?? [];
		expect(added).toEqual(expect.objectContaining({ occtoReceptionNo: receipt, previous: null, changes: [], planChanges: null }));
		expect(added).not.toHaveProperty('plan'); // fetched for its copy; Fetch Each Plan adds it
		expect(cursorOf(watcher).calls?.count).toBe(3); // list, list + fetch
		expect(await lean.poll()).toHaveLength(1);

		offsetMs += SANDBOX_ADJUST_AFTER_MS;
		const [lean1] = (await lean.poll()) ?? [];
		expect(lean1.changes).toEqual([{ field: 'LAST_UPD_DAYTIME', key: 'lastUpdatedAt', before: lean1.previous, after: lean1.lastUpdatedAt }]);
		expect(lean1).not.toHaveProperty('planChanges');
		expect(cursorOf(lean).calls?.count).toBe(3); // a list call each poll, nothing more

		const [updated] = (await watcher.poll()) ?? [];
		expect(updated.changes).toEqual(lean1.changes);
		expect(updated.planChanges).toEqual([
			{
				path: 'SBD-MSG/JPMGRP/JPTRM/OUTAGE_ITEM[FACILITY_NM=○○発電所1号機]/END_DATE',
				before: '20261205',
				after: '20261206',
				summary: 'OUTAGE_ITEM[FACILITY_NM=○○発電所1号機]/END_DATE: 20261205 → 20261206',
			},
		]);
		expect(cursorOf(watcher).calls?.count).toBe(5);
	});

	it('a plan fetch past the Daily Call Budget is deferred with its event, and later compared with the copy kept', async () => {
		const trigger = planTrigger({ dailyBudget: 4, options: { includePlanChanges: true } });
		await trigger.poll(); // 1 call
		const receipt = (await register()).occtoReceptionNo as string;
		offsetMs += SANDBOX_STATUS_DELAY_MS + 1000;
		expect(((await trigger.poll()) ?? []).map((e) => e.occtoReceptionNo)).toEqual([receipt]); // 3 calls
		offsetMs += SANDBOX_ADJUST_AFTER_MS;
		expect(await trigger.poll()).toBeNull(); // the list call is the 4th: no room for the fetch
		expect(cursorOf(trigger).deferred).toHaveLength(1);
		expect(await trigger.poll()).toBeNull(); // budget spent: no call at all
		expect(cursorOf(trigger).calls?.count).toBe(4);
		offsetMs += 86_400_000; // the next Japan-time day
		const [later] = (await trigger.poll()) ?? [];
		expect(later.occtoReceptionNo).toBe(receipt);
		expect((later.changes as IDataObject[]).map((c) => c.field)).toEqual(['LAST_UPD_DAYTIME']);
		expect((later.planChanges as IDataObject[]).map((c) => c.summary)).toEqual(['OUTAGE_ITEM[FACILITY_NM=○○発電所1号機]/END_DATE: 20261205 → 20261206']);
		expect(cursorOf(trigger).deferred).toBeUndefined();
	});

	it('a Submission Status event says from / to / since, and which row fields changed', async () => {
		const status = new Poller(
			triggerNode('n8n-nodes-occto-anpi.occtoOutagePlanTrigger', { event: 'submissionStatusChanged', pollingMode: 'everyPoll', pollTimes: { item: [{ mode: 'everyX', value: 6, unit: 'hours' }] }, dailyBudget: 1000 }, { occtoWebApi: { id: 'occtoSandbox', name: 'OCCTO Sandbox' } }, { typeVersion: 2 }),
			new OcctoOutagePlanTrigger(),
			credentials(),
		);
		await status.poll();
		const receipt = (await register()).occtoReceptionNo as string;
		const [fresh] = (await status.poll()) ?? [];
		expect(fresh).toEqual(expect.objectContaining({ occtoReceptionNo: receipt, changes: [], statusChange: { from: null, to: { code: '1', name: '受付中' }, since: null } }));
		offsetMs += SANDBOX_STATUS_DELAY_MS + 1000;
		const [done] = (await status.poll()) ?? [];
		expect(done.statusChange).toEqual({ from: { code: '1', name: '受付中' }, to: { code: '2', name: '受付完了' }, since: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
		expect((done.changes as IDataObject[]).map((c) => [c.field, c.key, c.before, c.after])).toEqual([
			['STAT', 'status', '1', '2'],
			['STAT_NM', 'statusName', '受付中', '受付完了'],
			['LAST_UPD_DAYTIME', 'lastUpdatedAt', fresh.lastUpdatedAt, done.lastUpdatedAt],
		]);
	});

	it('Compare: a Get item\'s plan against XML text, without a credential and without a call', async () => {
		const [plan] = outputOf(await occto({ resource: 'outagePlan', operation: 'get', planDivision: '1', occtoReceptionNo: '2000000001' }), 'OCCTO');
		const xml = '<SBD-MSG><JPMGRP><JPMGH/><JPTRM><OUTAGE_ITEM><FACILITY_NM>別の設備</FACILITY_NM></OUTAGE_ITEM></JPTRM></JPMGRP></SBD-MSG>';
		const run = await occto({ resource: 'outagePlan', operation: 'compare', beforeSource: 'json', beforePlan: JSON.stringify(plan), afterSource: 'xml', afterXml: xml }, false);
		const [out] = outputOf(run, 'OCCTO');
		expect(out.same).toBe(false);
		expect(String(out.summary)).toMatch(/^OUTAGE_ITEM\[FACILITY_NM=別の設備\]: 追加 \{"FACILITY_NM":"別の設備"\}$/m);
		expect(String(out.summary)).toMatch(/^OUTAGE_ITEM\[FACILITY_NM=○○発電所1号機 定期点検 第1回\]: 削除 /m);
		expect(String(out.summary)).toMatch(/^JP06111: 削除 試験電力株式会社$/m);
		expect(out.quota).toBeUndefined();
		const draft = validPlanXml({ messageId: 'M1' });
		const same = outputOf(await occto({ resource: 'outagePlan', operation: 'compare', beforeSource: 'xml', beforeXml: draft, afterSource: 'xml', afterXml: draft }, false), 'OCCTO')[0];
		expect(same).toEqual(expect.objectContaining({ same: true, changeCount: 0, changes: [] }));
		const bad = await occto({ resource: 'outagePlan', operation: 'compare', beforeSource: 'xml', beforeXml: '<a>', afterSource: 'xml', afterXml: validPlanXml() }, false);
		expect(errorOf(bad, 'OCCTO')?.message).toMatch(/^Before: the plan is not readable XML/);
	});
});
