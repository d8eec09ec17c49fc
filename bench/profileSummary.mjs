// Where the time of one n8n run goes, from a V8 CPU profile (`BENCH_CPU_PROF=<dir> node bench/e2eN8n.mjs 50000 1`
// writes one per run). Only the workflow's execution window is counted: from the first to the last sample whose
// stack is inside n8n-core's WorkflowExecute. Each sample is charged to its leaf frame's package (self time) and
// to the listed functions on its stack (inclusive time).
// Usage: node bench/profileSummary.mjs <file.cpuprofile> [function names to report inclusively, comma-separated]
import { readFileSync } from 'node:fs';

const [file, inclusiveText = ''] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const inclusive = inclusiveText.split(',').filter(Boolean);
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

function stackOf(id) {
	const stack = [];
	for (let at = id; at !== undefined; at = parent.get(at)) stack.push(byId.get(at).callFrame);
	return stack; // leaf first
}

function packageOf(frame) {
	const { url, functionName } = frame;
	if (!url) return functionName.startsWith('(') ? functionName : `native: ${functionName || '(anonymous)'}`;
	if (url.startsWith('node:')) return 'node internals';
	if (/n8n-nodes-occto-anpi|\/work\/main\/dist\//.test(url)) return 'this package';
	const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules)/.exec(url);
	return match ? match[1] : url;
}

const times = [];
let clock = profile.startTime;
for (let i = 0; i < profile.samples.length; i++) {
	clock += profile.timeDeltas[i];
	times.push(clock);
}
const inWorkflow = profile.samples.map((id) => stackOf(id).some((frame) => /WorkflowExecute|workflow-execute/.test(frame.url) || frame.functionName === 'processRunExecutionData'));
const first = inWorkflow.indexOf(true);
const last = inWorkflow.lastIndexOf(true);
const self = new Map();
const leaves = new Map(); // top leaf functions, for the two biggest buckets
const incl = new Map(inclusive.map((name) => [name, 0]));
let total = 0;
for (let i = first; i <= last; i++) {
	const ms = (times[i + 1] ?? times[i]) - times[i];
	const stack = stackOf(profile.samples[i]);
	total += ms;
	const key = packageOf(stack[0]);
	self.set(key, (self.get(key) ?? 0) + ms);
	const leaf = `${key}: ${stack[0].functionName || '(anonymous)'} ${stack[0].url.split('/').slice(-1)[0]}:${stack[0].lineNumber}`;
	leaves.set(leaf, (leaves.get(leaf) ?? 0) + ms);
	const names = new Set(stack.map((frame) => frame.functionName));
	for (const name of inclusive) if (names.has(name)) incl.set(name, incl.get(name) + ms);
}
const rows = [...self].sort((a, b) => b[1] - a[1]).filter(([, us]) => us / total >= 0.01);
process.stdout.write(
	JSON.stringify({
		windowMs: total / 1000,
		self: rows.map(([name, us]) => ({ name, ms: Math.round(us / 1000), share: Math.round((us / total) * 100) })),
		topLeaves: [...leaves].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([name, us]) => `${Math.round(us / 1000)} ms ${name}`),
		inclusive: [...incl].map(([name, us]) => ({ name, ms: Math.round(us / 1000) })),
	}),
);
