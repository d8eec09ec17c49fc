// The generic n8n way to read an OCCTO list answer, with n8n 2.41.1's own nodes run by its own engine
// (Node 24): Convert to File (Base64 → binary) → Compression (unzip) → Extract from File (XML text) → XML (→ JSON)
// → Split Out (one item per row, as a user needs them).
// Variant "fair": Extract from File's option File Encoding = shiftjis, as a user who reads the options sets it.
// Variant "default": the option left unset (n8n guesses the encoding): the text comes out as mojibake.
// Usage: <node 24> --expose-gc bench/generic-n8n.cjs <runtime node_modules> <file with the Base64 answer> <repeats> [fair|default]
const path = require('node:path');
const { readFileSync } = require('node:fs');

const [runtime, payloadFile, repeatsText, variant = 'fair'] = process.argv.slice(2);
const load = (id) => require(path.join(runtime, id));
const { ExecutionLifecycleHooks, WorkflowExecute } = load('n8n-core');
const { NodeHelpers, Workflow } = load('n8n-workflow');
const base = path.join(runtime, 'n8n-nodes-base/dist/nodes');
const types = {
	'n8n-nodes-base.convertToFile': new (require(path.join(base, 'Files/ConvertToFile/ConvertToFile.node.js')).ConvertToFile)(),
	'n8n-nodes-base.compression': new (require(path.join(base, 'Compression/Compression.node.js')).Compression)(),
	'n8n-nodes-base.extractFromFile': new (require(path.join(base, 'Files/ExtractFromFile/ExtractFromFile.node.js')).ExtractFromFile)(),
	'n8n-nodes-base.xml': new (require(path.join(base, 'Xml/Xml.node.js')).Xml)(),
	'n8n-nodes-base.splitOut': new (require(path.join(base, 'Transform/SplitOut/SplitOut.node.js')).SplitOut)(),
	'bench.start': {
		description: { displayName: 'Start', name: 'start', group: ['input'], version: 1, defaults: {}, inputs: [], outputs: ['main'], properties: [] },
		async execute() {
			return [this.getInputData()];
		},
	},
};
const nodeTypes = {
	getByName: (name) => types[name],
	getByNameAndVersion: (name, version) => NodeHelpers.getVersionedNodeType(types[name], version),
	getKnownTypes: () => ({}),
};
const node = (name, type, typeVersion, parameters) => ({ id: name, name, type, typeVersion, position: [0, 0], parameters });
const nodes = [
	node('Start', 'bench.start', 1, {}),
	node('Convert to File', 'n8n-nodes-base.convertToFile', 1.1, { operation: 'toBinary', sourceProperty: 'data', binaryPropertyName: 'data', options: { fileName: 'answer.zip' } }),
	node('Compression', 'n8n-nodes-base.compression', 1.1, { operation: 'decompress', binaryPropertyName: 'data', outputPrefix: 'file_' }),
	node('Extract from File', 'n8n-nodes-base.extractFromFile', 1.1, {
		operation: 'xml',
		binaryPropertyName: 'file_0',
		destinationKey: 'data',
		options: variant === 'fair' ? { encoding: 'shiftjis' } : {},
	}),
	node('XML', 'n8n-nodes-base.xml', 1, { mode: 'xmlToJson', dataPropertyName: 'data', options: {} }),
	node('Split Out', 'n8n-nodes-base.splitOut', 1, { fieldToSplitOut: 'SBD-MSG.OUTAGE_PLAN_INFO', include: 'noOtherFields', options: {} }),
];
const connections = {};
for (let i = 0; i < nodes.length - 1; i++) connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };

async function runOnce(base64) {
	const workflow = new Workflow({ id: 'bench', name: 'bench', nodes, connections, active: false, nodeTypes, settings: { executionOrder: 'v1' } });
	const hooks = new ExecutionLifecycleHooks('manual', 'bench', { id: 'bench', name: 'bench', nodes, connections, settings: {} });
	let done;
	const finished = new Promise((resolve) => (done = resolve));
	hooks.addHandler('workflowExecuteAfter', (run) => done(run));
	const additionalData = { hooks, executionId: 'bench', restApiUrl: '', instanceBaseUrl: '', webhookBaseUrl: '', webhookWaitingBaseUrl: '', webhookTestBaseUrl: '', formWaitingBaseUrl: '', variables: {}, setExecutionStatus() {}, sendDataToUI() {}, logAiEvent() {}, credentialsHelper: {} };
	const runData = { startData: {}, resultData: { runData: {} }, executionData: { contextData: {}, metadata: {}, waitingExecution: {}, waitingExecutionSource: {}, nodeExecutionStack: [{ node: nodes[0], data: { main: [[{ json: { data: base64 } }]] }, source: null }] } };
	await new WorkflowExecute(additionalData, 'manual', runData).processRunExecutionData(workflow);
	const run = await finished;
	const result = run.data.resultData.runData['Split Out']?.[0];
	if (!result || result.error) throw new Error(`generic pipeline failed: ${run.data.resultData.error?.message ?? result?.error?.message}`);
	return result.data.main[0];
}

(async () => {
	const base64 = readFileSync(payloadFile, 'utf8');
	const repeats = Number(repeatsText) || 3;
	global.gc?.();
	const before = process.memoryUsage().rss;
	const times = [];
	let output;
	for (let i = 0; i < repeats; i++) {
		output = undefined;
		global.gc?.(); // with --expose-gc: each repeat starts from the same heap, as in decodeCase
		const started = process.hrtime.bigint();
		output = await runOnce(base64);
		times.push(Number(process.hrtime.bigint() - started) / 1e6);
	}
	const text = JSON.stringify(output.slice(0, 20).map((item) => item.json));
	process.stdout.write(
		JSON.stringify({
			ms: times.sort((a, b) => a - b)[Math.floor(times.length / 2)],
			rows: output.length,
			maxRssMb: process.resourceUsage().maxRSS / 1024,
			baseRssMb: before / 1048576,
			japaneseIntact: text.includes('発電所'),
		}),
	);
})().catch((error) => {
	process.stderr.write(String(error?.stack ?? error));
	process.exit(1);
});
