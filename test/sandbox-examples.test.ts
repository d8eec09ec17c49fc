// What the examples read from the Sandbox (issue 33, "the first hour"): plans registered there keep a readable
// name, items and trigger events carry no made-up certificate, the 提出エラー recipe of docs/sandbox.md works in
// Plan Data (JSON) while Target Date refuses a date that is not real before sending, and the people who answer
// a sent round include injured ones (本人 02) within two minutes, as the NTT trigger example needs.
import type { IDataObject, INode } from 'n8n-workflow';

import { NttComApi } from '../credentials/NttComApi.credentials';
import { OcctoWebApi } from '../credentials/OcctoWebApi.credentials';
import { NttAnpi } from '../nodes/NttAnpi/NttAnpi.node';
import { NttAnpiTrigger } from '../nodes/NttAnpiTrigger/NttAnpiTrigger.node';
import { OcctoOutagePlan } from '../nodes/OcctoOutagePlan/OcctoOutagePlan.node';
import { SANDBOX_STATUS_DELAY_MS } from '../nodes/occtoApi';
import { OcctoOutagePlanTrigger } from '../nodes/OcctoOutagePlanTrigger/OcctoOutagePlanTrigger.node';
import { clock } from '../nodes/shared/clock';
import { CredentialStore, chain, errorOf, outputOf, runWorkflow } from './harness';
import { occtoNode } from './occtoRunner';
import { Poller } from './pollHarness';
import { nodeOf, triggerNode } from './support/nodes';

const NTT_TYPE = 'n8n-nodes-occto-anpi.nttAnpi';
const every5Minutes = { item: [{ mode: 'everyX', value: 5, unit: 'minutes' }] };
const credentials = () =>
	new CredentialStore({ occtoWebApi: new OcctoWebApi(), nttComApi: new NttComApi() }, { occtoWebApi: { environment: 'sandbox' }, nttComApi: { environment: 'sandbox' } });
const nodeTypes = { 'n8n-nodes-occto-anpi.occtoOutagePlan': new OcctoOutagePlan(), [NTT_TYPE]: new NttAnpi() };
const run = async (node: INode) => {
	const { nodes, connections } = chain([node]);
	return await runWorkflow({ nodes, connections, nodeTypes, credentials: credentials() });
};
const occto = async (parameters: IDataObject) => await run(occtoNode('OCCTO', parameters));
const ntt = async (parameters: IDataObject) =>
	outputOf(await run(nodeOf(NTT_TYPE, 'NTT', { resource: 'safetyConfirmation', ...parameters }, { nttComApi: { id: 'n1', name: 'NTT' } })), 'NTT')[0];

// a plan as the submit-and-follow example builds it (Plan Source: Fields (JSON))
const planFields = (targetDate: string, planData: IDataObject) => ({
	resource: 'outagePlan',
	operation: 'register',
	planSource: 'json',
	senderCode: 'S0001',
	senderName: '試験電力株式会社',
	recipientCode: 'OCCTO',
	targetDate,
	planDivision: '2',
	planData: JSON.stringify(planData),
	planDataSetsHeaderFields: true, // Plan Data may set 対象年月日 (JP06116), as in the submit example
	encoding: 'Shift_JIS',
});

let offsetMs = 0;
beforeEach(() => {
	clock.now = () => Date.now() + offsetMs;
});
afterAll(() => {
	clock.now = () => Date.now();
});

describe('the Sandbox, as the examples read it', () => {
	it('OCCTO: 提出エラー from a 対象年月日 in Plan Data; Target Date refuses it before sending; accepted plans listed by name; no certificate figures', async () => {
		const statusTrigger = new Poller(
			triggerNode('n8n-nodes-occto-anpi.occtoOutagePlanTrigger', { pollTimes: every5Minutes, event: 'submissionStatusChanged', options: { fetchErrorDetails: true } }, { occtoWebApi: { id: '1', name: 'OCCTO' } }),
			new OcctoOutagePlanTrigger(),
			credentials(),
		);
		await statusTrigger.poll();
		const good = outputOf(await occto(planFields('2026-12-01', { OUTAGE_ITEM: { FACILITY_NM: '○○発電所1号機', STR_DATE: '20261201' } })), 'OCCTO')[0];
		const bad = outputOf(await occto(planFields('2026-12-02', { JP06116: '20260230', OUTAGE_ITEM: { FACILITY_NM: '△△変電所' } })), 'OCCTO')[0];
		expect([good.statusName, bad.statusName]).toEqual(['受付中', '受付中']);
		expect(good.certificate).toBeNull();
		expect(JSON.stringify(bad.warnings)).toContain('JP06116'); // warned, and sent as OCCTO would get it

		const refused = await occto(planFields('20260230', { OUTAGE_ITEM: { FACILITY_NM: '△△変電所' } }));
		expect(errorOf(refused, 'OCCTO')?.message).toMatch(/Target Date/);

		await statusTrigger.poll();
		offsetMs += SANDBOX_STATUS_DELAY_MS + 1000;
		const events = (await statusTrigger.poll()) ?? [];
		expect(events.map((e) => [e.occtoReceptionNo, e.statusName])).toEqual([
			[good.occtoReceptionNo, '受付完了'],
			[bad.occtoReceptionNo, '提出エラー'],
		]);
		expect(events.every((e) => e.certificate === null && e.sandbox === true)).toBe(true);

		const plans = outputOf(await occto({ resource: 'outagePlan', operation: 'getMany', returnAll: true }), 'OCCTO');
		const mine = plans.find((p) => p.occtoReceptionNo === good.occtoReceptionNo);
		expect(mine?.planName).toBe('○○発電所1号機 20261201');
		expect(plans.every((p) => p.certificate === null && !/\.xml$/.test(String(p.planName)))).toBe(true);
	});

	it('NTT: among the people who answer a sent round, some are injured (本人 02) and some not, within two minutes', async () => {
		const trigger = new Poller(
			triggerNode('n8n-nodes-occto-anpi.nttAnpiTrigger', { pollTimes: every5Minutes, event: 'newAnswers', tid: '', emitExisting: false }, { nttComApi: { id: 'n1', name: 'NTT' } }),
			new NttAnpiTrigger(),
			credentials(),
		);
		const round = await ntt({ operation: 'create', title: '訓練', text: '回答してください。', startDate: new Date(clock.now()).toISOString() });
		await ntt({ operation: 'send', tid: round.tid, sendKind: '0', target: 'everyone' });
		await trigger.poll();
		offsetMs += 2 * 60_000;
		const early = (await trigger.poll()) ?? [];
		expect(early.some((a) => (a.ansList as string[])[0] === '02')).toBe(true);
		expect(early.some((a) => (a.ansList as string[])[0] === '01')).toBe(true);
		offsetMs += 6 * 60_000;
		const all = [...early, ...((await trigger.poll()) ?? [])];
		expect(all.filter((a) => (a.ansList as string[])[0] === '02').length).toBe(6); // one in five of the 30 who answer
	});
});
