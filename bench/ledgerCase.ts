// What the OCCTO call ledger costs per call: 1000 reserves in a row on each store (redis: a real
// redis-server on 127.0.0.1 started here; file: the file store in a temporary user folder; memory).
// Usage: node dist/bench/ledgerCase.js → prints {"redisUsPerCall":…,"fileUsPerCall":…,"memoryUsPerCall":…}
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { closeRedisClients, openLedger } from '../nodes/occtoApi';
import type { LedgerSetting } from '../nodes/occtoApi';
import { redisServerBinary, startRedisServer } from '../test/redisServer';

const CALLS = 1000;

export interface LedgerCosts {
	redisUsPerCall: number | null;
	fileUsPerCall: number;
	memoryUsPerCall: number;
	calls: number;
	note?: string;
}

/** Microseconds per reserve over CALLS reserves for one user (all allowed), after a short warm-up. */
async function usPerCall(setting: LedgerSetting, env: NodeJS.ProcessEnv): Promise<number> {
	const { ledger } = await openLedger(setting, env, { argv: [] });
	for (let i = 0; i < 50; i++) await ledger.reserve('WARMUP01', 1000);
	const user = `BENCH${process.pid}`;
	await ledger.set(user, 0);
	const started = process.hrtime.bigint();
	for (let i = 0; i < CALLS; i++) {
		if (!(await ledger.reserve(user, CALLS)).allowed) throw new Error(`reserve ${i} was refused`);
	}
	const elapsedUs = Number(process.hrtime.bigint() - started) / 1000;
	return Math.round((elapsedUs / CALLS) * 10) / 10;
}

export async function ledgerCosts(): Promise<LedgerCosts> {
	const folder = mkdtempSync(path.join(tmpdir(), 'occto-ledger-bench-'));
	try {
		const memoryUsPerCall = await usPerCall({ mode: 'memory' }, {});
		const fileUsPerCall = await usPerCall({ mode: 'file' }, { N8N_USER_FOLDER: folder });
		if (!redisServerBinary()) {
			return { redisUsPerCall: null, fileUsPerCall, memoryUsPerCall, calls: CALLS, note: 'redis-server is not installed' };
		}
		const server = await startRedisServer();
		try {
			const redisUsPerCall = await usPerCall({ mode: 'redis', url: server.url }, {});
			return { redisUsPerCall, fileUsPerCall, memoryUsPerCall, calls: CALLS };
		} finally {
			await closeRedisClients();
			await server.stop();
		}
	} finally {
		rmSync(folder, { recursive: true, force: true });
	}
}

if (require.main === module) {
	ledgerCosts().then(
		(costs) => process.stdout.write(`${JSON.stringify(costs)}\n`),
		(error) => {
			process.stderr.write(`${String(error)}\n`);
			process.exit(1);
		},
	);
}
