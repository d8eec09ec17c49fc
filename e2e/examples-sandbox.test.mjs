// End-to-end (the first hour): README's "Try it without accounts" from the command line, on the n8n line of
// N8N_LINE. A fresh n8n gets only the two credentials of examples/credentials/sandbox.json and every example of
// examples/ as shipped; the two trigger examples are activated. With the server running, each example with a
// manual trigger runs through `n8n execute` without an error, and every branch of every example is reached:
// submit-and-follow's 受付中 loop, 受付完了 and 提出エラー with details; the OCCTO trigger's 提出エラー and other
// events; the NTT trigger's injured and other answers (read from the server's saved executions).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { N8N_LINE, NODE_TYPES, ROOT, activateArgs, freePort, n8nExecute, n8nSteps, ownerSession, startN8n, stopN8n, until } from './lib.mjs';

const EXAMPLES = path.join(ROOT, 'examples');
const SANDBOX_CREDENTIALS = path.join(EXAMPLES, 'credentials', 'sandbox.json');
const examples = readdirSync(EXAMPLES)
	.filter((file) => file.endsWith('.json'))
	.map((file) => JSON.parse(readFileSync(path.join(EXAMPLES, file), 'utf8')));
const manual = examples.filter((w) => w.nodes.some((n) => n.type === 'n8n-nodes-base.manualTrigger'));
const TRIGGERS = { occto: 'exOcctoTriggerErr', ntt: 'exAnpiTriggerHurt' };

const home = mkdtempSync(path.join(tmpdir(), 'n8n-e2e-examples-'));
const env = { ...process.env, N8N_USER_FOLDER: home };
let server;
let rest;

/** Not an example: opens and sends a round that stays open, so answers arrive for the NTT trigger example. */
const openRound = {
	id: 'exsOpenRound0001',
	name: 'e2e: open and send a round',
	active: false,
	settings: { executionOrder: 'v1' },
	nodes: [
		{ id: 'r0', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		...[
			['Create', { operation: 'create', title: '地震発生（訓練）', text: '回答してください。', additionalFields: {} }],
			['Send', { operation: 'send', tid: '={{ $json.tid }}', sendKind: '0', target: 'everyone', options: {} }],
		].map(([name, parameters], i) => ({
			id: `r${i + 1}`,
			name,
			type: NODE_TYPES.anpi,
			typeVersion: 1,
			position: [220 * (i + 1), 0],
			parameters: { resource: 'safetyConfirmation', ...parameters },
			credentials: { nttComApi: { id: 'nttSandbox', name: 'NTT Sandbox' } },
		})),
	],
	connections: { Start: { main: [[{ node: 'Create', type: 'main', index: 0 }]] }, Create: { main: [[{ node: 'Send', type: 'main', index: 0 }]] } },
};

/** n8n execute in its own task-broker port, beside the running server. */
async function execute(id) {
	const run = await n8nExecute({ ...env, N8N_RUNNERS_BROKER_PORT: String(await freePort()) }, id, { timeoutMs: 420_000 });
	assert.equal(run.status, 0, `${id}: ${run.text.slice(-3000)}`);
	assert.equal(run.run?.status, 'success', `${id}: ${run.text.slice(-3000)}`);
	assert.equal(run.run.data.resultData.error, undefined);
	return run;
}

/** n8n's saved execution data (flatted: every string and object in one array, referred to by index). */
function unflatten(text) {
	const table = JSON.parse(text);
	const done = new Map();
	const revive = (index) => {
		const value = table[index];
		if (typeof value !== 'object' || value === null) return value;
		if (done.has(index)) return done.get(index);
		const out = Array.isArray(value) ? [] : {};
		done.set(index, out);
		for (const [key, inner] of Object.entries(value)) out[key] = typeof inner === 'string' ? revive(Number(inner)) : inner;
		return out;
	};
	return revive(0);
}

/** Items on each output of `node` over every saved execution of `workflowId`: [[output 0 items…], [output 1 items…]]. */
async function outputsOf(workflowId, node) {
	const listed = await rest('GET', `/rest/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId }))}`);
	assert.equal(listed.status, 200, listed.text);
	const outputs = [[], []];
	for (const { id, status } of listed.json.data.results ?? listed.json.data) {
		if (['new', 'running', 'waiting'].includes(status)) continue; // read at the next look
		assert.equal(status, 'success', `execution ${id} of ${workflowId}`);
		const saved = await rest('GET', `/rest/executions/${id}`);
		const runs = unflatten(saved.json.data.data).resultData.runData[node] ?? [];
		for (const run of runs) run.data.main.forEach((items, i) => outputs[i]?.push(...(items ?? []).map((item) => item.json)));
	}
	return outputs;
}

before(async () => {
	env.N8N_RUNNERS_BROKER_PORT = String(await freePort());
	env.N8N_PORT = String(await freePort());
	const extra = path.join(home, 'extra');
	mkdirSync(extra);
	writeFileSync(path.join(extra, 'open-round.json'), JSON.stringify(openRound));
	await n8nSteps(env, [
		['import:credentials', `--input=${SANDBOX_CREDENTIALS}`],
		['import:workflow', '--separate', `--input=${EXAMPLES}`],
		['import:workflow', '--separate', `--input=${extra}`],
		...Object.values(TRIGGERS).map(activateArgs),
	]);
});

after(async () => {
	await stopN8n(server);
	rmSync(home, { recursive: true, force: true });
});

test(`n8n ${N8N_LINE}.x: every example runs as imported with the two Sandbox credentials, and shows every branch`, { timeout: 900_000 }, async () => {
	const started = Date.now();
	server = await startN8n(env, 150_000);
	rest = await ownerSession(`http://127.0.0.1:${env.N8N_PORT}`);
	// activation polls once and remembers what is there (nothing yet), so what follows is new to both triggers
	await until(async () => (await rest('GET', '/rest/active-workflows')).json?.data?.length === 2, 60_000, 'both triggers to be active');

	await execute(openRound.id);
	const submitting = execute('exOcctoSubmitFollow');
	const others = [];
	for (const workflow of manual.filter((w) => !['exOcctoSubmitFollow', 'exOcctoDailySync'].includes(w.id))) others.push(await execute(workflow.id));
	assert.ok(others.length > 0);

	// submit-and-follow checks every 20 s until OCCTO has decided: the Sandbox decides after two minutes
	const submit = await submitting;
	const registered = submit.output('Register plan');
	assert.equal(registered.length, 2);
	assert.ok(JSON.stringify(registered[1].warnings).includes('JP06116'), 'Register warns about the bad 対象年月日 and sends it');
	const [good, bad] = registered.map((r) => r.occtoReceptionNo);
	assert.ok(submit.run.data.resultData.runData['Still 受付中: check again'].length >= 1, 'the 受付中 loop ran');
	assert.deepEqual(submit.output('Get error details').map((e) => [e.occtoReceptionNo, e.errorElement]), [[bad, 'JP06116']]);
	assert.deepEqual(
		submit.run.data.resultData.runData.Accepted.flatMap((r) => r.data.main[0].map((i) => i.json.occtoReceptionNo)),
		[good],
	);

	// the daily sync lists the accepted plan by a readable name, with no certificate figures
	const sync = await execute('exOcctoDailySync');
	const rows = sync.output('Flatten rows');
	const mine = rows.find((row) => row.occtoReceptionNo === good);
	assert.equal(mine?.planName, '○○発電所1号機 20261201', JSON.stringify(rows));
	assert.ok(rows.every((row) => row.certificateDaysLeft === null), JSON.stringify(rows));
	assert.ok(sync.output('List outage plans').every((item) => item.sandbox === true && item.certificate === null));

	// the triggers: OCCTO polls every 5 minutes, NTT every minute (answers arrive from a minute after Send)
	let occto;
	let ntt;
	await until(
		async () => {
			occto = await outputsOf(TRIGGERS.occto, '提出エラー?');
			ntt = await outputsOf(TRIGGERS.ntt, 'Injured (負傷)?');
			return occto[0].length > 0 && occto[1].length > 0 && ntt[0].length > 0 && ntt[1].length > 0;
		},
		480_000,
		'both branches of both trigger examples',
	).catch((error) => {
		throw new Error(`${error.message}; OCCTO ${JSON.stringify(occto)}; NTT ${JSON.stringify(ntt)}; n8n said:\n${server.output().slice(-3000)}`);
	});
	assert.deepEqual(occto[0].map((e) => [e.occtoReceptionNo, e.statusName, e.errors[0]?.errorElement]), [[bad, '提出エラー', 'JP06116']]);
	assert.ok(occto[1].some((e) => e.occtoReceptionNo === good));
	assert.ok(ntt[0].every((a) => a.ansList[0] === '02') && ntt[1].every((a) => a.ansList[0] !== '02'));
	const alerts = await outputsOf(TRIGGERS.ntt, 'Alert for the safety team');
	assert.match(alerts[0][0].text, /が負傷と回答しました/);
	const messages = await outputsOf(TRIGGERS.occto, 'Message for the team');
	assert.match(messages[0][0].text, new RegExp(`${bad} が提出エラーになりました: JP06116`));
	console.log(`n8n ${N8N_LINE}.x: every branch of ${examples.length} examples reached in ${Math.round((Date.now() - started) / 1000)} s`);
});
