// End-to-end on the n8n line under test (N8N_LINE of scripts/n8n.sh): `n8n execute` ends cleanly, many times
// over (issue 21, item 7). A Register that the node refuses before sending (the plan holds 𠮷, which Shift_JIS
// lacks), interleaved with a Get Many that succeeds against the OCCTO simulator, each in its own n8n process:
// every process must end by exiting, never by a signal (SIGSEGV was seen after complete, correct runs), with
// n8n's code for the run (1 for a failed workflow, 0 for a successful one) and the whole run printed.
// Every second process runs with e2e/support/exit-probe.cjs preloaded, which records what is still alive when
// n8n exits: no timer, worker thread or connection of this package may be among it.
// n8n itself has an exit race, not caused by this package: its default 'vm' expression engine (2.41 and 1.123)
// keeps isolated-vm isolates, builds a replacement on isolated-vm's thread pool whenever an execution takes one,
// and `execute` ends with process.exit() without waiting for that thread; exit() then runs isolated-vm's
// thread-pool destructor, which joins the thread while it still runs V8 code, and the process dies with SIGSEGV
// after printing a complete run (seen most after a workflow that fails fast, like this refused Register).
// Disposing the engine just before exit only moves the race into the isolate's destructor, so these runs use
// n8n's legacy expression engine (N8N_EXPRESSION_ENGINE=legacy, no isolates); CLEAN_EXIT_N8N_AS_SHIPPED=1 keeps
// n8n's default, to watch n8n's own crash.
//   CLEAN_EXIT_RUNS             refused Register executions (default 6: CI runs it on both lines within its 60 minutes; 200 by hand)
//   CLEAN_EXIT_GET_MANY_EVERY   a Get Many after every this many of them (default 5)
//   CLEAN_EXIT_CORES=1          run n8n with core dumps on, in a scratch folder, and keep the core of a signal exit
//   CLEAN_EXIT_MAX_MINUTES      start no execution after this many minutes (the summary says how many ran)
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { simulatorCredentials } from '../scripts/n8n-credentials.mjs';
import { N8N_LINE, ROOT, freePort, n8nCli, occtoCredentialData, parseRun } from './lib.mjs';

const require = createRequire(import.meta.url);
const { startOcctoSimulator } = require(path.join(ROOT, 'dist/simulators/occto/server.js'));

const RUNS = Number(process.env.CLEAN_EXIT_RUNS || 6);
const GET_MANY_EVERY = Number(process.env.CLEAN_EXIT_GET_MANY_EVERY || 5);
const CORES = process.env.CLEAN_EXIT_CORES === '1';
const MAX_MS = Number(process.env.CLEAN_EXIT_MAX_MINUTES || Infinity) * 60_000;
const PROBE = path.join(ROOT, 'e2e/support/exit-probe.cjs');
const AS_SHIPPED = process.env.CLEAN_EXIT_N8N_AS_SHIPPED === '1';
const REFUSED = 'cleanExitRefused';
const GET_MANY = 'cleanExitGetMany';
/** What n8n execute returns for a workflow that ended in an error (BaseCommand.finally: exit code 1). */
const FAILED_WORKFLOW_STATUS = 1;

const home = mkdtempSync(path.join(tmpdir(), 'n8n-e2e-clean-exit-'));
const env = { ...process.env, N8N_USER_FOLDER: home };
const secrets = ['sim-password-1', 'sim p12 passphrase'];
let occto;

/** One `n8n execute` in its own process; with `probe`, the exit probe writes what was alive at exit. */
function execute(id, { probe, index }) {
	const probeFile = probe ? path.join(home, 'probes', `${index}-${id}.jsonl`) : undefined;
	const runEnv = { ...env };
	if (!AS_SHIPPED) runEnv.N8N_EXPRESSION_ENGINE = 'legacy';
	if (probeFile) {
		runEnv.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --require ${PROBE}`.trim();
		runEnv.EXIT_PROBE_FILE = probeFile;
	}
	const cwd = CORES ? mkdtempSync(path.join(home, 'cores', `${index}-`)) : undefined;
	const started = Date.now();
	// bash -c: core dumps (core_pattern "core") land in the scratch folder the process runs in
	const script = `${CORES ? 'ulimit -c unlimited; ' : ''}exec bash "$0" "$@"`;
	const child = spawn('bash', ['-c', script, path.join(ROOT, 'scripts/n8n.sh'), 'execute', `--id=${id}`, '--rawOutput'], { env: runEnv, cwd });
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (chunk) => (stdout += chunk));
	child.stderr.on('data', (chunk) => (stderr += chunk));
	const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
	return new Promise((resolve) =>
		child.on('close', (status, signal) => {
			clearTimeout(timer);
			const output = `${stdout}${stderr}`;
			for (const secret of secrets) assert.ok(!output.includes(secret), `a secret appeared in the output of n8n execute --id=${id}`);
			const cores = cwd ? readdirSync(cwd).filter((f) => /^core/.test(f)).map((f) => path.join(cwd, f)) : [];
			const kept = cores.length ? path.join(tmpdir(), `n8n-clean-exit-core-line${N8N_LINE}-${Date.now()}`) : undefined;
			if (kept) {
				mkdirSync(kept, { recursive: true });
				for (const core of cores) writeFileSync(path.join(kept, path.basename(core)), readFileSync(core));
			}
			if (cwd) rmSync(cwd, { recursive: true, force: true });
			resolve({ id, index, status, signal, ms: Date.now() - started, stdout, output, probeFile, core: kept });
		}),
	);
}

/** The n8n main process's record at exit (the probe also sees bash's helper node processes; those are skipped). */
function exitRecord(probeFile) {
	if (!probeFile || !existsSync(probeFile)) return undefined;
	const records = readFileSync(probeFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
	const main = records.find((r) => r.event === 'start' && r.argv.some((a) => /execute/.test(a)))?.pid;
	return records.filter((r) => r.pid === main && r.event === 'exit' && r.main).pop();
}

before(async () => {
	env.N8N_RUNNERS_BROKER_PORT = String(await freePort());
	mkdirSync(path.join(home, 'probes'));
	if (CORES) mkdirSync(path.join(home, 'cores'));
	occto = await startOcctoSimulator({ certDir: path.join(home, 'occto-certs'), seedPlans: 3 });
	const credentials = simulatorCredentials(occtoCredentialData(occto), 'http://127.0.0.1:1').filter((c) => c.type === 'occtoWebApi');
	writeFileSync(path.join(home, 'credentials.json'), JSON.stringify(credentials));
	for (const args of [
		['import:credentials', `--input=${path.join(home, 'credentials.json')}`],
		['import:workflow', '--separate', `--input=${path.join(ROOT, 'e2e/clean-exit-workflows')}`],
	]) {
		const result = await n8nCli(env, args);
		assert.equal(result.status, 0, `n8n ${args.join(' ')} failed:\n${result.output}`);
	}
});

after(async () => {
	await occto?.close();
	rmSync(home, { recursive: true, force: true });
});

test(`${RUNS} refused Registers (and a Get Many after every ${GET_MANY_EVERY}) through n8n execute all exit, none by a signal`, async () => {
	const plan = [];
	for (let i = 1; i <= RUNS; i++) {
		plan.push(REFUSED);
		if (i % GET_MANY_EVERY === 0) plan.push(GET_MANY);
	}
	const results = [];
	const tally = {};
	const problems = [];
	const started = Date.now();
	const simulatorPort = String(new URL(occto.url).port);
	for (const [index, id] of plan.entries()) {
		if (Date.now() - started > MAX_MS) break;
		// sequential on purpose: one n8n at a time, as in the full runs where the crash was seen
		const result = await execute(id, { probe: index % 2 === 1, index });
		results.push(result);
		const key = `${id === REFUSED ? 'refused' : 'getMany'} ${result.signal ? `signal ${result.signal}` : `exit ${result.status}`}`;
		tally[key] = (tally[key] ?? 0) + 1;
		const where = `run ${index + 1}/${plan.length} (${id}, ${result.ms} ms)`;
		if (result.signal) problems.push(`${where}: ended by ${result.signal}${result.core ? `, core kept in ${result.core}` : ''}; last output:\n${result.output.slice(-1500)}`);
		else if (id === REFUSED) {
			if (result.status !== FAILED_WORKFLOW_STATUS) problems.push(`${where}: exit ${result.status}, expected ${FAILED_WORKFLOW_STATUS}:\n${result.output.slice(-1500)}`);
			else if (!/The plan XML cannot be sent: the character "𠮷" \(U\+20BB7\) cannot be written in Shift_JIS/.test(result.output)) {
				problems.push(`${where}: the refusal is missing from the output:\n${result.output.slice(-1500)}`);
			}
		} else {
			const { run, output } = parseRun(result.stdout);
			if (result.status !== 0 || run?.status !== 'success' || output('List outage plans').length !== 3) {
				problems.push(`${where}: exit ${result.status}, run ${run?.status}, ${output('List outage plans').length} plans:\n${result.output.slice(-1500)}`);
			}
		}
		const record = exitRecord(result.probeFile);
		if (result.probeFile && !result.signal) {
			if (!record) problems.push(`${where}: the exit probe wrote no exit record for n8n`);
			else {
				const ours = [
					...record.ourTimers.map((t) => `timer ${JSON.stringify(t)}`),
					...record.workers.filter((w) => w.ended === undefined).map((w) => `worker ${w.script}`),
					...record.handles.filter((h) => h.remote?.endsWith(`:${simulatorPort}`)).map((h) => `socket to the simulator ${h.remote}`),
				];
				if (ours.length) problems.push(`${where}: still alive at exit from this package: ${ours.join('; ')}`);
			}
		}
		if (process.env.CLEAN_EXIT_VERBOSE === '1') console.log(`${where}: ${result.signal ?? result.status}`);
	}
	const durations = results.map((r) => r.ms).sort((a, b) => a - b);
	const summary = {
		line: N8N_LINE,
		n8n: AS_SHIPPED ? 'as shipped (vm expression engine)' : 'N8N_EXPRESSION_ENGINE=legacy',
		executions: results.length,
		planned: plan.length,
		tally,
		minutes: Number(((Date.now() - started) / 60000).toFixed(1)),
		msPerExecution: { median: durations[Math.floor(durations.length / 2)], max: durations.at(-1) },
	};
	console.log(`clean-exit summary: ${JSON.stringify(summary)}`);
	if (process.env.CLEAN_EXIT_SUMMARY) writeFileSync(process.env.CLEAN_EXIT_SUMMARY, `${JSON.stringify({ ...summary, problems }, null, 2)}\n`);
	// nothing was sent for a refused plan: the simulator saw Get Many calls only
	assert.equal(occto.requests.filter((r) => r.apiId === 'BA13B101').length, 0, 'a refused plan reached OCCTO');
	assert.deepEqual(problems, [], problems.join('\n\n'));
});
