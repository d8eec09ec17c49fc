// The OCCTO call ledger: where today's count of calls per OCCTO user ID lives, chosen by the credential's
// "Ledger" setting.
//   automatic → Redis when n8n runs in queue mode (n8n's own Redis; unreachable = error), else the file store
//               under the n8n user folder, else (folder not writable) this process only, saying why;
//   redis     → a Redis URL of the user's own (unreachable = error);
//   file      → the file store (not writable = error);
//   memory    → this process only.
import { FileLedger, FileState, ledgerDirectory, probeWritable } from './fileStore';
import { MemoryLedger, MemoryState } from './memoryStore';
import { isQueueMode, n8nQueueRedis, redisFromUrl } from './redisSettings';
import type { CallLedger, Clock, LedgerOptions, LedgerSetting, SharedState } from './types';
import { LedgerUnavailableError } from './types';

export * from './types';
/** Closes this process's Redis clients (tests, bench, shutdown). */
export async function closeRedisClients(): Promise<void> {
	await (await import('./redisStore')).closeRedisClients();
}

// ioredis is loaded only when a Redis store is used: most runs never need it, and loading it costs time per process
const openRedisStores: typeof import('./redisStore').openRedisStores = async (...args) => await (await import('./redisStore')).openRedisStores(...args);
export { ledgerDirectory } from './fileStore';
export { isQueueMode } from './redisSettings';

export interface OpenedLedger {
	ledger: CallLedger;
	state: SharedState;
}

/** Directories already proven writable in this process (checked once, not on every execution). */
const writableDirectories = new Set<string>();

function fileStores(env: NodeJS.ProcessEnv, clock: Clock): OpenedLedger | { notWritable: string } {
	const dir = ledgerDirectory(env);
	if (!writableDirectories.has(dir)) {
		const reason = probeWritable(dir);
		if (reason) return { notWritable: reason };
		writableDirectories.add(dir);
	}
	return { ledger: new FileLedger(dir, clock), state: new FileState(dir, clock) };
}

function memoryStores(clock: Clock, fallbackReason?: string): OpenedLedger {
	return { ledger: new MemoryLedger(clock, fallbackReason), state: new MemoryState(clock) };
}

export async function openLedger(
	setting: LedgerSetting,
	env: NodeJS.ProcessEnv = process.env,
	options: LedgerOptions & { argv?: string[] } = {},
): Promise<OpenedLedger> {
	const clock = options.clock ?? (() => new Date());
	switch (setting.mode) {
		case 'memory':
			return memoryStores(clock);
		case 'redis':
			return await openRedisStores(redisFromUrl(setting.url, env), clock);
		case 'file': {
			const opened = fileStores(env, clock);
			if ('notWritable' in opened) {
				throw new LedgerUnavailableError(
					`The OCCTO call ledger cannot be kept in a file: ${opened.notWritable}`,
					'Make the n8n user folder writable (N8N_USER_FOLDER), or choose another "Ledger" in the OCCTO WebAPI credential.',
					'file',
				);
			}
			return opened;
		}
		case 'automatic': {
			if (isQueueMode(env, options.argv)) return await openRedisStores(n8nQueueRedis(env), clock);
			const opened = fileStores(env, clock);
			if (!('notWritable' in opened)) return opened;
			return memoryStores(
				clock,
				`No shared store for the call count: ${opened.notWritable}. Counting in this n8n process only; other processes and restarts do not see these calls.`,
			);
		}
		default:
			throw new RangeError(`Unknown "Ledger" setting: ${String((setting as { mode?: unknown }).mode)}`);
	}
}
