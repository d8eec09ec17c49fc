// Both polling triggers under faults, through n8n-core's PollContext: a poll that fails halfway leaves the
// cursor where it was, and a simulated day of 5-minute polls with faults in 10 % of the calls emits every
// expected event exactly once (expected = emitted, duplicates = 0).
import type { IDataObject, INode } from 'n8n-workflow';

import { NttComApi } from '../../credentials/NttComApi.credentials';
import { OcctoWebApi } from '../../credentials/OcctoWebApi.credentials';
import { ANPI_PATHS, LIMITS } from '../../nodes/nttAnpiApi';
import { NttAnpiTrigger } from '../../nodes/NttAnpiTrigger/NttAnpiTrigger.node';
import { OCCTO_APIS } from '../../nodes/occtoApi';
import { OcctoOutagePlanTrigger } from '../../nodes/OcctoOutagePlanTrigger/OcctoOutagePlanTrigger.node';
import type { AnpiSimulator } from '../../simulators/anpi/server';
import { startAnpiSimulator } from '../../simulators/anpi/server';
import type { OcctoSimulator } from '../../simulators/occto/server';
import { CredentialStore } from '../harness';
import { badPlanXml, registerAtSimulator, simulatorCredential, validPlanXml } from '../occto-fixtures';
import { setCallsUsed } from '../occtoRunner';
import { Poller } from '../pollHarness';
import type { FaultAction, FaultProxy } from './faultProxy';
import { seededRandom, startFaultProxy } from './faultProxy';
import { FaultSuite, occtoBehindProxy } from './faultKit';
import { nttCredential } from '../support/anpi';
import { triggerNode as baseTriggerNode } from '../support/nodes';
import { sleep } from '../support/time';

jest.setTimeout(120_000);

const suite = new FaultSuite('triggers');
const every5Minutes = { item: [{ mode: 'everyX', value: 5, unit: 'minutes' }] };
const POLLS_A_DAY = 288;
const SECRET = 'sim-secret-not-real';

const triggerNode = (type: string, parameters: IDataObject, credentials: INode['credentials']): INode =>
	baseTriggerNode(type, { pollTimes: every5Minutes, ...parameters }, credentials, { id: `t-${type}` });

/** Polls, keeping what each emitted (a failed poll emits nothing) and what it threw. */
async function pollOnce(poller: Poller, emitted: IDataObject[]): Promise<string | undefined> {
	try {
		const items = (await poller.poll()) ?? [];
		suite.see(items);
		emitted.push(...items);
		return undefined;
	} catch (error) {
		suite.see(error, (error as Error).message, (error as { description?: string }).description);
		return (error as Error).message;
	}
}

function tally(expected: string[], emitted: string[]) {
	const counts = new Map<string, number>();
	for (const key of emitted) counts.set(key, (counts.get(key) ?? 0) + 1);
	const wanted = new Set(expected);
	return {
		expected: wanted.size,
		emitted: emitted.length,
		lost: [...wanted].filter((key) => !counts.has(key)).length,
		duplicates: [...counts.values()].reduce((sum, n) => sum + n - 1, 0),
		unexpected: [...counts.keys()].filter((key) => !wanted.has(key)).length,
	};
}

beforeAll(() => {
	suite.secret('NTT client secret', SECRET);
	suite.captureLogs();
});

describe('OCCTO Outage Plan Trigger', () => {
	let sim: OcctoSimulator;
	let proxy: FaultProxy;
	let store: CredentialStore;
	beforeAll(async () => {
		({ sim, proxy } = await occtoBehindProxy(suite, { statusDelayMs: 0, seedPlans: 2 }));
	});
	afterAll(async () => {
		await proxy.close();
		await sim.close();
	});
	beforeEach(async () => {
		proxy.clear();
		await setCallsUsed('U0000001', 0);
		sim.setCallCount('U0000001', 0);
		store = new CredentialStore({ occtoWebApi: new OcctoWebApi() }, { occtoWebApi: simulatorCredential(sim, { baseUrl: proxy.url }) });
	});
	const register = async (xml: string) => await registerAtSimulator(sim, xml);
	const poller = () =>
		new Poller(
			triggerNode('n8n-nodes-occto-anpi.occtoOutagePlanTrigger', { event: 'submissionStatusChanged', pollingMode: 'everyPoll', options: { fetchErrorDetails: true } }, { occtoWebApi: { id: '1', name: 'OCCTO' } }),
			new OcctoOutagePlanTrigger(),
			store,
		);

	it('error details of the 3rd of 5 new 提出エラー answer 503: the poll fails, the cursor stays, the next poll emits all 5 once', async () => {
		const trigger = poller();
		expect(await trigger.poll()).toBeNull(); // activation: remembers what is there
		const receipts: string[] = [];
		for (let i = 0; i < 5; i++) receipts.push(await register(badPlanXml()));
		await sleep(20);
		// the event cursor (what was seen); the call bookkeeping next to it rightly counts the failed poll's calls
		const seen = () => JSON.stringify((trigger.staticData['node:Trigger'] as IDataObject).seen);
		const cursor = seen();
		expect(cursor).toBe('{}'); // the activation poll saw no submission
		proxy.addRule({ path: OCCTO_APIS.BA13B007.defaultPath, skip: 2, action: { kind: 'respond', status: 503, headers: { 'content-type': 'text/html' }, body: '<html><body>Service Unavailable</body></html>' } });
		const emitted: IDataObject[] = [];
		const failure = await pollOnce(trigger, emitted);
		expect(failure).toMatch(/HTTP 503/);
		expect(emitted).toEqual([]);
		expect(seen()).toEqual(cursor);
		await pollOnce(trigger, emitted);
		expect(emitted.map((e) => e.occtoReceptionNo)).toEqual(receipts);
		expect(emitted.every((e) => e.statusName === '提出エラー' && (e.errors as IDataObject[]).length > 0)).toBe(true);
		expect((await trigger.poll()) ?? []).toEqual([]);
		const t = tally(receipts, emitted.map((e) => String(e.occtoReceptionNo)));
		suite.figure('triggers: OCCTO detail call 3 of 5 answers 503', { faults: 1, ...t });
		expect([t.lost, t.duplicates]).toEqual([0, 0]);
	});

	it(`a simulated day: ${POLLS_A_DAY} polls every 5 minutes, faults in 10 % of the calls, every status change emitted once`, async () => {
		const trigger = poller();
		expect(await trigger.poll()).toBeNull();
		const faults: FaultAction[] = [
			{ kind: 'resetAfterRequest' },
			{ kind: 'resetMidAnswer' },
			{ kind: 'respond', status: 503, headers: { 'content-type': 'text/html' }, body: '<html><body>メンテナンス中</body></html>' },
			{ kind: 'respond', status: 200, headers: { resultcode: '9999' } },
			{ kind: 'respond', status: 200, headers: { 'content-type': 'text/html' }, body: '<html><body>login</body></html>' },
			{ kind: 'drip', chunkBytes: 256, everyMs: 5 }, // slow but in time: must succeed
		];
		proxy.setRandom({ rate: 0.1, seed: 20261124, faults, path: '/service/' });
		const random = seededRandom(7);
		const expected: string[] = [];
		const emitted: IDataObject[] = [];
		let failedPolls = 0;
		const started = Date.now();
		for (let poll = 1; poll <= POLLS_A_DAY; poll++) {
			if (random() < 0.12) {
				const bad = random() < 0.3;
				const receipt = await register(bad ? badPlanXml() : validPlanXml());
				expected.push(`${receipt}:${bad ? '提出エラー' : '受付完了'}`);
				await sleep(5); // the simulator settles the status (受付中 → final) at once
			}
			if (await pollOnce(trigger, emitted)) failedPolls++;
		}
		proxy.setRandom(undefined);
		await pollOnce(trigger, emitted); // the last poll of the day, after the faults: catches up a failed one
		const ms = Date.now() - started;
		const faultsInjected = proxy.requests.filter((r) => r.fault !== 'pass').length;
		const t = tally(expected, emitted.map((e) => `${String(e.occtoReceptionNo)}:${String(e.statusName)}`));
		const errorsWithoutDetails = emitted.filter((e) => e.statusName === '提出エラー' && !(e.errors as IDataObject[] | undefined)?.length).length;
		suite.figure('triggers: OCCTO simulated day (288 polls, 10 % faults)', { faults: faultsInjected, failedPolls, errorsWithoutDetails, ms, ...t });
		expect(faultsInjected).toBeGreaterThan(10);
		expect(failedPolls).toBeGreaterThan(0);
		expect(t).toEqual(expect.objectContaining({ lost: 0, duplicates: 0, unexpected: 0 }));
		expect(t.expected).toBeGreaterThan(10);
		expect(errorsWithoutDetails).toBe(0);
	});
});

describe('NTT Anpi Trigger', () => {
	let sim: AnpiSimulator;
	let proxy: FaultProxy;
	let store: CredentialStore;
	const TID = '0000003';
	const user = (i: number) => `usr${String(i).padStart(6, '0')}`;
	beforeAll(async () => {
		sim = await startAnpiSimulator({ users: 25_000, answeredShare: 0, asyncDelayMs: 20 });
		proxy = await startFaultProxy({ targetPort: Number(new URL(sim.url).port) });
	});
	const tokens: string[] = [];
	afterEach(() => {
		tokens.push(...proxy.tokens, String(store.data.nttComApi.accessToken ?? ''));
	});
	afterAll(async () => {
		await proxy.close();
		await sim.close();
		tokens.forEach((token, i) => suite.secret(`access token ${i + 1}`, token));
	});
	beforeEach(() => {
		proxy.clear();
		store = new CredentialStore(
			{ nttComApi: new NttComApi() },
			{ nttComApi: nttCredential(proxy.url) },
		);
	});
	const poller = (timeout = 5) =>
		new Poller(
			triggerNode('n8n-nodes-occto-anpi.nttAnpiTrigger', { event: 'newAnswers', tid: TID, options: { timeout } }, { nttComApi: { id: '1', name: 'NTT' } }),
			new NttAnpiTrigger(),
			store,
		);
	const unavailable: FaultAction = { kind: 'respond', status: 503, headers: { 'content-type': 'application/json', 'retry-after': '0' }, body: JSON.stringify({ fault: { faultstring: 'The Service is temporarily unavailable', detail: { errorcode: 'messaging.adaptors.http.flow.ServiceUnavailable' } } }) };

	it('page 3 of 5 answers 503 (past the retries): the poll fails, the cursor stays, the next poll emits all 22,000 once', async () => {
		const trigger = poller();
		expect(await trigger.poll()).toBeNull();
		const answered: string[] = [];
		for (let i = 1; i <= 22_000; i++) {
			sim.answer(TID, user(i), ['01', '01', '01', '01']);
			answered.push(user(i));
		}
		const cursor = JSON.parse(JSON.stringify(trigger.staticData)) as IDataObject;
		const before = proxy.requests.length;
		proxy.addRule({ path: ANPI_PATHS.status, skip: 2, count: Number.POSITIVE_INFINITY, action: unavailable });
		const emitted: IDataObject[] = [];
		const failure = await pollOnce(trigger, emitted);
		expect(failure).toMatch(/HTTP 503/);
		const pages = proxy.requests.slice(before).filter((r) => r.path.startsWith(ANPI_PATHS.status));
		expect(pages.map((r) => r.fault)).toEqual(['pass', 'pass', 'respond', 'respond', 'respond', 'respond']); // page 3 tried 4 times, page 4 never asked
		expect(trigger.staticData).toEqual(cursor);
		proxy.clear();
		await pollOnce(trigger, emitted);
		expect((await trigger.poll()) ?? []).toEqual([]);
		const t = tally(answered, emitted.map((e) => String(e.usrcd)));
		suite.figure('triggers: NTT page 3 of 5 answers 503', { faults: 4, pagesOf: Math.ceil(22_000 / LIMITS.statusPage), ...t });
		expect([t.expected, t.emitted, t.lost, t.duplicates]).toEqual([22_000, 22_000, 0, 0]);
	});

	it(`a simulated day: ${POLLS_A_DAY} polls every 5 minutes, faults in 10 % of the calls, every answer emitted once`, async () => {
		// a round of 3,000 people of its own, so that each poll reads only the answers of the last minutes
		await proxy.close();
		await sim.close();
		sim = await startAnpiSimulator({ users: 3000, answeredShare: 0, asyncDelayMs: 20 });
		proxy = await startFaultProxy({ targetPort: Number(new URL(sim.url).port) });
		store.data.nttComApi.customUrl = proxy.url;
		const trigger = poller(1);
		expect(await trigger.poll()).toBeNull();
		const faults: FaultAction[] = [
			{ kind: 'resetAfterRequest' },
			{ kind: 'resetMidAnswer' },
			unavailable,
			{ kind: 'respond', status: 429, headers: { 'content-type': 'application/json', 'retry-after': '0' }, body: JSON.stringify({ fault: { faultstring: 'Spike arrest violation', detail: { errorcode: 'policies.ratelimit.SpikeArrestViolation' } } }) },
			{ kind: 'respond', status: 500, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ errorCode: 'SIM999999', errorMessage: 'internal', errorDetails: [] }) },
			{ kind: 'respond', status: 200, headers: { 'content-type': 'application/json' }, body: '{"searchTotal": 10, "thrddList": [' },
			{ kind: 'drip', chunkBytes: 4096, everyMs: 5 },
		];
		proxy.setRandom({ rate: 0.1, seed: 20261125, faults, path: '/v1/anpi/' });
		const random = seededRandom(11);
		const expected: string[] = [];
		const emitted: IDataObject[] = [];
		let failedPolls = 0;
		let next = 1;
		const started = Date.now();
		for (let poll = 1; poll <= POLLS_A_DAY; poll++) {
			const arriving = Math.floor(random() * 7);
			for (let i = 0; i < arriving; i++) {
				sim.answer(TID, user(next), ['01', random() < 0.1 ? '02' : '01', '01', '01']);
				expected.push(user(next++));
			}
			if (await pollOnce(trigger, emitted)) failedPolls++;
		}
		proxy.setRandom(undefined);
		await pollOnce(trigger, emitted);
		const ms = Date.now() - started;
		const faultsInjected = proxy.requests.filter((r) => r.fault !== 'pass').length;
		const t = tally(expected, emitted.map((e) => String(e.usrcd)));
		suite.figure('triggers: NTT simulated day (288 polls, 10 % faults)', { faults: faultsInjected, failedPolls, ms, ...t });
		expect(faultsInjected).toBeGreaterThan(10);
		expect(t).toEqual(expect.objectContaining({ lost: 0, duplicates: 0, unexpected: 0 }));
		expect(t.expected).toBeGreaterThan(300);
	});
});

describe('triggers: secrets', () => {
	it('no secret or token in any emitted item, poll error or log line of this file', () => {
		expect(suite.finish().found).toEqual([]);
	});
});
