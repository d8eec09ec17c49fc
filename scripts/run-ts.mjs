#!/usr/bin/env node
// Runs one of the package's TypeScript entry points (simulators, benchmarks) from its compiled form,
// compiling first (tsc is incremental, so this is quick when nothing changed).
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const [entry, ...args] = process.argv.slice(2);
if (!entry) {
	console.error('usage: node scripts/run-ts.mjs <path/to/file.ts> [args…]');
	process.exit(2);
}
const tsc = spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
const compiled = path.join(ROOT, 'dist', entry.replace(/\.ts$/, '.js'));
const child = spawnSync(process.execPath, [compiled, ...args], { cwd: ROOT, stdio: 'inherit' });
process.exit(child.status ?? 1);
