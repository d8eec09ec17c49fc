// The OCCTO call ledger: today's count of calls per OCCTO user ID, kept in the package's shared store (the
// credential's "Ledger" setting chooses memory, file or Redis; see nodes/shared/state) as one counter named
// "calls": per Japan-time day, atomically checked against Stop Before and OCCTO's daily limit.
import { jstDate } from '../../shared/japanTime';
import type { SharedCounter, SharedState, StoreName, StoreWording } from '../../shared/state';
import { openSharedStore } from '../../shared/state';
import { DAILY_CALL_LIMIT } from '../mapping';
import type { CallLedger, LedgerOptions, LedgerSetting, QuotaReading, Reservation } from './contract';
import { checkStopBefore, checkUsed, checkUserId, decide, keyLifetimeMs, readingOf } from './contract';

export * from './contract';
export type { SharedState } from '../../shared/state';
export { closeRedisClients } from '../../shared/state';

/** <N8N_USER_FOLDER>/.n8n/occto-ledger: calls.json (the counts) and state.json (the shared state beside them). */
export const LEDGER_FOLDER = 'occto-ledger';

const WORDING: StoreWording = {
	subject: 'the OCCTO call ledger',
	urlField: 'the "Redis URL" of the ledger',
	urlSetting: 'the "Redis URL" of the ledger in the OCCTO WebAPI credential',
	otherChoice: 'choose another "Ledger" in the OCCTO WebAPI credential',
	damagedHint: "Repair it, or delete it to start today's count from 0 (then align it with Call Quota → Set if calls were already made today).",
};

export interface OpenedLedger {
	ledger: CallLedger;
	state: SharedState;
}

/** The ledger over the store's "calls" counter: one count per user ID (the name) per Japan-time day. */
class StoreLedger implements CallLedger {
	constructor(
		private readonly counter: SharedCounter,
		readonly store: StoreName,
		private readonly clock: () => Date,
		private readonly fallbackReason?: string,
	) {}

	private today(userId: string) {
		checkUserId(userId);
		const now = this.clock();
		return { now, key: { day: jstDate(now), name: userId }, ttlMs: keyLifetimeMs(now) };
	}

	private reading(used: number, now: Date): QuotaReading {
		return readingOf(used, now, this.store, this.fallbackReason);
	}

	async reserve(userId: string, stopBefore: number): Promise<Reservation> {
		checkStopBefore(stopBefore);
		const { now, key, ttlMs } = this.today(userId);
		const { allowed, value } = await this.counter.reserve(key, { below: [DAILY_CALL_LIMIT, stopBefore], ttlMs });
		const reservation: Reservation = { allowed, reading: this.reading(value, now) };
		if (!allowed) reservation.refusedBy = decide(value, stopBefore).refusedBy;
		return reservation;
	}

	async read(userId: string): Promise<QuotaReading> {
		const { now, key } = this.today(userId);
		return this.reading(await this.counter.read(key), now);
	}

	async set(userId: string, used: number): Promise<QuotaReading> {
		checkUsed(used);
		const { now, key, ttlMs } = this.today(userId);
		return this.reading(await this.counter.set(key, used, ttlMs), now);
	}

	async markExhausted(userId: string): Promise<QuotaReading> {
		const { now, key, ttlMs } = this.today(userId);
		return this.reading(await this.counter.raise(key, DAILY_CALL_LIMIT, ttlMs), now);
	}
}

/**
 * Opens the ledger and, in the same store, the small shared state (activity markers, trigger cursors) of an
 * OCCTO credential. Opening fails loudly (unreachable Redis, unwritable folder) unless the setting allows the
 * in-process fallback, whose every reading then says why.
 */
export async function openLedger(
	setting: LedgerSetting,
	env: NodeJS.ProcessEnv = process.env,
	options: LedgerOptions & { argv?: string[]; counter?: string } = {},
): Promise<OpenedLedger> {
	const clock = options.clock ?? (() => new Date());
	const store = await openSharedStore(setting, env, { folder: LEDGER_FOLDER, wording: WORDING, clock, argv: options.argv });
	const fallbackReason =
		store.fallbackReason &&
		`No shared store for the call count: ${store.fallbackReason}. Counting in this n8n process only; other processes and restarts do not see these calls.`;
	return { ledger: new StoreLedger(store.counter(options.counter ?? 'calls'), store.backend, clock, fallbackReason), state: store.state };
}
