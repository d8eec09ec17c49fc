// End-to-end: outside agents through n8n's MCP Server Trigger (v2, streamable HTTP at /mcp/<path>) on the n8n
// line of N8N_LINE. The example examples/mcp-server-readonly.json (the trigger with bearer auth and our eight
// read-only tools, parameters from $fromAI) is imported, activated and driven by the official MCP TypeScript
// client: the tools are listed with descriptions that say what each costs, each is called once against the
// simulators, a bad receipt number is refused with our validation message before any OCCTO call, and Japanese
// text comes through intact.
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import { onSimulators, simulatorCredentials } from '../scripts/n8n-credentials.mjs';
import { N8N_LINE, ROOT, activateArgs, anpiGateway, freePort, n8nSteps, occtoCredentialData, startN8n, stopN8n, until } from './lib.mjs';

const require = createRequire(import.meta.url);
const { startOcctoSimulator } = require(path.join(ROOT, 'dist/simulators/occto/server.js'));
const { startAnpiSimulator } = require(path.join(ROOT, 'dist/simulators/anpi/server.js'));
const { badPlanXml, occtoPost, p12Tls, validPlanXml } = require(path.join(ROOT, 'dist/test/occto-fixtures.js'));

const EXAMPLE = onSimulators(JSON.parse(readFileSync(path.join(ROOT, 'examples/mcp-server-readonly.json'), 'utf8')));
const TOKEN = 'e2e-mcp-bearer-token-not-secret';
const USER = 'U0000001';

const home = mkdtempSync(path.join(tmpdir(), 'n8n-e2e-mcp-'));
const env = { ...process.env, N8N_USER_FOLDER: home, N8N_COMMUNITY_PACKAGES_ALLOW_TOOL_USAGE: 'true' };
let occto;
let anpi;
let server;
let client;
let errorReceipt;
let roundTid;

const mcpPath = EXAMPLE.nodes.find((n) => n.type === '@n8n/n8n-nodes-langchain.mcpTrigger').parameters.path;
const toolName = (nodeName) => nodeName.replace(/[^a-zA-Z0-9_-]+/g, '_');
const occtoCalls = () => occto.getCallCount(USER);

/** One tool call: the text of its answer, parsed as JSON where it is JSON, and whether MCP marks it an error. */
async function call(nodeName, args = {}) {
	const result = await client.callTool({ name: toolName(nodeName), arguments: args });
	const text = result.content.map((part) => part.text ?? '').join('\n');
	let json;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	if (process.env.MCP_E2E_CALLS) appendFileSync(process.env.MCP_E2E_CALLS, `${JSON.stringify({ nodeName, args, result })}\n`);
	return { isError: result.isError === true, text, json };
}

before(async () => {
	env.N8N_RUNNERS_BROKER_PORT = String(await freePort());
	env.N8N_PORT = String(await freePort());
	occto = await startOcctoSimulator({ certDir: path.join(home, 'occto-certs'), seedPlans: 6, statusDelayMs: 100 });
	anpi = await startAnpiSimulator({ users: 20, asyncDelayMs: 100 });
	// a submission that ends in 提出エラー (the sender code is missing), for Get Error Details
	const login = { userid: USER, password: 'sim-password-1' };
	const registered = await occtoPost(occto.url, 'BA13B101', login, p12Tls(occto.certs, occto.certs.clientP12Base64), {
		file: { data: Buffer.from(badPlanXml()), fileName: 'plan.xml' },
	});
	assert.equal(registered.resultCode, '0000', registered.text);
	await until(() => occto.submissions().some((s) => s.status === '提出エラー'), 10_000, 'the bad plan to be checked');
	errorReceipt = occto.submissions()[0].receptionNo;
	// an open round with a Japanese title, for Get Many and Get Status
	roundTid = (await anpiGateway(anpi, 'POST', '/v1/anpi/register/safety/', { title: 'e2e: 地震発生（訓練）', text: '安否を回答してください', strdate: '202611240900' })).tid;

	const credentials = simulatorCredentials(occtoCredentialData(occto), anpi.url).filter((c) => c.id !== 'anpiBadSecret001');
	credentials.push({ id: 'mcpBearerToken01', name: 'MCP clients bearer token', type: 'httpBearerAuth', data: { token: TOKEN } });
	writeFileSync(path.join(home, 'credentials.json'), JSON.stringify(credentials));
	mkdirSync(path.join(home, 'workflows'));
	writeFileSync(path.join(home, 'workflows', 'mcp.json'), JSON.stringify(EXAMPLE));
	await n8nSteps(env, [
		['import:credentials', `--input=${path.join(home, 'credentials.json')}`],
		['import:workflow', '--separate', `--input=${path.join(home, 'workflows')}`],
		activateArgs(EXAMPLE.id),
	]);
	server = await startN8n(env, 150_000);
	const url = new URL(`http://127.0.0.1:${env.N8N_PORT}/mcp/${mcpPath}`);
	// the production webhook is registered with the active workflow; without the token it is refused
	let unauthenticated = 0;
	await until(
		async () => ![0, 404].includes((unauthenticated = (await fetch(url, { method: 'POST', body: '{}' }).catch(() => ({ status: 0 }))).status)),
		60_000,
		'the MCP endpoint',
	);
	assert.equal(unauthenticated, 403, 'a call without the bearer token is refused');
	client = new Client({ name: 'n8n-nodes-occto-anpi-e2e', version: '1.0.0' });
	await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers: { authorization: `Bearer ${TOKEN}` } } }));
});

after(async () => {
	await client?.close().catch(() => {});
	await stopN8n(server);
	await occto?.close();
	await anpi?.close();
	if (server && process.env.MCP_E2E_LOG) writeFileSync(process.env.MCP_E2E_LOG, server.output());
	rmSync(home, { recursive: true, force: true });
});

test(`n8n ${N8N_LINE}.x: the MCP client lists the eight read-only tools; each description says what it returns and costs`, async () => {
	const { tools } = await client.listTools();
	const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
	const toolNodes = EXAMPLE.nodes.filter((n) => n.type.startsWith('n8n-nodes-occto-anpi.'));
	assert.deepEqual(Object.keys(byName).sort(), toolNodes.map((n) => toolName(n.name)).sort());
	if (process.env.MCP_E2E_TOOLS) writeFileSync(process.env.MCP_E2E_TOOLS, JSON.stringify(tools, null, 2));
	const description = (nodeName) => byName[toolName(nodeName)].description;
	const spendsOne = /spends one of the 1000 OCCTO calls allowed per day .* the quota field reports the calls remaining/;
	for (const name of ['OCCTO list outage plans', 'OCCTO get outage plan', 'OCCTO list submissions', 'OCCTO get submission errors']) {
		assert.match(description(name), spendsOne, name);
		assert.match(description(name), / in OCCTO Outage Plan$/, name);
	}
	for (const name of ['OCCTO validate plan', 'OCCTO call quota']) assert.match(description(name), /spends no OCCTO call/, name);
	assert.match(description('OCCTO call quota'), /^Get the OCCTO call count for today — returns used and remaining/);
	assert.match(description('OCCTO get submission errors'), /提出エラー/, 'Japanese intact in a description');
	for (const name of ['NTT Anpi list rounds', 'NTT Anpi answer status']) {
		assert.match(description(name), /read only .* counts against the contracted calls/, name);
		assert.match(description(name), / in NTT Anpi$/, name);
	}
	for (const tool of tools) assert.doesNotMatch(tool.description, /\b(today|day) s\b/, `no lost apostrophe in ${tool.name}`);
	// the $fromAI parameters, as the agent sees them
	assert.deepEqual(Object.keys(byName[toolName('OCCTO get outage plan')].inputSchema.properties).sort(), ['occtoReceptionNo', 'planDivision']);
	assert.match(byName[toolName('OCCTO get outage plan')].inputSchema.properties.occtoReceptionNo.description, /10-digit/);
	assert.deepEqual(Object.keys(byName[toolName('NTT Anpi answer status')].inputSchema.properties).sort(), ['output', 'tid']);
});

test(`n8n ${N8N_LINE}.x: each OCCTO tool called once spends what its description says; results carry the quota and Japanese`, async () => {
	let before = occtoCalls();
	const quota = await call('OCCTO call quota');
	assert.equal(quota.isError, false, quota.text);
	assert.equal(occtoCalls(), before, 'Call Quota spends no call');
	const [quotaItem] = [quota.json].flat();
	assert.equal(quotaItem.limit, 1000);
	assert.equal(quotaItem.remaining, 1000 - quotaItem.used);

	before = occtoCalls();
	const list = await call('OCCTO list outage plans', { limit: 3 });
	assert.equal(list.isError, false, list.text);
	assert.equal(occtoCalls(), before + 1);
	const plans = [list.json].flat();
	assert.equal(plans.length, 3);
	assert.match(list.text, /発電所|変電所|連系線/, 'Japanese intact in the list');
	assert.equal(plans[0].quota.remaining, plans[0].quota.limit - plans[0].quota.used);

	before = occtoCalls();
	const plan = await call('OCCTO get outage plan', { planDivision: plans[0].planDivision, occtoReceptionNo: plans[0].occtoReceptionNo });
	assert.equal(plan.isError, false, plan.text);
	assert.equal(occtoCalls(), before + 1);
	const [planItem] = [plan.json].flat();
	assert.equal(planItem.occtoReceptionNo, plans[0].occtoReceptionNo);
	assert.match(JSON.stringify(planItem.plan), /発電所|変電所|連系線/, 'Japanese intact in the plan');
	assert.ok(planItem.quota.remaining < 1000);

	before = occtoCalls();
	const submissions = await call('OCCTO list submissions', { limit: 10 });
	assert.equal(submissions.isError, false, submissions.text);
	assert.equal(occtoCalls(), before + 1);
	assert.ok([submissions.json].flat().some((s) => s.occtoReceptionNo === errorReceipt), submissions.text);
	assert.match(submissions.text, /提出エラー/);

	before = occtoCalls();
	const errors = await call('OCCTO get submission errors', { occtoReceptionNo: errorReceipt });
	assert.equal(errors.isError, false, errors.text);
	assert.equal(occtoCalls(), before + 1);
	assert.match(errors.text, /必須項目\(JP06110\)が設定されていません/, 'the Japanese error message intact');

	before = occtoCalls();
	const valid = await call('OCCTO validate plan', { planXml: validPlanXml({ facility: '髙﨑変電所 1号変圧器' }) });
	assert.equal(valid.isError, false, valid.text);
	assert.equal(occtoCalls(), before, 'Validate spends no call');
	assert.equal([valid.json].flat()[0].valid, true, valid.text);
});

test(`n8n ${N8N_LINE}.x: a receipt number that is not 10 digits is refused with our message, before any OCCTO call`, async () => {
	const before = occtoCalls();
	const requests = occto.requests.length;
	const answer = await call('OCCTO get outage plan', { planDivision: '1', occtoReceptionNo: '12345' });
	assert.match(answer.text, /"OCCTO Receipt Number" must be 10 digits, got "12345"/);
	assert.equal(occtoCalls(), before, 'no call counted at the simulator');
	assert.equal(occto.requests.length, requests, 'no request reached the simulator');
	assert.equal(answer.isError, true, 'reported to the client as a failed tool call');
	assert.match(answer.text, /leading zeros included/, 'with the hint on how to fix it');
});

test(`n8n ${N8N_LINE}.x: the NTT Anpi tools list the rounds and the answer status, Japanese intact`, async () => {
	const rounds = await call('NTT Anpi list rounds', { limit: 5 });
	assert.equal(rounds.isError, false, rounds.text);
	const round = [rounds.json].flat().find((r) => r.tid === roundTid);
	assert.ok(round, rounds.text);
	assert.match(rounds.text, /地震発生（訓練）/);
	assert.ok(Number.isFinite(round.useCount) && round.contractCount !== undefined, 'the calls used against the contract, on each item');
	const status = await call('NTT Anpi answer status', { tid: roundTid, output: 'summary' });
	assert.equal(status.isError, false, status.text);
	const [summary] = [status.json].flat();
	assert.equal(summary.tid, roundTid);
	assert.equal(summary.people, 20);
	assert.equal(summary.title, 'e2e: 地震発生（訓練）');
	assert.ok(summary.byAnswerState, status.text);
	assert.ok(!server.output().includes('sim-secret-not-real'), 'no secret in the n8n output');
});
