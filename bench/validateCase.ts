// Local plan validation (Outage Plan → Validate / Register's "Validate Before Sending") next to one register
// call to the OCCTO simulator: what a check costs compared with what it saves.
// Usage: node dist/bench/validateCase.js [repeats]   → prints one JSON line
import { readFileSync } from 'node:fs';
import path from 'node:path';

import * as iconv from 'iconv-lite';

import { validatePlan } from '../nodes/occtoApi';
import type { PlanSchema } from '../nodes/occtoApi';
import { startOcctoSimulator } from '../simulators/occto/server';
import { occtoPost, p12Tls, validPlanXml } from '../test/occto-fixtures';

const ITEM = (i: number) =>
	`<OUTAGE_ITEM><FACILITY_NM>○○発電所${(i % 9) + 1}号機 定期点検</FACILITY_NM><STR_DATE>202612${String((i % 28) + 1).padStart(2, '0')}</STR_DATE><END_DATE>20261231</END_DATE></OUTAGE_ITEM>\n      `;

/** A plan with `count` outage items (a typical plan has a few dozen). */
function planWithItems(count: number): string {
	return validPlanXml().replace('</JPTRM>', `${Array.from({ length: count }, (_, i) => ITEM(i)).join('')}</JPTRM>`);
}

/** As many items as make the plan `bytes` long in Shift_JIS. */
function planOfSize(bytes: number): string {
	const itemBytes = iconv.encode(ITEM(0), 'cp932').length;
	return planWithItems(Math.ceil(bytes / itemBytes));
}

async function median(repeats: number, run: () => Promise<unknown>): Promise<number> {
	const times: number[] = [];
	for (let i = 0; i < repeats; i++) {
		const started = process.hrtime.bigint();
		await run();
		times.push(Number(process.hrtime.bigint() - started) / 1e6);
	}
	times.sort((a, b) => a - b);
	return Math.round(times[Math.floor(times.length / 2)] * 100) / 100;
}

async function main() {
	const repeats = Number(process.argv[2] ?? 5);
	const xsdDir = path.resolve(__dirname, '..', '..', 'test', 'fixtures', 'xsd', 'occto');
	const schema: PlanSchema = {
		main: { name: 'outage-plan.xsd', text: readFileSync(path.join(xsdDir, 'outage-plan.xsd'), 'utf8') },
		others: [{ name: 'common-types.xsd', text: readFileSync(path.join(xsdDir, 'common-types.xsd'), 'utf8') }],
	};
	const typical = planWithItems(30);
	const fiveMb = planOfSize(5 * 1024 * 1024);
	const check = async (xml: string, withSchema: boolean) => {
		const result = await validatePlan(xml, { encoding: 'Shift_JIS', schema: withSchema ? schema : undefined });
		if (!result.valid) throw new Error(`bench plan is not valid: ${JSON.stringify(result.problems[0])}`);
	};
	await check(typical, false); // warm-up (JIT, iconv tables)

	const sim = await startOcctoSimulator({ statusDelayMs: 50, seedPlans: 0 });
	let registerCallMs: number;
	try {
		const tls = p12Tls(sim.certs, sim.certs.clientP12Base64);
		const data = iconv.encode(typical.replace('UTF-8', 'Shift_JIS'), 'cp932');
		const register = async () => {
			const answer = await occtoPost(sim.url, 'BA13B101', { userid: 'U0000001', password: 'sim-password-1' }, tls, { file: { fileName: 'plan.xml', data } });
			if (answer.resultCode !== '0000') throw new Error(`register failed: ${answer.resultCode} ${answer.text.slice(0, 200)}`);
		};
		await register();
		registerCallMs = await median(repeats, register);
	} finally {
		await sim.close();
	}

	process.stdout.write(
		JSON.stringify({
			typicalMs: await median(repeats, () => check(typical, false)),
			fiveMbMs: await median(repeats, () => check(fiveMb, false)),
			typicalXsdMs: await median(repeats, () => check(typical, true)),
			fiveMbXsdMs: await median(Math.min(repeats, 3), () => check(fiveMb, true)),
			registerCallMs,
			typicalBytes: iconv.encode(typical, 'cp932').length,
			fiveMbBytes: iconv.encode(fiveMb, 'cp932').length,
			repeats,
		}) + '\n',
	);
}

void main().catch((error) => {
	process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
	process.exit(1);
});
