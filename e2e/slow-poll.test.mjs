// End-to-end in the real n8n server, on each n8n line: an NTT Anpi Trigger (New Answers, every minute) whose
// polls stall for 150 s at the gateway while people keep answering. Every answer must reach the workflow
// exactly once: a stalled or overlapping poll moves no cursor and emits nothing, the next one catches up.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { NODE_TYPES, ROOT, anpiCredentials, anpiGateway, freePort, importIntoN8n, recordNode, sleep, startCollector, startN8n, stopN8n, triggeredWorkflow, until } from './lib.mjs';

const require = createRequire(import.meta.url);
const { startAnpiSimulator } = require(path.join(ROOT, 'dist/simulators/anpi/server.js'));
const home = mkdtempSync(path.join(tmpdir(), 'n8n-e2e-slow-poll-'));
const env = { ...process.env, N8N_USER_FOLDER: home };
const STATUS_PATH = '/v1/anpi/confirm/safety-status/';
let anpi;
let collector;
let server;
const received = [];

before(async () => {
	anpi = await startAnpiSimulator({ users: 60, asyncDelayMs: 100 });
	// the workflow posts every answer it receives here
	collector = await startCollector(received);
	env.N8N_RUNNERS_BROKER_PORT = String(await freePort());
	env.N8N_PORT = String(await freePort());
	const round = await anpiGateway(anpi, 'POST', '/v1/anpi/register/safety/', { title: 'e2e: 遅い応答の訓練', text: '回答してください', strdate: '202611240900' });
	const workflow = triggeredWorkflow(
		'e2eSlowPollAnpi1',
		'e2e: new answers under a stalled gateway',
		{
			id: 'slow-poll-trigger',
			name: 'New answers',
			type: NODE_TYPES.anpiTrigger,
			typeVersion: 1,
			position: [0, 0],
			parameters: { pollTimes: { item: [{ mode: 'everyMinute' }] }, event: 'newAnswers', tid: round.tid, emitExisting: false, options: { timeout: 20 } },
			credentials: { nttComApi: { id: 'anpiSimulator001', name: 'NTT Anpi simulator' } },
		},
		recordNode('slow-poll-record', collector, '={{ JSON.stringify({ usrcd: $json.usrcd, ansdate: $json.ansdate ?? $json.regdate ?? null }) }}'),
	);
	await importIntoN8n(env, home, { credentials: anpiCredentials(anpi.url), workflows: [workflow], activate: [workflow.id] });
	anpi.roundId = round.tid;
});

after(async () => {
	await stopN8n(server);
	await anpi?.close();
	collector?.close();
	rmSync(home, { recursive: true, force: true });
});

test('a 1-minute New Answers trigger whose polls stall for 150 s emits every answer exactly once', { timeout: 900_000 }, async () => {
	server = await startN8n(env);
	const polls = () => anpi.requests.filter((r) => r.path === STATUS_PATH).length;
	await until(() => polls() > 0, 120_000, 'the first poll (it only remembers what is there)');
	const answered = [];
	const answer = (i) => {
		const usrcd = `usr${String(i).padStart(6, '0')}`;
		anpi.answer(anpi.roundId, usrcd, ['01', '01', '01', '01']);
		answered.push(usrcd);
	};
	let next = 1;
	const arrivals = setInterval(() => next <= 40 && answer(next++), 6_000); // 40 people over 4 minutes
	try {
		await until(() => received.length > 0, 150_000, 'the first answers to reach the workflow');
		// the gateway now takes every status request and never answers, for 150 s, while answers keep coming
		anpi.stall({ path: STATUS_PATH, action: 'hang', count: Infinity });
		const stalledAt = Date.now();
		await sleep(150_000);
		anpi.clearStalls();
		console.log(`stalled for ${Math.round((Date.now() - stalledAt) / 1000)} s; ${anpi.stalled.length} status requests met the stall`);
		assert.ok(anpi.stalled.length >= 2, 'polls ran into the stall');
		await until(() => next > 40, 240_000, 'all 40 answers to be given');
	} finally {
		clearInterval(arrivals);
	}
	await until(() => new Set(received.map((r) => r.usrcd)).size >= answered.length, 240_000, 'every answer to reach the workflow');
	await sleep(70_000); // one more poll: nothing may come twice
	const counts = {};
	for (const event of received) counts[event.usrcd] = (counts[event.usrcd] ?? 0) + 1;
	const doubled = Object.entries(counts).filter(([, n]) => n > 1);
	const lost = answered.filter((usrcd) => !counts[usrcd]);
	console.log(`answers given ${answered.length}, received ${received.length}, lost ${lost.length}, doubled ${doubled.length}`);
	assert.deepEqual(lost, [], 'no answer lost');
	assert.deepEqual(doubled, [], 'no answer emitted twice');
	assert.ok(!server.output().includes('sim-secret-not-real'));
});
