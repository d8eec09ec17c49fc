// The shared state's contract, the same for every backend (memory, file, redis): small key-value entries
// (trigger cursors, poll locks, markers, a token cache) and atomic counters, one count per name per day (a
// quota's count). The store knows nothing of what it keeps: callers bring their own wording for errors.

export type StoreName = 'redis' | 'file' | 'memory';

/**
 * Where the state lives:
 *   automatic → Redis when n8n runs in queue mode (n8n's own Redis; unreachable = error), else the file store
 *               under the n8n user folder, else (folder not writable) this process only, saying why;
 *   redis     → a Redis URL of the user's own (unreachable = error);
 *   file      → the file store (not writable = error);
 *   memory    → this process only.
 */
export type StoreSetting = { mode: 'automatic' } | { mode: 'redis'; url: string } | { mode: 'file' } | { mode: 'memory' };

export type Clock = () => Date;

/** Small shared key-value primitives (trigger cursors, poll locks, markers, an OAuth token cache). */
export interface SharedState {
	get(key: string): Promise<string | undefined>;
	set(key: string, value: string, ttlMs?: number): Promise<void>;
	/** Set only if absent (a lock); true if this caller got it. */
	setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
	delete(key: string): Promise<void>;
	/** Deletes only while the value is still `value` (a lock released by its owner alone); true if deleted. */
	deleteIfEquals(key: string, value: string): Promise<boolean>;
	/** Where the entry lives, for errors: a file and entry, a Redis key, or this process's memory. */
	describeKey(key: string): string;
}

/**
 * One count: `name`'s count on `day`. Days are labels that sort in time order (e.g. YYYYMMDD in whatever time
 * zone the caller counts in); a day nobody counted on reads 0, so every day starts from 0.
 */
export interface CounterKey {
	day: string;
	name: string;
}

export interface CounterRule {
	/** Limits the count must stay below, every one of them, for one more to be counted. */
	below: readonly number[];
	/** How long the count is kept (Redis); file and memory keep the latest days instead. */
	ttlMs: number;
}

/**
 * Counts that every process using the same store shares. Each operation is atomic: in Redis one Lua script, in
 * the file store one locked read-modify-write, in memory one synchronous step.
 */
export interface SharedCounter {
	/** Adds 1 only while the count is below every limit. `value`: the count after (allowed) or as found (refused). */
	reserve(key: CounterKey, rule: CounterRule): Promise<{ allowed: boolean; value: number }>;
	read(key: CounterKey): Promise<number>;
	/** Replaces the count; answers the count now kept. */
	set(key: CounterKey, value: number, ttlMs: number): Promise<number>;
	/** count = max(count, atLeast), never lowering it; answers the count now kept. */
	raise(key: CounterKey, atLeast: number, ttlMs: number): Promise<number>;
}

/** One opened store: its key-value state and its counters. */
export interface SharedStore {
	readonly backend: StoreName;
	readonly state: SharedState;
	/** The counters called `name` (a file name's worth of letters, digits and dashes). */
	counter(name: string): SharedCounter;
	/** Set when the automatic choice fell back to this process only: why no shared store could be used. */
	readonly fallbackReason?: string;
}

/** How errors speak of the store, in the caller's words. Every field is mid-sentence. */
export interface StoreWording {
	/** What the store keeps: "the … ledger" (→ "Cannot use the Redis for the … ledger at host:port"). */
	subject: string;
	/** The setting holding a Redis URL: 'the "Redis URL" of …' (→ '… must look like redis://host:6379/0'). */
	urlField: string;
	/** The same, with where it is set: 'the "Redis URL" of … in the … credential'. */
	urlSetting: string;
	/** How to pick another store, if the user can: 'choose another "…" in the … credential'. */
	otherChoice?: string;
	/** What to do about a damaged file, a whole sentence. */
	damagedHint: string;
}

export const GENERIC_WORDING: StoreWording = {
	subject: 'the shared state',
	urlField: 'the Redis URL',
	urlSetting: 'the Redis URL',
	damagedHint: 'Repair it, or delete it to start again from empty.',
};

/** ", or <otherChoice>" when the caller offers one. */
export const orOtherChoice = (wording: StoreWording) => (wording.otherChoice ? `, or ${wording.otherChoice}` : '');

export const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * A store could not be used (unreachable Redis, unreadable file, …). The message says what and where (never a
 * password); `description` says how to fix it. Callers turn it into a NodeOperationError.
 */
export class StoreUnavailableError extends Error {
	constructor(
		message: string,
		readonly description: string,
		readonly store: StoreName,
	) {
		super(message);
		this.name = 'StoreUnavailableError';
	}
}

/** Counts, limits and figures to set: whole numbers of 0 or more. `what` starts the message. */
export function checkWholeNumber(value: number, what: string): void {
	if (!Number.isInteger(value) || value < 0) {
		throw new RangeError(`${what} must be a whole number of 0 or more, not ${String(value)}`);
	}
}

/** What every backend checks before it counts: limits and figures are whole numbers of 0 or more. */
export function checkRule(rule: CounterRule): void {
	for (const limit of rule.below) checkWholeNumber(limit, 'A counter limit');
}

/** Counter names become file names (file store) and key parts (Redis). */
export function checkCounterName(name: string): void {
	if (!/^[a-z0-9][a-z0-9-]*$/i.test(name)) throw new RangeError(`A counter name is letters, digits and dashes, not "${name}"`);
}
