// `npm run fuzz:xml -- [count] [seed]`: the subset scanner against saxes on `count` generated documents (default
// 100,000; seed 35). Prints the tally and every divergence; exits 1 if there is any.
import { fuzz } from './xmlFuzz';

async function main() {
	const count = Number(process.argv[2] ?? 100_000);
	const seed = Number(process.argv[3] ?? 35);
	const started = Date.now();
	const tally = await fuzz(count, seed, (done) => process.stderr.write(`${done}…\r`));
	const { divergences, ...counts } = tally;
	console.log(JSON.stringify({ count, seed, seconds: (Date.now() - started) / 1000, ...counts, divergences: divergences.length }));
	for (const { xml, problem } of divergences.slice(0, 20)) console.log(`\n${JSON.stringify(xml)}\n  ${problem}`);
	process.exitCode = divergences.length ? 1 : 0;
}

void main();
