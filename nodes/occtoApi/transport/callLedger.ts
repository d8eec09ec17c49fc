// Which call ledger an OCCTO credential counts in ("Ledger" setting), opened once per run. Opening fails
// loudly (unreachable Redis, unwritable folder) unless the setting allows the in-process fallback.
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { isSandbox } from '../../shared/sandbox/environment';
import type { CallLedger, LedgerSetting, QuotaReading, SharedState } from '../callLedger';
import { LedgerUnavailableError, openLedger } from '../callLedger';

export type { CallLedger, QuotaReading, SharedState };
export { LedgerUnavailableError };

export function ledgerSettingOf(credential: ICredentialDataDecryptedObject): LedgerSetting {
	switch (credential.ledger) {
		case 'redis':
			return { mode: 'redis', url: String(credential.ledgerRedisUrl ?? '').trim() };
		case 'file':
			return { mode: 'file' };
		case 'memory':
			return { mode: 'memory' };
		default:
			return { mode: 'automatic' };
	}
}

/** The call ledger and, in the same store, the small shared state (activity markers) of this credential. */
export async function openCallLedger(credential: ICredentialDataDecryptedObject): Promise<{ ledger: CallLedger; state: SharedState }> {
	// a sandbox counts in a counter of its own: it never touches a production user ID's count
	return await openLedger(ledgerSettingOf(credential), process.env, isSandbox(credential) ? { counter: 'sandbox-calls' } : {});
}

/** What every output item shows of the day's count: the numbers (the calls remaining too, for agents), and the store that counted them. */
export function quotaOfReading(reading: QuotaReading) {
	return {
		used: reading.used,
		limit: reading.limit,
		remaining: Math.max(reading.limit - reading.used, 0),
		resetsAt: reading.resetsAt,
		store: reading.store,
		...(reading.fallbackReason ? { warning: reading.fallbackReason } : {}),
	};
}

/** On items: the day's count, or why it could not be read after the call (the call's answer is kept either way). */
export type ItemQuota = ReturnType<typeof quotaOfReading> | { unavailable: string };
