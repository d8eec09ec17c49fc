#!/usr/bin/env node
// Writes the n8n credentials (import:credentials format) that point at the running simulators:
// the OCCTO client certificate the simulator generated, and the Anpi simulator's test client; and two Sandbox ones.
// Usage: node scripts/n8n-credentials.mjs <occto credentials.json> <anpi url> <output file>
import { readFileSync, writeFileSync } from 'node:fs';

/** Two credentials with Environment "Sandbox": answered inside n8n, no simulator needed (README "Try it without accounts"). */
export const SANDBOX_CREDENTIALS = [
	{ id: 'occtoSandbox0001', name: 'OCCTO sandbox', type: 'occtoWebApi', data: { environment: 'sandbox' } },
	{ id: 'anpiSandbox00001', name: 'NTT Anpi sandbox', type: 'nttComApi', data: { environment: 'sandbox' } },
];

export function simulatorCredentials(occto, anpiUrl) {
	const anpi = { clientId: 'sim-client', host: 'custom', customUrl: anpiUrl, accessToken: '', validUntil: 0 };
	return [
		{ id: 'occtoSimulator01', name: 'OCCTO simulator', type: 'occtoWebApi', data: occto },
		{ id: 'anpiSimulator001', name: 'NTT Anpi simulator', type: 'nttComApi', data: { ...anpi, clientSecret: 'sim-secret-not-real' } },
		{ id: 'anpiBadSecret001', name: 'NTT Anpi wrong secret', type: 'nttComApi', data: { ...anpi, clientSecret: 'deliberately-wrong-secret' } },
	];
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
	const [occtoFile, anpiUrl, output] = process.argv.slice(2);
	if (!occtoFile || !anpiUrl || !output) {
		console.error('usage: node scripts/n8n-credentials.mjs <occto credentials.json> <anpi url> <output file>');
		process.exit(2);
	}
	const occto = JSON.parse(readFileSync(occtoFile, 'utf8'));
	writeFileSync(output, JSON.stringify([...simulatorCredentials(occto, anpiUrl), ...SANDBOX_CREDENTIALS], null, 2), { mode: 0o600 });
}
