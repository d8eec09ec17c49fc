#!/usr/bin/env node
// `npm run screenshots`: what a person sees in the n8n editor, as PNGs under docs/screenshots/.
// Logs in, opens each example workflow on the canvas, runs it from the editor when it has a manual trigger (or is
// one of our polling triggers, which fetch a test event) and shoots each of our nodes' panels with its input and
// output. Then, in two temporary workflows created through n8n's REST API (deleted again at the end): Outage Plan →
// Validate on a plan with one warning and Call Quota → Get (occto-validate-*.png, occto-call-quota-get.png), and the
// OCCTO trigger's Polling Mode (occto-trigger-polling-mode.png); last the OCCTO WebAPI credential with its Advanced
// Settings on (occto-credential-advanced-settings.png, closed without saving), and the two Sandbox credentials
// (sandbox-credential-*.png). Every PNG is written anew; those
// no longer produced are removed. Uses n8n on http://127.0.0.1:5678 if one is running (npm start), otherwise starts
// `npm start` itself and stops it afterwards.
// Needs Chromium and a Japanese font (Debian: `apt-get install -y chromium fonts-noto-cjk`; without the font the
// Japanese text shows as boxes) and playwright-core (a devDependency). Not part of CI. Took 11 minutes on a busy
// 2-core machine (37 PNGs).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

import { chromium } from 'playwright-core';

import { SANDBOX_CREDENTIALS, onSimulators } from './n8n-credentials.mjs';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, 'docs', 'screenshots');
const BASE = `http://127.0.0.1:${process.env.N8N_PORT ?? '5678'}`;
const EMAIL = process.env.N8N_OWNER_EMAIL ?? 'owner@example.com';
const PASSWORD = process.env.N8N_OWNER_PASSWORD ?? 'LocalOnly-Passw0rd';
const CHROMIUM = process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const PACKAGE = 'n8n-nodes-occto-anpi.';
// README order, then the triggers; any other example follows (so the file names of these stay put)
const ORDER = [
	'occto-daily-plan-sync.json',
	'occto-submit-and-follow.json',
	'anpi-drill-round.json',
	'trigger-anpi-new-answers.json',
	'trigger-occto-submission-errors.json',
];
const rank = (file) => (ORDER.includes(file) ? ORDER.indexOf(file) : ORDER.length);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const slug = (text) => text.normalize('NFKC').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase() || 'node';

async function up() {
	try {
		return (await fetch(`${BASE}/healthz`)).ok;
	} catch {
		return false;
	}
}

/** Starts `npm start` unless n8n already answers; resolves with a stop function. */
async function ensureN8n() {
	if (await up()) {
		console.log(`Using the n8n already running on ${BASE}`);
		return async () => {};
	}
	console.log('Starting n8n with `npm start` (stopped again at the end)...');
	const child = spawn('bash', [path.join(ROOT, 'scripts', 'start.sh')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
	let log = '';
	child.stdout.on('data', (chunk) => {
		log += chunk;
		process.stdout.write(chunk);
	});
	const started = Date.now();
	while (!/n8n is ready/.test(log)) {
		if (child.exitCode !== null) throw new Error('npm start stopped before n8n was ready');
		if (Date.now() - started > 15 * 60_000) throw new Error('n8n was not ready after 15 minutes');
		await sleep(500);
	}
	return async () => {
		process.kill(-child.pid, 'SIGINT');
		for (let i = 0; i < 40 && child.exitCode === null; i++) await sleep(250);
		if (child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
	};
}

/** Saves the page, or only `target` (a locator) when given. */
async function shot(page, name, target = page) {
	const file = path.join(OUT, `${name}.png`);
	await page.mouse.move(800, 8); // no hover tooltip in the picture
	await sleep(300);
	await target.screenshot({ path: file });
	console.log(`  saved docs/screenshots/${name}.png`);
}

async function openCanvas(page, id) {
	await page.goto(`${BASE}/workflow/${id}`);
	await page.waitForSelector('[data-test-id="canvas-node"]', { timeout: 60_000 });
	await sleep(1500); // let the canvas fit the view and the icons load
}

async function closePanel(page) {
	await page.keyboard.press('Escape');
	await page.waitForSelector('[data-test-id="ndv"]', { state: 'hidden', timeout: 10_000 }).catch(() => {});
	await sleep(300);
}

async function openPanel(page, nodeName) {
	await page.locator(`[data-test-id="canvas-node"][data-node-name="${nodeName}"]`).dblclick();
	await page.waitForSelector('[data-test-id="ndv"]', { timeout: 15_000 });
	await sleep(1000);
}

async function closeToasts(page) {
	for (const close of await page.locator('.el-notification__closeBtn').all()) await close.click().catch(() => {});
	await sleep(300);
}

/**
 * Whether "Execute workflow" can run it without waiting for the outside world: it has a manual trigger, or one of
 * our triggers (polling: a test run fetches a sample at once). A workflow started only by a webhook-like trigger
 * (the MCP Server Trigger of examples/mcp-server-readonly.json) would wait for a call that never comes.
 */
const runnable = (workflow) =>
	workflow.nodes.some((n) => n.type === 'n8n-nodes-base.manualTrigger' || (n.type.startsWith(PACKAGE) && /Trigger$/.test(n.type)));

/** Clicks "Execute workflow" (from the manual trigger when there are several) and waits for the outcome. */
async function runInEditor(page, workflow) {
	const manual = workflow.nodes.find((n) => n.type === 'n8n-nodes-base.manualTrigger');
	const triggers = workflow.nodes.filter((n) => /trigger/i.test(n.type));
	const button = page.locator('[data-test-id="execute-workflow-button"]').first();
	if (!(await button.count())) return 'not run';
	if (manual && triggers.length > 1) {
		// the split button's menu picks the trigger to run from
		const chevron = page.locator('[data-test-id="execute-workflow-button"] + * button, [data-test-id="execute-workflow-button-trigger"]').first();
		if (await chevron.count()) {
			await chevron.click().catch(() => {});
			const item = page.getByRole('menuitem', { name: manual.name }).first();
			if (await item.count()) await item.click();
			else await page.keyboard.press('Escape');
			await sleep(300);
		}
	}
	await button.click();
	const success = page.getByText('Workflow executed successfully').first();
	const problem = page.getByText(/Problem in node|Workflow execution had an error|Workflow could not be started/).first();
	const outcome = await Promise.race([
		success.waitFor({ timeout: 120_000 }).then(() => 'success'),
		problem.waitFor({ timeout: 120_000 }).then(() => 'error'),
	]).catch(() => 'no result within 2 minutes');
	await sleep(1200);
	await closeToasts(page); // so the toast does not cover the panels
	return outcome;
}

// ---- captures of what the examples do not show, in temporary workflows ----

const TEMPORARY = 'Screenshots (temporary): ';

/** A plan with exactly one problem: the target date written 2026-12-01 instead of YYYYMMDD (a warning, ASSUMPTION 10). */
const PLAN_WITH_ONE_WARNING = `<?xml version="1.0" encoding="UTF-8"?>
<SBD-MSG><JPMGRP>
  <JPMGH><JPC03>3A</JPC03><JPC11>3AS1</JPC11></JPMGH>
  <JPTRM>
    <JP00002>0001</JP00002>
    <JP06110>S0001</JP06110>
    <JP06111>試験電力株式会社</JP06111>
    <JP06358>OCCTO</JP06358>
    <JP06116>2026-12-01</JP06116>
    <PLAN_DIVISION>1</PLAN_DIVISION>
    <OUTAGE_ITEM>
      <FACILITY_NM>○○発電所1号機</FACILITY_NM>
      <STR_DATE>20261201</STR_DATE>
      <END_DATE>20261205</END_DATE>
    </OUTAGE_ITEM>
  </JPTRM>
</JPMGRP></SBD-MSG>`;

function featureWorkflows(occtoCredential) {
	const credentials = { occtoWebApi: occtoCredential };
	const node = (name, type, typeVersion, x, parameters, withCredential = false) => ({
		id: `5c4ee000-0000-4000-8000-${String(x / 10 + 1).padStart(12, '0')}`,
		name,
		type,
		typeVersion,
		position: [x, 0],
		parameters,
		...(withCredential ? { credentials } : {}),
	});
	const main = (to) => ({ main: [[{ node: to, type: 'main', index: 0 }]] });
	return {
		validate: {
			name: `${TEMPORARY}Validate and Call Quota`,
			nodes: [
				node('Test run', 'n8n-nodes-base.manualTrigger', 1, 0, {}),
				node('Validate plan', `${PACKAGE}occtoOutagePlan`, 1, 240, {
					resource: 'outagePlan',
					operation: 'validate',
					planSource: 'xml',
					planXml: PLAN_WITH_ONE_WARNING,
					options: {},
				}),
				node('Call quota', `${PACKAGE}occtoOutagePlan`, 1, 480, { resource: 'callQuota', operation: 'get' }, true),
			],
			connections: { 'Test run': main('Validate plan'), 'Validate plan': main('Call quota') },
		},
		trigger: {
			name: `${TEMPORARY}OCCTO trigger, adaptive polling`,
			nodes: [
				node('Submission status changed', `${PACKAGE}occtoOutagePlanTrigger`, 2, 0, {
					pollTimes: { item: [{ mode: 'everyX', value: 5, unit: 'minutes' }] },
					event: 'submissionStatusChanged',
					pollingMode: 'adaptive',
					quietIntervalMinutes: 60,
					dailyBudget: 500,
					options: {},
				}, true),
			],
			connections: {},
		},
	};
}

async function createWorkflow(page, workflow) {
	const response = await page.request.post(`${BASE}/rest/workflows`, { data: { ...workflow, active: false, settings: { executionOrder: 'v1' } } });
	if (!response.ok()) throw new Error(`creating the workflow "${workflow.name}" failed: HTTP ${response.status()} ${await response.text()}`);
	return (await response.json()).data.id;
}

/** n8n 2.x deletes only archived workflows. */
async function deleteWorkflow(page, id) {
	await page.request.post(`${BASE}/rest/workflows/${id}/archive`, { data: {} }).catch(() => {});
	await page.request.delete(`${BASE}/rest/workflows/${id}`).catch(() => {});
}

/** Temporary workflows a run that was stopped halfway left behind. */
async function deleteLeftovers(page) {
	const response = await page.request.get(`${BASE}/rest/workflows`).catch(() => undefined);
	if (!response?.ok()) return;
	for (const { id, name } of (await response.json()).data ?? []) if (name.startsWith(TEMPORARY)) await deleteWorkflow(page, id);
}

async function captureFeatures(page, occtoCredential) {
	const workflows = featureWorkflows(occtoCredential);
	const created = [];
	try {
		// the trigger panel: Polling Mode (Adaptive), Quiet Interval, Daily Call Budget, with a test event
		console.log('OCCTO trigger, Polling Mode');
		created.push(await createWorkflow(page, workflows.trigger));
		await openCanvas(page, created.at(-1));
		await openPanel(page, 'Submission status changed');
		await page.locator('[data-test-id="ndv"]').getByRole('button', { name: /Fetch Test Event/i }).first().click();
		await page.locator('[data-test-id="output-panel"]').getByText(/\d+ items?/).first().waitFor({ timeout: 60_000 }).catch(() => console.log('  no test event within a minute'));
		await sleep(1000);
		await closeToasts(page);
		// Poll Times would push Daily Call Budget out of the picture: start at Event
		await page.locator('[data-test-id="ndv"]').getByText('Event', { exact: true }).first().evaluate((e) => e.scrollIntoView({ block: 'start' }));
		await shot(page, 'occto-trigger-polling-mode');
		await closePanel(page);

		// Validate with one warning, then Call Quota → Get, run from the editor
		console.log('OCCTO Outage Plan → Validate, Call Quota → Get');
		created.push(await createWorkflow(page, workflows.validate));
		await openCanvas(page, created.at(-1));
		console.log(`  run from the editor: ${await runInEditor(page, workflows.validate)}`);
		await openPanel(page, 'Validate plan');
		await shot(page, 'occto-validate-panel');
		await closePanel(page);
		await openPanel(page, 'Call quota');
		await shot(page, 'occto-call-quota-get');
		await closePanel(page);
		// the output as JSON, the panel dragged left so each problem's fields (severity, basis, fix) fit on a line
		await openPanel(page, 'Validate plan');
		await page.locator('[data-test-id="output-panel"] [data-test-id="radio-button-json"]').click();
		const handle = await page.locator('[data-test-id="panel-drag-button"]').boundingBox();
		if (handle) {
			const y = handle.y + handle.height / 2;
			await page.mouse.move(handle.x + handle.width / 2, y);
			await page.mouse.down();
			await page.mouse.move(handle.x - 450, y, { steps: 20 });
			await page.mouse.up();
			await sleep(800);
		}
		await shot(page, 'occto-validate-output');
		await closePanel(page);
	} finally {
		for (const id of created) await deleteWorkflow(page, id);
	}

	// the credential with Advanced Settings on; the dialog's height is raised so all of its settings fit one picture
	console.log('OCCTO WebAPI credential, Advanced Settings');
	await page.setViewportSize({ width: 1600, height: 1400 });
	try {
		await page.goto(`${BASE}/home/credentials/${occtoCredential.id}`);
		const modal = page.locator('[data-test-id="editCredential-modal"]');
		await modal.waitFor({ timeout: 30_000 });
		await page.addStyleTag({ content: '[data-test-id="editCredential-modal"] { height: 1300px !important; max-height: 1300px !important; }' });
		await sleep(2500); // opening it runs the credential test; let its banner settle
		const toggle = page.locator('[data-test-id="parameter-input-advancedSettings"]');
		await toggle.scrollIntoViewIfNeeded();
		await toggle.locator('.el-switch').first().click();
		await page.locator('[data-test-id="parameter-input-requiredPlanValues"]').waitFor({ timeout: 10_000 });
		await page.getByText('Advanced Settings', { exact: true }).first().evaluate((e) => e.scrollIntoView({ block: 'start' }));
		await sleep(500);
		await shot(page, 'occto-credential-advanced-settings', modal);
		// close without saving: n8n asks, "Close" discards the change
		await page.keyboard.press('Escape');
		await page.locator('.el-message-box button', { hasText: /^\s*Close\s*$/ }).first().click({ timeout: 5_000 }).catch(() => {});
		await sleep(500);
	} finally {
		await page.setViewportSize({ width: 1600, height: 900 });
	}

	// the two Sandbox credentials of npm start (scripts/n8n-credentials.mjs): Environment Sandbox, nothing else asked
	for (const [id, name] of SANDBOX_CREDENTIALS.map((c) => [c.id, c.type === 'occtoWebApi' ? 'sandbox-credential-occto' : 'sandbox-credential-ntt'])) {
		console.log(`Sandbox credential ${id}`);
		await page.goto(`${BASE}/home/credentials/${id}`);
		const modal = page.locator('[data-test-id="editCredential-modal"]');
		await modal.waitFor({ timeout: 30_000 });
		await sleep(2500); // opening it runs the credential test: "Sandbox: no network"
		await shot(page, name, modal);
		await page.keyboard.press('Escape');
		await sleep(500);
	}
}

async function main() {
	if (!CHROMIUM) throw new Error('Chromium not found. Install it (Debian: apt-get install -y chromium) or set CHROMIUM_PATH.');
	for (const old of existsSync(OUT) ? readdirSync(OUT).filter((f) => f.endsWith('.png')) : []) rmSync(path.join(OUT, old));
	mkdirSync(OUT, { recursive: true });
	const examples = readdirSync(path.join(ROOT, 'examples'))
		.filter((f) => f.endsWith('.json'))
		.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
		// as npm start imports them: on the simulators
		.map((f) => ({ file: f, workflow: onSimulators(JSON.parse(readFileSync(path.join(ROOT, 'examples', f), 'utf8'))) }));
	const stop = await ensureN8n();
	const browser = await chromium.launch({
		executablePath: CHROMIUM,
		headless: true,
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
	});
	try {
		const context = await browser.newContext({ viewport: { width: 1600, height: 900 }, locale: 'en-US', timezoneId: 'Asia/Tokyo' });
		const page = await context.newPage();
		const login = await page.request.post(`${BASE}/rest/login`, { data: { emailOrLdapLoginId: EMAIL, password: PASSWORD } });
		if (!login.ok()) throw new Error(`login as ${EMAIL} failed: HTTP ${login.status()} ${await login.text()}`);

		await page.goto(`${BASE}/home/workflows`);
		await page.waitForSelector('[data-test-id="resources-list-item"], [data-test-id="workflow-card"]', { timeout: 60_000 }).catch(() => {});
		await sleep(1500);
		await shot(page, '00-workflows');

		for (const [index, { file, workflow }] of examples.entries()) {
			const prefix = `${String(index + 1).padStart(2, '0')}-${file.replace(/\.json$/, '')}`;
			console.log(`${workflow.name} (${workflow.id})`);
			await openCanvas(page, workflow.id);
			await shot(page, `${prefix}-canvas`);
			// run it from the editor as a user would, so the panels below show real input and output
			const ran = runnable(workflow) ? await runInEditor(page, workflow) : 'not run';
			console.log(`  run from the editor: ${runnable(workflow) ? ran : 'skipped, no manual trigger to run it from'}`);
			if (ran !== 'not run') await shot(page, `${prefix}-run`);
			for (const node of workflow.nodes.filter((n) => n.type.startsWith(PACKAGE))) {
				await openPanel(page, node.name);
				await shot(page, `${prefix}-node-${slug(node.name)}`);
				await closePanel(page);
			}
		}

		const occtoCredential = examples.flatMap(({ workflow }) => workflow.nodes).find((n) => n.credentials?.occtoWebApi)?.credentials.occtoWebApi;
		if (!occtoCredential) throw new Error('no example uses an OCCTO WebAPI credential');
		await deleteLeftovers(page);
		await captureFeatures(page, occtoCredential);
	} finally {
		await browser.close();
		await stop();
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
