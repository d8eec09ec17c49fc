// The NTT Anpi node through n8n-core's real WorkflowExecute against the gateway simulator over HTTP.
import type { ICredentialDataDecryptedObject, IDataObject, INode, INodeExecutionData, INodeType } from 'n8n-workflow';

import { NttComApi } from '../credentials/NttComApi.credentials';
import { NttAnpi } from '../nodes/NttAnpi/NttAnpi.node';
import { READ_RETRIES } from '../nodes/nttAnpiApi';
import type { AnpiSimulator } from '../simulators/anpi/server';
import { startAnpiSimulator } from '../simulators/anpi/server';
import { CredentialStore, chain, errorOf, expectNoSecrets, hintsOf, itemsOf, outputOf, runWorkflow } from './harness';
import { nttCredential } from './support/anpi';
import { nodeOf } from './support/nodes';
import { sleep } from './support/time';

const TYPE = 'n8n-nodes-occto-anpi.nttAnpi';
const SECRET = 'sim-secret-not-real';
const USERS = 2345;
let sim: AnpiSimulator;
const seen: string[] = []; // every run serialised, scanned for secrets at the end
const tokens = new Set<string>();

/** Test-only node: runs a named hook (e.g. people answering, or waiting for the asynchronous send). */
const hooks: Record<string, () => Promise<void>> = {};
class TestHook implements INodeType {
	description = {
		displayName: 'Hook',
		name: 'testHook',
		group: ['transform'],
		version: 1,
		description: '',
		defaults: { name: 'Hook' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [{ displayName: 'Hook', name: 'hook', type: 'string', default: '' }],
	} as unknown as INodeType['description'];
	async execute(this: import('n8n-workflow').IExecuteFunctions): Promise<INodeExecutionData[][]> {
		await hooks[this.getNodeParameter('hook', 0) as string]();
		return [this.getInputData()];
	}
}

beforeAll(async () => {
	sim = await startAnpiSimulator({ users: USERS, asyncDelayMs: 50, answeredShare: 0.4 });
});
afterAll(async () => {
	await sim.close();
	const all = seen.join('\n');
	expectNoSecrets(all, [SECRET, ...tokens]);
});

function credential(overrides: ICredentialDataDecryptedObject = {}): ICredentialDataDecryptedObject {
	return nttCredential(sim.url, overrides);
}

let store: CredentialStore;
beforeEach(() => {
	store = new CredentialStore({ nttComApi: new NttComApi() }, { nttComApi: credential() });
});

function node(name: string, parameters: IDataObject, extra: Partial<INode> = {}): INode {
	return nodeOf(TYPE, name, parameters, { nttComApi: { id: 'cred-1', name: 'NTT' } }, extra);
}
const hook = (name: string, fn: () => Promise<void>): INode => {
	hooks[name] = fn;
	return nodeOf('test.hook', name, { hook: name });
};

async function run(nodes: INode[], input?: INodeExecutionData[]) {
	const { nodes: all, connections } = chain(nodes);
	const result = await runWorkflow({ nodes: all, connections, nodeTypes: { [TYPE]: new NttAnpi(), 'test.hook': new TestHook() }, credentials: store, input });
	const token = store.data.nttComApi.accessToken;
	if (typeof token === 'string' && token) tokens.add(token);
	seen.push(JSON.stringify(result));
	return result;
}

async function failing(parameters: IDataObject) {
	const before = sim.requests.length;
	const result = await run([node('Anpi', parameters)]);
	const error = errorOf(result, 'Anpi');
	expect(error).toBeDefined();
	seen.push(JSON.stringify({ message: error?.message, description: error?.description }));
	return { error: error!, calls: sim.requests.length - before };
}

const sc = { resource: 'safetyConfirmation' };
const fromCreate = "={{ $('Create').item.json.tid }}";

describe('NTT Anpi — a whole round', () => {
	it('create → send → status → send to the unanswered → complete → get many shows it closed, in one workflow', async () => {
		let tid = '';
		const result = await run([
			node('Create', {
				...sc,
				operation: 'create',
				title: '訓練: 地震発生',
				text: '安全を確保したのちに回答してください。',
				startDate: '2026-11-24T00:30:00Z',
				additionalFields: { drill: true, closingAddresses: 'soumu@example.co.jp, bcp@example.co.jp' },
			}),
			node('Send', { ...sc, operation: 'send', tid: fromCreate, target: 'everyone' }),
			hook('people answer', async () => {
				tid = sim.threads()[sim.threads().length - 1].tid;
				await sleep(150);
				sim.answer(tid, 'usr000001', ['01', '01', '01', '01']);
				sim.answer(tid, 'usr000002', ['02', '01', '02', '02']);
				sim.answer(tid, 'usr000003', ['01', '03', '01', '01']);
			}),
			node('Status', { ...sc, operation: 'getStatus', tid: fromCreate, returnAll: true, output: 'summary' }),
			node('Remind', {
				...sc,
				operation: 'send',
				tid: fromCreate,
				target: 'filtered',
				answerFilters: { ansstatus: '4' },
			}),
			node('Complete', { ...sc, operation: 'complete', tid: fromCreate }),
			hook('complete settles', async () => await sleep(150)),
			node('Rounds', { ...sc, operation: 'getMany', returnAll: true }),
		]);
		const [created] = outputOf(result, 'Create');
		expect(created.tid).toMatch(/^\d{7}$/);
		expect(created.strdate).toBe('202611240930');
		expect(created).toEqual(expect.objectContaining({ useCount: expect.any(Number), contractCount: -1 }));
		expect(outputOf(result, 'Send')[0]).toEqual(expect.objectContaining({ tid: created.tid, targetCount: USERS, action: 'send' }));
		const [summary] = outputOf(result, 'Status');
		expect(summary.people).toBe(USERS);
		expect((summary.byAnswerState as IDataObject).answered).toBe(3);
		expect(summary.byQuestion).toEqual(expect.objectContaining({ '1: 本人の安否': { 無事: 2, 負傷: 1 } }));
		expect(outputOf(result, 'Remind')[0].targetCount).toBe(USERS - 3);
		expect(outputOf(result, 'Complete')[0].targetCount).toBe(1);
		const closed = outputOf(result, 'Rounds').find((round) => round.tid === created.tid);
		expect(closed).toEqual(expect.objectContaining({ state: 'completed', endflg: '1', drill: true }));
		expect(itemsOf(result, 'Rounds').every((item) => item.pairedItem !== undefined)).toBe(true);
		expect(tid).toBe(created.tid);
	});
});

describe('NTT Anpi — reading', () => {
	it('Get Status gives one item per person, "no value" normalised to null, answers joined to their texts', async () => {
		const result = await run([
			node('Status', {
				...sc,
				operation: 'getStatus',
				tid: '0000003',
				returnAll: false,
				limit: 8,
				options: { joinAnswers: true },
			}),
		]);
		const people = outputOf(result, 'Status');
		expect(people).toHaveLength(8);
		const answered = people.find((p) => p.ansstatus === '1')!;
		const unanswered = people.find((p) => p.ansstatus !== '1')!;
		expect(answered.answerState).toBe('answered');
		expect((answered.answers as IDataObject[])[0]).toEqual({ questionNumber: 1, question: '本人の安否', answerCode: '01', answer: '無事' });
		expect(unanswered.regdate).toBeNull(); // "-" on the wire
		expect(unanswered.regusrcd).toBeNull(); // "" on the wire
		expect(unanswered.cmnt).toBeNull();
		expect(people[0]).toEqual(expect.objectContaining({ tid: '0000003', useCount: expect.any(Number), contractCount: -1 }));
	});

	it('Return All crosses page boundaries with exact counts; Limit stops early', async () => {
		const big = await startAnpiSimulator({ users: 12345 });
		try {
			store = new CredentialStore({ nttComApi: new NttComApi() }, { nttComApi: credential({ customUrl: big.url }) });
			const all = await run([node('Status', { ...sc, operation: 'getStatus', tid: '0000003', returnAll: true })]);
			const people = outputOf(all, 'Status');
			expect(people).toHaveLength(12345);
			expect(new Set(people.map((p) => p.usrcd)).size).toBe(12345);
			const statusCalls = () => big.requests.filter((r) => r.path === '/v1/anpi/confirm/safety-status/');
			expect(statusCalls()).toHaveLength(3); // 5000 + 5000 + 2345
			const limited = await run([node('Status', { ...sc, operation: 'getStatus', tid: '0000003', returnAll: false, limit: 5001 })]);
			expect(outputOf(limited, 'Status')).toHaveLength(5001);
			expect(statusCalls().slice(3).map((r) => (r.body as IDataObject).limit)).toEqual([5000, 1]);
			const filtered = await run([
				node('Status', { ...sc, operation: 'getStatus', tid: '0000003', returnAll: true, answerFilters: { ansstatus: '1' } }),
			]);
			expect(outputOf(filtered, 'Status').every((p) => p.ansstatus === '1')).toBe(true);
		} finally {
			await big.close();
		}
	});

	it('Get Many lists rounds with their state; the State filter keeps only open ones', async () => {
		const result = await run([node('Rounds', { ...sc, operation: 'getMany', returnAll: true, filters: { state: '0' } })]);
		const rounds = outputOf(result, 'Rounds');
		expect(rounds.length).toBeGreaterThan(0);
		expect(rounds.every((r) => r.state === 'open')).toBe(true);
	});
});

describe('NTT Anpi — token', () => {
	it('fetches a token once, reuses it, renews once when it has expired mid-run', async () => {
		const before = sim.tokenCalls;
		await run([node('A', { ...sc, operation: 'getMany', returnAll: true }), node('B', { ...sc, operation: 'getMany', returnAll: true })]);
		expect(sim.tokenCalls - before).toBe(1); // not per request
		sim.expireAllTokens(); // the gateway drops the token although we think it is valid
		const result = await run([node('A', { ...sc, operation: 'getMany', returnAll: true }), node('B', { ...sc, operation: 'getMany', returnAll: true })]);
		expect(outputOf(result, 'B').length).toBeGreaterThan(0);
		expect(sim.tokenCalls - before).toBe(2); // renewed exactly once
	});

	it('renews a token that is about to expire before using it (no stale token is sent)', async () => {
		await run([node('A', { ...sc, operation: 'getMany', returnAll: true })]);
		const before = sim.tokenCalls;
		store.data.nttComApi.validUntil = Date.now() + 10_000; // inside the renewal margin
		const mark = sim.requests.length;
		await run([node('A', { ...sc, operation: 'getMany', returnAll: true })]);
		expect(sim.tokenCalls - before).toBe(1);
		expect(sim.requests.slice(mark).map((r) => r.authorization)).toEqual(['missing', 'valid']);
	});

	it('bad credentials: a clear message, no secret', async () => {
		store = new CredentialStore({ nttComApi: new NttComApi() }, { nttComApi: credential({ clientSecret: 'wrong-secret-value' }) });
		const { error, calls } = await failing({ ...sc, operation: 'getMany', returnAll: true });
		expect(error.message).toMatch(/refused the Client ID \/ Client Secret \(Invalid client identifier\)/);
		expect(calls).toBe(0);
		expect(JSON.stringify({ m: error.message, d: error.description })).not.toContain('wrong-secret-value');
	});
});

describe('NTT Anpi — failures and retries', () => {
	it('a read answered 429 is retried after Retry-After and succeeds', async () => {
		sim.failNext(429, { retryAfter: 0, body: '{"fault":{"faultstring":"Spike arrest violation"}}', path: '/v1/anpi/confirm/safety/' });
		const mark = sim.requests.length;
		const result = await run([node('Rounds', { ...sc, operation: 'getMany', returnAll: true })]);
		expect(outputOf(result, 'Rounds').length).toBeGreaterThan(0);
		expect(sim.requests.slice(mark).filter((r) => r.path === '/v1/anpi/confirm/safety/')).toHaveLength(2);
	});

	it('reads give up after a bounded number of 503s with a gateway error', async () => {
		sim.failNext(503, { retryAfter: 0, count: READ_RETRIES + 1, body: '', path: '/v1/anpi/confirm/safety/' });
		const { error, calls } = await failing({ ...sc, operation: 'getMany', returnAll: true });
		expect(error.message).toMatch(/gateway error \(HTTP 503\).*empty answer/);
		expect(calls).toBe(READ_RETRIES + 1); // the first try and three retries, then it stops
	});

	it('Create is never retried on a 500', async () => {
		sim.failNext(500, { body: '{"errorCode":"SIM000500","errorMessage":"boom (simulator code, not NTT\'s)","moreInfo":null,"errorDetails":[]}', path: '/v1/anpi/register/safety/' });
		const mark = sim.requests.length;
		const { error } = await failing({ ...sc, operation: 'create', title: 't-500', text: 'x' });
		expect(error.message).toMatch(/SIM000500.*it may have been created/);
		expect(sim.requests.slice(mark).filter((r) => r.method === 'POST' && r.path === '/v1/anpi/register/safety/')).toHaveLength(1);
	});

	it('Send is never retried on a 503 either', async () => {
		sim.failNext(503, { retryAfter: 0, path: '/v1/anpi/request/safety/' });
		const mark = sim.requests.length;
		await failing({ ...sc, operation: 'send', tid: '0000003', target: 'everyone' });
		expect(sim.requests.slice(mark).filter((r) => r.path === '/v1/anpi/request/safety/')).toHaveLength(1);
	});

	it('business errors show errorCode, errorMessage and errorDetails', async () => {
		const { error } = await failing({ ...sc, operation: 'complete', tid: '9999999' });
		expect(error.message).toMatch(/安否確認API\(完了\) failed: SIM000404 Thread not found/);
		expect(error.description).toMatch(/tid: 9999999 does not exist/);
		expect((error as { httpCode?: string }).httpCode).toBe('404');
	});

	it('gateway HTML pages and empty 200 bodies are named as gateway errors', async () => {
		sim.failNext(502, { body: '<html><body><h1>502 Bad Gateway</h1></body></html>', contentType: 'text/html', path: '/v1/anpi/register/safety/' });
		const html = await failing({ ...sc, operation: 'create', title: 't', text: 'x' });
		expect(html.error.message).toMatch(/NTT Com API gateway error \(HTTP 502\)/);
		expect(html.error.description).toMatch(/502 Bad Gateway/);
		sim.failNext(200, { body: '', path: '/v1/anpi/register/safety/' });
		const empty = await failing({ ...sc, operation: 'create', title: 't2', text: 'x' });
		expect(empty.error.message).toMatch(/without a JSON body/);
		// the first round may have been created: running it again sends nothing and says so
		const repeated = await failing({ ...sc, operation: 'create', title: 't', text: 'x' });
		expect(repeated.error.message).toMatch(/^The same safety confirmation round was sent to NTT Com at .* and the outcome is unknown: it may have been created/);
		expect(repeated.error.description).toMatch(/HTTP 502.*Nothing was sent now\. Check whether Get Many lists a round with this title\. .*"Send Even If Sent Before"/s);
	});

	it('continueOnFail yields one error item per failing input item', async () => {
		const input = [{ json: { tid: '0000003' } }, { json: { tid: 'bad tid!' } }, { json: { tid: '9999999' } }];
		const result = await run([node('Status', { ...sc, operation: 'getStatus', tid: '={{ $json.tid }}', returnAll: false, limit: 1 }, { onError: 'continueRegularOutput' })], input);
		const out = itemsOf(result, 'Status');
		expect(out).toHaveLength(3);
		expect(out[0].json.usrcd).toBeDefined();
		expect(out[1].json.error).toMatch(/Thread ID/);
		expect(out[2].json).toEqual(expect.objectContaining({ error: expect.stringMatching(/SIM000404/), code: 'SIM000404' }));
		expect(out.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});

	it('warns (hint) or fails when usage passes the chosen share of the contract', async () => {
		const small = await startAnpiSimulator({ contractCount: 10 });
		try {
			store = new CredentialStore({ nttComApi: new NttComApi() }, { nttComApi: credential({ customUrl: small.url }) });
			const parameters = { ...sc, operation: 'getMany', returnAll: false, limit: 1, options: { usageWarning: { warning: { percent: 20, onExceed: 'hint' } } } };
			await run([node('Rounds', parameters)]);
			const warned = await run([node('Rounds', parameters)]);
			expect(outputOf(warned, 'Rounds')[0]).toEqual(expect.objectContaining({ useCount: 2, contractCount: 10 }));
			expect(hintsOf(warned, 'Rounds').map((h) => h.message).join()).toMatch(/20\.0% of the contract \(2 of 10 calls\)/);
			const { error } = await failing({ ...parameters, options: { usageWarning: { warning: { percent: 20, onExceed: 'error' } } } });
			expect(error.message).toMatch(/past your warning level of 20%/);
		} finally {
			await small.close();
		}
	});
});

describe('NTT Anpi — validation before any call', () => {
	const long = (n: number) => 'あ'.repeat(n);
	const cases: Array<[string, IDataObject, RegExp]> = [
		['title over 200', { operation: 'create', title: long(201), text: 'x' }, /"Title" is 201 characters long; the API allows 200/],
		['text over 5000', { operation: 'create', title: 't', text: long(5001) }, /"Text" is 5001 characters/],
		['empty title', { operation: 'create', title: ' ', text: 'x' }, /"Title" is empty/],
		['four closing addresses', { operation: 'create', title: 't', text: 'x', additionalFields: { closingAddresses: 'a@x.jp,b@x.jp,c@x.jp,d@x.jp' } }, /has 4 addresses; the API allows 3/],
		['address over 100', { operation: 'create', title: 't', text: 'x', additionalFields: { closingAddresses: `${'a'.repeat(95)}@x.co.jp` } }, /allows 100/],
		['not an address', { operation: 'create', title: 't', text: 'x', additionalFields: { closingAddresses: 'soumu at example' } }, /not an e-mail address/],
		['bad date', { operation: 'create', title: 't', text: 'x', startDate: 'next tuesday' }, /"Start Date" is not a date-time/],
		['regdatekbn without regdate', { operation: 'getStatus', answerFilters: { regdatekbn: '1' } }, /"Answer Time" is required with "Answer Time Condition"/],
		['sendresult without sent', { operation: 'getStatus', sendFilters: { sendresult: '1', sendstatus: '1' } }, /"Send Result" only works with "Send State" = 3/],
		['bad tid', { operation: 'complete', tid: 'too-long-tid' }, /"Thread ID" must be up to 7 letters or digits/],
		['filtered without filters', { operation: 'send', tid: '0000003', target: 'filtered' }, /needs at least one filter/],
		['by answers without questions', { operation: 'send', tid: '0000003', target: 'byAnswers' }, /needs at least one question/],
		['bad answer code', { operation: 'getStatus', answerFilters2: { question: [{ questnum: 1, answers: 'injured' }] } }, /"Answer Codes" of question 1/],
		['limit below 1', { operation: 'getStatus', returnAll: false, limit: 0 }, /"Limit" must be a whole number of at least 1/],
	];
	it.each(cases)('%s', async (_name, parameters, message) => {
		const { error, calls } = await failing({ ...sc, ...parameters });
		expect(error.message).toMatch(message);
		expect(calls).toBe(0);
	});
});
