// End-to-end (issue 36): the example "tell the team what changed in a plan", activated in the real n8n with the
// Sandbox credential. A plan registered through the node is accepted after 2 minutes (the trigger fetches it:
// its first copy) and adjusted by the Sandbox 8 minutes after its Register; the trigger's event for that update
// carries both the list row's `changes` and the plan's `planChanges`, and the Set node's message lists them.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { N8N_LINE, NODE_TYPES, ROOT, activateArgs, freePort, n8nExecute, n8nSteps, ownerSession, recordNode, startCollector, startN8n, stopN8n, until, workflowOf } from './lib.mjs';

const EXAMPLE = JSON.parse(readFileSync(path.join(ROOT, 'examples', 'trigger-occto-plan-changes.json'), 'utf8'));
const home = mkdtempSync(path.join(tmpdir(), 'n8n-e2e-plan-changes-'));
const env = { ...process.env, N8N_USER_FOLDER: home };
const received = [];
let collector;
let server;

const PLAN_XML = `<?xml version="1.0" encoding="UTF-8"?>
<SBD-MSG><JPMGRP><JPMGH><JPC03>3A</JPC03><JPC11>3AS1</JPC11><JPC21>E2E0001</JPC21></JPMGH>
<JPTRM><JP00002>0001</JP00002><JP06110>S0001</JP06110><JP06111>試験電力株式会社</JP06111><JP06358>OCCTO</JP06358><JP06116>20261201</JP06116><PLAN_DIVISION>1</PLAN_DIVISION>
<OUTAGE_ITEM><FACILITY_NM>○○発電所1号機</FACILITY_NM><STR_DATE>20261201</STR_DATE><END_DATE>20261205</END_DATE></OUTAGE_ITEM></JPTRM></JPMGRP></SBD-MSG>`;

before(async () => {
	collector = await startCollector(received);
	env.N8N_RUNNERS_BROKER_PORT = String(await freePort());
	env.N8N_PORT = String(await freePort());
	// the example as shipped, polling every 2 minutes (720 calls a day, within a budget of 1000), recording its message
	const example = structuredClone(EXAMPLE);
	const trigger = example.nodes.find((n) => n.type === NODE_TYPES.occtoTrigger);
	trigger.parameters.pollTimes = { item: [{ mode: 'everyX', value: 2, unit: 'minutes' }] };
	trigger.parameters.dailyBudget = 1000;
	const record = { ...recordNode('e2ePlanChangesRecord', collector, `={{ JSON.stringify({ text: $json.text, event: $('${trigger.name}').item.json }) }}`), position: [720, -100] };
	example.nodes.push(record);
	example.connections['Message for the team'] = { main: [[{ node: 'Record', type: 'main', index: 0 }]] };
	const register = workflowOf('e2ePlanChangesReg', 'e2e: register a plan', {
		name: 'Register',
		type: NODE_TYPES.occto,
		parameters: { resource: 'outagePlan', operation: 'register', planSource: 'xml', planXml: PLAN_XML, encoding: 'Shift_JIS', options: {} },
		credentials: { occtoWebApi: { id: 'occtoSandbox', name: 'OCCTO Sandbox' } },
	});
	const folder = path.join(home, 'workflows');
	mkdirSync(folder);
	writeFileSync(path.join(folder, 'example.json'), JSON.stringify(example));
	writeFileSync(path.join(folder, 'register.json'), JSON.stringify(register));
	await n8nSteps(env, [
		['import:credentials', `--input=${path.join(ROOT, 'examples', 'credentials', 'sandbox.json')}`],
		['import:workflow', '--separate', `--input=${folder}`],
		activateArgs(EXAMPLE.id),
	]);
});

after(async () => {
	await stopN8n(server);
	collector?.close();
	rmSync(home, { recursive: true, force: true });
});

test(`n8n ${N8N_LINE}.x: an updated plan's event carries changes and planChanges, and the example's message lists them`, { timeout: 1_200_000 }, async () => {
	server = await startN8n(env, 150_000);
	const rest = await ownerSession(`http://127.0.0.1:${env.N8N_PORT}`);
	// activation polls once and remembers the sample plans
	await until(async () => (await rest('GET', '/rest/active-workflows')).json?.data?.length === 1, 60_000, 'the trigger to be active');
	const run = await n8nExecute({ ...env, N8N_RUNNERS_BROKER_PORT: String(await freePort()) }, 'e2ePlanChangesReg', { timeoutMs: 300_000 });
	assert.equal(run.run?.status, 'success', run.text.slice(-3000));
	const receipt = run.output('Register')[0].occtoReceptionNo;
	// accepted after 2 minutes (a new plan: no message), adjusted after 8; polls every 2 minutes
	await until(() => received.length > 0, 900_000, 'the message about the adjusted plan').catch((error) => {
		throw new Error(`${error.message}; n8n said:\n${server.output().slice(-3000)}`);
	});
	const [{ text, event }] = received;
	assert.equal(event.occtoReceptionNo, receipt);
	assert.equal(event.sandbox, true);
	assert.deepEqual(
		event.changes.map((c) => [c.field, c.key]),
		[['LAST_UPD_DAYTIME', 'lastUpdatedAt']],
	);
	assert.deepEqual(
		event.planChanges.map((c) => c.summary),
		['OUTAGE_ITEM[FACILITY_NM=○○発電所1号機]/END_DATE: 20261205 → 20261206'],
	);
	assert.equal(event.planChanges[0].path, 'SBD-MSG/JPMGRP/JPTRM/OUTAGE_ITEM[FACILITY_NM=○○発電所1号機]/END_DATE');
	assert.match(text, new RegExp(`^作業停止計画 ${receipt}（○○発電所1号機 20261201）が変更されました:\\n・OUTAGE_ITEM\\[FACILITY_NM=○○発電所1号機\\]/END_DATE: 20261205 → 20261206$`));
	assert.equal(received.length, 1, 'one message: the new plan went to the other branch');
});
