// End-to-end: a polling trigger activated in the real n8n server (2.41.1 or 1.123.x) fires and runs its workflow.
// The NTT Anpi Trigger watches for new rounds; its workflow closes each new round, which the simulator sees.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { ROOT, activateArgs, anpiCredentials, anpiGateway, freePort, n8nSteps, startN8n, stopN8n, until } from './lib.mjs';

const { startAnpiSimulator } = createRequire(import.meta.url)(path.join(ROOT, 'dist/simulators/anpi/server.js'));
const home = mkdtempSync(path.join(tmpdir(), 'n8n-e2e-trigger-'));
const env = { ...process.env, N8N_USER_FOLDER: home };
let anpi;
let server;

before(async () => {
	anpi = await startAnpiSimulator({ users: 20, asyncDelayMs: 200 });
	env.N8N_RUNNERS_BROKER_PORT = String(await freePort());
	env.N8N_PORT = String(await freePort());
	const credentials = path.join(home, 'credentials.json');
	writeFileSync(credentials, JSON.stringify(anpiCredentials(anpi.url)));
	await n8nSteps(env, [
		['import:credentials', `--input=${credentials}`],
		['import:workflow', '--separate', `--input=${path.join(ROOT, 'e2e', 'trigger-workflows')}`],
		activateArgs('e2eAnpiTrigger01'),
	]);
});

after(async () => {
	await stopN8n(server);
	await anpi?.close();
	rmSync(home, { recursive: true, force: true });
});

test('an active NTT Anpi Trigger fires in the real n8n server and its workflow closes the new round', async () => {
	server = await startN8n(env, 90_000);
	// activation runs a first poll that only remembers the rounds already there
	await until(() => anpi.requests.some((r) => r.path === '/v1/anpi/confirm/safety/'), 30_000, 'the trigger to be activated');
	const created = await anpiGateway(anpi, 'POST', '/v1/anpi/register/safety/', { title: 'e2e: 地震発生', text: '回答してください', strdate: '202611240900' });
	// the trigger polls every minute; its workflow completes the round it saw open
	await until(() => anpi.threads().find((t) => t.tid === created.tid)?.endflg === '1', 150_000, `round ${created.tid} to be closed by the workflow`);
	const completes = anpi.requests.filter((r) => r.method === 'PUT' && r.path === '/v1/anpi/register/safety/');
	assert.deepEqual(completes.map((r) => r.body.tid), [created.tid]); // fired once, for the new round only
	assert.ok(!server.output().includes('sim-secret-not-real'));
});
