// `node scripts/run-ts.mjs scripts/fuzz-rows.ts [count=20000] [seed=35]`: the list fast paths against the reference
// (scripts/xmlRowFuzz.ts). Prints the tally and the first divergences; exits 1 if there is any.
import { fuzzRows } from './xmlRowFuzz';

const count = Number(process.argv[2] ?? 20_000);
const seed = Number(process.argv[3] ?? 35);
const started = Date.now();
const { divergences, ...tally } = fuzzRows(count, seed);
console.log(JSON.stringify({ count, seed, seconds: (Date.now() - started) / 1000, ...tally, divergences: divergences.length }));
for (const { xml, problem } of divergences.slice(0, 10)) console.log(`\n${JSON.stringify(xml)}\n  ${problem}`);
process.exitCode = divergences.length ? 1 : 0;
