// End-to-end on the n8n line of N8N_LINE: no guess about the plan layout blocks a plan, only the specification
// does; and once OCCTO answered Register with a success code, no failure reads as "try again".
//  - a plan whose header carries the business protocol elsewhere than the node assumes registers with the
//    defaults: one call, `warnings` on the item;
//  - a plan with a character Shift_JIS lacks is refused before sending: no call;
//  - a success-coded receipt the node cannot read: one call, "may have been registered".
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { NODE_TYPES, ROOT, freePort, n8nExecute, n8nSteps, occtoCredentialData, workflowOf } from './lib.mjs';

const require = createRequire(import.meta.url);
const { startOcctoSimulator } = require(path.join(ROOT, 'dist/simulators/occto/server.js'));
const { validPlanXml } = require(path.join(ROOT, 'dist/test/occto-fixtures.js'));

const home = mkdtempSync(path.join(tmpdir(), 'n8n-e2e-register-'));
const env = { ...process.env, N8N_USER_FOLDER: home };
const secrets = ['sim-password-1', 'sim p12 passphrase'];
const USER = 'U0000001';
let sim;

const standardHeader = '<JPMGH><JPC03>3A</JPC03><JPC11>3AS1</JPC11>';
const foreignHeader = '<JPMGH><JPC03>ES</JPC03><JPC05>3A</JPC05><JPC11>S1</JPC11>';
const PLANS = {
	foreignHeader: validPlanXml().replace(standardHeader, foreignHeader),
	notShiftJis: validPlanXml({ facility: '𠮷野家発電所' }),
	plain: validPlanXml(),
};

const register = (id, plan) =>
	workflowOf(id, id, {
		name: 'Register',
		type: NODE_TYPES.occto,
		parameters: { resource: 'outagePlan', operation: 'register', planSource: 'xml', planXml: plan },
		credentials: { occtoWebApi: { id: 'occtoRegisterE2e', name: 'OCCTO' } },
	});

async function execute(id) {
	const callsBefore = sim.getCallCount(USER);
	const { status, text, run, output } = await n8nExecute(env, id, { secrets });
	const error = run?.data.resultData.error ?? run?.data.resultData.runData.Register?.[0]?.error;
	return { status, text, run, output, error, calls: sim.getCallCount(USER) - callsBefore };
}

before(async () => {
	env.N8N_RUNNERS_BROKER_PORT = String(await freePort());
	sim = await startOcctoSimulator({ certDir: path.join(home, 'occto-certs'), statusDelayMs: 500 });
	writeFileSync(
		path.join(home, 'credentials.json'),
		JSON.stringify([{ id: 'occtoRegisterE2e', name: 'OCCTO', type: 'occtoWebApi', data: occtoCredentialData(sim) }]),
	);
	const workflows = path.join(home, 'workflows');
	mkdirSync(workflows);
	for (const [id, plan] of Object.entries(PLANS)) writeFileSync(path.join(workflows, `${id}.json`), JSON.stringify(register(id, plan)));
	await n8nSteps(env, [
		['import:credentials', `--input=${path.join(home, 'credentials.json')}`],
		['import:workflow', '--separate', `--input=${workflows}`],
	]);
});

after(async () => {
	await sim?.close();
	rmSync(home, { recursive: true, force: true });
});

test('a plan with a foreign header layout registers with the defaults: one call, warnings on the item', async () => {
	const r = await execute('foreignHeader');
	assert.equal(r.run?.status ?? (r.error ? 'error' : 'success'), 'success', r.text.slice(-3000));
	const [receipt] = r.output('Register');
	assert.match(receipt.occtoReceptionNo, /^\d{10}$/);
	assert.equal(receipt.validated, true);
	assert.deepEqual(
		receipt.warnings.map((w) => [w.path.split('/').pop(), w.severity, w.basis, w.assumption]),
		[
			['JPC03', 'warning', 'assumption', 9],
			['JPC11', 'warning', 'assumption', 9],
		],
	);
	assert.equal(r.calls, 1);
});

test('a plan with a character Shift_JIS lacks is refused before sending: no call', async () => {
	const r = await execute('notShiftJis');
	assert.ok(r.error, r.text.slice(-3000));
	assert.match(r.error.message, /^The plan XML cannot be sent: the character "𠮷" .*cannot be written in Shift_JIS/);
	assert.match(r.error.description, /\[shift-jis, error: specification\]/);
	assert.equal(r.calls, 0);
});

test('a success code with a receipt that cannot be read: one call, "may have been registered"', async () => {
	sim.setAnswerOverride('BA13B101', '%%% not a receipt %%%');
	try {
		const r = await execute('plain');
		assert.ok(r.error, r.text.slice(-3000));
		assert.match(r.error.message, /with the success code 0000, but its receipt cannot be read: the plan may have been registered$/);
		assert.match(r.error.description, /check whether it is listed before registering it again/);
		assert.doesNotMatch(`${r.error.message} ${r.error.description}`, /try again/i);
		assert.equal(r.calls, 1);
	} finally {
		sim.setAnswerOverride('BA13B101', undefined);
	}
});
