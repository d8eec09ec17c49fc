// End-to-end in the real n8n server, on each n8n line: an NTT Anpi Trigger (New Answers, empty Thread ID, every
// minute) activated between rounds, the normal state between disasters. Its polls must be quiet whatever the
// gateway answers for "no round is open" (HTTP 404, an API error about the thread, an empty list): the workflow
// activates, nothing runs, nothing fails. When a round opens, every answer of it reaches the workflow once,
// those given before the trigger first saw the round included; when it closes, the polls are quiet again.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { N8N_LINE, ROOT, anpiCredentials, anpiGateway, freePort, importIntoN8n, ownerSession, recordNode, sleep, startCollector, startN8n, stopN8n, newAnswersTrigger, triggeredWorkflow, until } from './lib.mjs';

const require = createRequire(import.meta.url);
const { startAnpiSimulator } = require(path.join(ROOT, 'dist/simulators/anpi/server.js'));
const home = mkdtempSync(path.join(tmpdir(), 'n8n-e2e-between-rounds-'));
const env = { ...process.env, N8N_USER_FOLDER: home };
const STATUS_PATH = '/v1/anpi/confirm/safety-status/';
const WORKFLOW_ID = 'e2eAnpiRounds001';
/** What the node says when a call fails, and n8n when a trigger fails; none of it may appear in n8n's log. */
const NODE_ERRORS = /NTT Com API gateway error|安否確認API\(状況確認\) failed|Get Status \(安否確認API|SIM000\d+|No open thread|Issue on initial workflow activation|failed with the error|reported the error/;
let anpi;
let collector;
let server;
const received = [];

before(async () => {
	// no round open: only closed ones, as between disasters
	anpi = await startAnpiSimulator({ users: 30, asyncDelayMs: 100, seedOpenRound: false, noOpenRound: '404' });
	// the workflow posts every answer it receives here
	collector = await startCollector(received);
	env.N8N_RUNNERS_BROKER_PORT = String(await freePort());
	env.N8N_PORT = String(await freePort());
	const workflow = triggeredWorkflow(
		WORKFLOW_ID,
		'e2e: new answers of whichever round is open',
		newAnswersTrigger('rounds-trigger'),
		recordNode('rounds-record', collector, '={{ JSON.stringify({ tid: $json.tid, usrcd: $json.usrcd }) }}'),
	);
	await importIntoN8n(env, home, { credentials: anpiCredentials(anpi.url), workflows: [workflow], activate: [WORKFLOW_ID] });
});

after(async () => {
	await stopN8n(server);
	await anpi?.close();
	collector?.close();
	rmSync(home, { recursive: true, force: true });
});

test(`n8n ${N8N_LINE}.x: a New Answers trigger is quiet between rounds and catches every answer of the round that opens`, { timeout: 900_000 }, async () => {
	server = await startN8n(env);
	const polls = () => anpi.requests.filter((r) => r.path === STATUS_PATH).length;
	const nextPoll = async (what) => {
		const seen = polls();
		await until(() => polls() > seen, 150_000, what);
		await sleep(2_000); // let the poll finish its work
	};

	// activation runs the first poll: HTTP 404, and the workflow must still be activated
	await until(() => polls() > 0, 120_000, 'the first poll (activation)');
	await sleep(2_000);
	anpi.answerNoOpenRound('errorCode');
	await nextPoll('a poll answered with an API error saying no round is open');
	anpi.answerNoOpenRound('emptyList');
	await nextPoll('a poll answered with an empty list');
	assert.deepEqual(received, [], 'nothing ran between rounds');
	assert.doesNotMatch(server.output(), NODE_ERRORS, 'no poll failed between rounds');

	// a disaster: another system opens a round and people answer before the trigger's next poll
	const round = await anpiGateway(anpi, 'POST', '/v1/anpi/register/safety/', { title: 'e2e: 地震発生', text: '回答してください', strdate: '202611240900' });
	const early = [1, 2, 3].map((i) => `usr${String(i).padStart(6, '0')}`);
	for (const usrcd of early) anpi.answer(round.tid, usrcd, ['01', '01', '01', '01']);
	await until(() => received.length >= early.length, 150_000, 'the answers given before the round was first seen');
	const late = 'usr000004';
	anpi.answer(round.tid, late, ['02', '01', '01', '01']);
	await until(() => received.length >= early.length + 1, 150_000, 'an answer given while the round is followed');

	// the round is closed: quiet again (the simulator's default "no round" answer: HTTP 404 with an API error)
	await anpiGateway(anpi, 'PUT', '/v1/anpi/register/safety/', { tid: round.tid });
	await until(() => anpi.threads().find((t) => t.tid === round.tid)?.endflg === '1', 10_000, 'the round to close');
	anpi.answerNoOpenRound('default');
	await nextPoll('a poll after the round closed');
	await nextPoll('another poll between rounds');

	// a failed poll is saved by n8n as a failed execution: there is none, only the two runs with answers
	const rest = await ownerSession(`http://127.0.0.1:${env.N8N_PORT}`);
	const listed = await rest('GET', `/rest/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId: WORKFLOW_ID }))}`);
	assert.equal(listed.status, 200, listed.text);
	const executions = listed.json.data.results ?? listed.json.data;
	assert.deepEqual(executions.filter((e) => e.status !== 'success').map((e) => `${e.id}: ${e.status}`), [], 'no failed execution');
	assert.equal(executions.length, 2, 'one run for the answers found when the round was first seen, one for the later answer');

	const got = received.map((r) => `${r.tid}/${r.usrcd}`).sort();
	assert.deepEqual(got, [...early, late].map((usrcd) => `${round.tid}/${usrcd}`).sort(), 'every answer of the round once, nothing else');
	assert.doesNotMatch(server.output(), NODE_ERRORS, 'no poll failed between rounds');
	assert.ok(!server.output().includes('sim-secret-not-real'));
	console.log(`n8n ${N8N_LINE}.x: ${polls()} status polls, ${received.length} answers received`);
});
