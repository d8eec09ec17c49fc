// End-to-end: a polling trigger activated in the real n8n server (2.41.1 or 1.123.x) fires and runs its workflow.
// The NTT Anpi Trigger watches for new rounds; its workflow closes each new round, which the simulator sees.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { simulatorCredentials } from '../scripts/n8n-credentials.mjs';
import { activateArgs, anpiGateway } from './lib.mjs';

const ROOT = path.resolve(import.meta.dirname, '..');
const { startAnpiSimulator } = createRequire(import.meta.url)(path.join(ROOT, 'dist/simulators/anpi/server.js'));
const home = mkdtempSync(path.join(tmpdir(), 'n8n-e2e-trigger-'));
const env = { ...process.env, N8N_USER_FOLDER: home };
let anpi;
let server;

const freePort = () =>
	new Promise((resolve) => {
		const probe = createServer().listen(0, '127.0.0.1', () => {
			const { port } = probe.address();
			probe.close(() => resolve(port));
		});
	});

function n8n(args, options = {}) {
	const child = spawn('bash', [path.join(ROOT, 'scripts/n8n.sh'), ...args], { env });
	let output = '';
	child.stdout.on('data', (chunk) => (output += chunk));
	child.stderr.on('data', (chunk) => (output += chunk));
	const done = new Promise((resolve) => child.on('close', (status) => resolve({ status, output })));
	return options.background ? { child, output: () => output, done } : done;
}

const until = async (check, ms, what) => {
	const end = Date.now() + ms;
	while (Date.now() < end) {
		if (await check()) return;
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	assert.fail(`timed out after ${ms / 1000} s waiting for ${what}`);
};

before(async () => {
	anpi = await startAnpiSimulator({ users: 20, asyncDelayMs: 200 });
	env.N8N_RUNNERS_BROKER_PORT = String(await freePort());
	env.N8N_PORT = String(await freePort());
	const credentials = path.join(home, 'credentials.json');
	writeFileSync(credentials, JSON.stringify(simulatorCredentials({}, anpi.url).filter((c) => c.type === 'nttComApi')));
	for (const args of [
		['import:credentials', `--input=${credentials}`],
		['import:workflow', '--separate', `--input=${path.join(ROOT, 'e2e', 'trigger-workflows')}`],
		activateArgs('e2eAnpiTrigger01'),
	]) {
		const result = await n8n(args);
		assert.equal(result.status, 0, `n8n ${args.join(' ')} failed:\n${result.output}`);
	}
});

after(async () => {
	server?.child.kill('SIGTERM');
	await server?.done;
	await anpi?.close();
	rmSync(home, { recursive: true, force: true });
});

test('an active NTT Anpi Trigger fires in the real n8n server and its workflow closes the new round', async () => {
	server = n8n(['start'], { background: true });
	await until(() => server.output().includes('Editor is now accessible'), 90_000, 'n8n to start');
	// activation runs a first poll that only remembers the rounds already there
	await until(() => anpi.requests.some((r) => r.path === '/v1/anpi/confirm/safety/'), 30_000, 'the trigger to be activated');
	const created = await anpiGateway(anpi, 'POST', '/v1/anpi/register/safety/', { title: 'e2e: 地震発生', text: '回答してください', strdate: '202611240900' });
	// the trigger polls every minute; its workflow completes the round it saw open
	await until(() => anpi.threads().find((t) => t.tid === created.tid)?.endflg === '1', 150_000, `round ${created.tid} to be closed by the workflow`);
	const completes = anpi.requests.filter((r) => r.method === 'PUT' && r.path === '/v1/anpi/register/safety/');
	assert.deepEqual(completes.map((r) => r.body.tid), [created.tid]); // fired once, for the new round only
	assert.ok(!server.output().includes('sim-secret-not-real'));
});
