// One Anpi Return All measurement in its own process: our node (Get Status, Return All, through n8n-core's
// engine) or a plain fetch loop over the same pages, against the simulator in this process.
// Usage: node dist/bench/anpiCase.js <node|fetch> <users>
import { NttComApi } from '../credentials/NttComApi.credentials';
import { NttAnpi } from '../nodes/NttAnpi/NttAnpi.node';
import { startAnpiSimulator } from '../simulators/anpi/server';
import { CredentialStore, chain, itemsOf, runWorkflow } from '../test/harness';
import { anpiAccessToken, nttCredential } from '../test/support/anpi';
import { nodeOf } from '../test/support/nodes';

async function viaFetch(url: string): Promise<number> {
	const token = await anpiAccessToken(url);
	const rows: unknown[] = [];
	for (let offset = 0; ; ) {
		const page = (await (await fetch(`${url}/v1/anpi/confirm/safety-status/`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
			body: JSON.stringify({ tid: '0000003', offset, limit: 5000 }),
		})).json()) as { thrddList: unknown[]; searchTotal: number };
		rows.push(...page.thrddList);
		offset += page.thrddList.length;
		if (!page.thrddList.length || offset >= page.searchTotal) break;
	}
	return rows.length;
}

async function viaNode(url: string): Promise<number> {
	const parameters = { resource: 'safetyConfirmation', operation: 'getStatus', tid: '0000003', returnAll: true, options: { simplify: false } };
	const { nodes, connections } = chain([nodeOf('anpi', 'Status', parameters, { nttComApi: { id: '1', name: 'NTT' } }, { id: 'status' })]);
	const credentials = new CredentialStore({ nttComApi: new NttComApi() }, { nttComApi: nttCredential(url) });
	const run = await runWorkflow({ nodes, connections, nodeTypes: { anpi: new NttAnpi() }, credentials });
	return itemsOf(run, 'Status').length;
}

async function main() {
	const [variant, usersText] = process.argv.slice(2);
	const simulator = await startAnpiSimulator({ users: Number(usersText), answeredShare: 0.4 });
	const baseRssMb = process.memoryUsage().rss / 1048576;
	const started = process.hrtime.bigint();
	const rows = variant === 'node' ? await viaNode(simulator.url) : await viaFetch(simulator.url);
	const ms = Number(process.hrtime.bigint() - started) / 1e6;
	await simulator.close();
	process.stdout.write(JSON.stringify({ ms, rows, maxRssMb: process.resourceUsage().maxRSS / 1024, baseRssMb }));
}

void main();
