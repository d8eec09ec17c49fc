// End-to-end in n8n queue mode: Postgres, Redis, n8n main and two workers (e2e/queue-harness.mjs).
// A webhook-started OCCTO workflow runs on the workers, n8n records every execution, and a restart of
// main and workers keeps the deployment working.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { startQueueDeployment } from './queue-harness.mjs';

const WORKFLOW = 'e2eQueueOccto01'; // Webhook "occto-submissions" → OCCTO Submission → Get Many (Stop Before 25)
let q;

before(async () => {
	q = await startQueueDeployment({ workers: 2 });
	console.log(`queue deployment up in ${q.timings.up} s: main ${q.url}, ${q.state.workers.length} workers\n${q.timings.upPhases}`);
});

after(async () => {
	await q?.stop();
});

/** Today's count of a user ID in the shared ledger (n8n's own Redis), as the node reads it. */
async function ledgerKey(userId) {
	// redis-cli --no-raw prints `1) "key"` lines and quoted values
	const unquote = (line) => line.trim().replace(/^\d+\)\s*/, '').replace(/^"(.*)"$/, '$1');
	const keys = (await q.redis('KEYS', `*calls*${userId}*`)).split('\n').map(unquote).filter(Boolean);
	assert.equal(keys.length, 1, `one ledger key for ${userId} in Redis, found: ${keys.join(', ')}`);
	return { key: keys[0], unquote };
}
async function ledgerCount(userId) {
	const { key, unquote } = await ledgerKey(userId);
	return Number(unquote(await q.redis('GET', key)));
}

test('Stop Before 25 holds across two workers: 40 concurrent executions → exactly 25 OCCTO calls, 15 refused, none lost', async () => {
	const before = q.occto.requests.length;
	const answers = await q.fireConcurrent('occto-submissions', 40);
	assert.equal(answers.length, 40);
	const runs = await q.waitForExecutions(40, { workflowId: WORKFLOW });
	assert.equal(runs.length, 40, 'every execution is recorded');
	const byStatus = {};
	for (const run of runs) byStatus[run.status] = (byStatus[run.status] ?? 0) + 1;
	assert.deepEqual(byStatus, { success: 25, error: 15 });
	assert.equal(q.occto.requests.length - before, 25, 'exactly 25 calls reached OCCTO');
	assert.equal(q.occto.getCallCount('U0000001'), 25);
	assert.equal(await ledgerCount('U0000001'), 25);
	const ran = q.workerOf();
	assert.equal(new Set(runs.map((r) => ran.get(r.id))).size, 2, 'both workers ran executions');
	const refused = await q.execution(runs.find((r) => r.status === 'error').id);
	assert.match(`${refused.error}`, /Stopped before calling OCCTO: 25 of 1000/);
});

test('a restart of main and both workers forgets nothing: the ledger still reads 25 and still refuses', async () => {
	await q.restart();
	assert.equal(await ledgerCount('U0000001'), 25);
	const before = q.occto.requests.length;
	const countBefore = (await q.executions({ workflowId: WORKFLOW })).length;
	await q.fireConcurrent('occto-submissions', 2);
	const runs = await q.waitForExecutions(countBefore + 2, { workflowId: WORKFLOW });
	assert.deepEqual(runs.slice(countBefore).map((r) => r.status), ['error', 'error']);
	assert.equal(q.occto.requests.length - before, 0, 'no call after the restart: the count survived it');
	// Call Quota → Set is how an operator aligns the count; here it makes room for the smoke tests below
	await q.redis('SET', (await ledgerKey('U0000001')).key, '0', 'KEEPTTL');
});

test('10 concurrent webhook calls become 10 successful executions, run by the workers', async () => {
	const before = q.occto.requests.length;
	const countBefore = (await q.executions({ workflowId: WORKFLOW })).length;
	const answers = await q.fireConcurrent('occto-submissions', 10);
	assert.deepEqual(
		answers.map((a) => a.status),
		Array(10).fill(200),
		JSON.stringify(answers.find((a) => a.status !== 200)),
	);
	const runs = (await q.waitForExecutions(countBefore + 10, { workflowId: WORKFLOW })).slice(countBefore);
	assert.equal(runs.length, 10);
	assert.deepEqual(runs.map((r) => r.status), Array(10).fill('success'));
	assert.ok(runs.every((r) => r.mode === 'webhook'));
	assert.equal(q.occto.requests.length - before, 10); // one BA13B006 call per execution
	assert.ok(q.occto.requests.slice(before).every((r) => r.apiId === 'BA13B006'));

	const ran = q.workerOf();
	const byWorker = {};
	for (const run of runs) {
		const worker = ran.get(run.id);
		assert.ok(worker, `no worker log line for execution ${run.id}`);
		byWorker[worker] = (byWorker[worker] ?? 0) + 1;
	}
	console.log(`executions per worker: ${JSON.stringify(byWorker)}`);
	assert.equal(Object.values(byWorker).reduce((a, b) => a + b, 0), 10);
	assert.equal(q.log('main').match(/Worker started execution/g), null, 'main must not run production executions');

	const first = await q.execution(runs[0].id);
	assert.equal(first.status, 'success');
	assert.ok(first.output('Submissions').length > 0 || first.lastNodeExecuted === 'Submissions');
});

test('after a restart of main and both workers the webhook still runs on the workers', async () => {
	const countBefore = (await q.executions({ workflowId: WORKFLOW })).length;
	const { main, workers } = await q.restart();
	console.log(`restart of main + workers took ${q.timings.restarts.at(-1)} s\n${q.timings.restartPhases.at(-1)}`);
	assert.ok(main.pid && workers.every((w) => w.pid));
	const answers = await q.fireConcurrent('occto-submissions', 4);
	assert.deepEqual(
		answers.map((a) => a.status),
		Array(4).fill(200),
		JSON.stringify(answers.find((a) => a.status !== 200)),
	);
	const runs = await q.waitForExecutions(countBefore + 4, { workflowId: WORKFLOW });
	assert.equal(runs.length, countBefore + 4, 'executions recorded before the restart are kept');
	const ran = q.workerOf();
	assert.ok(runs.slice(countBefore).every((r) => r.status === 'success' && ran.has(r.id)));
});

test('20 concurrent NTT Anpi webhook calls all succeed on the workers', async () => {
	const workflowId = 'e2eQueueAnpi001'; // Webhook "anpi-rounds" → NTT Anpi → Get Many rounds
	const tokensBefore = q.anpi.tokenCalls;
	const answers = await q.fireConcurrent('anpi-rounds', 20);
	assert.deepEqual(
		answers.map((a) => a.status),
		Array(20).fill(200),
		JSON.stringify(answers.find((a) => a.status !== 200)),
	);
	const runs = await q.waitForExecutions(20, { workflowId });
	assert.deepEqual(runs.map((r) => r.status), Array(20).fill('success'));
	const ran = q.workerOf();
	assert.ok(runs.every((r) => ran.has(r.id)));
	const workers = new Set(runs.map((r) => ran.get(r.id))).size;
	console.log(`token calls for 20 runs on ${workers} workers: ${q.anpi.tokenCalls - tokensBefore}`);
	assert.ok(q.anpi.tokenCalls - tokensBefore <= 2, `at most 2 token calls for 20 concurrent runs, got ${q.anpi.tokenCalls - tokensBefore}`);
});

test('no simulator secret appears in any log of the deployment', () => {
	assert.deepEqual(q.secretsInLogs(), []);
});
