// End-to-end on the n8n line under test (N8N_LINE of scripts/n8n.sh: 2.41.1, or 1.123.x): what n8n 1.123 and
// 2.x do differently under these nodes (issue 15, nodes/shared/n8nLine.ts). The NTT token is renewed once
// after a 401 and before it runs out; OCCTO's mutual TLS with a PEM certificate, an encrypted key and the CA
// reaches TLS (and without the CA the server certificate is reported as untrusted).
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { simulatorCredentials } from '../scripts/n8n-credentials.mjs';
import { N8N_LINE, NODE_TYPES, ROOT, freePort, n8nExecute, n8nSteps, sleep, workflowOf } from './lib.mjs';

const require = createRequire(import.meta.url);
const { startOcctoSimulator } = require(path.join(ROOT, 'dist/simulators/occto/server.js'));
const { startAnpiSimulator } = require(path.join(ROOT, 'dist/simulators/anpi/server.js'));

const home = mkdtempSync(path.join(tmpdir(), 'n8n-e2e-compat-'));
const env = { ...process.env, N8N_USER_FOLDER: home };
const secrets = ['sim-password-1', 'sim-secret-not-real'];
/** Tokens live 65 s and are renewed 60 s before they run out: after 5 s the node must not send it any more. */
const SHORT_TOKEN_SECONDS = 65;
let occto;
let anpi;
let shortLived;

const anpiList = (name, credentialId) => ({
	name,
	type: NODE_TYPES.anpi,
	parameters: { resource: 'safetyConfirmation', operation: 'getMany', returnAll: true, filters: {}, options: {} },
	credentials: { nttComApi: { id: credentialId, name: credentialId } },
});
const occtoList = (name, credentialId) => ({
	name,
	type: NODE_TYPES.occto,
	parameters: { resource: 'outagePlan', operation: 'getMany', returnAll: true, filters: {}, options: {} },
	credentials: { occtoWebApi: { id: credentialId, name: credentialId } },
});

async function execute(id) {
	const result = await n8nExecute(env, id, { secrets });
	// the signal, when one ended n8n, leads the text shown on failure
	const ended = result.signal ? `n8n ended by ${result.signal}\n` : '';
	return { status: result.status, run: result.run, output: result.output, text: `${ended}${result.text}` };
}

before(async () => {
	env.N8N_RUNNERS_BROKER_PORT = String(await freePort());
	occto = await startOcctoSimulator({ certDir: path.join(home, 'occto-certs'), seedPlans: 3 });
	anpi = await startAnpiSimulator({ users: 5 });
	shortLived = await startAnpiSimulator({ users: 5, tokenLifetimeSeconds: SHORT_TOKEN_SECONDS });
	const pem = {
		userId: 'U0000001',
		password: 'sim-password-1',
		bundleFormat: 'pem',
		certificatePem: occto.certs.clientCertPem,
		privateKeyPem: occto.certs.clientKeyEncryptedPem,
		privateKeyPassphrase: occto.certs.keyPassphrase,
		baseUrl: occto.url,
		ignoreTlsErrors: false,
		overridePaths: false,
	};
	secrets.push(occto.certs.keyPassphrase);
	const anpiCredential = (id, url) => ({ ...simulatorCredentials({}, url).find((c) => c.id === 'anpiSimulator001'), id, name: id });
	const credentials = [
		{ id: 'compatOcctoPemCa', name: 'compatOcctoPemCa', type: 'occtoWebApi', data: { ...pem, caPem: occto.certs.caPem } },
		{ id: 'compatOcctoPemNo', name: 'compatOcctoPemNo', type: 'occtoWebApi', data: pem },
		anpiCredential('compatAnpiPlain1', anpi.url),
		anpiCredential('compatAnpiShort1', shortLived.url),
	];
	const workflows = path.join(home, 'workflows');
	mkdirSync(workflows);
	const write = (workflow) => writeFileSync(path.join(workflows, `${workflow.id}.json`), JSON.stringify(workflow));
	write(workflowOf('compatOcctoPemCa', 'compat: OCCTO PEM + CA', occtoList('List plans', 'compatOcctoPemCa')));
	write(workflowOf('compatOcctoPemNo', 'compat: OCCTO PEM, no CA', occtoList('List plans', 'compatOcctoPemNo')));
	write(workflowOf('compatAnpiPlain1', 'compat: NTT Anpi list', anpiList('List rounds', 'compatAnpiPlain1')));
	write(workflowOf('compatAnpiShort1', 'compat: NTT Anpi list, short token', anpiList('List rounds', 'compatAnpiShort1')));
	const file = path.join(home, 'credentials.json');
	writeFileSync(file, JSON.stringify(credentials));
	await n8nSteps(env, [
		['import:credentials', `--input=${file}`],
		['import:workflow', '--separate', `--input=${workflows}`],
	]);
	console.log(`compat e2e on n8n line ${N8N_LINE}`);
});

after(async () => {
	await occto?.close();
	await anpi?.close();
	await shortLived?.close();
	rmSync(home, { recursive: true, force: true });
});

test('NTT Anpi: a token the gateway refuses (401) is renewed once and the call repeated', async () => {
	const first = await execute('compatAnpiPlain1');
	assert.equal(first.status, 0, `${first.text.slice(0, 60)}\n${first.text.slice(-3000)}`);
	assert.equal(anpi.tokenCalls, 1);
	anpi.expireAllTokens();
	const seen = anpi.requests.length;
	const second = await execute('compatAnpiPlain1');
	assert.equal(second.status, 0, second.text.slice(-3000));
	assert.equal(second.run.status, 'success');
	assert.equal(anpi.tokenCalls, 2, 'exactly one renewal');
	const calls = anpi.requests.slice(seen).filter((r) => r.path === '/v1/anpi/confirm/safety/');
	assert.deepEqual(calls.map((r) => r.authorization), ['invalid', 'valid']);
});

test('NTT Anpi: a token about to run out is not sent; it is renewed and the call succeeds', async () => {
	const first = await execute('compatAnpiShort1');
	assert.equal(first.status, 0, `${first.text.slice(0, 60)}\n${first.text.slice(-3000)}`);
	assert.equal(shortLived.tokenCalls, 1);
	const seen = shortLived.requests.length;
	await sleep(6000); // now inside the 60 s renewal margin
	const second = await execute('compatAnpiShort1');
	assert.equal(second.status, 0, second.text.slice(-3000));
	assert.equal(shortLived.tokenCalls, 2);
	const calls = shortLived.requests.slice(seen).filter((r) => r.path === '/v1/anpi/confirm/safety/');
	assert.deepEqual(calls.map((r) => r.authorization), ['missing', 'valid']);
});

test('OCCTO: mutual TLS with a PEM certificate, an encrypted key and the CA lists the plans', async () => {
	const before = occto.requests.length;
	const { status, run, output, text } = await execute('compatOcctoPemCa');
	assert.equal(status, 0, text.slice(-3000));
	assert.equal(run.status, 'success');
	const plans = output('List plans');
	assert.equal(plans.length, 3);
	assert.match(plans[0].certificate.subject, /CN=U0000001/);
	assert.equal(occto.requests.length - before, 1);
});

test('OCCTO: without the CA the server certificate is reported as untrusted (so the CA above did reach TLS)', async () => {
	const { status, text } = await execute('compatOcctoPemNo');
	assert.notEqual(status, 0);
	assert.match(text, /Could not verify OCCTO's server certificate/);
});
