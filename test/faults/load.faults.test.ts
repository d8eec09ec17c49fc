// Load with faults: 1,000 input items into one NTT Get Status (pairedItem of every output checked, peak memory
// reported) and 20 concurrent executions of the OCCTO node (the ledger, the simulator and the proxy agree on
// every call, failed ones included).

import { NttComApi } from '../../credentials/NttComApi.credentials';
import { NttAnpi } from '../../nodes/NttAnpi/NttAnpi.node';
import { ANPI_PATHS } from '../../nodes/nttAnpiApi';
import { openLedger } from '../../nodes/occtoApi';
import type { AnpiSimulator } from '../../simulators/anpi/server';
import { startAnpiSimulator } from '../../simulators/anpi/server';
import type { OcctoSimulator } from '../../simulators/occto/server';
import { CredentialStore, chain, errorOf, itemsOf, runWorkflow } from '../harness';
import { occtoNode, occtoRunner, planList, setCallsUsed } from '../occtoRunner';
import type { FaultProxy } from './faultProxy';
import { startFaultProxy } from './faultProxy';
import { FaultSuite, occtoBehindProxy, peakMemory } from './faultKit';
import { nttCredential } from '../support/anpi';
import { nodeOf } from '../support/nodes';

jest.setTimeout(120_000);

const suite = new FaultSuite('load');
const SECRET = 'sim-secret-not-real';

beforeAll(() => {
	suite.secret('NTT client secret', SECRET);
	suite.captureLogs();
});

describe('NTT Anpi: 1,000 input items into one Get Status', () => {
	let sim: AnpiSimulator;
	let proxy: FaultProxy;
	beforeAll(async () => {
		sim = await startAnpiSimulator({ users: 50, answeredShare: 0.5 });
		proxy = await startFaultProxy({ targetPort: Number(new URL(sim.url).port) });
	});
	afterAll(async () => {
		await proxy.close();
		await sim.close();
	});

	it('Limit 3 per item, 503 on 5 % of the calls (retried): 3,000 items, each paired with its input item', async () => {
		const store = new CredentialStore({ nttComApi: new NttComApi() }, { nttComApi: nttCredential(proxy.url) });
		const parameters = { resource: 'safetyConfirmation', operation: 'getStatus', tid: '={{ $json.tid }}', returnAll: false, limit: 3 };
		const node = nodeOf('n8n-nodes-occto-anpi.nttAnpi', 'Status', parameters, { nttComApi: { id: 'c', name: 'NTT' } });
		const input = Array.from({ length: 1000 }, (_, i) => ({ json: { tid: i % 2 ? '0000003' : '0000001', n: i } }));
		proxy.setRandom({
			rate: 0.05,
			seed: 1000,
			path: ANPI_PATHS.status,
			faults: [{ kind: 'respond', status: 503, headers: { 'content-type': 'application/json', 'retry-after': '0' }, body: '{"fault":{"faultstring":"busy","detail":{"errorcode":"x"}}}' }],
		});
		const { nodes, connections } = chain([node]);
		const started = Date.now();
		const { result, peakRssMb, peakHeapMb } = await peakMemory(
			async () => await runWorkflow({ nodes, connections, nodeTypes: { 'n8n-nodes-occto-anpi.nttAnpi': new NttAnpi() }, credentials: store, input }),
		);
		const ms = Date.now() - started;
		suite.see(result);
		suite.secret('access token', String(store.data.nttComApi.accessToken));
		const items = itemsOf(result, 'Status');
		const wrong = items.filter((item, k) => (item.pairedItem as { item: number }).item !== Math.floor(k / 3) || item.json.tid !== input[Math.floor(k / 3)].json.tid);
		const faults = proxy.requests.filter((r) => r.fault !== 'pass').length;
		const calls = proxy.requests.filter((r) => r.path.startsWith(ANPI_PATHS.status)).length;
		suite.figure('load: 1,000 items → NTT Get Status (Limit 3), 5 % 503', { faults, calls, outputItems: items.length, wrongPairedItem: wrong.length, ms, peakRssMb, peakHeapMb });
		expect(items).toHaveLength(3000);
		expect(wrong).toHaveLength(0);
		expect(calls).toBe(1000 + faults); // each fault cost exactly one repeat
	});
});

describe('OCCTO Outage Plan: 20 concurrent executions', () => {
	let sim: OcctoSimulator;
	let proxy: FaultProxy;
	const runner = occtoRunner(() => sim);
	beforeAll(async () => {
		({ sim, proxy } = await occtoBehindProxy(suite, { seedPlans: 3 }));
	});
	afterAll(async () => {
		await proxy.close();
		await sim.close();
	});

	it('List → Get each, 20 at once, connections reset on 10 % of the calls: ledger = simulator = proxy, failed calls included', async () => {
		await setCallsUsed('U0000001', 100);
		sim.setCallCount('U0000001', 100);
		proxy.setRandom({ rate: 0.1, seed: 20, path: '/service/', faults: [{ kind: 'resetAfterRequest' }, { kind: 'resetMidAnswer' }] });
		const credential = runner.credential({ baseUrl: proxy.url });
		const started = Date.now();
		const runs = await Promise.all(
			Array.from({ length: 20 }, async () =>
				await runner.run([occtoNode('List', { ...planList, returnAll: false, limit: 2 }), occtoNode('Get', { resource: 'outagePlan', operation: 'get' })], { credential }),
			),
		);
		const ms = Date.now() - started;
		suite.see(runs);
		const failed = runs.filter((run) => errorOf(run, 'List') ?? errorOf(run, 'Get')).length;
		const ledger = (await (await openLedger({ mode: 'automatic' })).ledger.read('U0000001')).used - 100;
		const simulator = sim.getCallCount('U0000001') - 100;
		const faults = proxy.requests.filter((r) => r.fault !== 'pass').length;
		suite.figure('load: 20 concurrent OCCTO executions, 10 % resets', { faults, ledger, simulator, proxied: proxy.requests.length, failedExecutions: failed, ms });
		expect(faults).toBeGreaterThan(0);
		expect(ledger).toBe(simulator);
		expect(ledger).toBe(proxy.requests.length);
		expect(ledger).toBeLessThanOrEqual(60);
		const ok = runs.filter((run) => !(errorOf(run, 'List') ?? errorOf(run, 'Get')));
		for (const run of ok) expect(itemsOf(run, 'Get')).toHaveLength(2);
	});
});

describe('load: secrets', () => {
	it('no secret or token in any output, error or log line of this file', () => {
		expect(suite.finish().found).toEqual([]);
	});
});
