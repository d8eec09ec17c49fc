// Which call ledger an OCCTO credential counts in ("Ledger" setting), opened once per run. Opening fails
// loudly (unreachable Redis, unwritable folder) unless the setting allows the in-process fallback.
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import type { CallLedger, LedgerSetting, QuotaReading } from '../ledger';
import { LedgerUnavailableError, openLedger } from '../ledger';

export type { CallLedger, QuotaReading };
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

export async function openCallLedger(credential: ICredentialDataDecryptedObject): Promise<CallLedger> {
	return (await openLedger(ledgerSettingOf(credential))).ledger;
}

/** What every output item shows of the day's count: the numbers, and the store that counted them. */
export function quotaOfReading(reading: QuotaReading) {
	return {
		used: reading.used,
		limit: reading.limit,
		resetsAt: reading.resetsAt,
		store: reading.store,
		...(reading.fallbackReason ? { warning: reading.fallbackReason } : {}),
	};
}

export type ItemQuota = ReturnType<typeof quotaOfReading>;
