import type { IDataObject } from 'n8n-workflow';

import type { QuotaReading } from '../../../occtoApi';

/** One Call Quota item: the day's numbers, where they are counted, and a warning when only this process counts. */
export function quotaItem(userId: string, reading: QuotaReading): IDataObject {
	return {
		userId,
		used: reading.used,
		remaining: Math.max(reading.limit - reading.used, 0),
		limit: reading.limit,
		day: reading.day,
		resetsAt: reading.resetsAt,
		store: reading.store,
		...(reading.fallbackReason ? { warning: reading.fallbackReason } : {}),
	};
}
