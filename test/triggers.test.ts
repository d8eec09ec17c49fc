// Both polling triggers, driven through n8n-core's PollContext over several polls against the simulators.
import type { IDataObject } from 'n8n-workflow';

import { NttComApi } from '../credentials/NttComApi.credentials';
import { OcctoWebApi } from '../credentials/OcctoWebApi.credentials';
import { NttAnpiTrigger } from '../nodes/NttAnpiTrigger/NttAnpiTrigger.node';
import { OcctoOutagePlanTrigger } from '../nodes/OcctoOutagePlanTrigger/OcctoOutagePlanTrigger.node';
import { pollsPerDay } from '../nodes/shared/pollSchedule';
import type { AnpiSimulator } from '../simulators/anpi/server';
import { startAnpiSimulator } from '../simulators/anpi/server';
import type { OcctoSimulator } from '../simulators/occto/server';
import { startOcctoSimulator } from '../simulators/occto/server';
import { CredentialStore } from './harness';
import { badPlanXml, registerAtSimulator, simulatorCredential, submissionsSettled, validPlanXml } from './occto-fixtures';
import { Poller } from './pollHarness';
import { setCallsUsed } from './occtoRunner';
import { anpiGateway, nttCredential } from './support/anpi';
import { triggerNode } from './support/nodes';
import { sleep } from './support/time';

const every5Minutes = { item: [{ mode: 'everyX', value: 5, unit: 'minutes' }] };

describe('poll schedule estimate', () => {
	it('counts runs per day for every Poll Times mode', () => {
		expect(pollsPerDay({ item: [{ mode: 'everyMinute' }] })).toBe(1440);
		expect(pollsPerDay(every5Minutes)).toBe(288);
		expect(pollsPerDay({ item: [{ mode: 'everyX', value: 2, unit: 'hours' }] })).toBe(12);
		expect(pollsPerDay({ item: [{ mode: 'everyHour' }, { mode: 'everyDay' }] })).toBe(25);
		expect(pollsPerDay({ item: [{ mode: 'custom', cronExpression: '*/10 8-17 * * 1-5' }] })).toBe(60);
		expect(pollsPerDay({ item: [{ mode: 'custom', cronExpression: '0 */15 * * * *' }] })).toBe(96);
		expect(pollsPerDay({})).toBe(1440);
	});
});

// both wire profiles of the simulator; the alt one is configured only through the credential
describe.each(['standard', 'alt'] as const)('OCCTO Outage Plan Trigger (wire profile "%s")', (profileName) => {
	let sim: OcctoSimulator;
	let store: CredentialStore;
	beforeAll(async () => {
		sim = await startOcctoSimulator({ statusDelayMs: 1500, seedPlans: 4, profile: profileName }); // long enough to see 受付中 first, even on a loaded machine
	});
	afterAll(async () => {
		await sim.close();
	});
	beforeEach(async () => {
		await setCallsUsed('U0000001', 0);
		sim.setCallCount('U0000001', 0);
		store = new CredentialStore(
			{ occtoWebApi: new OcctoWebApi() },
			{ occtoWebApi: simulatorCredential(sim) },
		);
	});
	const settled = async () => await submissionsSettled(sim);
	const register = async (xml: string) => await registerAtSimulator(sim, xml);
	const poller = (parameters: IDataObject) =>
		new Poller(
			triggerNode('n8n-nodes-occto-anpi.occtoOutagePlanTrigger', { pollTimes: every5Minutes, ...parameters }, { occtoWebApi: { id: '1', name: 'OCCTO' } }),
			new OcctoOutagePlanTrigger(),
			store,
		);

	it('submission status: nothing old on the first poll, each change once, error details for 提出エラー, one call per quiet poll', async () => {
		await register(validPlanXml());
		await settled(); // let earlier submissions settle, so only the ones below change
		const trigger = poller({ event: 'submissionStatusChanged' });
		expect(await trigger.poll()).toBeNull(); // remembers what is there, emits nothing old
		const good = await register(validPlanXml({ facility: '髙﨑変電所' }));
		const bad = await register(badPlanXml());
		const first = await trigger.poll();
		expect(first?.map((e) => [e.occtoReceptionNo, e.statusName])).toEqual([
			[good, '受付中'],
			[bad, '受付中'],
		]);
		await settled();
		const before = sim.requests.length;
		const second = await trigger.poll();
		expect(second?.map((e) => [e.occtoReceptionNo, e.statusName, e.previous])).toEqual([
			[good, '受付完了', '1'],
			[bad, '提出エラー', '1'],
		]);
		expect((second?.[1].errors as IDataObject[])[0]).toEqual(expect.objectContaining({ errorElement: 'JP06110' }));
		expect(sim.requests.length - before).toBe(2); // the list + error details for the one new 提出エラー
		const quiet = sim.requests.length;
		expect(await trigger.poll()).toBeNull(); // nothing repeats
		expect(sim.requests.length - quiet).toBe(1); // steady state: one list call per poll
	});

	it('a manual test run returns a sample without moving the cursor', async () => {
		await settled();
		const trigger = poller({ event: 'submissionStatusChanged' });
		expect(await trigger.poll()).toBeNull();
		await register(validPlanXml());
		const sample = await trigger.poll('manual');
		expect(sample?.length).toBeGreaterThan(0);
		const real = await trigger.poll();
		expect(real).toHaveLength(1); // the change is still delivered after the test run
	});

	it('new or updated plans, with each plan fetched when asked', async () => {
		await settled();
		const trigger = poller({ event: 'planChanged', options: { fetchPlans: true } });
		expect(await trigger.poll()).toBeNull();
		const receipt = await register(validPlanXml({ facility: '北港連系線' }));
		await settled();
		const events = await trigger.poll();
		expect(events).toHaveLength(1);
		expect(events?.[0].occtoReceptionNo).toBe(receipt);
		expect(JSON.stringify(events?.[0].plan)).toContain('北港連系線');
		expect(await trigger.poll()).toBeNull();
	});

	it('refuses a schedule whose calls a day exceed the budget, before calling OCCTO', async () => {
		const before = sim.requests.length;
		const trigger = poller({ event: 'submissionStatusChanged', pollTimes: { item: [{ mode: 'everyMinute' }] } });
		await expect(trigger.poll()).rejects.toThrow(/polls 1440 times a day.*more than the daily budget of 500/);
		const tight = poller({ event: 'planChanged', dailyBudget: 200 });
		await expect(tight.poll()).rejects.toThrow(/288 OCCTO calls, more than the daily budget of 200/);
		expect(sim.requests.length).toBe(before);
	});

	it('certificate expiring fires once a day and costs no API call', async () => {
		store.data.occtoWebApi.pfxBase64 = sim.certs.expiringP12Base64;
		const before = sim.requests.length;
		const trigger = poller({ event: 'certificateExpiring', daysLeft: 30 });
		const fired = await trigger.poll();
		expect(fired?.[0]).toEqual(expect.objectContaining({ daysLeft: expect.any(Number), threshold: 30 }));
		expect(String(fired?.[0].message)).toMatch(/expires in \d+ days/);
		expect(await trigger.poll()).toBeNull();
		expect(sim.requests.length).toBe(before);
		const relaxed = poller({ event: 'certificateExpiring', daysLeft: 5 });
		expect(await relaxed.poll()).toBeNull();
	});
});

describe('NTT Anpi Trigger', () => {
	let sim: AnpiSimulator;
	let store: CredentialStore;
	beforeAll(async () => {
		sim = await startAnpiSimulator({ users: 12000, answeredShare: 0, asyncDelayMs: 20 });
	});
	afterAll(async () => {
		await sim.close();
	});
	beforeEach(() => {
		store = new CredentialStore(
			{ nttComApi: new NttComApi() },
			{ nttComApi: nttCredential(sim.url) },
		);
	});
	const poller = (parameters: IDataObject) =>
		new Poller(
			triggerNode('n8n-nodes-occto-anpi.nttAnpiTrigger', { pollTimes: every5Minutes, ...parameters }, { nttComApi: { id: '1', name: 'NTT' } }),
			new NttAnpiTrigger(),
			store,
		);
	const api = async (method: string, path: string, body: IDataObject) => await anpiGateway(sim.url, method, path, body);
	const user = (i: number) => `usr${String(i).padStart(6, '0')}`;

	it('new answers: each person and answer time once, none missed across pages, none repeated', async () => {
		const trigger = poller({ event: 'newAnswers', tid: '0000003' });
		expect(await trigger.poll()).toBeNull();
		sim.answer('0000003', user(1), ['01', '01', '01', '01']);
		sim.answer('0000003', user(2), ['02', '01', '01', '02']);
		const first = await trigger.poll();
		expect(first?.map((a) => a.usrcd).sort()).toEqual([user(1), user(2)]);
		expect(first?.[0]).toEqual(expect.objectContaining({ tid: '0000003', answerState: 'answered', answeredAt: expect.any(String) }));
		expect(await trigger.poll()).toBeNull();
		// 6,000 answers land at once: more than one 5,000-row page
		for (let i = 3; i <= 6002; i++) sim.answer('0000003', user(i), ['01', '01', '01', '01']);
		const many = await trigger.poll();
		expect(many).toHaveLength(6000);
		expect(new Set(many?.map((a) => a.usrcd)).size).toBe(6000);
		expect(await trigger.poll()).toBeNull();
		// answers that arrive in the same minute as the last ones are still caught
		sim.answer('0000003', user(7000), ['01', '01', '01', '01']);
		expect((await trigger.poll())?.map((a) => a.usrcd)).toEqual([user(7000)]);
	});

	it('answers landing while the trigger pages are neither lost nor repeated', async () => {
		const racing = await startAnpiSimulator({
			users: 12000,
			answeredShare: 0,
			onRequest: (_method, path) => {
				if (path !== '/v1/anpi/confirm/safety-status/' || !armed) return;
				statusCalls++;
				// after the first page is answered, 100 people answer; their user codes sort before the page boundary
				if (statusCalls === 2) for (let i = 1; i <= 100; i++) racing.answer('0000003', user(i), ['01', '01', '01', '01']);
			},
		});
		let armed = false;
		let statusCalls = 0;
		try {
			store.data.nttComApi.customUrl = racing.url;
			const trigger = poller({ event: 'newAnswers', tid: '0000003' });
			expect(await trigger.poll()).toBeNull();
			for (let i = 101; i <= 6100; i++) racing.answer('0000003', user(i), ['01', '01', '01', '01']);
			armed = true;
			const first = (await trigger.poll()) ?? [];
			const second = (await trigger.poll()) ?? [];
			const all = [...first, ...second].map((a) => a.usrcd);
			expect(new Set(all).size).toBe(all.length); // nothing emitted twice
			expect(all.length).toBe(6100); // nothing lost: the 100 that raced the paging come now or next poll
		} finally {
			await racing.close();
		}
	});

	it('a manual test run returns a sample and does not move the cursor', async () => {
		const trigger = poller({ event: 'newAnswers', tid: '0000003' });
		await trigger.poll();
		sim.answer('0000003', user(8000), ['01', '01', '01', '01']);
		expect((await trigger.poll('manual'))?.length).toBeGreaterThan(0);
		expect((await trigger.poll())?.map((a) => a.usrcd)).toEqual([user(8000)]);
	});

	it('thread opened and thread completed fire once each', async () => {
		const opened = poller({ event: 'threadOpened' });
		const completed = poller({ event: 'threadCompleted' });
		expect(await opened.poll()).toBeNull();
		expect(await completed.poll()).toBeNull();
		const { tid } = await api('POST', '/v1/anpi/register/safety/', { title: '訓練', text: '回答してください', strdate: '202611240900' });
		expect((await opened.poll())?.map((t) => t.tid)).toEqual([tid]);
		expect(await opened.poll()).toBeNull();
		await api('PUT', '/v1/anpi/register/safety/', { tid });
		await sleep(100);
		const done = await completed.poll();
		expect(done?.map((t) => [t.tid, t.state])).toEqual([[tid, 'completed']]);
		expect(await completed.poll()).toBeNull();
	});
});
