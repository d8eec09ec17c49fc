// What the end-to-end tests share: free ports, the n8n CLI of scripts/n8n.sh (setup steps, `n8n execute
// --rawOutput` and its run JSON, a running server), waiting for a condition, a logged-in REST session on a
// running server, and a collector the workflows post their items to.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { simulatorCredentials } from '../scripts/n8n-credentials.mjs';

export const ROOT = path.resolve(import.meta.dirname, '..');

/** The n8n release line under test (N8N_LINE of scripts/n8n.sh): 2 by default, 1 for n8n 1.123.x. */
export const N8N_LINE = process.env.N8N_LINE === '1' ? 1 : 2;

/** CLI arguments that activate a workflow: 2.x publishes it, 1.x sets it active. */
export const activateArgs = (id) => (N8N_LINE === 1 ? ['update:workflow', `--id=${id}`, '--active=true'] : ['publish:workflow', `--id=${id}`]);

export const freePort = () =>
	new Promise((resolve) => {
		const probe = createServer().listen(0, '127.0.0.1', () => {
			const { port } = probe.address();
			probe.close(() => resolve(port));
		});
	});

/** Runs the n8n CLI; with `background` returns the child and its output so far instead of waiting. */
export function n8nCli(env, args, options = {}) {
	return runScript('scripts/n8n.sh', env, args, options);
}

/** Runs a bash script of the repository (`script` relative to it), as n8nCli runs scripts/n8n.sh. */
export function runScript(script, env, args, options = {}) {
	const child = spawn('bash', [path.join(ROOT, script), ...args], { env });
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (chunk) => (stdout += chunk));
	child.stderr.on('data', (chunk) => (stderr += chunk));
	const timer = options.background ? undefined : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000);
	const done = new Promise((resolve) =>
		child.on('close', (status, signal) => {
			clearTimeout(timer);
			resolve({ status, signal, stdout, stderr, output: `${stdout}${stderr}` });
		}),
	);
	return options.background ? { child, output: () => `${stdout}${stderr}`, done } : done;
}

/**
 * Runs n8n CLI commands one after another (import:credentials, import:workflow, activateArgs(id) …); fails on
 * the first that does not exit 0, or that prints one of `secrets`.
 */
export async function n8nSteps(env, steps, { secrets = [], timeoutMs } = {}) {
	for (const args of steps) {
		const result = await n8nCli(env, args, { timeoutMs });
		assert.equal(result.status, 0, `n8n ${args.join(' ')} failed:\n${result.output}`);
		assertNoSecrets(result.output, secrets, `the output of n8n ${args[0]}`);
	}
}

/** Fails if `text` holds one of `secrets` (naming `where`, never the secret). */
export function assertNoSecrets(text, secrets, where) {
	for (const secret of secrets) assert.ok(!text.includes(secret), `a secret appeared in ${where}`);
}

/**
 * Writes `credentials` (import:credentials format) and `workflows` (n8n's import format) into `home`, imports
 * them into the n8n of `env`, then activates the workflows whose IDs are in `activate`.
 */
export async function importIntoN8n(env, home, { credentials, workflows = [], activate = [] }) {
	const credentialsFile = path.join(home, 'credentials.json');
	const folder = path.join(home, 'workflows');
	writeFileSync(credentialsFile, JSON.stringify(credentials));
	mkdirSync(folder, { recursive: true });
	for (const workflow of workflows) writeFileSync(path.join(folder, `${workflow.id}.json`), JSON.stringify(workflow));
	await n8nSteps(env, [['import:credentials', `--input=${credentialsFile}`], ['import:workflow', '--separate', `--input=${folder}`], ...activate.map(activateArgs)]);
}

/**
 * `n8n execute --id=<id> --rawOutput`: its exit status and signal, stdout, the run and `output(node)` of parseRun,
 * and all it printed as `text`; fails if it printed one of `secrets`.
 */
export async function n8nExecute(env, id, { secrets = [], timeoutMs } = {}) {
	const result = await n8nCli(env, ['execute', `--id=${id}`, '--rawOutput'], { timeoutMs });
	assertNoSecrets(result.output, secrets, `the output of n8n execute --id=${id}`);
	return { status: result.status, signal: result.signal, stdout: result.stdout, ...parseRun(result.stdout), text: result.output };
}

/** `n8n start` in the background, once its editor is up (within `ms`): { child, output(), done }; end it with stopN8n. */
export async function startN8n(env, ms = 120_000) {
	const server = n8nCli(env, ['start'], { background: true });
	try {
		await until(() => server.output().includes('Editor is now accessible'), ms, 'n8n to start');
	} catch (error) {
		await stopN8n(server);
		error.message += `\n${server.output().slice(-3000)}`;
		throw error;
	}
	return server;
}

/** Ends a server of startN8n (none: nothing to do) and waits until it has exited. */
export async function stopN8n(server) {
	server?.child.kill('SIGTERM');
	await server?.done;
}

/** The run JSON of `n8n execute --rawOutput`: printed between a line "{" and a line "}", log lines around it. */
export function parseRun(stdout) {
	const start = stdout.search(/^\{$/m);
	const end = start >= 0 ? stdout.slice(start).search(/^\}$/m) : -1;
	const run = end >= 0 ? JSON.parse(stdout.slice(start, start + end + 1)) : undefined;
	const output = (node) => run?.data.resultData.runData[node]?.[0]?.data?.main?.[0]?.map((item) => item.json) ?? [];
	return { run, output };
}

/** Resolves after `ms` milliseconds. */
export { sleep };

export async function until(check, ms, what) {
	const end = Date.now() + ms;
	while (Date.now() < end) {
		if (await check()) return;
		await sleep(500);
	}
	assert.fail(`timed out after ${ms / 1000} s waiting for ${what}`);
}

/** Sets up the owner of a fresh n8n server and returns a fetch bound to its session cookie. */
export async function ownerSession(baseUrl) {
	const response = await fetch(`${baseUrl}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'browser-id': 'e2e' },
		body: JSON.stringify({ email: 'owner@example.invalid', firstName: 'E2E', lastName: 'Owner', password: 'E2e-owner-pass-1' }),
	});
	assert.equal(response.status, 200, `owner setup failed: ${await response.text()}`);
	const cookie = response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
	return async (method, url, body) => {
		const answer = await fetch(`${baseUrl}${url}`, {
			method,
			headers: { 'content-type': 'application/json', cookie, 'browser-id': 'e2e' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await answer.text();
		return { status: answer.status, json: text ? JSON.parse(text) : undefined, text };
	};
}

export const NODE_TYPES = {
	occto: 'n8n-nodes-occto-anpi.occtoOutagePlan',
	occtoTrigger: 'n8n-nodes-occto-anpi.occtoOutagePlanTrigger',
	anpi: 'n8n-nodes-occto-anpi.nttAnpi',
	anpiTrigger: 'n8n-nodes-occto-anpi.nttAnpiTrigger',
};

/**
 * A workflow in n8n's import format: a manual trigger followed by `node` ({ name, type, parameters, credentials }),
 * or, for a trigger node (`trigger: true`), that node alone (activated to run).
 */
export function workflowOf(id, name, node, { trigger = false } = {}) {
	const step = { id: `${id}-node`, typeVersion: 1, position: [240, 0], ...node };
	const start = { id: `${id}-start`, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };
	return {
		id,
		name,
		active: false,
		nodes: trigger ? [step] : [start, step],
		connections: trigger ? {} : { Start: { main: [[{ node: node.name, type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

/** An HTTP server on a free local port that pushes the JSON body of every request it gets into `received`. */
export async function startCollector(received) {
	const collector = createHttpServer((req, res) => {
		let body = '';
		req.on('data', (chunk) => (body += chunk));
		req.on('end', () => {
			received.push(JSON.parse(body));
			res.end('{}');
		});
	});
	await new Promise((resolve) => collector.listen(0, '127.0.0.1', resolve));
	return collector;
}

/** The HTTP Request node "Record" that posts `jsonBody` (an n8n expression) of every item to a startCollector server. */
export function recordNode(id, collector, jsonBody) {
	return {
		id,
		name: 'Record',
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		position: [240, 0],
		parameters: { method: 'POST', url: `http://127.0.0.1:${collector.address().port}/event`, sendBody: true, specifyBody: 'json', jsonBody, options: {} },
	};
}

/** A workflow in n8n's import format in which `trigger` hands every item to `next` (e.g. a recordNode). */
export function triggeredWorkflow(id, name, trigger, next) {
	return {
		id,
		name,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [trigger, next],
		connections: { [trigger.name]: { main: [[{ node: next.name, type: 'main', index: 0 }]] } },
	};
}

/** The OCCTO WebAPI credential's fields for a simulator's user U0000001: the jest tests' own builder, compiled. */
export function occtoCredentialData(sim, overrides = {}) {
	const { simulatorCredential } = createRequire(import.meta.url)(path.join(ROOT, 'dist/test/occto-fixtures.js'));
	return simulatorCredential(sim, { ignoreTlsErrors: false, overridePaths: false, ...overrides });
}

/** The NTT Com API credentials of npm start (scripts/n8n-credentials.mjs) for the simulator at `url`, in import:credentials format. */
export const anpiCredentials = (url) => simulatorCredentials({}, url).filter((c) => c.type === 'nttComApi');

/** One call to the NTT Anpi simulator's API with a fresh token, as another system would make it: the jest tests' own helper, compiled. */
export async function anpiGateway(anpi, method, route, body) {
	const { anpiGateway: call } = createRequire(import.meta.url)(path.join(ROOT, 'dist/test/support/anpi.js'));
	return await call(anpi.url, method, route, body);
}

/** This package's package.json. */
export const MANIFEST = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

/**
 * `npm pack`, then installed into `home` the way n8n's Community Nodes installer does (n8n 2.41
 * CommunityPackagesService.downloadPackage: extract into <user folder>/.n8n/nodes/node_modules/<name>, drop dev,
 * peer and optional dependencies, `npm install --ignore-scripts --install-strategy=shallow --package-lock=false`).
 * Returns what was packed ({ filename, size, paths, tarball }) and the installed package's folder.
 */
export function installLikeN8n(home) {
	// npm run by `npm test` exports this package's npm settings; the installer's npm must not inherit them
	const npmEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
	const nodesFolder = path.join(home, '.n8n', 'nodes');
	const packageFolder = path.join(nodesFolder, 'node_modules', MANIFEST.name);
	const [info] = JSON.parse(execFileSync('npm', ['pack', '--json', '--silent', '--pack-destination', home], { cwd: ROOT, env: npmEnv, encoding: 'utf8' }));
	const packed = { ...info, tarball: path.join(home, info.filename), paths: info.files.map((f) => f.path) };
	mkdirSync(packageFolder, { recursive: true });
	execFileSync('tar', ['-xzf', packed.tarball, '-C', packageFolder, '--strip-components=1']);
	const installed = JSON.parse(readFileSync(path.join(packageFolder, 'package.json'), 'utf8'));
	const { devDependencies, peerDependencies, optionalDependencies, ...kept } = installed;
	writeFileSync(path.join(packageFolder, 'package.json'), JSON.stringify(kept, null, 2));
	const started = Date.now();
	execFileSync(
		'npm',
		['install', '--audit=false', '--fund=false', '--bin-links=false', '--install-strategy=shallow', '--ignore-scripts=true', '--package-lock=false'],
		{ cwd: packageFolder, env: npmEnv, stdio: ['ignore', 'ignore', 'inherit'] },
	);
	writeFileSync(path.join(nodesFolder, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true, dependencies: { [MANIFEST.name]: MANIFEST.version } }, null, 2));
	console.log(`packed ${packed.filename}: ${packed.paths.length} files, ${packed.size} bytes; installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
	return { packed, packageFolder };
}

// A poll every minute (n8n refuses polls more often than that), in this hour and the next only (UTC): 120 calls a
// day, within the Daily Call Budget. Six fields, seconds first, as n8n writes poll times: n8n 1.x reads the first
// field as seconds and refuses a "*" there ("The polling interval is too short") after the activation poll.
export function everyMinuteNow() {
	const hour = new Date().getUTCHours();
	return `0 * ${hour},${(hour + 1) % 24} * * *`;
}

/** The OCCTO trigger on Submission Status Changed, polled every minute, with the simulator credential. */
export function submissionStatusTrigger(id) {
	return {
		id,
		name: 'Submission status changed',
		type: NODE_TYPES.occtoTrigger,
		typeVersion: 2,
		position: [0, 0],
		parameters: {
			event: 'submissionStatusChanged',
			pollingMode: 'everyPoll',
			pollTimes: { item: [{ mode: 'custom', cronExpression: everyMinuteNow() }] },
			dailyBudget: 1000,
			options: {},
		},
		credentials: { occtoWebApi: { id: 'occtoSimulator01', name: 'OCCTO simulator' } },
	};
}

/** The NTT Anpi trigger on New Answers of whichever round is open (no Thread ID, Emit Existing off), every minute. */
export function newAnswersTrigger(id) {
	return {
		id,
		name: 'New answers',
		type: NODE_TYPES.anpiTrigger,
		typeVersion: 1,
		position: [0, 0],
		parameters: { pollTimes: { item: [{ mode: 'everyMinute' }] }, event: 'newAnswers', tid: '', emitExisting: false, options: { timeout: 10 } },
		credentials: { nttComApi: { id: 'anpiSimulator001', name: 'NTT Anpi simulator' } },
	};
}
