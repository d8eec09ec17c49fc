// End-to-end in the real n8n 2.41.1, regular mode: two `n8n execute` processes started at the same moment
// with the same OCCTO user ID count their calls in the file store under the n8n user folder, exactly.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { simulatorCredentials } from '../scripts/n8n-credentials.mjs';
import { ROOT, freePort, n8nCli, n8nSteps, occtoCredentialData, parseRun } from './lib.mjs';

const require = createRequire(import.meta.url);
const { startOcctoSimulator } = require(path.join(ROOT, 'dist/simulators/occto/server.js'));
const home = mkdtempSync(path.join(tmpdir(), 'n8n-e2e-ledger-'));
const CALLS_PER_RUN = 12;
let occto;

/** Manual trigger → Code (12 items) → OCCTO Outage Plan → Get Many (Limit 1) once per item: 12 calls per run. */
const workflow = (id) => ({
	id,
	name: `e2e: ${CALLS_PER_RUN} OCCTO calls (${id})`,
	active: false,
	nodes: [
		{ id: `${id}-1`, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		{
			id: `${id}-2`,
			name: 'Items',
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			position: [200, 0],
			parameters: { jsCode: `return Array.from({ length: ${CALLS_PER_RUN} }, (_, i) => ({ json: { i } }));` },
		},
		{
			id: `${id}-3`,
			name: 'Plans',
			type: 'n8n-nodes-occto-anpi.occtoOutagePlan',
			typeVersion: 1,
			position: [400, 0],
			parameters: { resource: 'outagePlan', operation: 'getMany', returnAll: false, limit: 1, filters: {}, options: {} },
			credentials: { occtoWebApi: { id: 'occtoSimulator01', name: 'OCCTO simulator' } },
		},
	],
	connections: {
		Start: { main: [[{ node: 'Items', type: 'main', index: 0 }]] },
		Items: { main: [[{ node: 'Plans', type: 'main', index: 0 }]] },
	},
	settings: { executionOrder: 'v1' },
});

before(async () => {
	occto = await startOcctoSimulator({ certDir: path.join(home, 'occto-certs'), seedPlans: 2 });
	const credential = occtoCredentialData(occto);
	writeFileSync(path.join(home, 'credentials.json'), JSON.stringify(simulatorCredentials(credential, 'http://127.0.0.1:1').filter((c) => c.type === 'occtoWebApi')));
	mkdirSync(path.join(home, 'workflows'));
	for (const id of ['e2eLedgerRunA', 'e2eLedgerRunB']) writeFileSync(path.join(home, 'workflows', `${id}.json`), JSON.stringify(workflow(id)));
	const env = { ...process.env, N8N_USER_FOLDER: home, N8N_RUNNERS_BROKER_PORT: String(await freePort()) };
	await n8nSteps(env, [['import:credentials', `--input=${path.join(home, 'credentials.json')}`], ['import:workflow', '--separate', `--input=${path.join(home, 'workflows')}`]]);
});

after(async () => {
	await occto?.close();
	rmSync(home, { recursive: true, force: true });
});

test('two n8n processes at once with the same user ID: the file ledger counts every call of both, exactly', async () => {
	const runs = await Promise.all(
		['e2eLedgerRunA', 'e2eLedgerRunB'].map(async (id) => {
			const env = { ...process.env, N8N_USER_FOLDER: home, N8N_RUNNERS_BROKER_PORT: String(await freePort()) };
			const result = await n8nCli(env, ['execute', `--id=${id}`, '--rawOutput']);
			return { ...parseRun(result.stdout), status: result.status, output: result.output };
		}),
	);
	for (const run of runs) assert.equal(run.status, 0, run.output.slice(-2000));
	for (const run of runs) assert.ok(run.run, `no run JSON in the output: ${run.output.slice(0, 1500)}`);
	assert.equal(occto.getCallCount('U0000001'), 2 * CALLS_PER_RUN);
	const ledgerDir = path.join(home, '.n8n', 'occto-ledger');
	const ledgerFile = readdirSync(ledgerDir).find((name) => name.endsWith('.json'));
	assert.ok(ledgerFile, `a ledger file in ${ledgerDir}`);
	assert.match(readFileSync(path.join(ledgerDir, ledgerFile), 'utf8'), new RegExp(`"U0000001"[^}]*${2 * CALLS_PER_RUN}`));
	// each item says which store counted it; the highest count any item saw is the total
	const counts = runs.flatMap((run) => (run.run ? run.run.data.resultData.runData.Plans[0].data.main[0].map((item) => item.json.quota) : []));
	assert.ok(counts.every((quota) => quota.store === 'file'));
	assert.equal(counts.length, 2 * CALLS_PER_RUN);
	assert.equal(Math.max(...counts.map((quota) => quota.used)), 2 * CALLS_PER_RUN); // the last read saw every call of both
});
