// End-to-end on the n8n line of N8N_LINE: writes happen once however n8n runs the node (`n8n execute`, one n8n
// home for the whole file, the write memory in the shared store's file in that home).
//  - a batch with one bad item is refused before the first send, naming the item: no call;
//  - Retry On Fail after a success-coded receipt that cannot be read: one call, "may have been registered";
//  - Retry On Fail on NTT Create after an HTTP 500: one call, "may have been created";
//  - a re-run of a registered plan's workflow: the first receipt (repeatOf), no call;
//  - Register answered with result code 9999: "may have been registered", never "try again"; a re-run sends nothing.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { NODE_TYPES, ROOT, anpiCredentials, freePort, n8nExecute, n8nSteps, occtoCredentialData, workflowOf } from './lib.mjs';

const require = createRequire(import.meta.url);
const { startOcctoSimulator } = require(path.join(ROOT, 'dist/simulators/occto/server.js'));
const { startAnpiSimulator } = require(path.join(ROOT, 'dist/simulators/anpi/server.js'));
const { validPlanXml } = require(path.join(ROOT, 'dist/test/occto-fixtures.js'));
const { OCCTO_APIS } = require(path.join(ROOT, 'dist/nodes/occtoApi/mapping.js'));

const home = mkdtempSync(path.join(tmpdir(), 'n8n-e2e-exactly-once-'));
const env = { ...process.env, N8N_USER_FOLDER: home };
const secrets = ['sim-password-1', 'sim p12 passphrase', 'sim-secret-not-real'];
const USER = 'U0000001';
const CREATE_PATH = '/v1/anpi/register/safety/';
const RETRY = { retryOnFail: true, maxTries: 3, waitBetweenTries: 0 };
let sim;
let anpi;
let proxy;

// every plan has its own message ID (JPC21), so each test's plan is a write of its own
const PLANS = { batch: [validPlanXml(), validPlanXml(), '<SBD-MSG><broken'], retried: validPlanXml(), rerun: validPlanXml(), code9999: validPlanXml() };

const registerNode = (planXml, extra = {}) => ({
	name: 'Register',
	type: NODE_TYPES.occto,
	parameters: { resource: 'outagePlan', operation: 'register', planSource: 'xml', planXml },
	credentials: { occtoWebApi: { id: 'occtoExactlyOnce', name: 'OCCTO' } },
	...extra,
});

/** Manual trigger → Edit Fields (the plans as one list) → Split Out (one item per plan) → Register (each item's plan). */
function batchWorkflow(id, plans) {
	const node = (name, type, typeVersion, x, parameters, extra = {}) => ({ id: `${id}-${name}`, name, type, typeVersion, position: [x, 0], parameters, ...extra });
	return {
		id,
		name: id,
		active: false,
		nodes: [
			node('Start', 'n8n-nodes-base.manualTrigger', 1, 0, {}),
			node('Plans', 'n8n-nodes-base.set', 3.4, 220, { mode: 'raw', jsonOutput: JSON.stringify({ plans: plans.map((plan) => ({ plan })) }), options: {} }),
			node('One item per plan', 'n8n-nodes-base.splitOut', 1, 440, { fieldToSplitOut: 'plans', options: {} }),
			{ id: `${id}-Register`, typeVersion: 1, position: [660, 0], ...registerNode('={{ $json.plan }}') },
		],
		connections: {
			Start: { main: [[{ node: 'Plans', type: 'main', index: 0 }]] },
			Plans: { main: [[{ node: 'One item per plan', type: 'main', index: 0 }]] },
			'One item per plan': { main: [[{ node: 'Register', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

const WORKFLOWS = [
	batchWorkflow('eoBatch', PLANS.batch),
	workflowOf('eoRetried', 'eoRetried', registerNode(PLANS.retried, RETRY)),
	workflowOf('eoRerun', 'eoRerun', registerNode(PLANS.rerun)),
	workflowOf('eoCode9999', 'eoCode9999', registerNode(PLANS.code9999, { credentials: { occtoWebApi: { id: 'occtoExactlyOnce9999', name: 'OCCTO through a front end' } } })),
	workflowOf('eoCreate', 'eoCreate', {
		name: 'Create',
		type: NODE_TYPES.anpi,
		parameters: { resource: 'safetyConfirmation', operation: 'create', title: 'e2e exactly once 訓練', text: '安否を回答してください。' },
		credentials: { nttComApi: { id: 'anpiSimulator001', name: 'NTT Anpi simulator' } },
		...RETRY,
	}),
];

const registerCalls = () => sim.requests.filter((r) => r.apiId === 'BA13B101' && r.userId === USER).length;
const createCalls = () => anpi.requests.filter((r) => r.method === 'POST' && r.path === CREATE_PATH).length;

/** `n8n execute` of one workflow; what its node `node` produced or raised, and what reached the simulators meanwhile. */
async function execute(id, node = 'Register') {
	const before = { occto: sim.getCallCount(USER), register: registerCalls(), create: createCalls(), proxy: proxy.requests.length };
	const started = Date.now();
	const { status, text, run, output } = await n8nExecute(env, id, { secrets });
	const error = run?.data.resultData.runData[node]?.[0]?.error ?? run?.data.resultData.error;
	return {
		status,
		text,
		run,
		items: output(node),
		error,
		seconds: (Date.now() - started) / 1000,
		occtoCalls: sim.getCallCount(USER) - before.occto,
		registerCalls: registerCalls() - before.register,
		createCalls: createCalls() - before.create,
		proxyCalls: proxy.requests.length - before.proxy,
	};
}

/** What `n8n execute` printed before its run JSON (n8n's log lines): the end of it. */
const logOf = (r) => r.text.slice(0, Math.max(r.text.search(/^\{$/m), 0)).slice(-3000);

/** test/faults/faultProxy.ts (the fault suite's TLS front end; not part of dist/), compiled into the n8n home. */
function loadFaultProxy() {
	const ts = require('typescript');
	const source = readFileSync(path.join(ROOT, 'test/faults/faultProxy.ts'), 'utf8');
	const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2021, esModuleInterop: true } });
	const file = path.join(home, 'faultProxy.cjs');
	writeFileSync(file, outputText);
	return require(file);
}

before(async () => {
	env.N8N_RUNNERS_BROKER_PORT = String(await freePort());
	sim = await startOcctoSimulator({ certDir: path.join(home, 'occto-certs'), statusDelayMs: 500 });
	anpi = await startAnpiSimulator({ users: 20, asyncDelayMs: 50 });
	const { startFaultProxy } = loadFaultProxy();
	proxy = await startFaultProxy({
		targetPort: Number(new URL(sim.url).port),
		tls: {
			server: { cert: sim.certs.serverCertPem, key: sim.certs.serverKeyPem, ca: sim.certs.caPem },
			upstream: { ca: sim.certs.caPem, pfx: Buffer.from(sim.certs.clientP12Base64, 'base64'), passphrase: sim.certs.p12Passphrase },
		},
	});
	writeFileSync(
		path.join(home, 'credentials.json'),
		JSON.stringify([
			{ id: 'occtoExactlyOnce', name: 'OCCTO', type: 'occtoWebApi', data: occtoCredentialData(sim) },
			{ id: 'occtoExactlyOnce9999', name: 'OCCTO through a front end', type: 'occtoWebApi', data: occtoCredentialData(sim, { baseUrl: proxy.url }) },
			...anpiCredentials(anpi.url).filter((c) => c.id === 'anpiSimulator001'),
		]),
	);
	const folder = path.join(home, 'workflows');
	mkdirSync(folder);
	for (const workflow of WORKFLOWS) writeFileSync(path.join(folder, `${workflow.id}.json`), JSON.stringify(workflow));
	await n8nSteps(
		env,
		[
			['import:credentials', `--input=${path.join(home, 'credentials.json')}`],
			['import:workflow', '--separate', `--input=${folder}`],
		],
		{ secrets },
	);
});

after(async () => {
	await proxy?.close();
	await anpi?.close();
	await sim?.close();
	rmSync(home, { recursive: true, force: true });
});

test('a batch of 3 plans whose third is malformed: refused before the first send, naming item 2; no call', async () => {
	const r = await execute('eoBatch');
	console.log(`batch: ${r.seconds} s`);
	assert.ok(r.error, r.text.slice(-3000));
	assert.notEqual(r.status, 0);
	assert.equal(r.error.context?.itemIndex, 2, `the error names item 2: ${JSON.stringify(r.error).slice(0, 2000)}`);
	assert.match(r.error.description ?? '', /The whole batch of 3 items was checked first: nothing was sent for any item\./);
	assert.equal(r.items.length, 0);
	assert.equal(r.registerCalls, 0);
	assert.equal(r.occtoCalls, 0);
});

test('Retry On Fail after a success-coded receipt that cannot be read: one call, "may have been registered"', async () => {
	// Register's answer is not a ZIP (the simulator's ZIP faults do not touch it): its answer hook gives the success
	// code with a document that is no receipt
	sim.setAnswerOverride('BA13B101', '%%% not a receipt %%%');
	let r;
	try {
		r = await execute('eoRetried');
	} finally {
		sim.setAnswerOverride('BA13B101', undefined);
	}
	console.log(`retried register: ${r.seconds} s`);
	assert.ok(r.error, r.text.slice(-3000));
	assert.equal(r.registerCalls, 1, 'Retry On Fail (3 tries) sent the plan once');
	assert.equal(r.occtoCalls, 1);
	// the last try's error: the write memory holds the first try's unknown outcome
	assert.match(r.error.message, /^The same outage plan was sent to OCCTO at .+, and the outcome is unknown: it may have been registered$/);
	assert.match(r.error.description, /What happened then: OCCTO answered .*BA13B101.* with the success code 0000, but its receipt cannot be read: the plan may have been registered\. Nothing was sent now\./);
	assert.doesNotMatch(`${r.error.message} ${r.error.description}`, /try again/i);
});

test('Retry On Fail on NTT Create after an HTTP 500: one create call, "may have been created"', async () => {
	anpi.failNext(500, { body: '{"errorCode":"SIM000500","errorMessage":"boom (simulator code, not NTT\'s)","moreInfo":null,"errorDetails":[]}', path: CREATE_PATH });
	const r = await execute('eoCreate', 'Create');
	console.log(`retried create: ${r.seconds} s`);
	assert.ok(r.error, `calls ${r.createCalls}: ${JSON.stringify(anpi.requests.slice(-4))}\n${logOf(r)}`);
	assert.equal(r.createCalls, 1, 'Retry On Fail (3 tries) created the round once');
	assert.match(r.error.message, /^The same safety confirmation round was sent to NTT Com at .+, and the outcome is unknown: it may have been created$/);
	assert.match(r.error.description, /What happened then: .*HTTP 500.*may have been created/);
	assert.equal(anpi.threads().filter((t) => t.title === 'e2e exactly once 訓練').length, 0, 'the simulator failed the one call: no round');
});

test('a re-run of a registered plan\'s workflow: the same receipt number with repeatOf, no call', async () => {
	const first = await execute('eoRerun');
	assert.equal(first.error, undefined, first.text.slice(-3000));
	assert.equal(first.registerCalls, 1);
	const [receipt] = first.items;
	assert.match(receipt.occtoReceptionNo, /^\d{10}$/);
	assert.equal(receipt.repeatOf, undefined);

	const again = await execute('eoRerun');
	console.log(`register ${first.seconds} s, re-run ${again.seconds} s`);
	assert.equal(again.error, undefined, again.text.slice(-3000));
	assert.equal(again.registerCalls, 0);
	assert.equal(again.occtoCalls, 0);
	assert.equal(again.items.length, 1);
	const [repeated] = again.items;
	assert.equal(repeated.occtoReceptionNo, receipt.occtoReceptionNo);
	assert.equal(repeated.resultCode, receipt.resultCode);
	assert.ok(repeated.repeatOf, JSON.stringify(repeated));
	assert.equal(repeated.repeatOf.workflowId, 'eoRerun');
	assert.ok(Number.isFinite(Date.parse(repeated.repeatOf.sentAt)), JSON.stringify(repeated.repeatOf));
	assert.equal(sim.submissions().filter((s) => s.receptionNo === receipt.occtoReceptionNo).length, 1);
});

test('Register answered with result code 9999: "may have been registered", not "try again"; a re-run sends nothing', async () => {
	// OCCTO's front end answers the register call by itself: HTTP 200, result code 9999, no body
	proxy.addRule({ path: OCCTO_APIS.BA13B101.defaultPath, count: Infinity, action: { kind: 'respond', status: 200, headers: { resultcode: '9999' } } });
	try {
		const r = await execute('eoCode9999');
		assert.ok(r.error, r.text.slice(-3000));
		assert.equal(r.proxyCalls, 1);
		assert.equal(r.occtoCalls, 0, 'the front end answered: nothing reached the simulator');
		assert.match(r.error.message, /with result code 9999 \(.*\): the plan may have been registered$/);
		assert.match(r.error.description, /The plan may have been registered: run Submission → Get Many/);
		assert.doesNotMatch(`${r.error.message} ${r.error.description}`, /try again/i);

		const again = await execute('eoCode9999');
		console.log(`9999: ${r.seconds} s, re-run ${again.seconds} s`);
		assert.ok(again.error, again.text.slice(-3000));
		assert.equal(again.proxyCalls, 0, 'the re-run did not send the plan again');
		assert.match(again.error.message, /and the outcome is unknown: it may have been registered$/);
		assert.match(again.error.description, /What happened then: .*result code 9999/);
		assert.doesNotMatch(`${again.error.message} ${again.error.description}`, /try again/i);
	} finally {
		proxy.clear();
	}
});
