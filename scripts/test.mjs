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

function check(title, command, args) {
	const ok = run(title, command, args);
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
	const jestJson = path.join(RESULTS, 'jest.json');
	run('jest', 'npx', ['jest', '--json', `--outputFile=${jestJson}`]);
	if (existsSync(jestJson)) {
		const report = JSON.parse(readFileSync(jestJson, 'utf8'));
		passed += report.numPassedTests;
		failed += report.numFailedTests + report.numRuntimeErrorTestSuites;
	} else failed++;

	const e2eFiles = existsSync(path.join(ROOT, 'e2e'))
		? readdirSync(path.join(ROOT, 'e2e')).filter((f) => f.endsWith('.test.mjs')).map((f) => path.join(ROOT, 'e2e', f))
		: [];
	if (e2eFiles.length && process.env.SKIP_E2E !== '1') {
		const tap = path.join(RESULTS, 'e2e.tap');
		const installed = check('n8n runtime', 'bash', ['scripts/n8n.sh', 'install']);
		if (installed) {
			run('e2e', process.execPath, [
				'--test', '--test-concurrency=1',
				'--test-reporter=spec', '--test-reporter-destination=stdout',
				'--test-reporter=tap', `--test-reporter-destination=${tap}`,
				...e2eFiles,
			]);
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
