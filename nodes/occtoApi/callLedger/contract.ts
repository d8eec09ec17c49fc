// The OCCTO call ledger's contract. One count per OCCTO user ID per Japan-time day; OCCTO allows 1000 calls a
// day per user ID across all APIs, failed calls included.
import { jstDate, nextJstMidnight } from '../../shared/japanTime';
import type { StoreName, StoreSetting } from '../../shared/state';
import { checkWholeNumber, StoreUnavailableError } from '../../shared/state';
import { DAILY_CALL_LIMIT } from '../mapping';

export type LedgerStoreName = StoreName;

/** The default of every node's "Stop Before Call Count": 50 of the 1000 daily calls kept for urgent work. */
export const DEFAULT_STOP_BEFORE = 950;

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

/** The credential's "Ledger" setting: where the count (and the small shared state beside it) lives. */
export type LedgerSetting = StoreSetting;

export interface LedgerOptions {
	/** Injectable for tests; defaults to the system clock. */
	clock?: () => Date;
}

/**
 * A ledger store could not be used (unreachable Redis, unreadable ledger file, …): the shared store's error,
 * worded for the ledger. The message says what and where (never a password); `description` says how to fix
 * it. Callers turn it into a NodeOperationError.
 */
export { StoreUnavailableError as LedgerUnavailableError };

export const DAY_MS = 24 * 60 * 60 * 1000;

/** What the ledger answers for a count on a given instant. */
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

/** Counts outlive their day by one day, so a process whose clock is a little behind still finds them. */
export function keyLifetimeMs(now: Date): number {
	return nextJstMidnight(now).getTime() + DAY_MS - now.getTime();
}

/** Why a count refuses one more call (the store applies the same limits atomically). */
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
	checkWholeNumber(stopBefore, '"Stop Before Call Count"');
}

export function checkUsed(used: number): void {
	checkWholeNumber(used, 'The call count');
}
