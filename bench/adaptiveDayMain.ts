// `node dist/bench/adaptiveDayMain.js <out.json>`: the simulated day of bench/adaptiveDay.ts in both modes,
// written as JSON to a file (n8n's logger writes to stdout).
import { writeFileSync } from 'node:fs';

import { adaptiveDay } from './adaptiveDay';

async function main() {
	const results = [await adaptiveDay('adaptive'), await adaptiveDay('everyPoll')];
	writeFileSync(process.argv[2] ?? 'adaptive-day.json', JSON.stringify(results));
}

void main();
