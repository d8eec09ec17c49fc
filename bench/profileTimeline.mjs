// The timeline of one OCCTO Get Many inside n8n, from a V8 CPU profile of the n8n process
// (`BENCH_CPU_PROF=<dir> node bench/e2eN8n.mjs 50000 1` writes one per run; the largest file of
// <dir>/benchWorkflowA is the n8n process). The node's execution is the span of samples under this package's
// OcctoOutagePlan code; each phase is the span and the CPU time of samples under its function, and the
// samples in that span that are garbage collection or idle (waiting for I/O) are counted apart.
// Usage: node bench/profileTimeline.mjs <file.cpuprofile>   → one JSON object
import { readFileSync } from 'node:fs';

// A sample belongs to the phase of the innermost frame that is phase code (async continuations lose their callers,
// so phases are told apart by the files that do the work, not by the function that started it).
const PHASES = [
	['certificate', /occtoApi\/transport\/clientCertificate\.js|node-forge/],
	['ledger reserve and quota read', /nodes\/shared\/state\/|occtoApi\/callLedger\//],
	['connection (credential, wire settings)', /occtoApi\/transport\/(wireSettings|authenticate|connection)\.js/],
	['request (n8n helper, TLS)', /nodes\/shared\/n8nLine\.js|nodes\/shared\/http\/|node:internal\/tls|node:_http|node:net|axios|outbound-http/],
	['decode: XML scan (subset scanner, saxes)', /nodes\/shared\/xmlSubsetScanner\.js|node_modules\/saxes\//],
	['decode: values built (ElementBuilder)', /nodes\/shared\/xmlStream\.js/],
	['decode: Base64, inflate, Shift_JIS', /nodes\/shared\/(zipXmlStream|codecs)\.js|node:zlib|node:internal\/encoding|node:buffer|fflate/],
	['decode: rows found and mapped', /nodes\/shared\/listShape\.js|occtoApi\/transport\/listAnswer\.js/],
	['rows → items', /OcctoOutagePlan\/actions\/common\.js/],
];

const profile = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const stackCache = new Map();
function stackOf(id) {
	if (!stackCache.has(id)) {
		const stack = [];
		for (let at = id; at !== undefined; at = parent.get(at)) stack.push(byId.get(at).callFrame);
		stackCache.set(id, stack);
	}
	return stackCache.get(id);
}
const ours = (frame) => /dist\/nodes\/OcctoOutagePlan\//.test(frame.url) || /n8n-nodes-occto-anpi\/dist\/nodes\/OcctoOutagePlan\//.test(frame.url);
// after its first await an async function's samples no longer show `execute`: any frame of the node's code counts,
// except while n8n loads the package (its classes and modules)
const isExecute = (stack) => stack.some(ours) && !stack.some((f) => /^(loadClass|loadClassInIsolation|wrapModuleLoad|require|loadNodeFromFile)$/.test(f.functionName));

const samples = [];
let t = profile.startTime;
for (let i = 0; i < profile.samples.length; i++) {
	t += profile.timeDeltas[i];
	samples.push({ at: t / 1000, stack: stackOf(profile.samples[i]) });
}
const inExecute = samples.filter((s) => isExecute(s.stack));
if (!inExecute.length) throw new Error('no sample inside the OCCTO node execute: is this the n8n process of workflow A?');
const start = inExecute[0].at;
const end = inExecute[inExecute.length - 1].at;
const ms = (value) => Math.round(value);
const during = samples.filter((s) => s.at >= start && s.at <= end);
const interval = (end - start) / Math.max(during.length - 1, 1);
const leaf = (s) => s.stack[0].functionName;
const phases = {};
for (const sample of during) {
	let name = leaf(sample).startsWith('(') ? leaf(sample) : undefined;
	for (const frame of sample.stack) {
		if (name) break;
		name = PHASES.find(([, pattern]) => pattern.test(frame.url))?.[0];
	}
	name ??= 'other (n8n, node internals)';
	phases[name] ??= { fromMs: ms(sample.at - start), toMs: 0, cpuMs: 0 };
	phases[name].toMs = ms(sample.at - start);
	phases[name].cpuMs += interval;
}
for (const phase of Object.values(phases)) phase.cpuMs = ms(phase.cpuMs);
// n8n's own work after the node returned, until the last sample of the run (saving, printing the run JSON)
const after = samples.filter((s) => s.at > end);
const category = (s) => (leaf(s).startsWith('(') ? leaf(s) : s.stack.some((f) => /flatted/.test(f.url)) ? 'flatted (n8n serialising the run)' : s.stack.some((f) => /typeorm|sqlite/.test(f.url)) ? 'database' : 'other');
const tally = (list) => Object.fromEntries([...list.reduce((m, s) => m.set(category(s), (m.get(category(s)) ?? 0) + 1), new Map())].map(([k, v]) => [k, ms(v * interval)]));
process.stdout.write(
	JSON.stringify({
		nodeExecutionMs: ms(end - start),
		phases,
		afterNode: tally(after.filter((s) => s.at < end + 3000)),
	}),
);
