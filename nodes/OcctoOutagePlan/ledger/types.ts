// The OCCTO call ledger's contract, shared by every store (memory, file, redis). One count per OCCTO user ID
// per Japan-time day; OCCTO allows 1000 calls a day per user ID across all APIs, failed calls included.
import { jstDate, nextJstMidnight } from '../../shared/japanTime';
import { DAILY_CALL_LIMIT } from '../mapping';

export type LedgerStoreName = 'redis' | 'file' | 'memory';

export interface QuotaReading {
	used: number;
	limit: number;
	/** ISO instant of the next 00:00 Japan time, when the count starts again from 0. */
	resetsAt: string;
	/** YYYYMMDD, Japan time. */
	day: string;
	store: LedgerStoreName;
	/** Set when the count lives in this process only because no shared store could be used. */
	fallbackReason?: string;
}

export interface Reservation {
	allowed: boolean;
	reading: QuotaReading;
	refusedBy?: 'stopBefore' | 'dailyLimit';
}

export interface CallLedger {
	readonly store: LedgerStoreName;
	/**
	 * Atomic check-and-reserve of one call for userId on today's Japan-time day: allowed only while
	 * used < stopBefore and used < 1000; increments when allowed. Two processes racing at 949 with
	 * stopBefore 950 cannot both pass.
	 */
	reserve(userId: string, stopBefore: number): Promise<Reservation>;
	read(userId: string): Promise<QuotaReading>;
	/** Align today's count with a figure known from elsewhere. */
	set(userId: string, used: number): Promise<QuotaReading>;
	/** OCCTO said the limit is reached: count = max(count, 1000). */
	markExhausted(userId: string): Promise<QuotaReading>;
	close?(): Promise<void>;
}

/** Small shared key-value primitives the same backend offers for other shared state (trigger cursors, poll locks, markers, an OAuth token cache). */
export interface SharedState {
	get(key: string): Promise<string | undefined>;
	set(key: string, value: string, ttlMs?: number): Promise<void>;
	/** Set only if absent (a lock); true if this caller got it. */
	setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
	delete(key: string): Promise<void>;
}

export type LedgerSetting = { mode: 'automatic' } | { mode: 'redis'; url: string } | { mode: 'file' } | { mode: 'memory' };

export type Clock = () => Date;

export interface LedgerOptions {
	/** Injectable for tests; defaults to the system clock. */
	clock?: Clock;
}

/**
 * A ledger store could not be used (unreachable Redis, unreadable ledger file, …). The message says what and
 * where (never a password); `description` says how to fix it. Callers turn it into a NodeOperationError.
 */
export class LedgerUnavailableError extends Error {
	constructor(
		message: string,
		readonly description: string,
		readonly store: LedgerStoreName,
	) {
		super(message);
		this.name = 'LedgerUnavailableError';
	}
}

export const DAY_MS = 24 * 60 * 60 * 1000;

/** What every store answers for a count on a given instant. */
export function readingOf(used: number, now: Date, store: LedgerStoreName, fallbackReason?: string): QuotaReading {
	const reading: QuotaReading = {
		used,
		limit: DAILY_CALL_LIMIT,
		resetsAt: nextJstMidnight(now).toISOString(),
		day: jstDate(now),
		store,
	};
	if (fallbackReason) reading.fallbackReason = fallbackReason;
	return reading;
}

/** Keys outlive their day by one day, so a process whose clock is a little behind still finds them. */
export function keyLifetimeMs(now: Date): number {
	return nextJstMidnight(now).getTime() + DAY_MS - now.getTime();
}

/** The pure decision every store applies to today's count, inside its own atomic section. */
export function decide(used: number, stopBefore: number): { allowed: boolean; refusedBy?: Reservation['refusedBy'] } {
	if (used >= DAILY_CALL_LIMIT) return { allowed: false, refusedBy: 'dailyLimit' };
	if (used >= stopBefore) return { allowed: false, refusedBy: 'stopBefore' };
	return { allowed: true };
}

export function checkUserId(userId: string): void {
	if (typeof userId !== 'string' || userId.trim() === '') {
		throw new TypeError('The OCCTO call ledger needs a user ID (credential field "User ID")');
	}
}

export function checkStopBefore(stopBefore: number): void {
	if (!Number.isInteger(stopBefore) || stopBefore < 0) {
		throw new RangeError(`"Stop Before Call Count" must be a whole number of 0 or more, not ${String(stopBefore)}`);
	}
}

export function checkUsed(used: number): void {
	if (!Number.isInteger(used) || used < 0) {
		throw new RangeError(`The call count must be a whole number of 0 or more, not ${String(used)}`);
	}
}
