// Counts OCCTO calls per user ID per Japan-time day (OCCTO allows 1000 a day, all APIs together, and
// counts failed calls too). The count lives in this n8n process: several processes or other systems
// using the same user ID are not seen, which the README says.
import { nextJstMidnight, jstDate } from '../../shared/japanTime';
import { DAILY_CALL_LIMIT } from '../mapping';

export interface QuotaSnapshot {
	used: number;
	limit: number;
	resetsAt: string;
}

export class QuotaLedger {
	private readonly days = new Map<string, { day: string; used: number }>();

	constructor(private readonly clock: () => Date = () => new Date()) {}

	private entry(userId: string) {
		const today = jstDate(this.clock());
		let entry = this.days.get(userId);
		if (!entry || entry.day !== today) {
			entry = { day: today, used: 0 };
			this.days.set(userId, entry);
		}
		return entry;
	}

	used(userId: string): number {
		return this.entry(userId).used;
	}

	/** Records one call about to be made. */
	record(userId: string): void {
		this.entry(userId).used++;
	}

	/** OCCTO said the limit is reached: trust it over our own count. */
	markExhausted(userId: string): void {
		const entry = this.entry(userId);
		entry.used = Math.max(entry.used, DAILY_CALL_LIMIT);
	}

	/** Aligns the count with a figure known from elsewhere (another process, OCCTO's own screen). */
	seed(userId: string, used: number): void {
		this.entry(userId).used = used;
	}

	snapshot(userId: string): QuotaSnapshot {
		return {
			used: this.used(userId),
			limit: DAILY_CALL_LIMIT,
			resetsAt: nextJstMidnight(this.clock()).toISOString(),
		};
	}
}

/** The process-wide ledger every OCCTO node and trigger shares. */
export const occtoQuota = new QuotaLedger();
