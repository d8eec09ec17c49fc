// How many times a day n8n's "Poll Times" setting makes a polling trigger run, so a trigger can refuse a
// schedule that would spend more of a rationed API than the user allows.
import type { IDataObject } from 'n8n-workflow';

const MINUTES_PER_DAY = 24 * 60;

/** Values of one cron field (minute 0-59 or hour 0-23): "*", "*\/n", "a-b", "a-b/n", "a,b". */
function cronFieldCount(field: string, size: number): number {
	const values = new Set<number>();
	for (const part of field.split(',')) {
		const [range, stepText] = part.split('/');
		const step = stepText ? Number(stepText) : 1;
		let [from, to] = [0, size - 1];
		if (range !== '*') {
			const [a, b] = range.split('-').map(Number);
			from = a;
			to = b ?? (stepText ? size - 1 : a);
		}
		if (!Number.isFinite(from) || !Number.isFinite(to) || !Number.isFinite(step) || step < 1) return size;
		for (let v = from; v <= to; v += step) values.add(v);
	}
	return values.size;
}

/** Runs per day of one Poll Times entry (weekly and monthly count as one run on the day they run). */
export function runsPerDay(entry: IDataObject): number {
	switch (entry.mode) {
		case 'everyMinute':
			return MINUTES_PER_DAY;
		case 'everyHour':
			return 24;
		case 'everyX': {
			const value = Math.max(1, Number(entry.value) || 1);
			return entry.unit === 'hours' ? Math.ceil(24 / value) : Math.ceil(MINUTES_PER_DAY / value);
		}
		case 'custom': {
			// cron with seconds (6 fields) or without (5); days are not narrowed, so this is the busiest day
			const fields = String(entry.cronExpression ?? '').trim().split(/\s+/);
			const [minute, hour] = fields.length >= 6 ? [fields[1], fields[2]] : [fields[0], fields[1]];
			const seconds = fields.length >= 6 ? cronFieldCount(fields[0], 60) : 1;
			return seconds * cronFieldCount(minute ?? '*', 60) * cronFieldCount(hour ?? '*', 24);
		}
		default: // everyDay, everyWeek, everyMonth
			return 1;
	}
}

/** Runs per day of the whole Poll Times parameter. */
export function pollsPerDay(pollTimes: IDataObject | undefined): number {
	const entries = ((pollTimes?.item as IDataObject[] | undefined) ?? []).filter(Boolean);
	if (!entries.length) return MINUTES_PER_DAY; // n8n's default is every minute
	return entries.reduce((sum, entry) => sum + runsPerDay(entry), 0);
}
