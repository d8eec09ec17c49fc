// End-to-end: the package inside the real n8n 2.41.1 server process, driven through its CLI
// (import:credentials, import:workflow, execute --rawOutput) against both simulators.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { simulatorCredentials, writeExamplesOnSimulators } from '../scripts/n8n-credentials.mjs';
import { ROOT, freePort, n8nExecute, n8nSteps, occtoCredentialData, sleep } from './lib.mjs';

const require = createRequire(import.meta.url);
const { startOcctoSimulator } = require(path.join(ROOT, 'dist/simulators/occto/server.js'));
const { startAnpiSimulator } = require(path.join(ROOT, 'dist/simulators/anpi/server.js'));

const home = mkdtempSync(path.join(tmpdir(), 'n8n-e2e-'));
const env = { ...process.env, N8N_USER_FOLDER: home, N8N_LOG_LEVEL: 'info' };
const secrets = ['sim-password-1', 'sim p12 passphrase', 'sim-secret-not-real', 'deliberately-wrong-secret'];
let occto;
let anpi;

// n8n runs asynchronously on purpose: the simulators live in this process and must keep answering while it runs.
const cli = { secrets, timeoutMs: 180_000 };

/** Runs a workflow; returns the node outputs by node name, or the failure text. */
async function execute(id) {
	const { status, run, output, text } = await n8nExecute(env, id, cli);
	return { status, run, output, text };
}

before(async () => {
	env.N8N_RUNNERS_BROKER_PORT = String(await freePort());
	occto = await startOcctoSimulator({ certDir: path.join(home, 'occto-certs'), seedPlans: 12, statusDelayMs: 1000 });
	anpi = await startAnpiSimulator({ users: 50, asyncDelayMs: 500 });
	const occtoCredential = occtoCredentialData(occto);
	const credentials = path.join(home, 'credentials.json');
	writeFileSync(credentials, JSON.stringify(simulatorCredentials(occtoCredential, anpi.url)));
	await n8nSteps(
		env,
		[
			['import:credentials', `--input=${credentials}`],
			['import:workflow', '--separate', `--input=${writeExamplesOnSimulators(path.join(home, 'examples'))}`],
			['import:workflow', '--separate', `--input=${path.join(ROOT, 'e2e', 'workflows')}`],
		],
		cli,
	);
});

after(async () => {
	await occto?.close();
	await anpi?.close();
	rmSync(home, { recursive: true, force: true });
});

test('example 1: daily outage-plan sync lists, fetches and flattens every plan', async () => {
	const { status, run, output, text } = await execute('exOcctoDailySync');
	assert.equal(status, 0, text.slice(-3000));
	assert.equal(run.status, 'success');
	const rows = output('Flatten rows');
	assert.equal(rows.length, 12);
	for (const row of rows) {
		assert.match(row.occtoReceptionNo, /^\d{10}$/);
		assert.equal(row.senderCode, 'S0001');
		assert.match(row.facility, /発電所|変電所|連系線/);
		assert.ok(row.certificateDaysLeft > 700);
	}
	assert.equal(rows[11].callsUsedToday, 13); // 1 list + 12 gets, counted by the node
});

test('example 2: submit two plans; the accepted one passes, the bad one gets its error details', async () => {
	const { status, output, text } = await execute('exOcctoSubmitFollow');
	assert.equal(status, 0, text.slice(-3000));
	const registered = output('Register plan');
	assert.equal(registered.length, 2);
	assert.deepEqual(registered.map((r) => r.statusName), ['受付中', '受付中']);
	assert.deepEqual(output('Accepted').map((r) => [r.occtoReceptionNo, r.statusName]), [[registered[0].occtoReceptionNo, '受付完了']]);
	const errors = output('Get error details');
	assert.equal(errors.length, 1);
	assert.equal(errors[0].occtoReceptionNo, registered[1].occtoReceptionNo);
	assert.equal(errors[0].errorElement, 'JP06116');
	assert.match(errors[0].errorMessage, /対象年月日/);
});

test('example 3: earthquake drill round opens, sends, counts the unanswered, reminds only them and closes', async () => {
	// 20 of the 50 people answer while the workflow waits, as they would in a drill
	const known = new Set(anpi.threads().map((t) => t.tid));
	let answeredIn;
	const watcher = setInterval(() => {
		const round = anpi.threads().find((t) => !known.has(t.tid));
		if (!round || answeredIn) return;
		answeredIn = round.tid;
		for (let i = 1; i <= 20; i++) anpi.answer(round.tid, `usr${String(i).padStart(6, '0')}`, ['01', '01', '01', '01']);
	}, 50);
	const { status, output, text } = await execute('exAnpiDrillRound').finally(() => clearInterval(watcher));
	assert.equal(status, 0, text.slice(-3000));
	const [round] = output('Open drill round');
	assert.match(round.tid, /^\d{7}$/);
	assert.equal(answeredIn, round.tid, 'the test did not see the new round in time to answer');
	assert.equal(output('Send to everyone')[0].targetCount, 50);
	const [summary] = output('Who has not answered');
	assert.equal(summary.tid, round.tid);
	assert.equal(summary.people, 30);
	assert.equal(Object.values(summary.byAnswerState).reduce((sum, n) => sum + n, 0), 30);
	assert.equal(summary.byAnswerState.answered, undefined);
	assert.equal(output('Remind them')[0].targetCount, 30);
	assert.equal(output('Close the round')[0].targetCount, 1);
	await sleep(700);
	assert.equal(anpi.threads().find((t) => t.tid === round.tid).endflg, '1');
});

test('OCCTO quota exhausted: the workflow fails with the quota message and nothing is retried', async () => {
	occto.setCallCount('U0000001', 1000);
	const before = occto.requests.length;
	const { status, text } = await execute('e2eOcctoQuota');
	occto.setCallCount('U0000001', 0);
	assert.notEqual(status, 0);
	assert.match(text, /OCCTO daily API call limit \(1000\) exceeded/);
	assert.equal(occto.requests.length - before, 1);
});

test('NTT Anpi with a wrong client secret fails with a message a user can act on', async () => {
	const { status, text } = await execute('e2eAnpiBadCreds');
	assert.notEqual(status, 0);
	assert.match(text, /refused the Client ID \/ Client Secret/);
});
