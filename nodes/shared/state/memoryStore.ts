// The in-process store: chosen explicitly ("this process only"), or the fallback when no shared store is
// writable. Everything is process-wide, so every node and trigger in this process shares it; other processes,
// workers and restarts do not.
import type { Clock, CounterKey, CounterRule, SharedCounter, SharedState, SharedStore } from './types';
import { checkCounterName, checkRule, checkWholeNumber } from './types';

/** counter name → name → { day, value }: only the latest day's count per name is kept. */
const counts = new Map<string, Map<string, { day: string; value: number }>>();
const values = new Map<string, { value: string; expiresAt?: number }>();

export class MemoryCounter implements SharedCounter {
	private readonly entries: Map<string, { day: string; value: number }>;

	constructor(counterName: string) {
		checkCounterName(counterName);
		let entries = counts.get(counterName);
		if (!entries) counts.set(counterName, (entries = new Map()));
		this.entries = entries;
	}

	/** The entry of key.name on key.day; a new day starts from 0. */
	private entry({ day, name }: CounterKey) {
		let entry = this.entries.get(name);
		if (!entry || entry.day !== day) {
			entry = { day, value: 0 };
			this.entries.set(name, entry);
		}
		return entry;
	}

	async reserve(key: CounterKey, rule: CounterRule): Promise<{ allowed: boolean; value: number }> {
		checkRule(rule);
		const entry = this.entry(key);
		const allowed = rule.below.every((limit) => entry.value < limit);
		if (allowed) entry.value++;
		return { allowed, value: entry.value };
	}

	async read(key: CounterKey): Promise<number> {
		const entry = this.entries.get(key.name);
		return entry?.day === key.day ? entry.value : 0;
	}

	async set(key: CounterKey, value: number): Promise<number> {
		checkWholeNumber(value, 'A count');
		this.entry(key).value = value;
		return value;
	}

	async raise(key: CounterKey, atLeast: number): Promise<number> {
		checkWholeNumber(atLeast, 'A count');
		const entry = this.entry(key);
		entry.value = Math.max(entry.value, atLeast);
		return entry.value;
	}
}

export class MemoryState implements SharedState {
	constructor(private readonly clock: Clock) {}

	private live(key: string) {
		const entry = values.get(key);
		if (entry?.expiresAt !== undefined && entry.expiresAt <= this.clock().getTime()) {
			values.delete(key);
			return undefined;
		}
		return entry;
	}

	async get(key: string): Promise<string | undefined> {
		return this.live(key)?.value;
	}

	async set(key: string, value: string, ttlMs?: number): Promise<void> {
		values.set(key, { value, expiresAt: ttlMs === undefined ? undefined : this.clock().getTime() + ttlMs });
	}

	async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
		if (this.live(key)) return false;
		await this.set(key, value, ttlMs);
		return true;
	}

	async delete(key: string): Promise<void> {
		values.delete(key);
	}

	async deleteIfEquals(key: string, value: string): Promise<boolean> {
		if (this.live(key)?.value !== value) return false;
		values.delete(key);
		return true;
	}

	describeKey(key: string): string {
		return `entry "${key}" in this n8n process's memory`;
	}
}

export class MemoryStore implements SharedStore {
	readonly backend = 'memory' as const;
	readonly state: MemoryState;

	constructor(
		clock: Clock,
		readonly fallbackReason?: string,
	) {
		this.state = new MemoryState(clock);
	}

	counter(name: string): SharedCounter {
		return new MemoryCounter(name);
	}
}
