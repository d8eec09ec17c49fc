#!/usr/bin/env node
// `npm run screenshots`: what a person sees in the n8n editor, as PNGs under docs/screenshots/.
// Logs in, opens each example workflow on the canvas and each of our nodes' parameter panels, runs the
// daily outage-plan sync from the editor and shows its output. Uses n8n on http://127.0.0.1:5678 if one is
// running (npm start), otherwise starts `npm start` itself and stops it afterwards.
// Needs Chromium and a Japanese font (Debian: `apt-get install -y chromium fonts-noto-cjk`; without the font the
// Japanese text shows as boxes) and playwright-core (a devDependency). Not part of CI. Takes about 3 minutes.
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
	await page.mouse.move(800, 8); // no hover tooltip in the picture
	await sleep(300);
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
	// close the toast so it does not cover the panels
	for (const close of await page.locator('.el-notification__closeBtn').all()) await close.click().catch(() => {});
	await sleep(300);
	return outcome;
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
			// run it from the editor as a user would, so the panels below show real input and output
			const ran = await runInEditor(page, workflow);
			console.log(`  run from the editor: ${ran}`);
			if (ran !== 'not run') await shot(page, `${prefix}-run`);
			for (const node of workflow.nodes.filter((n) => n.type.startsWith(PACKAGE))) {
				await page.locator(`[data-test-id="canvas-node"][data-node-name="${node.name}"]`).dblclick();
				await page.waitForSelector('[data-test-id="ndv"]', { timeout: 15_000 });
				await sleep(1000);
				await shot(page, `${prefix}-node-${slug(node.name)}`);
				await closePanel(page);
			}
		}
	} finally {
		await browser.close();
		await stop();
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
