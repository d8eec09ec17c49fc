// End-to-end: the whole tour with Sandbox credentials only, in a fresh n8n of the line N8N_LINE with the package
// installed as n8n's installer does (npm pack → the nodes folder; no repository code, no simulator process).
// The examples run as shipped against two credentials whose only setting is Environment "Sandbox"; in a running
// server the credential tests say "Sandbox: no network", the Submission Status trigger reports 受付完了 and
// 提出エラー with details, and the New Answers trigger emits the answers of a round created and sent in the
// sandbox; Get Many lists the plans with Japanese intact. Every n8n process runs with e2e/support/socket-probe.cjs,
// which records every TCP connection and whether this package's code started it: none may be ours.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
	N8N_LINE,
	NODE_TYPES,
	ROOT,
	freePort,
	importIntoN8n,
	installLikeN8n,
	n8nExecute,
	ownerSession,
	recordNode,
	startCollector,
	startN8n,
	stopN8n,
	triggeredWorkflow,
	until,
} from './lib.mjs';
import { SANDBOX_CREDENTIALS } from '../scripts/n8n-credentials.mjs';

const home = mkdtempSync(path.join(tmpdir(), 'n8n-e2e-sandbox-'));
const probeFile = path.join(home, 'sockets.jsonl');
const PROBE = path.join(ROOT, 'e2e/support/socket-probe.cjs');
const env = { ...process.env, N8N_USER_FOLDER: home, SOCKET_PROBE_FILE: probeFile, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${PROBE}`.trim() };
const received = [];
let collector;
let server;
let registered = [];
let roundTid;

// README's two credentials, which the examples refer to; the only setting is the Environment
const [OCCTO_CREDENTIAL, NTT_CREDENTIAL] = ['occtoWebApi', 'nttComApi'].map((type) => SANDBOX_CREDENTIALS.find((c) => c.type === type));
const occtoCred = { occtoWebApi: { id: OCCTO_CREDENTIAL.id, name: OCCTO_CREDENTIAL.name } };
const nttCred = { nttComApi: { id: NTT_CREDENTIAL.id, name: NTT_CREDENTIAL.name } };
const everyMinute = { item: [{ mode: 'everyMinute' }] };

/** A manual trigger, then NTT Create, then NTT Send to everyone: a round that stays open for the trigger. */
const openRoundWorkflow = {
	id: 'sbxNttOpenRound1',
	name: 'sandbox: open and send a round',
	active: false,
	settings: { executionOrder: 'v1' },
	nodes: [
		{ id: 'sbx-start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		{
			id: 'sbx-create',
			name: 'Create',
			type: NODE_TYPES.anpi,
			typeVersion: 1,
			position: [220, 0],
			parameters: { resource: 'safetyConfirmation', operation: 'create', title: '地震発生（訓練）', text: '安全を確保したのちに回答してください。', additionalFields: {} },
			credentials: nttCred,
		},
		{
			id: 'sbx-send',
			name: 'Send',
			type: NODE_TYPES.anpi,
			typeVersion: 1,
			position: [440, 0],
			parameters: { resource: 'safetyConfirmation', operation: 'send', tid: '={{ $json.tid }}', sendKind: '0', target: 'everyone', options: {} },
			credentials: nttCred,
		},
	],
	connections: { Start: { main: [[{ node: 'Create', type: 'main', index: 0 }]] }, Create: { main: [[{ node: 'Send', type: 'main', index: 0 }]] } },
};

before(async () => {
	installLikeN8n(home);
	collector = await startCollector(received);
	env.N8N_RUNNERS_BROKER_PORT = String(await freePort());
	env.N8N_PORT = String(await freePort());
	const examples = readdirSync(path.join(ROOT, 'examples'))
		.filter((file) => file.endsWith('.json'))
		.map((file) => JSON.parse(readFileSync(path.join(ROOT, 'examples', file), 'utf8')));
	// the submit example up to Register: both plans stay 受付中 until the trigger below has seen them
	const submit = examples.find((workflow) => workflow.id === 'exOcctoSubmitFollow');
	const registerOnly = { ...submit, id: 'sbxRegisterOnly1', name: 'sandbox: register the example plans', connections: { ...submit.connections, 'Register plan': { main: [[]] } } };
	const occtoTrigger = triggeredWorkflow(
		'sbxOcctoTrigger1',
		'sandbox: submission status',
		{
			id: 'sbx-occto-trigger',
			name: 'Submission status changed',
			type: NODE_TYPES.occtoTrigger,
			typeVersion: 2,
			position: [0, 0],
			parameters: { event: 'submissionStatusChanged', pollTimes: everyMinute, options: {} },
			credentials: occtoCred,
		},
		recordNode(
			'sbx-occto-record',
			collector,
			'={{ JSON.stringify({ kind: "occto", occtoReceptionNo: $json.occtoReceptionNo, statusName: $json.statusName, sandbox: $json.sandbox, errors: $json.errors || [] }) }}',
		),
	);
	const nttTrigger = triggeredWorkflow(
		'sbxNttTrigger001',
		'sandbox: new answers',
		{
			id: 'sbx-ntt-trigger',
			name: 'New answers',
			type: NODE_TYPES.anpiTrigger,
			typeVersion: 1,
			position: [0, 0],
			parameters: { pollTimes: everyMinute, event: 'newAnswers', tid: '', emitExisting: false },
			credentials: nttCred,
		},
		recordNode('sbx-ntt-record', collector, '={{ JSON.stringify({ kind: "ntt", tid: $json.tid, usrcd: $json.usrcd, staffsei: $json.staffsei, sandbox: $json.sandbox }) }}'),
	);
	await importIntoN8n(env, home, {
		credentials: [OCCTO_CREDENTIAL, NTT_CREDENTIAL],
		workflows: [...examples, registerOnly, openRoundWorkflow, occtoTrigger, nttTrigger],
		activate: [occtoTrigger.id, nttTrigger.id],
	});
});

after(async () => {
	await stopN8n(server);
	collector?.close();
	rmSync(home, { recursive: true, force: true });
});

test(`n8n ${N8N_LINE}.x: the examples run as shipped against Sandbox credentials`, async () => {
	const submit = await n8nExecute(env, 'sbxRegisterOnly1');
	assert.equal(submit.status, 0, submit.text.slice(-3000));
	registered = submit.output('Register plan');
	assert.deepEqual(registered.map((r) => [r.statusName, r.sandbox]), [['受付中', true], ['受付中', true]]);

	const drill = await n8nExecute(env, 'exAnpiDrillRound');
	assert.equal(drill.status, 0, drill.text.slice(-3000));
	assert.equal(drill.output('Send to everyone')[0].targetCount, 50);
	assert.equal(drill.output('Who has not answered')[0].people, 50); // nobody answers within the example's 4 seconds
	assert.equal(drill.output('Close the round')[0].targetCount, 1);
	assert.ok([...drill.output('Open drill round'), ...drill.output('Close the round')].every((item) => item.sandbox === true));

	const round = await n8nExecute(env, 'sbxNttOpenRound1');
	assert.equal(round.status, 0, round.text.slice(-3000));
	roundTid = round.output('Create')[0].tid;
	assert.match(roundTid, /^\d{7}$/);
	assert.equal(round.output('Send')[0].targetCount, 50);
});

test(`n8n ${N8N_LINE}.x: credential tests say "Sandbox: no network"; the triggers report 受付完了, 提出エラー with details, and new answers`, { timeout: 600_000 }, async () => {
	assert.ok(registered.length === 2 && roundTid, 'the first test registered the plans and opened the round');
	server = await startN8n(env, 150_000);
	const rest = await ownerSession(`http://127.0.0.1:${env.N8N_PORT}`);
	for (const credential of [OCCTO_CREDENTIAL, NTT_CREDENTIAL]) {
		const answer = await rest('POST', '/rest/credentials/test', { credentials: credential });
		assert.equal(answer.status, 200, answer.text);
		assert.equal(answer.json.data.status, 'OK', answer.text);
		assert.match(answer.json.data.message, /^Sandbox: no network\./);
	}
	const [good, bad] = registered.map((r) => r.occtoReceptionNo);
	const occto = (receipt, statusName) => received.find((e) => e.kind === 'occto' && e.occtoReceptionNo === receipt && e.statusName === statusName);
	const answers = () => received.filter((e) => e.kind === 'ntt' && e.tid === roundTid);
	await until(() => occto(good, '受付完了') && occto(bad, '提出エラー') && answers().length > 0, 420_000, 'the triggers to report 受付完了, 提出エラー and answers').catch((error) => {
		throw new Error(`${error.message}; received ${JSON.stringify(received)}; n8n said:\n${server.output().slice(-3000)}`);
	});
	assert.equal(occto(good, '受付完了').sandbox, true);
	assert.deepEqual(occto(bad, '提出エラー').errors.map((e) => [e.errorCode, e.errorElement]), [['E0201', 'JP06116']]);
	assert.match(occto(bad, '提出エラー').errors[0].errorMessage, /対象年月日/);
	assert.ok(answers().every((e) => e.sandbox === true && /[\u3040-\u9fff]/.test(e.staffsei)), JSON.stringify(answers()));
	await stopN8n(server);
	server = undefined;
});

test(`n8n ${N8N_LINE}.x: Outage Plan Get Many lists the sandbox's plans with Japanese intact`, async () => {
	const sync = await n8nExecute(env, 'exOcctoDailySync');
	assert.equal(sync.status, 0, sync.text.slice(-3000));
	const rows = sync.output('Flatten rows');
	const receipts = rows.map((row) => row.occtoReceptionNo);
	assert.ok(receipts.includes(registered[0].occtoReceptionNo), `the accepted plan is listed: ${JSON.stringify(receipts)}`);
	assert.ok(!receipts.includes(registered[1].occtoReceptionNo), 'the 提出エラー plan is not');
	assert.ok(rows.some((row) => /○○発電所1号機/.test(JSON.stringify(row))), JSON.stringify(rows).slice(0, 2000));
	assert.ok(sync.output('List outage plans').every((item) => item.sandbox === true));
});

test(`n8n ${N8N_LINE}.x: nothing the sandbox credentials did opened a socket`, () => {
	assert.ok(existsSync(probeFile), 'the socket probe wrote nothing: it did not run');
	const sockets = readFileSync(probeFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
	const destinations = [...new Set(sockets.map((s) => `${s.host ?? s.path}:${s.port ?? ''}`))];
	console.log(`socket probe: ${sockets.length} connections from ${new Set(sockets.map((s) => s.pid)).size} processes, to ${destinations.join(', ')}`);
	assert.ok(sockets.some((s) => Number(s.port) === collector.address().port), 'the probe saw the Record nodes reach the collector (it works)');
	assert.deepEqual(sockets.filter((s) => s.ours), [], 'connections started by this package');
	const production = sockets.filter((s) => /ntt\.com|occto/i.test(String(s.host)));
	assert.deepEqual(production, [], 'connections to the production hosts');
});
