// End-to-end in the real n8n 2.41.1: the OCCTO examples against the simulator's second wire profile ("alt":
// other row names, another path prefix, capitalised result-code header, wrapped Base64, data-descriptor
// ZIPs), configured only through the credential; and the credential's Test button through n8n's REST API,
// telling a wrong password, a wrong passphrase and a good credential apart.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { ROOT, freePort, importIntoN8n, n8nExecute, occtoCredentialData, ownerSession, startN8n, stopN8n, until } from './lib.mjs';

const require = createRequire(import.meta.url);
const { startOcctoSimulator } = require(path.join(ROOT, 'dist/simulators/occto/server.js'));
const { profileCredentialFields } = require(path.join(ROOT, 'dist/simulators/occto/profiles.js'));

const home = mkdtempSync(path.join(tmpdir(), 'n8n-e2e-wire-'));
const env = { ...process.env, N8N_USER_FOLDER: home };
const secrets = ['sim-password-1', 'sim p12 passphrase'];
let standard;
let alt;
let server;

const credentialData = (sim, overrides = {}) => occtoCredentialData(sim, { ...profileCredentialFields(sim.profile), ...overrides });

/** An example workflow re-pointed at another credential, under a new id. */
function exampleFor(file, id, credentialId) {
	const workflow = JSON.parse(readFileSync(path.join(ROOT, 'examples', file), 'utf8'));
	workflow.id = id;
	workflow.name = `${workflow.name} (alt wire profile)`;
	for (const node of workflow.nodes) if (node.credentials?.occtoWebApi) node.credentials.occtoWebApi = { id: credentialId, name: 'OCCTO alt' };
	return workflow;
}

async function execute(id) {
	return await n8nExecute(env, id, { secrets });
}

before(async () => {
	env.N8N_RUNNERS_BROKER_PORT = String(await freePort());
	env.N8N_PORT = String(await freePort());
	const certDir = path.join(home, 'occto-certs');
	standard = await startOcctoSimulator({ certDir, seedPlans: 6, statusDelayMs: 500 });
	alt = await startOcctoSimulator({ certDir, seedPlans: 12, statusDelayMs: 1000, profile: 'alt' });
	const credentials = [
		{ id: 'occtoStandard001', name: 'OCCTO standard', type: 'occtoWebApi', data: credentialData(standard) },
		{ id: 'occtoSimulatorAlt', name: 'OCCTO alt', type: 'occtoWebApi', data: credentialData(alt) },
	];
	const workflows = [
		exampleFor('occto-daily-plan-sync.json', 'altOcctoDailySync', 'occtoSimulatorAlt'),
		exampleFor('occto-submit-and-follow.json', 'altOcctoSubmitFollow', 'occtoSimulatorAlt'),
	];
	await importIntoN8n(env, home, { credentials, workflows });
});

after(async () => {
	await stopN8n(server);
	await standard?.close();
	await alt?.close();
	rmSync(home, { recursive: true, force: true });
});

test('alt wire profile: the daily sync example lists and fetches every plan', async () => {
	const { status, run, output, text } = await execute('altOcctoDailySync');
	assert.equal(status, 0, text.slice(-3000));
	assert.equal(run.status, 'success');
	const rows = output('Flatten rows');
	assert.equal(rows.length, 12);
	for (const row of rows) assert.match(row.occtoReceptionNo, /^\d{10}$/);
	assert.ok(alt.requests.every((r) => r.apiId), 'every request reached an alt-profile path');
});

test('alt wire profile: submit and follow registers through the other file part and reads the error details', async () => {
	const { status, output, text } = await execute('altOcctoSubmitFollow');
	assert.equal(status, 0, text.slice(-3000));
	const registered = output('Register plan');
	assert.equal(registered.length, 2);
	assert.deepEqual(registered.map((r) => r.rowElement), ['TRK_KKA', 'TRK_KKA']);
	const errors = output('Get error details');
	assert.equal(errors.length, 1);
	assert.equal(errors[0].errorElement, 'JP06116');
	assert.equal(errors[0].rowElement, 'JSN_KKN_MSG');
});

test('credential Test in the real server: OK, wrong password, wrong passphrase, each told apart; calls counted', async () => {
	server = await startN8n(env);
	const rest = await ownerSession(`http://127.0.0.1:${env.N8N_PORT}`);
	const check = async (id, sim, overrides) => {
		const before = sim.getCallCount('U0000001');
		const answer = await rest('POST', '/rest/credentials/test', { credentials: { id, name: 'test', type: 'occtoWebApi', data: credentialData(sim, overrides) } });
		assert.equal(answer.status, 200, answer.text);
		for (const secret of secrets) assert.ok(!answer.text.includes(secret), 'a secret appeared in the test answer');
		return { ...answer.json.data, calls: sim.getCallCount('U0000001') - before };
	};
	for (const [id, sim] of [['occtoStandard001', standard], ['occtoSimulatorAlt', alt]]) {
		const ok = await check(id, sim, {});
		assert.equal(ok.status, 'OK', ok.message);
		assert.match(ok.message, /certificate and user ID\/password accepted.*spent one of today's 1000 OCCTO calls/);
		assert.equal(ok.calls, 1);
		const wrongPassword = await check(id, sim, { password: 'not-the-password' });
		assert.equal(wrongPassword.status, 'Error');
		assert.match(wrongPassword.message, /User ID or password refused \(result code 1001/);
		assert.equal(wrongPassword.calls, 1);
		const wrongPassphrase = await check(id, sim, { pfxPassphrase: 'not the passphrase' });
		assert.equal(wrongPassphrase.status, 'Error');
		assert.match(wrongPassphrase.message, /passphrase/i);
		assert.equal(wrongPassphrase.calls, 0, 'a wrong passphrase is found locally and spends no call');
	}
	const otherCertificate = await check('occtoStandard001', standard, { userId: 'U0000002', password: 'sim-password-2' });
	assert.equal(otherCertificate.status, 'Error');
	assert.match(otherCertificate.message, /Certificate refused for this user ID/);
});
