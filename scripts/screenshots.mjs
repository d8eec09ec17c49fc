#!/usr/bin/env node
// `npm run screenshots`: what a person sees in the n8n editor, as PNGs under docs/screenshots/.
// Logs in, opens each example workflow on the canvas and each of our nodes' parameter panels, runs the
// daily outage-plan sync from the editor and shows its output. Uses n8n on http://127.0.0.1:5678 if one is
// running (npm start), otherwise starts `npm start` itself and stops it afterwards.
// Needs Chromium (Debian: `apt-get install -y chromium`) and playwright-core (a devDependency). Not part of CI.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

import { chromium } from 'playwright-core';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, 'docs', 'screenshots');
const BASE = `http://127.0.0.1:${process.env.N8N_PORT ?? '5678'}`;
const EMAIL = process.env.N8N_OWNER_EMAIL ?? 'owner@example.com';
const PASSWORD = process.env.N8N_OWNER_PASSWORD ?? 'LocalOnly-Passw0rd';
const CHROMIUM = process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const PACKAGE = 'n8n-nodes-occto-anpi.';
// README order; any other example follows
const ORDER = ['occto-daily-plan-sync.json', 'occto-submit-and-follow.json', 'anpi-drill-round.json'];
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

async function shot(page, name) {
	const file = path.join(OUT, `${name}.png`);
	await page.screenshot({ path: file });
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

async function main() {
	if (!CHROMIUM) throw new Error('Chromium not found. Install it (Debian: apt-get install -y chromium) or set CHROMIUM_PATH.');
	for (const old of existsSync(OUT) ? readdirSync(OUT).filter((f) => f.endsWith('.png')) : []) rmSync(path.join(OUT, old));
	mkdirSync(OUT, { recursive: true });
	const examples = readdirSync(path.join(ROOT, 'examples'))
		.filter((f) => f.endsWith('.json'))
		.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
		.map((f) => ({ file: f, workflow: JSON.parse(readFileSync(path.join(ROOT, 'examples', f), 'utf8')) }));
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
			for (const node of workflow.nodes.filter((n) => n.type.startsWith(PACKAGE))) {
				await page.locator(`[data-test-id="canvas-node"][data-node-name="${node.name}"]`).dblclick();
				await page.waitForSelector('[data-test-id="ndv"]', { timeout: 15_000 });
				await sleep(800);
				await shot(page, `${prefix}-node-${slug(node.name)}`);
				await closePanel(page);
			}
		}

		// one run from the editor, the way a user would try it: the daily sync, then its output table
		const sync = examples.find((e) => e.workflow.id === 'exOcctoDailySync') ?? examples[0];
		console.log(`Running "${sync.workflow.name}" from the editor`);
		await openCanvas(page, sync.workflow.id);
		const manual = sync.workflow.nodes.find((n) => n.type === 'n8n-nodes-base.manualTrigger');
		const trigger = manual ? page.locator(`[data-test-id="canvas-node"][data-node-name="${manual.name}"]`) : undefined;
		// with two triggers the canvas shows a run button per trigger; otherwise use the main one
		const perTrigger = trigger ? trigger.locator('[data-test-id="execute-workflow-button"]') : undefined;
		if (perTrigger && (await perTrigger.count())) await perTrigger.first().click();
		else await page.locator('[data-test-id="execute-workflow-button"]').first().click();
		const last = sync.workflow.nodes.at(-1);
		await page.waitForSelector(`[data-test-id="canvas-node"][data-node-name="${last.name}"] [data-test-id="canvas-node-status-success"]`, { timeout: 120_000 });
		await sleep(1000);
		await shot(page, `${String(examples.length + 1).padStart(2, '0')}-run-canvas`);
		await page.locator(`[data-test-id="canvas-node"][data-node-name="${last.name}"]`).dblclick();
		await page.waitForSelector('[data-test-id="ndv"]', { timeout: 15_000 });
		await sleep(1200);
		await shot(page, `${String(examples.length + 1).padStart(2, '0')}-run-output`);
		await closePanel(page);
	} finally {
		await browser.close();
		await stop();
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
