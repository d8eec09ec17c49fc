// The in-process store: chosen explicitly ("this process only"), or the fallback when no shared store is
// writable (then every reading carries fallbackReason). Counts are process-wide, so every node and trigger
// in this process shares them; other processes, workers and restarts do not.
import type { CallLedger, Clock, QuotaReading, Reservation, SharedState } from './types';
import { checkStopBefore, checkUsed, checkUserId, decide, readingOf } from './types';
import { jstDate } from '../../shared/japanTime';
import { DAILY_CALL_LIMIT } from '../mapping';

/** userId → { day, used }: only today's count per user is kept. */
const counts = new Map<string, { day: string; used: number }>();
const values = new Map<string, { value: string; expiresAt?: number }>();

export class MemoryLedger implements CallLedger {
	readonly store = 'memory' as const;

	constructor(
		private readonly clock: Clock,
		private readonly fallbackReason?: string,
	) {}

	private today(userId: string, now: Date) {
		checkUserId(userId);
		const day = jstDate(now);
		let entry = counts.get(userId);
		if (!entry || entry.day !== day) {
			entry = { day, used: 0 };
			counts.set(userId, entry);
		}
		return entry;
	}

	private reading(used: number, now: Date): QuotaReading {
		return readingOf(used, now, 'memory', this.fallbackReason);
	}

	async reserve(userId: string, stopBefore: number): Promise<Reservation> {
		checkStopBefore(stopBefore);
		const now = this.clock();
		const entry = this.today(userId, now);
		const decision = decide(entry.used, stopBefore);
		if (decision.allowed) entry.used++;
		return { ...decision, reading: this.reading(entry.used, now) };
	}

	async read(userId: string): Promise<QuotaReading> {
		const now = this.clock();
		return this.reading(this.today(userId, now).used, now);
	}

	async set(userId: string, used: number): Promise<QuotaReading> {
		checkUsed(used);
		const now = this.clock();
		const entry = this.today(userId, now);
		entry.used = used;
		return this.reading(entry.used, now);
	}

	async markExhausted(userId: string): Promise<QuotaReading> {
		const now = this.clock();
		const entry = this.today(userId, now);
		entry.used = Math.max(entry.used, DAILY_CALL_LIMIT);
		return this.reading(entry.used, now);
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
}
