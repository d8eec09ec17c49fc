// End-to-end in n8n queue mode (e2e/queue-harness.mjs: Postgres, Redis, n8n main and two workers): the same plan
// registered by 20 executions started at once, spread over both workers, reaches OCCTO once. The write memory
// lives in n8n's Redis: one execution claims the plan and sends it, the others wait for its answer and return
// the first receipt with repeatOf, at no call.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { NODE_TYPES, ROOT } from './lib.mjs';
import { queueSh, startQueueDeployment } from './queue-harness.mjs';

const require = createRequire(import.meta.url);
const { validPlanXml } = require(path.join(ROOT, 'dist/test/occto-fixtures.js'));

const WORKFLOW = 'e2eQueueRegOnce1';
const WEBHOOK = 'exactly-once-register';
const RUNS = 20;
const PLAN = validPlanXml({ facility: '□□発電所2号機 exactly once' });
let q;
let folder;

/** Webhook "exactly-once-register" → OCCTO Register of PLAN (always the same plan) with the simulator credential. */
const workflow = {
	id: WORKFLOW,
	name: 'e2e queue: webhook → OCCTO Register (the same plan every time)',
	active: false,
	nodes: [
		{
			id: '0000e001-0000-4000-8000-0000000000e1',
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, 0],
			webhookId: '6d1f3b8e-9a41-4c7e-8f0a-0c0c700ce001',
			parameters: { httpMethod: 'POST', path: WEBHOOK, responseMode: 'lastNode', responseData: 'allEntries', options: {} },
		},
		{
			id: '0000e002-0000-4000-8000-0000000000e1',
			name: 'Register',
			type: NODE_TYPES.occto,
			typeVersion: 1,
			position: [240, 0],
			parameters: { resource: 'outagePlan', operation: 'register', planSource: 'xml', planXml: PLAN, options: {} },
			credentials: { occtoWebApi: { id: 'occtoSimulator01', name: 'OCCTO simulator' } },
		},
	],
	connections: { Webhook: { main: [[{ node: 'Register', type: 'main', index: 0 }]] } },
	settings: { executionOrder: 'v1' },
	pinData: {},
};

before(async () => {
	folder = mkdtempSync(path.join(tmpdir(), 'n8n-e2e-exactly-once-queue-'));
	mkdirSync(path.join(folder, 'workflows'));
	writeFileSync(path.join(folder, 'workflows', `${WORKFLOW}.json`), JSON.stringify(workflow));
	q = await startQueueDeployment({ workers: 2, workflows: [path.join(folder, 'workflows')], publish: [WORKFLOW] });
	console.log(`queue deployment up in ${q.timings.up} s: main ${q.url}, ${q.state.workers.length} workers`);
});

after(async () => {
	await q?.stop();
	if (folder) rmSync(folder, { recursive: true, force: true });
});

test(`${RUNS} executions of the same Register plan at once on two workers: one OCCTO call, ${RUNS} finished, ${RUNS - 1} with repeatOf`, async () => {
	const registers = () => q.occto.requests.filter((r) => r.apiId === 'BA13B101').length;
	const started = Date.now();
	const answers = await q.fireConcurrent(WEBHOOK, RUNS);
	const runs = await q.waitForExecutions(RUNS, { workflowId: WORKFLOW });
	console.log(`${RUNS} executions finished in ${(Date.now() - started) / 1000} s`);
	assert.equal(runs.length, RUNS, 'every execution is recorded');
	const failed = runs.find((r) => r.status !== 'success');
	if (failed) {
		const { error, errorDescription } = await q.execution(failed.id);
		assert.fail(`execution ${failed.id} ended ${failed.status}: ${error}\n${errorDescription}\n(statuses: ${runs.map((r) => r.status).join(', ')})`);
	}
	assert.deepEqual(answers.map((a) => a.status), Array(RUNS).fill(200), JSON.stringify(answers.find((a) => a.status !== 200)));
	assert.equal(registers(), 1, 'exactly one register call reached OCCTO');
	assert.equal(q.occto.getCallCount('U0000001'), 1);

	const receipts = [];
	for (const run of runs) {
		const execution = await q.execution(run.id);
		const [item] = execution.output('Register');
		assert.ok(item, `execution ${run.id} has a Register item`);
		receipts.push({ id: run.id, receipt: item.occtoReceptionNo, repeatOf: item.repeatOf });
	}
	assert.equal(new Set(receipts.map((r) => r.receipt)).size, 1, `one receipt number for all: ${JSON.stringify(receipts)}`);
	assert.match(receipts[0].receipt, /^\d{10}$/);
	const firsts = receipts.filter((r) => !r.repeatOf);
	assert.equal(firsts.length, 1, `one execution sent the plan: ${JSON.stringify(receipts)}`);
	const repeats = receipts.filter((r) => r.repeatOf);
	assert.equal(repeats.length, RUNS - 1);
	// every repeat names the execution that sent the plan
	assert.deepEqual([...new Set(repeats.map((r) => String(r.repeatOf.executionId)))], [String(firsts[0].id)]);
	assert.ok(repeats.every((r) => r.repeatOf.workflowId === WORKFLOW));

	const ran = q.workerOf();
	const workers = new Set(runs.map((r) => ran.get(r.id)));
	console.log(`executions per worker: ${JSON.stringify(Object.fromEntries([...workers].map((w) => [w, runs.filter((r) => ran.get(r.id) === w).length])))}`);
	assert.ok(runs.every((r) => ran.has(r.id)), 'the workers ran every execution');
	assert.equal(workers.size, 2, 'both workers ran executions');

	// the write memory is n8n's Redis: one entry, done
	const redis = async (...args) => {
		const result = await queueSh(['redis-cli', q.dir, '--raw', ...args], q.env);
		assert.equal(result.status, 0, result.output);
		return result.stdout;
	};
	const keys = (await redis('KEYS', '*write-once:*')).split('\n').filter(Boolean);
	assert.equal(keys.length, 1, `one write-once entry in Redis: ${keys.join(', ')}`);
	const entry = JSON.parse(await redis('GET', keys[0]));
	assert.equal(entry.state, 'done');
	assert.equal(entry.outcome.occtoReceptionNo, receipts[0].receipt);
});

test('no simulator secret appears in any log of the deployment', () => {
	assert.deepEqual(q.secretsInLogs(), []);
});
