// End-to-end in the real n8n server, on each n8n line: an NTT Anpi Trigger (New Answers, every minute) whose
// polls stall for 150 s at the gateway while people keep answering. Every answer must reach the workflow
// exactly once: a stalled or overlapping poll moves no cursor and emits nothing, the next one catches up.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { simulatorCredentials } from '../scripts/n8n-credentials.mjs';
import { NODE_TYPES, ROOT, activateArgs, anpiGateway, freePort, n8nCli, until } from './lib.mjs';

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
	collector = createServer((req, res) => {
		let body = '';
		req.on('data', (chunk) => (body += chunk));
		req.on('end', () => {
			received.push(JSON.parse(body));
			res.end('{}');
		});
	});
	await new Promise((resolve) => collector.listen(0, '127.0.0.1', resolve));
	env.N8N_RUNNERS_BROKER_PORT = String(await freePort());
	env.N8N_PORT = String(await freePort());
	const round = await anpiGateway(anpi, 'POST', '/v1/anpi/register/safety/', { title: 'e2e: 遅い応答の訓練', text: '回答してください', strdate: '202611240900' });
	const workflow = {
		id: 'e2eSlowPollAnpi1',
		name: 'e2e: new answers under a stalled gateway',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: 'slow-poll-trigger',
				name: 'New answers',
				type: NODE_TYPES.anpiTrigger,
				typeVersion: 1,
				position: [0, 0],
				parameters: { pollTimes: { item: [{ mode: 'everyMinute' }] }, event: 'newAnswers', tid: round.tid, emitExisting: false, options: { timeout: 20 } },
				credentials: { nttComApi: { id: 'anpiSimulator001', name: 'NTT Anpi simulator' } },
			},
			{
				id: 'slow-poll-record',
				name: 'Record',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				position: [240, 0],
				parameters: {
					method: 'POST',
					url: `http://127.0.0.1:${collector.address().port}/event`,
					sendBody: true,
					specifyBody: 'json',
					jsonBody: '={{ JSON.stringify({ usrcd: $json.usrcd, ansdate: $json.ansdate ?? $json.regdate ?? null }) }}',
					options: {},
				},
			},
		],
		connections: { 'New answers': { main: [[{ node: 'Record', type: 'main', index: 0 }]] } },
	};
	mkdirSync(path.join(home, 'workflows'));
	writeFileSync(path.join(home, 'workflows', 'slow.json'), JSON.stringify(workflow));
	writeFileSync(path.join(home, 'credentials.json'), JSON.stringify(simulatorCredentials({}, anpi.url).filter((c) => c.type === 'nttComApi')));
	for (const args of [['import:credentials', `--input=${path.join(home, 'credentials.json')}`], ['import:workflow', '--separate', `--input=${path.join(home, 'workflows')}`], activateArgs('e2eSlowPollAnpi1')]) {
		const result = await n8nCli(env, args);
		assert.equal(result.status, 0, `n8n ${args.join(' ')} failed:\n${result.output}`);
	}
	anpi.roundId = round.tid;
});

after(async () => {
	server?.child.kill('SIGTERM');
	await server?.done;
	await anpi?.close();
	collector?.close();
	rmSync(home, { recursive: true, force: true });
});

test('a 1-minute New Answers trigger whose polls stall for 150 s emits every answer exactly once', { timeout: 900_000 }, async () => {
	server = n8nCli(env, ['start'], { background: true });
	await until(() => server.output().includes('Editor is now accessible'), 120_000, 'n8n to start');
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
		await new Promise((resolve) => setTimeout(resolve, 150_000));
		anpi.clearStalls();
		console.log(`stalled for ${Math.round((Date.now() - stalledAt) / 1000)} s; ${anpi.stalled.length} status requests met the stall`);
		assert.ok(anpi.stalled.length >= 2, 'polls ran into the stall');
		await until(() => next > 40, 240_000, 'all 40 answers to be given');
	} finally {
		clearInterval(arrivals);
	}
	await until(() => new Set(received.map((r) => r.usrcd)).size >= answered.length, 240_000, 'every answer to reach the workflow');
	await new Promise((resolve) => setTimeout(resolve, 70_000)); // one more poll: nothing may come twice
	const counts = {};
	for (const event of received) counts[event.usrcd] = (counts[event.usrcd] ?? 0) + 1;
	const doubled = Object.entries(counts).filter(([, n]) => n > 1);
	const lost = answered.filter((usrcd) => !counts[usrcd]);
	console.log(`answers given ${answered.length}, received ${received.length}, lost ${lost.length}, doubled ${doubled.length}`);
	assert.deepEqual(lost, [], 'no answer lost');
	assert.deepEqual(doubled, [], 'no answer emitted twice');
	assert.ok(!server.output().includes('sim-secret-not-real'));
});
