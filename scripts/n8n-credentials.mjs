#!/usr/bin/env node
// Writes the n8n credentials (import:credentials format) that point at the running simulators: the OCCTO client
// certificate the simulator generated, the Anpi simulator's test client, and the two Sandbox ones of README.
// With an examples folder, also writes examples/*.json there re-pointed from the Sandbox credentials to the
// simulator ones (npm start's examples run against the simulators; the files themselves use the Sandbox).
// Usage: node scripts/n8n-credentials.mjs <occto credentials.json> <anpi url> <output file> [<examples output folder>]
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const EXAMPLES = path.join(ROOT, 'examples');

/** The two credentials README "Try it without accounts" asks for (Environment "Sandbox"), as the examples name them. */
export const SANDBOX_CREDENTIALS = JSON.parse(readFileSync(path.join(EXAMPLES, 'credentials', 'sandbox.json'), 'utf8'));

export function simulatorCredentials(occto, anpiUrl) {
	const anpi = { clientId: 'sim-client', host: 'custom', customUrl: anpiUrl, accessToken: '', validUntil: 0 };
	return [
		{ id: 'occtoSimulator01', name: 'OCCTO simulator', type: 'occtoWebApi', data: occto },
		{ id: 'anpiSimulator001', name: 'NTT Anpi simulator', type: 'nttComApi', data: { ...anpi, clientSecret: 'sim-secret-not-real' } },
		{ id: 'anpiBadSecret001', name: 'NTT Anpi wrong secret', type: 'nttComApi', data: { ...anpi, clientSecret: 'deliberately-wrong-secret' } },
	];
}

/** The simulator credential that stands in for each Sandbox one, by credential type. */
const SIMULATOR_FOR = { occtoWebApi: { id: 'occtoSimulator01', name: 'OCCTO simulator' }, nttComApi: { id: 'anpiSimulator001', name: 'NTT Anpi simulator' } };

/**
 * A copy of `workflow` whose nodes use the simulator credentials where they used the Sandbox ones. The examples
 * name them with no id (`"id": null`): n8n resolves them by name on import, in the editor and in import:workflow
 * alike, while n8n 2.x's editor drops a reference whose id the instance does not have.
 */
export function onSimulators(workflow) {
	const sandbox = new Set(SANDBOX_CREDENTIALS.flatMap((c) => [`${c.type}/${c.id}`, `${c.type}/${c.name}`]));
	const copy = structuredClone(workflow);
	for (const node of copy.nodes) {
		for (const [type, reference] of Object.entries(node.credentials ?? {})) {
			const isSandbox = sandbox.has(`${type}/${reference.id}`) || (reference.id === null && sandbox.has(`${type}/${reference.name}`));
			if (isSandbox && SIMULATOR_FOR[type]) node.credentials[type] = SIMULATOR_FOR[type];
		}
	}
	return copy;
}

/** The example workflows (examples/*.json), parsed. */
export const exampleWorkflows = () =>
	readdirSync(EXAMPLES)
		.filter((file) => file.endsWith('.json'))
		.map((file) => ({ file, workflow: JSON.parse(readFileSync(path.join(EXAMPLES, file), 'utf8')) }));

/** Writes every example, re-pointed at the simulators, into `folder` (for import:workflow --separate). */
export function writeExamplesOnSimulators(folder) {
	mkdirSync(folder, { recursive: true });
	for (const { file, workflow } of exampleWorkflows()) writeFileSync(path.join(folder, file), `${JSON.stringify(onSimulators(workflow), null, 2)}\n`);
	return folder;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
	const [occtoFile, anpiUrl, output, examplesFolder] = process.argv.slice(2);
	if (!occtoFile || !anpiUrl || !output) {
		console.error('usage: node scripts/n8n-credentials.mjs <occto credentials.json> <anpi url> <output file> [<examples output folder>]');
		process.exit(2);
	}
	const occto = JSON.parse(readFileSync(occtoFile, 'utf8'));
	writeFileSync(output, JSON.stringify([...simulatorCredentials(occto, anpiUrl), ...SANDBOX_CREDENTIALS], null, 2), { mode: 0o600 });
	if (examplesFolder) writeExamplesOnSimulators(examplesFolder);
}
