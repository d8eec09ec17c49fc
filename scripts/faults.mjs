#!/usr/bin/env node
// `npm run faults`: the fault suite (test/faults) through jest, then one summary: .test-results/faults.json
// (cases with their results and timings, faults injected, events lost, duplicates, secrets found) and the
// last line `N passed, N failed`.
//   node scripts/faults.mjs                    runs jest on test/faults, then summarises
//   node scripts/faults.mjs --summarise FILE   only summarises a jest --json report that included test/faults
//                                              (for `npm test`, whose jest run already ran the fault suite)
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const RESULTS = path.join(ROOT, '.test-results');
const PARTS = path.join(RESULTS, 'faults');
// fixed secrets of the simulators: looked for in everything jest printed (the test files scan their own,
// generated ones: PEM keys, PKCS#12 Base64, access tokens)
const FIXED_SECRETS = ['sim-password-1', 'sim-password-2', 'sim-secret-not-real', 'sim p12 passphrase', 'sim key passphrase'];

async function runJest(jestJson) {
	rmSync(PARTS, { recursive: true, force: true });
	mkdirSync(RESULTS, { recursive: true });
	const started = Date.now();
	let printed = '';
	const code = await new Promise((resolve) => {
		const child = spawn('npx', ['jest', 'test/faults', '--json', `--outputFile=${jestJson}`], { cwd: ROOT, env: process.env });
		const forward = (stream) => (chunk) => {
			printed += chunk.toString();
			stream.write(chunk);
		};
		child.stdout.on('data', forward(process.stdout));
		child.stderr.on('data', forward(process.stderr));
		child.on('close', resolve);
	});
	return { code, printed, seconds: (Date.now() - started) / 1000 };
}

function summarise(jestJson, printed, seconds) {
	const report = existsSync(jestJson) ? JSON.parse(readFileSync(jestJson, 'utf8')) : undefined;
	const files = (report?.testResults ?? []).filter((file) => file.name.includes(`${path.sep}test${path.sep}faults${path.sep}`));
	const cases = files.flatMap((file) =>
		file.assertionResults.map((test) => ({
			file: path.relative(ROOT, file.name),
			name: [...test.ancestorTitles, test.title].join(' › '),
			status: test.status,
			ms: test.duration ?? null,
			knownBug: /^BUG:/.test(test.title),
		})),
	);
	const brokenFiles = files.filter((file) => file.status === 'failed' && file.assertionResults.length === 0).length;
	const parts = existsSync(PARTS) ? readdirSync(PARTS).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(path.join(PARTS, f), 'utf8'))) : [];
	const total = (key) => parts.reduce((sum, part) => sum + (Number(part[key]) || 0), 0);
	const leakedInOutput = FIXED_SECRETS.filter((secret) => printed.includes(secret));
	const passed = cases.filter((c) => c.status === 'passed').length;
	const failed = cases.filter((c) => c.status === 'failed').length + brokenFiles + (report ? 0 : 1);
	const summary = {
		passed,
		failed,
		todo: cases.filter((c) => c.status === 'todo').length,
		seconds: seconds ?? (report ? (Math.max(...(report.testResults ?? []).map((file) => file.endTime)) - report.startTime) / 1000 : null),
		cases: cases.length,
		faultsInjected: total('faultsInjected'),
		eventsLost: total('eventsLost'),
		duplicates: total('duplicates'),
		secretsFound: total('secretsFound') + leakedInOutput.length,
		secretsChecked: total('secretsChecked') + FIXED_SECRETS.length,
		bytesScanned: total('bytesScanned') + printed.length,
		knownBugs: cases.filter((c) => c.knownBug).map((c) => c.name),
		files: parts.map(({ cases: figures, ...rest }) => ({ ...rest, figures })),
		results: cases,
	};
	writeFileSync(path.join(RESULTS, 'faults.json'), JSON.stringify(summary, null, '\t'));
	process.stdout.write(
		`\nfault suite: ${summary.cases} cases in ${summary.seconds?.toFixed(0)} s, ${summary.faultsInjected} faults injected, ` +
			`${summary.eventsLost} events lost, ${summary.duplicates} duplicates, ${summary.secretsFound} secrets found ` +
			`(${summary.secretsChecked} checked in ${(summary.bytesScanned / 1e6).toFixed(1)} MB)` +
			`${summary.knownBugs.length ? `; known bugs (it.failing): ${summary.knownBugs.length}` : ''}\n` +
			`summary: ${path.relative(ROOT, path.join(RESULTS, 'faults.json'))}\n`,
	);
	// the figures that must be 0 fail the suite even when every test passed
	const bad = summary.eventsLost + summary.duplicates + summary.secretsFound;
	return { passed, failed: failed + (bad > 0 ? 1 : 0) };
}

const at = process.argv.indexOf('--summarise');
let outcome;
if (at > 0) {
	outcome = summarise(path.resolve(process.argv[at + 1]), '', undefined);
} else {
	const jestJson = path.join(RESULTS, 'faults-jest.json');
	const { printed, seconds } = await runJest(jestJson);
	outcome = summarise(jestJson, printed, seconds);
}
process.stdout.write(`\n${outcome.passed} passed, ${outcome.failed} failed\n`);
process.exit(outcome.failed === 0 ? 0 : 1);
