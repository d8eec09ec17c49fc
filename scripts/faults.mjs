#!/usr/bin/env node
// `npm run faults`: the fault suite (test/faults) through jest once per n8n line — 2.x (jest.config.js) and 1.x
// (jest.line1.config.js: the n8n-core / n8n-workflow of n8n 1.123.81) — then one summary: .test-results/faults.json
// (per line: cases with their results and timings, faults injected, events lost, duplicates, secrets found),
// ONE table with a column per line (every case's result, and the recorded outcome of the cases that once differed
// between lines), and the last line `N passed, N failed`. Columns that differ fail the run.
//   node scripts/faults.mjs                                  runs jest on test/faults for both lines, then summarises
//   node scripts/faults.mjs --summarise FILE [--line1 FILE2] only summarises jest --json reports that included
//                                                            test/faults (for `npm test`, whose jest runs already ran it)
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const RESULTS = path.join(ROOT, '.test-results');
// fixed secrets of the simulators: looked for in everything jest printed (the test files scan their own,
// generated ones: PEM keys, PKCS#12 Base64, access tokens)
const FIXED_SECRETS = ['sim-password-1', 'sim-password-2', 'sim-secret-not-real', 'sim p12 passphrase', 'sim key passphrase'];

const version = (dir) => {
	try {
		return JSON.parse(readFileSync(path.join(ROOT, 'node_modules', dir, 'package.json'), 'utf8')).version;
	} catch {
		return '?';
	}
};
const LINE1_N8N = /LINE1_N8N_VERSION = '([^']+)'/.exec(readFileSync(path.join(ROOT, 'test', 'setupLine1.ts'), 'utf8'))?.[1] ?? '1.x';
/** The lines, in table order: the jest config, where its fault files write their parts, and a column title. */
const LINES = [
	{ id: '2', config: [], parts: path.join(RESULTS, 'faults'), jestJson: path.join(RESULTS, 'faults-jest.json'), title: `n8n 2.x (n8n-core ${version('n8n-core')})` },
	{
		id: '1',
		config: ['-c', 'jest.line1.config.js'],
		parts: path.join(RESULTS, 'faults-line1'),
		jestJson: path.join(RESULTS, 'faults-jest-line1.json'),
		title: `n8n ${LINE1_N8N} (n8n-core ${version('n8n-core-v1')})`,
	},
];

async function runJest(line) {
	rmSync(line.parts, { recursive: true, force: true });
	mkdirSync(RESULTS, { recursive: true });
	const started = Date.now();
	let printed = '';
	const code = await new Promise((resolve) => {
		const child = spawn('npx', ['jest', ...line.config, 'test/faults', '--json', `--outputFile=${line.jestJson}`], { cwd: ROOT, env: process.env });
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

function summarise(line, jestJson, printed, seconds) {
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
	const parts = existsSync(line.parts)
		? readdirSync(line.parts).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(path.join(line.parts, f), 'utf8')))
		: [];
	const total = (key) => parts.reduce((sum, part) => sum + (Number(part[key]) || 0), 0);
	const leakedInOutput = FIXED_SECRETS.filter((secret) => printed.includes(secret));
	const passed = cases.filter((c) => c.status === 'passed').length;
	const failed = cases.filter((c) => c.status === 'failed').length + brokenFiles + (report ? 0 : 1);
	const summary = {
		line: line.id,
		n8n: line.title,
		passed,
		failed,
		todo: cases.filter((c) => c.status === 'todo').length,
		seconds: seconds ?? (report?.testResults?.length ? (Math.max(...report.testResults.map((file) => file.endTime)) - report.startTime) / 1000 : null),
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
	process.stdout.write(
		`\nfault suite on ${line.title}: ${summary.cases} cases in ${summary.seconds?.toFixed(0)} s, ${summary.faultsInjected} faults injected, ` +
			`${summary.eventsLost} events lost, ${summary.duplicates} duplicates, ${summary.secretsFound} secrets found ` +
			`(${summary.secretsChecked} checked in ${(summary.bytesScanned / 1e6).toFixed(1)} MB)` +
			`${summary.knownBugs.length ? `; known bugs (it.failing): ${summary.knownBugs.length}` : ''}\n`,
	);
	// the figures that must be 0 fail the suite even when every test passed
	const bad = summary.eventsLost + summary.duplicates + summary.secretsFound;
	return { summary, passed, failed: failed + (bad > 0 ? 1 : 0) };
}

/** One table, a column per line: each case's result, then each recorded outcome. Returns the rows that differ. */
function table(summaries) {
	const rows = new Map();
	const cell = (key, index, value) => {
		if (!rows.has(key)) rows.set(key, summaries.map(() => '—'));
		rows.get(key)[index] = value;
	};
	summaries.forEach((summary, index) => {
		for (const c of summary.results) cell(`${path.basename(c.file).replace(/\.faults\.test\.ts$/, '')} › ${c.name}`, index, c.status);
		for (const file of summary.files) {
			for (const [name, figures] of Object.entries(file.figures ?? {})) {
				if (figures.outcome !== undefined) cell(`outcome › ${name}`, index, String(figures.outcome));
			}
		}
	});
	const differing = [...rows].filter(([, cells]) => new Set(cells).size > 1).map(([key]) => key);
	const header = ['case', ...summaries.map((s) => s.n8n), 'same'];
	const lines = [header, header.map(() => '---'), ...[...rows].map(([key, cells]) => [key, ...cells, new Set(cells).size > 1 ? 'DIFFERS' : 'yes'])];
	const escape = (text) => String(text).replaceAll('|', '\\|');
	process.stdout.write(`\n${lines.map((row) => `| ${row.map(escape).join(' | ')} |`).join('\n')}\n`);
	process.stdout.write(`\n${rows.size} rows; ${differing.length ? `${differing.length} differ between the lines:\n  ${differing.join('\n  ')}` : 'every column the same'}\n`);
	return { rows: [...rows].map(([key, cells]) => ({ case: key, ...Object.fromEntries(summaries.map((s, i) => [s.n8n, cells[i]])) })), differing };
}

const at = process.argv.indexOf('--summarise');
const results = [];
if (at > 0) {
	const line1At = process.argv.indexOf('--line1');
	results.push(summarise(LINES[0], path.resolve(process.argv[at + 1]), '', undefined));
	if (line1At > 0) results.push(summarise(LINES[1], path.resolve(process.argv[line1At + 1]), '', undefined));
} else {
	const only = (process.env.N8N_LINES ?? '2 1').split(/[\s,]+/).filter(Boolean);
	for (const line of LINES.filter((l) => only.includes(l.id))) {
		const { printed, seconds } = await runJest(line);
		results.push(summarise(line, line.jestJson, printed, seconds));
	}
}
const { rows, differing } = table(results.map((r) => r.summary));
const passed = results.reduce((sum, r) => sum + r.passed, 0);
const failed = results.reduce((sum, r) => sum + r.failed, 0) + differing.length;
writeFileSync(
	path.join(RESULTS, 'faults.json'),
	JSON.stringify({ passed, failed, linesDiffer: differing, lines: results.map((r) => r.summary), table: rows }, null, '\t'),
);
process.stdout.write(`summary: ${path.relative(ROOT, path.join(RESULTS, 'faults.json'))}\n\n${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);
