#!/usr/bin/env node
// `npm test`: install what is missing, build, type-check (tests included), lint with n8n's community
// rules, run the jest suite (real n8n-core engine) and the end-to-end suite (real n8n server), then
// print one plain summary line `N passed, N failed` as the very last line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const RESULTS = path.join(ROOT, '.test-results');
mkdirSync(RESULTS, { recursive: true });
let passed = 0;
let failed = 0;

function run(title, command, args, options = {}) {
	process.stdout.write(`\n=== ${title}: ${command} ${args.join(' ')}\n`);
	const started = Date.now();
	const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', env: process.env, ...options });
	process.stdout.write(`=== ${title}: exit ${result.status} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
	return result.status === 0;
}

function check(title, command, args, options) {
	const ok = run(title, command, args, options);
	if (ok) passed++;
	else failed++;
	return ok;
}

const lock = path.join(ROOT, 'node_modules', '.package-lock.json');
const stale = !existsSync(lock) || statSync(path.join(ROOT, 'package.json')).mtimeMs > statSync(lock).mtimeMs;
if (stale || !existsSync(path.join(ROOT, 'node_modules', '.bin', 'jest'))) {
	// not `npm ci`: lockfiles made against this registry miss optional platform packages
	check('install', 'npm', ['install', '--no-audit', '--no-fund', '--loglevel=error']);
}

const built = check('build', 'npm', ['run', '--silent', 'build']);
check('typecheck', 'npx', ['tsc', '-p', 'tsconfig.test.json']);
check('lint', 'npx', ['n8n-node', 'lint']);

if (built) {
	// jest twice: every test on n8n-core 2.x, then the fault suite and the n8n-line tests on the n8n 1.x packages
	// (jest.line1.config.js); each run's JSON report is counted
	const jestRuns = [
		{ title: 'jest', args: [], json: path.join(RESULTS, 'jest.json') },
		{ title: 'jest on the n8n 1.x packages', args: ['-c', 'jest.line1.config.js'], json: path.join(RESULTS, 'jest-line1.json') },
	];
	for (const { title, args, json } of jestRuns) {
		run(title, 'npx', ['jest', ...args, '--json', `--outputFile=${json}`]);
		if (existsSync(json)) {
			const report = JSON.parse(readFileSync(json, 'utf8'));
			passed += report.numPassedTests;
			failed += report.numFailedTests + report.numRuntimeErrorTestSuites;
		} else failed++;
	}
	// the fault suite (test/faults) ran inside both jest runs; its summary (.test-results/faults.json) fails on anything
	// lost, doubled or leaked, and on any case whose result or outcome differs between the two lines
	const [line2Json, line1Json] = jestRuns.map((r) => r.json);
	if (existsSync(line2Json) && existsSync(line1Json)) {
		check('fault summary (both n8n lines)', process.execPath, ['scripts/faults.mjs', '--summarise', line2Json, '--line1', line1Json]);
	} else failed++;

	const e2eFiles = existsSync(path.join(ROOT, 'e2e'))
		? readdirSync(path.join(ROOT, 'e2e')).filter((f) => f.endsWith('.test.mjs')).map((f) => path.join(ROOT, 'e2e', f))
		: [];
	// The suite runs once per n8n release line (N8N_LINE of scripts/n8n.sh, which pins the versions); N8N_LINES=2
	// runs one line only. Files that do not apply to a line are skipped with the reason printed.
	const lines = (process.env.N8N_LINES ?? '2 1').split(/[\s,]+/).filter(Boolean);
	// Files that spend minutes waiting for n8n's minute-granular poll schedule, each with its own n8n and simulators
	// on free ports: they run side by side; the rest (CPU- and timing-heavy) one at a time after them.
	const CLOCK_BOUND = new Set(['plan-changes.test.mjs', 'anpi-between-rounds.test.mjs', 'slow-poll.test.mjs', 'trigger-keys.test.mjs', 'trigger.test.mjs', 'sandbox.test.mjs', 'examples-sandbox.test.mjs', 'trigger-boundaries.test.mjs']);
	const notOnLine = {
		1: {
			'queue.test.mjs':
				'queue mode (Postgres, Redis, main + workers) is run on the 2.x line only: its harness drives the 2.x CLI, and the node code it covers is the same on both lines',
			'exactly-once-queue.test.mjs': 'queue mode (Postgres, Redis, main + workers) is run on the 2.x line only, as queue.test.mjs',
		},
	};
	for (const line of lines) {
		if (!e2eFiles.length || process.env.SKIP_E2E === '1') break;
		const env = { ...process.env, N8N_LINE: line };
		const installed = check(`n8n runtime, line ${line}`, 'bash', ['scripts/n8n.sh', 'install'], { env });
		if (!installed) continue;
		const version = spawnSync('bash', ['scripts/n8n.sh', '--version'], { cwd: ROOT, env, encoding: 'utf8' }).stdout.trim();
		const skipped = notOnLine[line] ?? {};
		for (const [file, reason] of Object.entries(skipped)) process.stdout.write(`\n--- e2e/${file} skipped on n8n ${version}: ${reason}\n`);
		const files = e2eFiles.filter((file) => !skipped[path.basename(file)]);
		const clockBound = files.filter((file) => CLOCK_BOUND.has(path.basename(file)));
		const groups = [
			{ name: 'clock-bound', concurrency: clockBound.length, files: clockBound },
			{ name: 'one at a time', concurrency: 1, files: files.filter((file) => !clockBound.includes(file)) },
		];
		for (const group of groups) {
			if (!group.files.length) continue;
			const tap = path.join(RESULTS, `e2e-line${line}-${group.name.replaceAll(' ', '-')}.tap`);
			run(`e2e on n8n ${version} (line ${line}, ${group.name})`, process.execPath, [
				'--test', `--test-concurrency=${group.concurrency}`,
				'--test-reporter=spec', '--test-reporter-destination=stdout',
				'--test-reporter=tap', `--test-reporter-destination=${tap}`,
				...group.files,
			], { env });
			const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
			const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
			if (!text) failed++;
			passed += count('pass');
			failed += count('fail') + count('cancelled');
		}
	}
}

process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);
