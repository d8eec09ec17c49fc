// NTT Com API gateway faults, injected at the simulator (its failNext/stall switches) and at TCP level (the
// fault proxy in front of it), through n8n-core's real WorkflowExecute: the token endpoint failing, a token
// refused on every call, rate limits past the retry budget, broken bodies, gateway faults, and writes that
// lose their connection after sending. Each case counts the calls that reached the gateway.
import type { ICredentialDataDecryptedObject, IDataObject, IRun } from 'n8n-workflow';

import { NttComApi } from '../../credentials/NttComApi.credentials';
import { ANPI_PATHS, GRANT_PATH, READ_RETRIES } from '../../nodes/nttAnpiApi';
import { NttAnpi } from '../../nodes/NttAnpi/NttAnpi.node';
import type { AnpiSimulator } from '../../simulators/anpi/server';
import { startAnpiSimulator } from '../../simulators/anpi/server';
import { CredentialStore, chain, errorOf, outputOf, runWorkflow } from '../harness';
import type { FaultProxy } from './faultProxy';
import { startFaultProxy } from './faultProxy';
import { FaultSuite } from './faultKit';
import { nttCredential } from '../support/anpi';
import { nodeOf } from '../support/nodes';
import { sleep } from '../support/time';

jest.setTimeout(60_000);

const TYPE = 'n8n-nodes-occto-anpi.nttAnpi';
const SECRET = 'sim-secret-not-real';
const suite = new FaultSuite('ntt');
let sim: AnpiSimulator;
let proxy: FaultProxy;
let store: CredentialStore;
const tokens = new Set<string>();

const sc = { resource: 'safetyConfirmation' };
const getMany = { ...sc, operation: 'getMany', returnAll: false, limit: 3 };
const create = { ...sc, operation: 'create', title: '訓練: 地震発生', text: '回答してください。' };
// each test opens a round of its own: a round already sent is remembered and not created again
let rounds = 0;
beforeEach(() => {
	create.title = `訓練: 地震発生 ${++rounds}`;
});
const faultBody = (faultstring: string, errorcode: string) => JSON.stringify({ fault: { faultstring, detail: { errorcode } } });

function credential(direct = false): ICredentialDataDecryptedObject {
	return nttCredential(direct ? sim.url : proxy.url);
}

/** One node run; the calls it made at the gateway (after the proxy) and through the proxy are counted. */
async function run(parameters: IDataObject, options: { direct?: boolean } = {}) {
	store.data.nttComApi.customUrl = options.direct ? sim.url : proxy.url;
	const node = nodeOf(TYPE, 'Anpi', parameters, { nttComApi: { id: 'c', name: 'NTT' } });
	const { nodes, connections } = chain([node]);
	const before = { sim: sim.requests.length, proxy: proxy.requests.length, tokens: sim.tokenCalls, threads: sim.threads().length };
	const started = Date.now();
	const result: IRun = await runWorkflow({ nodes, connections, nodeTypes: { [TYPE]: new NttAnpi() }, credentials: store });
	const ms = Date.now() - started;
	const error = errorOf(result, 'Anpi');
	suite.see(result, error?.message, error?.description);
	tokens.add(String(store.data.nttComApi.accessToken ?? ''));
	const calls = sim.requests.slice(before.sim);
	const through = proxy.requests.slice(before.proxy);
	return {
		result,
		error,
		ms,
		/** API calls that reached the gateway simulator (token calls not included) */
		calls: (method: string, path: string) => calls.filter((c) => c.method === method && c.path === path).length,
		/** requests through the proxy to a path (token calls included) */
		proxied: (path: string) => through.filter((r) => r.path.startsWith(path)).length,
		tokenCalls: sim.tokenCalls - before.tokens,
		newThreads: sim.threads().length - before.threads,
		/** how the calls to a path that reached the gateway were authorised (valid, invalid or missing token) */
		authorizations: (method: string, path: string) => calls.filter((c) => c.method === method && c.path === path).map((c) => c.authorization),
		output: () => outputOf(result, 'Anpi'),
	};
}

beforeAll(async () => {
	sim = await startAnpiSimulator({ users: 60, answeredShare: 0.5, asyncDelayMs: 30 });
	proxy = await startFaultProxy({ targetPort: Number(new URL(sim.url).port) });
	suite.secret('client secret', SECRET);
	suite.captureLogs();
});
afterAll(async () => {
	await proxy.close();
	await sim.close();
});
beforeEach(() => {
	proxy.clear();
	sim.clearStalls();
	store = new CredentialStore({ nttComApi: new NttComApi() }, { nttComApi: credential() });
});

// The cases whose outcome once depended on the n8n line (1.x helpers throw on a non-2xx answer and, before n8n
// 2.34, drop what they throw it with): run by both jest configs, each records its outcome for the table of
// scripts/faults.mjs, whose columns (one per line) must be the same.
describe('NTT: the same outcome on every n8n line', () => {
	const status5 = { ...sc, operation: 'getStatus', tid: '0000001', returnAll: false, limit: 5 };
	const outcome = (r: Awaited<ReturnType<typeof run>>, method: string, path: string) =>
		`${r.error ? `error "${r.error.message}"` : `${r.output().length} items`}, ${r.calls(method, path)} calls at the API, ${r.proxied(path) || r.calls(method, path)} sent, ${r.tokenCalls} token calls`;

	it('429 twice, then an answer (read) → retried, 5 items, 3 calls', async () => {
		sim.failNext(429, { count: 2, retryAfter: 0, path: ANPI_PATHS.status, body: faultBody('Spike arrest violation. Allowed rate : 10ps', 'policies.ratelimit.SpikeArrestViolation') });
		const r = await run(status5, { direct: true });
		expect(r.error).toBeUndefined();
		expect(r.output()).toHaveLength(5);
		expect(r.calls('POST', ANPI_PATHS.status)).toBe(3);
		suite.figure('parity: 429 twice, then an answer (read)', { faults: 2, ms: r.ms, outcome: outcome(r, 'POST', ANPI_PATHS.status) });
	});

	it("a 429's Retry-After (3 s) is read and waited for before the one retry", async () => {
		sim.failNext(429, { retryAfter: 3, path: ANPI_PATHS.status });
		const r = await run(status5, { direct: true });
		expect(r.error).toBeUndefined();
		expect(r.calls('POST', ANPI_PATHS.status)).toBe(2);
		expect(r.ms).toBeGreaterThanOrEqual(2900); // a back-off of our own would be at most 1 s: the header was read
		suite.figure("parity: 429 with Retry-After: 3 (read)", { faults: 1, ms: r.ms, outcome: `${outcome(r, 'POST', ANPI_PATHS.status)}, waited ≥ 3 s` });
	});

	it('500 with the API error body on a Create → the code and message, "may have been created", one call', async () => {
		const body = JSON.stringify({ errorCode: 'HLDE00001', errorMessage: 'システムエラーが発生しました', errorDetails: [] });
		sim.failNext(500, { body, contentType: 'application/json; charset=utf-8', path: ANPI_PATHS.create });
		const r = await run(create, { direct: true });
		// a server error may follow a round the API created: never "nothing was created"
		expect(r.error?.message).toBe('安否確認API(登録) failed: HLDE00001 システムエラーが発生しました (HTTP 500): it may have been created; check Get Many / Get Status before repeating it');
		expect((r.error as { httpCode?: string } | undefined)?.httpCode).toBe('500');
		expect([r.calls('POST', ANPI_PATHS.create), r.newThreads]).toEqual([1, 0]);
		suite.figure('parity: 500 with an API error body (Create)', { faults: 1, ms: r.ms, outcome: outcome(r, 'POST', ANPI_PATHS.create) });
	});

	it('503 with an HTML page on every attempt of a read → 4 attempts, a gateway error quoting the page text', async () => {
		const page = '<html><head><title>503</title></head><body><h1>503 Service Unavailable</h1><p>メンテナンス中です</p></body></html>';
		proxy.addRule({ path: ANPI_PATHS.status, count: Number.POSITIVE_INFINITY, action: { kind: 'respond', status: 503, headers: { 'content-type': 'text/html; charset=utf-8', 'retry-after': '0' }, body: page } });
		const r = await run(status5);
		expect(r.error?.message).toBe('NTT Com API gateway error (HTTP 503) on 安否確認API(状況確認)');
		expect(r.error?.description).toMatch(/503 Service Unavailable.*メンテナンス中です/);
		expect(r.error?.description).toMatch(/reads were retried/);
		expect(r.proxied(ANPI_PATHS.status)).toBe(READ_RETRIES + 1);
		suite.figure('parity: 503 with an HTML page (read)', { faults: READ_RETRIES + 1, ms: r.ms, outcome: outcome(r, 'POST', ANPI_PATHS.status) });
	});

	it('connection reset in the middle of the answer (read) → retried once, 5 items', async () => {
		proxy.addRule({ path: ANPI_PATHS.status, action: { kind: 'resetMidAnswer', fraction: 0.5 } });
		const r = await run(status5);
		expect(r.error).toBeUndefined();
		expect(r.output()).toHaveLength(5);
		expect(r.proxied(ANPI_PATHS.status)).toBe(2);
		suite.figure('parity: reset mid-answer (read)', { faults: 1, ms: r.ms, outcome: outcome(r, 'POST', ANPI_PATHS.status) });
	});

	it('the gateway dropped the token (401) → renewed once, the call sent once more, 5 items', async () => {
		expect((await run(status5, { direct: true })).error).toBeUndefined(); // a valid token in the credential
		sim.expireAllTokens();
		const r = await run(status5, { direct: true });
		expect(r.error).toBeUndefined();
		expect(r.output()).toHaveLength(5);
		expect(r.tokenCalls).toBe(1);
		expect(r.authorizations('POST', ANPI_PATHS.status)).toEqual(['invalid', 'valid']);
		suite.figure('parity: token dropped by the gateway (401, read)', { faults: 1, ms: r.ms, outcome: `${outcome(r, 'POST', ANPI_PATHS.status)}, tokens ${r.authorizations('POST', ANPI_PATHS.status).join(' → ')}` });
	});
});

describe('NTT: the token endpoint fails', () => {
	it('token endpoint answers 500 → a clear error naming the token call, one token attempt, no API call', async () => {
		proxy.addRule({ path: GRANT_PATH, count: Number.POSITIVE_INFINITY, action: { kind: 'respond', status: 500, headers: { 'content-type': 'application/json' }, body: faultBody('Internal Server Error', 'messaging.adaptors.http.flow.InternalServerError') } });
		const r = await run(getMany);
		expect(r.error?.message).toMatch(/Could not get an access token from the NTT Com API gateway \(.*\)/);
		expect(r.error?.description).toMatch(/Client ID, Client Secret and API Host/);
		expect(r.proxied(GRANT_PATH)).toBe(1);
		expect(r.calls('GET', ANPI_PATHS.list)).toBe(0);
		suite.figure('ntt: token endpoint 500', { faults: r.proxied(GRANT_PATH), ms: r.ms, tokenAttempts: r.proxied(GRANT_PATH) });
	});

	it('token endpoint never answers → each attempt ends at the Timeout, reads tried at most 4 times, then an error', async () => {
		proxy.addRule({ path: GRANT_PATH, count: Number.POSITIVE_INFINITY, action: { kind: 'neverAnswer' } });
		const r = await run({ ...getMany, options: { timeout: 1 } });
		expect(r.error?.message).toMatch(/timed out \(no answer within 1 s\) after 4 attempts|Could not get an access token/);
		expect(r.proxied(GRANT_PATH)).toBeLessThanOrEqual(READ_RETRIES + 1);
		expect(r.calls('GET', ANPI_PATHS.list)).toBe(0);
		suite.figure('ntt: token endpoint never answers (read, Timeout 1 s)', { faults: r.proxied(GRANT_PATH), ms: r.ms, tokenAttempts: r.proxied(GRANT_PATH), message: r.error?.message });
	});

	it('token endpoint never answers on a Create → one token attempt, nothing created, never retried', async () => {
		proxy.addRule({ path: GRANT_PATH, count: Number.POSITIVE_INFINITY, action: { kind: 'neverAnswer' } });
		const r = await run({ ...create, options: { timeout: 1 } });
		expect(r.error).toBeDefined();
		expect(r.proxied(GRANT_PATH)).toBe(1);
		expect([r.calls('POST', ANPI_PATHS.create), r.newThreads]).toEqual([0, 0]);
		suite.figure('ntt: token endpoint never answers (Create, Timeout 1 s)', { faults: 1, ms: r.ms, message: r.error?.message });
	});
});

describe('NTT: a token refused on every call', () => {
	it.each([
		['Get Many', getMany, 'GET', ANPI_PATHS.list],
		['Create', create, 'POST', ANPI_PATHS.create],
	] as const)('%s: 401 even with a fresh token → exactly one renewal, one retry, then an error (never a loop)', async (_label, parameters, method, path) => {
		expect((await run(getMany)).error).toBeUndefined(); // a valid token in the credential
		proxy.addRule({ path: '/v1/anpi/', count: Number.POSITIVE_INFINITY, action: { kind: 'respond', status: 401, headers: { 'content-type': 'application/json' }, body: faultBody('Invalid access token', 'keymanagement.service.invalid_access_token') } });
		const r = await run(parameters);
		expect(r.error?.message).toMatch(/NTT Com API gateway error \(HTTP 401\) on .*: Invalid access token/);
		expect(r.error?.description).toMatch(/renewed once and still refused/);
		expect(r.tokenCalls).toBe(1); // exactly one renewal
		expect(r.proxied(path)).toBe(2); // the call and its one retry with the renewed token
		expect(r.calls(method, path)).toBe(0); // the gateway refused both: nothing reached the API
		suite.figure(`ntt: 401 on every call (${_label})`, { faults: r.proxied(path), ms: r.ms, renewals: r.tokenCalls, attempts: r.proxied(path) });
	});
});

describe('NTT: rate limits and broken answers', () => {
	it('429 on every attempt of a read → 1 + 3 attempts, then an error naming the rate limit', async () => {
		sim.failNext(429, { count: READ_RETRIES + 1, retryAfter: 0, path: ANPI_PATHS.list, body: faultBody('Spike arrest violation. Allowed rate : 10ps', 'policies.ratelimit.SpikeArrestViolation') });
		const r = await run(getMany, { direct: true });
		expect(r.error?.message).toMatch(/HTTP 429.*rate limit|rate limit.*HTTP 429/i);
		expect(r.error?.description).toMatch(/limiting the rate; reads were retried/);
		expect(r.calls('GET', ANPI_PATHS.list)).toBe(READ_RETRIES + 1);
		suite.figure('ntt: 429 beyond the retry budget (read)', { faults: READ_RETRIES + 1, ms: r.ms, attempts: r.calls('GET', ANPI_PATHS.list), message: r.error?.message });
	});

	it('429 without a body on a Create → one attempt, an error naming the rate limit, nothing created', async () => {
		sim.failNext(429, { retryAfter: 0, path: ANPI_PATHS.create });
		const r = await run(create, { direct: true });
		expect(r.error?.message).toMatch(/HTTP 429.*rate limit/i);
		expect([r.calls('POST', ANPI_PATHS.create), r.newThreads]).toEqual([1, 0]);
		suite.figure('ntt: 429 on a write', { faults: 1, ms: r.ms, attempts: 1 });
	});

	it('malformed JSON in a 200 answer to a read → a gateway error quoting the start of the answer, not retried', async () => {
		sim.failNext(200, { body: '{"searchTotal": 3, "thrdiList": [{"tid": "00', contentType: 'application/json', path: ANPI_PATHS.list });
		const r = await run(getMany, { direct: true });
		expect(r.error?.message).toMatch(/NTT Com API gateway error: .* answered HTTP 200 without a JSON body/);
		expect(r.error?.description).toMatch(/searchTotal/);
		expect(r.calls('GET', ANPI_PATHS.list)).toBe(1);
		suite.figure('ntt: malformed JSON (read)', { faults: 1, ms: r.ms });
	});

	it('malformed JSON in a 200 answer to a Create → "may have been sent", one call (a 200 means the gateway took it)', async () => {
		proxy.addRule({ path: ANPI_PATHS.create, action: { kind: 'resetMidAnswer', fraction: 0.5 } });
		const cut = await run(create);
		expect(cut.error?.message).toMatch(/may have been sent: check Get Many \/ Get Status/);
		sim.failNext(200, { body: '{"resultCount": 1, "tid": "00', contentType: 'application/json', path: ANPI_PATHS.create });
		const r = await run(create, { direct: true });
		expect(r.error?.message).toMatch(/without a JSON body.*may have been sent: check Get Many \/ Get Status/);
		expect(r.calls('POST', ANPI_PATHS.create)).toBe(1);
		suite.figure('ntt: malformed JSON (Create)', { faults: 2, ms: r.ms, cutMidAnswer: cut.error?.message });
	});

	it('gateway fault JSON (HTTP 502) → the fault string and code, not retried', async () => {
		sim.failNext(502, { body: faultBody('Unexpected EOF at target', 'messaging.adaptors.http.flow.UnexpectedEOFAtTarget'), path: ANPI_PATHS.status });
		const r = await run({ ...sc, operation: 'getStatus', tid: '0000003', returnAll: false, limit: 2 }, { direct: true });
		expect(r.error?.message).toBe('NTT Com API gateway error (HTTP 502) on 安否確認API(状況確認): Unexpected EOF at target');
		expect(r.error?.description).toMatch(/messaging\.adaptors\.http\.flow\.UnexpectedEOFAtTarget/);
		expect(r.calls('POST', ANPI_PATHS.status)).toBe(1);
		suite.figure('ntt: gateway fault JSON 502', { faults: 1, ms: r.ms });
	});

	it('a gateway HTML error page (HTTP 504) → named as a gateway error, the page never shown raw', async () => {
		proxy.addRule({ path: ANPI_PATHS.list, action: { kind: 'respond', status: 504, headers: { 'content-type': 'text/html' }, body: '<html><head><title>504</title></head><body><h1>504 Gateway Time-out</h1></body></html>' } });
		const r = await run(getMany);
		expect(r.error?.message).toMatch(/NTT Com API gateway error \(HTTP 504\)/);
		expect(r.error?.description).toMatch(/504 Gateway Time-out/);
		expect(r.error?.description).not.toMatch(/<html|<body/);
		suite.figure('ntt: gateway HTML 504', { faults: 1, ms: r.ms });
	});
});

describe('NTT: writes that lose their connection after sending', () => {
	it.each([
		['Create', create, 'POST', ANPI_PATHS.create],
		['Send', { ...sc, operation: 'send', tid: '0000003', target: 'everyone' }, 'PUT', ANPI_PATHS.send],
		['Complete', { ...sc, operation: 'complete', tid: '__open__' }, 'PUT', ANPI_PATHS.complete],
	] as const)('%s: carried out, then the connection is reset → "may have been sent", one call, never retried', async (label, parameters, method, path) => {
		let effect: () => boolean;
		const wanted = { ...parameters } as IDataObject;
		if (label === 'Complete') {
			const opened = await run(create, { direct: true });
			wanted.tid = opened.output()[0].tid;
			effect = () => sim.threads().find((t) => t.tid === wanted.tid)?.endflg === '1';
		} else if (label === 'Create') {
			const before = sim.threads().length;
			effect = () => sim.threads().length === before + 1;
		} else {
			const before = sim.requests.length;
			effect = () => sim.requests.slice(before).some((c) => c.path === path);
		}
		sim.stall({ path, method, action: 'reset', afterProcessing: true });
		const r = await run({ ...wanted, options: { timeout: 5 } }, { direct: true });
		expect(r.error?.message).toMatch(new RegExp(`^${label} \\(.*\\) failed \\(the gateway closed the connection without an answer\\) and may have been sent: check Get Many / Get Status before repeating it$`));
		expect(r.error?.description).toMatch(/not retried, so that nothing is created or sent twice/);
		expect(r.calls(method, path)).toBe(1);
		await sleep(100); // Send and Complete take effect after the simulator's delay
		expect(effect()).toBe(true); // it really happened: the warning is true
		suite.figure(`ntt: ${label}, reset after sending (simulator)`, { faults: 1, ms: r.ms, calls: r.calls(method, path) });
	});

	it.each([
		['Create', create, 'POST', ANPI_PATHS.create],
		['Send', { ...sc, operation: 'send', tid: '0000003', target: 'everyone' }, 'PUT', ANPI_PATHS.send],
	] as const)('%s: TCP reset (RST) as the answer begins → "may have been sent", one call', async (label, parameters, method, path) => {
		proxy.addRule({ path, action: { kind: 'resetAfterRequest' } });
		const r = await run(parameters);
		expect(r.error?.message).toMatch(/may have been sent: check Get Many \/ Get Status before repeating it$/);
		expect([r.calls(method, path), r.proxied(path)]).toEqual([1, 1]);
		suite.figure(`ntt: ${label}, TCP reset after sending (proxy)`, { faults: 1, ms: r.ms });
	});
});

describe('NTT: secrets', () => {
	it('no client secret and no access token in any output, error or log line of this file', () => {
		[...tokens, ...proxy.tokens].forEach((token, i) => suite.secret(`access token ${i + 1}`, token));
		suite.see(proxy.requests);
		expect(tokens.size + proxy.tokens.size).toBeGreaterThan(2);
		expect(suite.finish().found).toEqual([]);
	});
});
