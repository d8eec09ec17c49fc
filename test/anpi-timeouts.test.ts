// Bounded waits of the NTT Anpi node, through n8n-core's real WorkflowExecute against the gateway
// simulator, with real stalls (a request accepted and never answered) and real reset connections.
// Durations are measured and printed for the README, never asserted.
import type { IDataObject, INode } from 'n8n-workflow';

import { NttComApi } from '../credentials/NttComApi.credentials';
import { ANPI_PATHS, GRANT_PATH, LIMITS, READ_RETRIES } from '../nodes/nttAnpiApi';
import { NttAnpi } from '../nodes/NttAnpi/NttAnpi.node';
import type { AnpiSimulator } from '../simulators/anpi/server';
import { startAnpiSimulator } from '../simulators/anpi/server';
import { CredentialStore, chain, errorOf, expectNoSecrets, outputOf, runWorkflow } from './harness';
import { nttCredential } from './support/anpi';
import { nodeOf } from './support/nodes';

const TYPE = 'n8n-nodes-occto-anpi.nttAnpi';
const SECRET = 'sim-secret-not-real';
const USERS = 12_000; // three Get Status pages of up to 5000
let sim: AnpiSimulator;
let store: CredentialStore;
const seen: string[] = [];
const measured: Record<string, string> = {};

jest.setTimeout(60_000);

beforeAll(async () => {
	sim = await startAnpiSimulator({ users: USERS, answeredShare: 0.5, asyncDelayMs: 50 });
});
afterAll(async () => {
	await sim.close();
	expectNoSecrets(seen.join('\n'), [SECRET]);
	// eslint-disable-next-line no-console
	console.log(`measured (ms):\n${Object.entries(measured).map(([k, v]) => `  ${k}: ${v}`).join('\n')}`);
});
beforeEach(() => {
	sim.clearStalls();
	store = new CredentialStore({ nttComApi: new NttComApi() }, { nttComApi: nttCredential(sim.url) });
});

const sc = { resource: 'safetyConfirmation' };
const anpiNode = (parameters: IDataObject, extra: Partial<INode> = {}) => nodeOf(TYPE, 'Anpi', parameters, { nttComApi: { id: 'cred-1', name: 'NTT' } }, extra);

async function run(parameters: IDataObject) {
	const node = anpiNode(parameters);
	const { nodes, connections } = chain([node]);
	const before = sim.requests.length;
	const started = Date.now();
	const result = await runWorkflow({ nodes, connections, nodeTypes: { [TYPE]: new NttAnpi() }, credentials: store });
	const ms = Date.now() - started;
	seen.push(JSON.stringify(result));
	const error = errorOf(result, 'Anpi');
	const calls = sim.requests.slice(before);
	return { result, error, ms, calls, output: () => outputOf(result, 'Anpi') };
}

const callsTo = (calls: AnpiSimulator['requests'], method: string, path: string) => calls.filter((c) => c.method === method && c.path === path).length;

describe('NTT Anpi — reads on a stalled or resetting gateway', () => {
	it('a stalled read is retried and succeeds when the gateway recovers', async () => {
		sim.stall({ path: ANPI_PATHS.list, action: 'hang', count: 2 });
		const { error, ms, calls, output } = await run({ ...sc, operation: 'getMany', limit: 3, options: { timeout: 1 } });
		expect(error).toBeUndefined();
		expect(output()).toHaveLength(3);
		expect(callsTo(calls, 'GET', ANPI_PATHS.list)).toBe(3); // two stalled, the third answered
		measured['stalled read x2, timeout 1 s, then answered'] = String(ms);
	});

	it('a read whose connection is reset is retried and succeeds', async () => {
		sim.stall({ path: ANPI_PATHS.status, action: 'reset' });
		const { error, calls, output } = await run({ ...sc, operation: 'getStatus', tid: '0000003', limit: 2, options: { timeout: 5 } });
		expect(error).toBeUndefined();
		expect(output()).toHaveLength(2);
		expect(callsTo(calls, 'POST', ANPI_PATHS.status)).toBe(2);
		expect(sim.stalled.at(-1)).toEqual({ method: 'POST', path: ANPI_PATHS.status, action: 'reset' });
	});

	it('a read that never recovers errors after timeout × attempts, naming the operation and the timeout', async () => {
		sim.stall({ path: ANPI_PATHS.list, action: 'hang', count: Number.POSITIVE_INFINITY });
		const { error, ms, calls } = await run({ ...sc, operation: 'getMany', limit: 3, options: { timeout: 1 } });
		expect(error?.message).toBe(`Get Many (安否確認API(集計一覧)) timed out (no answer within 1 s) after ${READ_RETRIES + 1} attempts`);
		expect(error?.description).toMatch(/Timeout \(Seconds\)/);
		expect(callsTo(calls, 'GET', ANPI_PATHS.list)).toBe(READ_RETRIES + 1);
		measured[`stalled read never answered, timeout 1 s, ${READ_RETRIES + 1} attempts`] = String(ms);
	});

	it('a stalled token call is bounded by the Timeout too, and the read is retried with a new token', async () => {
		sim.stall({ path: GRANT_PATH, action: 'hang' });
		const tokensBefore = sim.tokenCalls;
		const { error, ms, output } = await run({ ...sc, operation: 'getMany', limit: 1, options: { timeout: 1 } });
		expect(error).toBeUndefined();
		expect(output()).toHaveLength(1);
		expect(sim.tokenCalls - tokensBefore).toBe(1); // the stalled one never issued a token
		expect(sim.stalled.at(-1)).toEqual({ method: 'POST', path: GRANT_PATH.replace(/\/?$/, '/'), action: 'hang' });
		measured['stalled token call, timeout 1 s, then answered'] = String(ms);
	});
});

describe('NTT Anpi — writes are never repeated', () => {
	it('a Create whose answer never comes: one call, "may have been sent"', async () => {
		const threadsBefore = sim.threads().length;
		sim.stall({ path: ANPI_PATHS.create, method: 'POST', action: 'hang', afterProcessing: true });
		const { error, ms, calls } = await run({ ...sc, operation: 'create', title: '地震発生', text: '回答してください。', options: { timeout: 1 } });
		expect(error?.message).toBe('Create (安否確認API(登録)) timed out (no answer within 1 s) and may have been sent: check Get Many / Get Status before repeating it');
		expect(callsTo(calls, 'POST', ANPI_PATHS.create)).toBe(1);
		expect(sim.threads().length).toBe(threadsBefore + 1); // it was in fact created: the warning is real
		measured['stalled Create, timeout 1 s'] = String(ms);
	});

	it('a Send whose connection is reset after sending: one call, "may have been sent"', async () => {
		sim.stall({ path: ANPI_PATHS.send, method: 'PUT', action: 'reset', afterProcessing: true });
		const { error, calls } = await run({ ...sc, operation: 'send', tid: '0000003', target: 'everyone', options: { timeout: 5 } });
		expect(error?.message).toMatch(/^Send \(安否確認API\(発信\)\) failed \(the gateway closed the connection without an answer\) and may have been sent: check Get Many \/ Get Status/);
		expect(callsTo(calls, 'PUT', ANPI_PATHS.send)).toBe(1);
	});

	it('a Complete that stalls before anything happens still gets exactly one call', async () => {
		sim.stall({ path: ANPI_PATHS.complete, method: 'PUT', action: 'hang' });
		const { error, calls } = await run({ ...sc, operation: 'complete', tid: '0000003', options: { timeout: 1 } });
		expect(error?.message).toMatch(/^Complete \(安否確認API\(完了\)\) timed out .* may have been sent: check Get Many \/ Get Status/);
		expect(callsTo(calls, 'PUT', ANPI_PATHS.complete)).toBe(1);
	});
});

describe('NTT Anpi — Execution Deadline', () => {
	it('Return All stops at the deadline in the middle of the pages, says how many were read, passes nothing on', async () => {
		// pages 1 and 2 answer at once, page 3 is accepted and never answered
		sim.stall({ path: ANPI_PATHS.status, action: 'hang', skip: 2, count: Number.POSITIVE_INFINITY });
		const { error, ms, result, calls } = await run({
			...sc,
			operation: 'getStatus',
			tid: '0000003',
			returnAll: true,
			options: { timeout: 30, executionDeadline: 0.1 },
		});
		expect(error?.message).toBe(
			`Get Status (安否確認API(状況確認)) stopped at the Execution Deadline (6 s) after reading 2 pages (${2 * LIMITS.statusPage} rows): the list is incomplete, so nothing was passed on`,
		);
		expect(result.data.resultData.runData.Anpi[0].data).toBeUndefined(); // no partial list
		expect(callsTo(calls, 'POST', ANPI_PATHS.status)).toBe(3);
		measured['Return All, deadline 6 s, page 3 stalled'] = String(ms);
	});

	it('with continueOnFail the item becomes one error item, never a partial list', async () => {
		sim.stall({ path: ANPI_PATHS.status, action: 'hang', skip: 1, count: Number.POSITIVE_INFINITY });
		const node = anpiNode(
			{ ...sc, operation: 'getStatus', tid: '0000003', returnAll: true, options: { timeout: 30, executionDeadline: 0.05 } },
			{ onError: 'continueRegularOutput' },
		);
		const { nodes, connections } = chain([node]);
		const result = await runWorkflow({ nodes, connections, nodeTypes: { [TYPE]: new NttAnpi() }, credentials: store });
		seen.push(JSON.stringify(result));
		const output = outputOf(result, 'Anpi');
		expect(output).toHaveLength(1);
		expect(output[0].error).toMatch(/stopped at the Execution Deadline \(3 s\) after reading 1 page \(5000 rows\)/);
	});

	it('a bad Timeout is refused before any call', async () => {
		const { error, calls } = await run({ ...sc, operation: 'getMany', limit: 1, options: { timeout: 0 } });
		expect(error?.message).toMatch(/"Timeout \(Seconds\)" must be a positive number/);
		expect(calls).toHaveLength(0);
	});
});
