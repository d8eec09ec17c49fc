// Exactly once: Register and NTT Create / Send / Complete through n8n-core's real WorkflowExecute, on the paths
// where n8n runs a node more than once on the same items — a batch with a bad item, Retry On Fail, a re-run
// (a new execution), two executions at once — against the simulators behind a fault proxy (real TLS, real
// HTTP), with the write memory in the file store and in a real Redis.
import type { IDataObject, INode, INodeExecutionData } from 'n8n-workflow';

import { NttComApi } from '../credentials/NttComApi.credentials';
import { OcctoWebApi } from '../credentials/OcctoWebApi.credentials';
import { NttAnpi } from '../nodes/NttAnpi/NttAnpi.node';
import { ANPI_PATHS } from '../nodes/nttAnpiApi';
import { classifyNetworkFailure, OCCTO_APIS, RESULT_CODE_HEADER } from '../nodes/occtoApi';
import { OcctoOutagePlan } from '../nodes/OcctoOutagePlan/OcctoOutagePlan.node';
import type { AnpiSimulator } from '../simulators/anpi/server';
import { startAnpiSimulator } from '../simulators/anpi/server';
import type { OcctoSimulator } from '../simulators/occto/server';
import { FaultSuite, useOcctoBehindProxy } from './faults/faultKit';
import type { FaultProxy } from './faults/faultProxy';
import { CredentialStore, chain, errorOf, expectNoSecrets, hintsOf, itemsOf, runWorkflow } from './harness';
import { validPlanXml } from './occto-fixtures';
import { OCCTO_TYPE, occtoNode, occtoRunner, setCallsUsed } from './occtoRunner';
import { closeRedisClients } from '../nodes/shared/state';
import { describeIfRedis } from './redisFixture';
import type { RedisServer } from './redisServer';
import { startRedisServer } from './redisServer';
import { nttCredential } from './support/anpi';
import { nodeOf } from './support/nodes';

jest.setTimeout(90_000);

const USER = 'U0000001';
const REGISTER_PATH = OCCTO_APIS.BA13B101.defaultPath;
const suite = new FaultSuite('write-once');
let sim: OcctoSimulator;
let proxy: FaultProxy;
const occto = occtoRunner(() => sim);
let executions = 0;

const retrying: Partial<INode> = { retryOnFail: true, maxTries: 3, waitBetweenTries: 0 };
const registerOf = (planXml: string, options: IDataObject = {}) => ({ resource: 'outagePlan', operation: 'register', planSource: 'xml', planXml, options });
const registerCalls = () => proxy.requests.filter((r) => r.path.startsWith(REGISTER_PATH)).length;

/** One execution of Start → Register (a new execution ID each time, as a re-run is). */
async function register(parameters: IDataObject, options: { input?: INodeExecutionData[]; node?: Partial<INode>; credential?: IDataObject; executionId?: string } = {}) {
	const { nodes, connections } = chain([occtoNode('Register', parameters, options.node)]);
	const store = new CredentialStore({ occtoWebApi: new OcctoWebApi() }, { occtoWebApi: occto.credential({ baseUrl: proxy.url, ...options.credential }) });
	const before = registerCalls();
	const result = await runWorkflow({
		nodes,
		connections,
		nodeTypes: { [OCCTO_TYPE]: new OcctoOutagePlan() },
		credentials: store,
		input: options.input,
		executionId: options.executionId ?? `exec-${++executions}`,
	});
	expectNoSecrets(JSON.stringify(result), occto.secrets());
	const error = errorOf(result, 'Register');
	return { result, error, calls: registerCalls() - before, items: error ? [] : itemsOf(result, 'Register').map((item) => item.json) };
}

const plans = (...xml: string[]) => xml.map((planXml) => ({ json: { planXml } }));
const fromInput = registerOf('={{ $json.planXml }}');

useOcctoBehindProxy(suite, { statusDelayMs: 50 }, USER, (started) => ({ sim, proxy } = started));

describe('Register: the whole batch is checked before the first send', () => {
	it('a bad third item stops the batch with 0 calls, naming item 2', async () => {
		const r = await register(fromInput, { input: plans(validPlanXml(), validPlanXml(), '<SBD-MSG><broken') });
		expect(r.error?.message).toMatch(/cannot be sent|not well-formed|could not be read/i);
		expect((r.error as { context?: IDataObject }).context?.itemIndex).toBe(2);
		expect(r.error?.description).toMatch(/The whole batch of 3 items was checked first: nothing was sent for any item\./);
		expect(r.calls).toBe(0);
	});

	it('a batch that needs more calls than are left before Stop Before sends nothing and says how many', async () => {
		await setCallsUsed(USER, 948);
		const r = await register({ ...fromInput, options: { stopBefore: 950 } }, { input: plans(validPlanXml(), validPlanXml(), validPlanXml()) });
		expect(r.error?.message).toBe(`This batch needs 3 OCCTO calls to register 3 plans, but only 2 are left before "Stop Before Call Count" (950) for user ${USER}`);
		expect(r.error?.description).toMatch(/948 calls are used today .*Nothing was sent\./);
		expect(r.calls).toBe(0);
	});

	it('On Error → Continue: the bad item is an error item, the others are registered with their receipts', async () => {
		const r = await register(fromInput, { input: plans(validPlanXml(), '<SBD-MSG><broken', validPlanXml()), node: { onError: 'continueRegularOutput' } });
		expect(r.calls).toBe(2);
		expect(r.items.map((item) => (item.error ? 'error' : typeof item.occtoReceptionNo))).toEqual(['string', 'error', 'string']);
	});
});

describe('Register: a failure after earlier items were sent loses nothing', () => {
	it('names the receipts already issued; a re-run returns them with repeatOf and sends only the rest', async () => {
		const [first, second] = [validPlanXml(), validPlanXml()];
		proxy.addRule({ path: REGISTER_PATH, skip: 1, action: { kind: 'respond', status: 200, headers: { [RESULT_CODE_HEADER]: '3001' }, body: '' } });
		const failed = await register(fromInput, { input: plans(first, second) });
		expect(failed.calls).toBe(2);
		expect(failed.error?.message).toMatch(/rejected .*BA13B101.* 3001/);
		const receipt = /Already registered in this run: item 0: receipt number (\d{10})\./.exec(failed.error?.description ?? '')?.[1];
		expect(receipt).toMatch(/^\d{10}$/);

		const rerun = await register(fromInput, { input: plans(first, second) });
		expect(rerun.calls).toBe(1); // only the refused plan: a refusal code is remembered as not sent
		expect(rerun.items[0]).toEqual(expect.objectContaining({ occtoReceptionNo: receipt, repeatOf: expect.objectContaining({ sentAt: expect.any(String) }) }));
		expect(rerun.items[1].repeatOf).toBeUndefined();
	});
});

describe('Register: Retry On Fail and re-runs converge on one registration', () => {
	it('Retry On Fail (3 tries) after an unreadable receipt: exactly one register call, "may have been registered"', async () => {
		proxy.addRule({ path: REGISTER_PATH, action: { kind: 'respond', status: 200, headers: { [RESULT_CODE_HEADER]: '0000' }, body: '' } });
		const r = await register(registerOf(validPlanXml()), { node: retrying });
		expect(r.calls).toBe(1);
		expect(r.error?.message).toMatch(/may have been registered/);
		expect(`${r.error?.message} ${r.error?.description}`).not.toMatch(/try again/i);
		expect(r.error?.description).toMatch(/Send Even If Sent Before/);
	});

	it('On Error → Continue with Retry On Fail: the re-run items that succeeded are not registered again', async () => {
		const input = plans('<SBD-MSG><broken', validPlanXml(), validPlanXml());
		const r = await register(fromInput, { input, node: { ...retrying, onError: 'continueRegularOutput' } });
		expect(r.calls).toBe(2); // n8n re-ran the node twice more (first item an error): both plans came back as repeats
		expect(r.items[1].repeatOf).toBeDefined();
		expect(r.items[2].repeatOf).toBeDefined();
		expect(r.items[1].occtoReceptionNo).not.toBe(r.items[2].occtoReceptionNo);
	});

	it('a re-run returns the first receipt with repeatOf at 0 calls; Send Even If Sent Before registers again', async () => {
		const plan = validPlanXml();
		const first = await register(registerOf(plan));
		expect(first.calls).toBe(1);
		const again = await register(registerOf(plan));
		expect(again.calls).toBe(0);
		expect(again.items[0]).toEqual(expect.objectContaining({ occtoReceptionNo: first.items[0].occtoReceptionNo }));
		expect(again.items[0].repeatOf).toEqual({ sentAt: expect.any(String), executionId: expect.stringMatching(/^exec-/), workflowId: 'test' });
		const forced = await register(registerOf(plan, { sendEvenIfSentBefore: true }));
		expect(forced.calls).toBe(1);
		expect(forced.items[0].occtoReceptionNo).not.toBe(first.items[0].occtoReceptionNo);
	});

	it('a plan from Fields (JSON) matches its re-run although the node makes up a new message ID each time', async () => {
		const fields = { resource: 'outagePlan', operation: 'register', planSource: 'json', senderCode: 'S0001', recipientCode: 'OCCTO', targetDate: '2026-12-01', planData: `{"OUTAGE_ITEM":[{"FACILITY_NM":"○○発電所${executions}号機"}]}` };
		expect((await register(fields)).calls).toBe(1);
		expect((await register(fields)).calls).toBe(0);
	});

	it('a window shorter than the time since the first send lets the plan go again', async () => {
		const plan = validPlanXml();
		expect((await register(registerOf(plan))).calls).toBe(1);
		await new Promise((resolve) => setTimeout(resolve, 400));
		expect((await register(registerOf(plan, { rememberHours: 0.1 / 3600 }))).calls).toBe(1);
	});

	it('two executions given the same plan at once: one register call, both return the same receipt', async () => {
		const plan = validPlanXml();
		const before = registerCalls();
		const [a, b] = await Promise.all([register(registerOf(plan)), register(registerOf(plan))]);
		expect(registerCalls() - before).toBe(1);
		expect(a.items[0].occtoReceptionNo).toBe(b.items[0].occtoReceptionNo);
		expect([a.items[0].repeatOf, b.items[0].repeatOf].filter(Boolean)).toHaveLength(1);
	});
});

describe('Register: once sent, only "may have been registered"', () => {
	it('an unknown result code (9999) says "may have been registered", never "try again"; a re-run sends nothing', async () => {
		const plan = validPlanXml();
		proxy.addRule({ path: REGISTER_PATH, action: { kind: 'respond', status: 200, headers: { [RESULT_CODE_HEADER]: '9999' }, body: '' } });
		const r = await register(registerOf(plan));
		expect(r.error?.message).toMatch(/^OCCTO answered 作業停止計画登録 \(BA13B101\) with result code 9999 .*: the plan may have been registered$/);
		expect(`${r.error?.message} ${r.error?.description}`).not.toMatch(/try again/i);
		const rerun = await register(registerOf(plan));
		expect(rerun.calls).toBe(0);
		expect(rerun.error?.message).toMatch(/^The same outage plan was sent to OCCTO at .* and the outcome is unknown: it may have been registered$/);
		expect(rerun.error?.description).toMatch(/result code 9999.*Nothing was sent now\. Check whether Submission → Get Many .* "Send Even If Sent Before"/s);
	});

	it('a refusal code read as coming before OCCTO stores a plan (3001, ASSUMPTION 13) is not remembered: the fixed plan goes out', async () => {
		const plan = validPlanXml();
		proxy.addRule({ path: REGISTER_PATH, action: { kind: 'respond', status: 200, headers: { [RESULT_CODE_HEADER]: '3001' }, body: '' } });
		expect((await register(registerOf(plan))).error?.message).toMatch(/rejected/);
		expect((await register(registerOf(plan))).calls).toBe(1);
	});
});

describeIfRedis('the write memory and the ledger in Redis')('Redis', () => {
	let redis: RedisServer;
	beforeAll(async () => {
		redis = await startRedisServer();
	});
	afterAll(async () => {
		redis = await startRedisServer([], redis.port); // back, so this process's clients can say goodbye
		await closeRedisClients();
		await redis.stop();
	});

	it('a Redis that stops right after OCCTO accepted the plan does not hide the receipt number', async () => {
		const credential = { ledger: 'redis', ledgerRedisUrl: redis.url };
		proxy.onAnswered = (request) => {
			if (request.path.startsWith(REGISTER_PATH)) void redis.stop();
		};
		try {
			const r = await register(registerOf(validPlanXml()), { credential });
			expect(r.error).toBeUndefined();
			expect(r.items[0].occtoReceptionNo).toMatch(/^\d{10}$/);
			expect(r.items[0].quota).toEqual({ unavailable: expect.stringMatching(/^Today's call count could not be read after the call: /) });
			expect(hintsOf(r.result, 'Register').map((hint) => hint.message).join(' ')).toMatch(/could not be remembered .*a re-run would send it again/);
		} finally {
			proxy.onAnswered = undefined;
		}
	});
});

describe('NTT Anpi: Create, Send and Complete', () => {
	const NTT_TYPE = 'n8n-nodes-occto-anpi.nttAnpi';
	const sc = { resource: 'safetyConfirmation' };
	let anpi: AnpiSimulator;
	beforeAll(async () => {
		anpi = await startAnpiSimulator({ users: 20, asyncDelayMs: 20 });
	});
	afterAll(async () => {
		await anpi.close();
	});
	const calls = (method: string, path: string) => anpi.requests.filter((r) => r.method === method && r.path === path).length;

	async function ntt(parameters: IDataObject, options: { node?: Partial<INode>; executionId?: string; input?: INodeExecutionData[] } = {}) {
		const { nodes, connections } = chain([nodeOf(NTT_TYPE, 'NTT', parameters, { nttComApi: { id: 'cred-1', name: 'NTT' } }, options.node)]);
		const store = new CredentialStore({ nttComApi: new NttComApi() }, { nttComApi: nttCredential(anpi.url) });
		const result = await runWorkflow({ nodes, connections, nodeTypes: { [NTT_TYPE]: new NttAnpi() }, credentials: store, input: options.input, executionId: options.executionId ?? `exec-${++executions}` });
		const error = errorOf(result, 'NTT');
		return { error, items: error ? [] : itemsOf(result, 'NTT').map((item) => item.json) };
	}

	it('Create with Retry On Fail after a 500: exactly one create call, "may have been created"', async () => {
		const before = calls('POST', ANPI_PATHS.create);
		anpi.failNext(500, { body: JSON.stringify({ errorCode: 'SIM999999', errorMessage: 'internal', errorDetails: [] }), contentType: 'application/json', path: ANPI_PATHS.create });
		const r = await ntt({ ...sc, operation: 'create', title: '地震発生 500', text: '回答してください。' }, { node: retrying });
		expect(calls('POST', ANPI_PATHS.create) - before).toBe(1);
		expect(r.error?.message).toMatch(/may have been created/);
		expect(`${r.error?.message} ${r.error?.description}`).not.toMatch(/try again/i);
	});

	it('a batch with a bad third item creates nothing; a re-run of a created round returns its thread ID', async () => {
		const before = calls('POST', ANPI_PATHS.create);
		const input = [{ json: { title: 'A 訓練' } }, { json: { title: 'B 訓練' } }, { json: { title: ' ' } }];
		const batch = await ntt({ ...sc, operation: 'create', title: '={{ $json.title }}', text: 'x' }, { input });
		expect(batch.error?.message).toBe('"Title" is empty');
		expect(calls('POST', ANPI_PATHS.create) - before).toBe(0);
		const first = await ntt({ ...sc, operation: 'create', title: 'C 訓練', text: 'x' });
		const again = await ntt({ ...sc, operation: 'create', title: 'C 訓練', text: 'x' });
		expect(calls('POST', ANPI_PATHS.create) - before).toBe(1);
		expect(again.items[0]).toEqual(expect.objectContaining({ tid: first.items[0].tid, repeatOf: expect.any(Object) }));
	});

	it('Send is remembered within its execution only: Retry On Fail does not repeat it, next hour\'s reminder goes out', async () => {
		const created = await ntt({ ...sc, operation: 'create', title: 'D 訓練', text: 'x' });
		const send = { ...sc, operation: 'send', tid: String(created.items[0].tid), target: 'everyone' };
		const before = calls('PUT', ANPI_PATHS.send);
		const execution = `exec-${++executions}`;
		await ntt(send, { executionId: execution });
		const retried = await ntt(send, { executionId: execution }); // what Retry On Fail does: the same execution again
		expect(retried.items[0].repeatOf).toBeDefined();
		expect(calls('PUT', ANPI_PATHS.send) - before).toBe(1);
		await ntt(send); // a later execution: a reminder
		expect(calls('PUT', ANPI_PATHS.send) - before).toBe(2);
	});

	it('Complete answered 503: a retry in the same execution sends nothing and says it may have been completed', async () => {
		const created = await ntt({ ...sc, operation: 'create', title: 'E 訓練', text: 'x' });
		const before = calls('PUT', ANPI_PATHS.complete);
		anpi.failNext(503, { path: ANPI_PATHS.complete });
		const r = await ntt({ ...sc, operation: 'complete', tid: String(created.items[0].tid) }, { node: retrying });
		expect(calls('PUT', ANPI_PATHS.complete) - before).toBe(1);
		expect(r.error?.message).toMatch(/may have been completed/);
	});
});

describe('Register: a TLS error is "certificate refused" only when it proves the handshake failed', () => {
	const tlsError = (code: string, message: string) => Object.assign(new Error(message), { code });
	it.each([
		['EPROTO', 'error:0A000119:SSL routines::decryption failed or bad record mac', 'maybeRegistered'],
		['ERR_SSL_SSLV3_ALERT_BAD_RECORD_MAC', 'sslv3 alert bad record mac', 'maybeRegistered'],
		['ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'tlsv13 alert certificate required (SSL alert number 116)', 'clientCertificateRefused'],
		['ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', 'sslv3 alert bad certificate (SSL alert number 42)', 'clientCertificateRefused'],
		['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate', 'serverCertificate'],
	])('%s on Register → %s', (code, message, kind) => {
		expect(classifyNetworkFailure(tlsError(code, message), 'BA13B101', []).kind).toBe(kind);
	});
	it('on a read, any TLS error is still a certificate problem (nothing can have been registered)', () => {
		expect(classifyNetworkFailure(tlsError('EPROTO', 'decryption failed or bad record mac'), 'BA13B103', []).kind).toBe('clientCertificateRefused');
	});
});
