// End-to-end in the real n8n server: the OCCTO Outage Plan Trigger (Submission Status Changed) against the
// simulator's "renamed" wire profile — receipt number, status code and name, last-updated time under other
// element names — with NO Field Names in the credential. The trigger finds its key fields by content; every
// submission is emitted new (受付中) and changed (受付完了 / 提出エラー with its errors), once, across a restart
// of n8n; each 提出エラー costs exactly one BA13B007 call.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { ROOT, freePort, importIntoN8n, occtoCredentialData, recordNode, sleep, startCollector, startN8n, stopN8n, submissionStatusTrigger, triggeredWorkflow, until } from './lib.mjs';

const require = createRequire(import.meta.url);
const { startOcctoSimulator } = require(path.join(ROOT, 'dist/simulators/occto/server.js'));
const { badPlanXml, registerAtSimulator, validPlanXml } = require(path.join(ROOT, 'dist/test/occto-fixtures.js'));

const home = mkdtempSync(path.join(tmpdir(), 'n8n-e2e-trigger-keys-'));
const env = { ...process.env, N8N_USER_FOLDER: home, GENERIC_TIMEZONE: 'UTC' };
const WORKFLOW_ID = 'e2eOcctoKeyTrig1';
// longer than the minute between polls: the first poll after a registration always sees 受付中
const STATUS_DELAY_MS = 90_000;
let sim;
let collector;
let server;
const received = [];

const register = async (xml) => await registerAtSimulator(sim, xml);
const eventsOf = (receipt) => received.filter((event) => event.occtoReceptionNo === receipt);
const errorDetailCalls = () => sim.requests.filter((r) => r.apiId === 'BA13B007').length;
const listCalls = () => sim.requests.filter((r) => r.apiId === 'BA13B006').length;

async function start() {
	server = await startN8n(env);
}
async function stop() {
	await stopN8n(server);
	server = undefined;
}

before(async () => {
	sim = await startOcctoSimulator({ certDir: path.join(home, 'occto-certs'), seedPlans: 2, statusDelayMs: STATUS_DELAY_MS, profile: 'renamed' });
	// the workflow posts every event it receives here
	collector = await startCollector(received);
	env.N8N_RUNNERS_BROKER_PORT = String(await freePort());
	env.N8N_PORT = String(await freePort());
	const workflow = triggeredWorkflow(
		WORKFLOW_ID,
		'e2e: OCCTO submissions on renamed rows',
		submissionStatusTrigger('keys-trigger'),
		recordNode(
			'keys-record',
			collector,
			'={{ JSON.stringify({ occtoReceptionNo: $json.occtoReceptionNo, status: $json.status, statusName: $json.statusName, UKETSUKE_NO: $json.UKETSUKE_NO, JOTAI_NM: $json.JOTAI_NM, previous: $json.previous, errors: ($json.errors || []).length }) }}',
		),
	);
	// no Advanced Settings, no Field Names: the credential a user who configured nothing has
	const credential = { id: 'occtoSimulator01', name: 'OCCTO simulator', type: 'occtoWebApi', data: occtoCredentialData(sim) };
	assert.equal(credential.data.fieldNames, undefined);
	await importIntoN8n(env, home, { credentials: [credential], workflows: [workflow], activate: [WORKFLOW_ID] });
});

after(async () => {
	await stop();
	await sim?.close();
	collector?.close();
	rmSync(home, { recursive: true, force: true });
});

test('renamed rows, no Field Names: new, changed and 提出エラー events once each, across a restart', { timeout: 900_000 }, async () => {
	await start();
	// activation: an empty list decides nothing and does not fail
	await until(() => listCalls() > 0, 120_000, 'the activation poll');
	const good = await register(validPlanXml({ facility: '髙﨑変電所' }));
	const bad = await register(badPlanXml());
	await until(() => eventsOf(good).length && eventsOf(bad).length, 180_000, 'the new submissions (受付中) to reach the workflow');
	assert.deepEqual(
		[good, bad].map((receipt) => eventsOf(receipt)[0]),
		[good, bad].map((receipt) => ({ occtoReceptionNo: receipt, status: '1', statusName: '受付中', UKETSUKE_NO: receipt, JOTAI_NM: '受付中', previous: null, errors: 0 })),
	);
	await until(() => eventsOf(good).length > 1 && eventsOf(bad).length > 1, 360_000, 'their status changes to reach the workflow');
	assert.deepEqual(
		[eventsOf(good)[1], eventsOf(bad)[1]].map((event) => [event.status, event.statusName, event.previous, event.errors > 0]),
		// only 受付中 was seen before, so the status name was the marker of change: `previous` is that name (a status
		// code field is paired with the names once two different statuses have shown it, issue 32)
		[
			['2', '受付完了', '受付中', false],
			['9', '提出エラー', '受付中', true],
		],
	);
	assert.equal(errorDetailCalls(), 1);

	// a restart: the cursor (and the key fields decided from the rows) survive in n8n's database
	await stop();
	const later = await register(badPlanXml());
	const listsBefore = listCalls();
	await start();
	await until(() => eventsOf(later).length > 0, 180_000, 'the submission registered while n8n was down');
	await until(() => eventsOf(later).length > 1, 360_000, 'its 提出エラー');
	assert.deepEqual(
		eventsOf(later).map((event) => [event.statusName, event.previous, event.errors > 0]),
		[
			['受付中', null, false],
			['提出エラー', '1', true],
		],
	);
	const listsAtEnd = listCalls();
	await until(() => listCalls() > listsAtEnd, 180_000, 'one more poll');
	await sleep(5_000);
	assert.ok(listCalls() - listsBefore >= 3);
	// nothing came twice, nothing was lost; one BA13B007 call per 提出エラー
	assert.deepEqual(
		[good, bad, later].map((receipt) => eventsOf(receipt).length),
		[2, 2, 2],
	);
	assert.equal(received.length, 6);
	assert.equal(errorDetailCalls(), 2);
	assert.ok(!server.output().includes('sim-password-1'));
});
