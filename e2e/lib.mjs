// What the end-to-end tests share: free ports, the n8n CLI of scripts/n8n.sh, the run JSON of
// `n8n execute --rawOutput`, waiting for a condition, and a logged-in REST session on a running server.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';

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
	const child = spawn('bash', [path.join(ROOT, 'scripts/n8n.sh'), ...args], { env });
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

/** The run JSON of `n8n execute --rawOutput`: printed between a line "{" and a line "}", log lines around it. */
export function parseRun(stdout) {
	const start = stdout.search(/^\{$/m);
	const end = start >= 0 ? stdout.slice(start).search(/^\}$/m) : -1;
	const run = end >= 0 ? JSON.parse(stdout.slice(start, start + end + 1)) : undefined;
	const output = (node) => run?.data.resultData.runData[node]?.[0]?.data?.main?.[0]?.map((item) => item.json) ?? [];
	return { run, output };
}

export async function until(check, ms, what) {
	const end = Date.now() + ms;
	while (Date.now() < end) {
		if (await check()) return;
		await new Promise((resolve) => setTimeout(resolve, 500));
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

/** The OCCTO WebAPI credential's fields for a simulator's user U0000001: the jest tests' own builder, compiled. */
export function occtoCredentialData(sim, overrides = {}) {
	const { simulatorCredential } = createRequire(import.meta.url)(path.join(ROOT, 'dist/test/occto-fixtures.js'));
	return simulatorCredential(sim, { ignoreTlsErrors: false, overridePaths: false, ...overrides });
}

/** One call to the NTT Anpi simulator's API with a fresh token, as another system would make it. */
export async function anpiGateway(anpi, method, route, body) {
	const token = await (
		await fetch(`${anpi.url}/v1/oauth/accesstokens`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ grantType: 'client_credentials', clientId: 'sim-client', clientSecret: 'sim-secret-not-real' }),
		})
	).json();
	const answer = await fetch(`${anpi.url}${route}`, {
		method,
		headers: { 'content-type': 'application/json', authorization: `Bearer ${token.accessToken}` },
		body: JSON.stringify(body),
	});
	return await answer.json();
}
