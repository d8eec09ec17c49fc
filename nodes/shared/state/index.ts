// The shared state of this package's nodes: which backend keeps it (see StoreSetting), opened once per run.
// Callers name their own folder under the n8n user folder (file store) and bring their own wording for
// errors; the counters and key-value entries are the same on every backend.
import { FileStore, probeWritable, storeDirectory, StoreFiles } from './fileStore';
import { MemoryStore } from './memoryStore';
import { isQueueMode, n8nQueueRedis, redisFromUrl } from './redisSettings';
import type { RedisTarget } from './redisStore';
import type { Clock, SharedState, SharedStore, StoreSetting, StoreWording } from './types';
import { GENERIC_WORDING, orOtherChoice, capitalized, StoreUnavailableError } from './types';

export * from './types';
export { isQueueMode } from './redisSettings';
export { storeDirectory } from './fileStore';

/** Closes this process's Redis clients (tests, bench, shutdown). */
export async function closeRedisClients(): Promise<void> {
	await (await import('./redisStore')).closeRedisClients();
}

// ioredis is loaded only when a Redis store is used: most runs never need it, and loading it costs time per process
async function openRedisStore(target: RedisTarget): Promise<SharedStore> {
	return await (await import('./redisStore')).openRedisStore(target);
}

export interface StoreOptions {
	/** The file store's folder: <N8N_USER_FOLDER or home>/.n8n/<folder>. */
	folder: string;
	wording?: StoreWording;
	/** Injectable for tests; defaults to the system clock. */
	clock?: Clock;
	/** The process's arguments (an `n8n worker` runs in queue mode); defaults to process.argv. */
	argv?: string[];
}

/** Directories already proven writable in this process (checked once, not on every execution). */
const writableDirectories = new Set<string>();

function fileStore(env: NodeJS.ProcessEnv, folder: string, wording: StoreWording, clock: Clock): SharedStore | { notWritable: string } {
	const dir = storeDirectory(env, folder);
	if (!writableDirectories.has(dir)) {
		const reason = probeWritable(dir);
		if (reason) return { notWritable: reason };
		writableDirectories.add(dir);
	}
	return new FileStore(new StoreFiles(dir, wording), clock);
}

export async function openSharedStore(setting: StoreSetting, env: NodeJS.ProcessEnv, options: StoreOptions): Promise<SharedStore> {
	const clock = options.clock ?? (() => new Date());
	const wording = options.wording ?? GENERIC_WORDING;
	switch (setting.mode) {
		case 'memory':
			return new MemoryStore(clock);
		case 'redis':
			return await openRedisStore(redisFromUrl(setting.url, env, wording));
		case 'file': {
			const opened = fileStore(env, options.folder, wording, clock);
			if ('notWritable' in opened) {
				throw new StoreUnavailableError(
					`${capitalized(wording.subject)} cannot be kept in a file: ${opened.notWritable}`,
					`Make the n8n user folder writable (N8N_USER_FOLDER)${orOtherChoice(wording)}.`,
					'file',
				);
			}
			return opened;
		}
		case 'automatic': {
			if (isQueueMode(env, options.argv)) return await openRedisStore(n8nQueueRedis(env, wording));
			const opened = fileStore(env, options.folder, wording, clock);
			return 'notWritable' in opened ? new MemoryStore(clock, opened.notWritable) : opened;
		}
		default:
			throw new RangeError(`Unknown store setting: ${String((setting as { mode?: unknown }).mode)}`);
	}
}

/**
 * The shared state in the Redis n8n itself uses, when this process runs in queue mode; undefined otherwise
 * (one process: nothing to share). Throws when that Redis cannot be used.
 */
export async function openQueueState(env: NodeJS.ProcessEnv = process.env, argv?: string[]): Promise<SharedState | undefined> {
	if (!isQueueMode(env, argv)) return undefined;
	return (await openRedisStore(n8nQueueRedis(env, GENERIC_WORDING))).state;
}
