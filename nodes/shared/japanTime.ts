// Japan Standard Time (UTC+9, no daylight saving) without depending on the machine's time zone.
const JST_OFFSET_MS = 9 * 60 * 60 * 1000;

export interface JstParts {
	year: string;
	month: string;
	day: string;
	hour: string;
	minute: string;
	second: string;
}

export function jstParts(date: Date): JstParts {
	const shifted = new Date(date.getTime() + JST_OFFSET_MS);
	const pad = (value: number, width = 2) => String(value).padStart(width, '0');
	return {
		year: pad(shifted.getUTCFullYear(), 4),
		month: pad(shifted.getUTCMonth() + 1),
		day: pad(shifted.getUTCDate()),
		hour: pad(shifted.getUTCHours()),
		minute: pad(shifted.getUTCMinutes()),
		second: pad(shifted.getUTCSeconds()),
	};
}

/** YYYYMMDD in Japan time. */
export function jstDate(date: Date): string {
	const p = jstParts(date);
	return `${p.year}${p.month}${p.day}`;
}

/** YYYYMMDDHHMI in Japan time. */
export function jstMinute(date: Date): string {
	const p = jstParts(date);
	return `${p.year}${p.month}${p.day}${p.hour}${p.minute}`;
}

/** YYYYMMDDHHMMSS in Japan time. */
export function jstSecond(date: Date): string {
	const p = jstParts(date);
	return `${p.year}${p.month}${p.day}${p.hour}${p.minute}${p.second}`;
}

/** The next 00:00 in Japan time after the given instant. */
export function nextJstMidnight(date: Date): Date {
	const shifted = new Date(date.getTime() + JST_OFFSET_MS);
	const midnight = Date.UTC(shifted.getUTCFullYear(), shifted.getUTCMonth(), shifted.getUTCDate() + 1);
	return new Date(midnight - JST_OFFSET_MS);
}

/** A Japan-time wall clock string (YYYYMMDD[HHMI[SS]]) back to an instant. */
export function fromJstDigits(digits: string): Date | undefined {
	const m = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?$/.exec(digits);
	if (!m) return undefined;
	const [, y, mo, d, h = '00', mi = '00', s = '00'] = m;
	const utc = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s);
	const date = new Date(utc - JST_OFFSET_MS);
	// reject impossible dates such as 20261340 that Date.UTC would roll over
	return jstSecond(date) === `${y}${mo}${d}${h}${mi}${s}` ? date : undefined;
}

/**
 * Accepts what n8n users type or map: an ISO string or date-time (converted to Japan time), a Date, a
 * Luxon DateTime, or digits already in the wanted Japan-time form (kept as they are).
 */
export function toJstDigits(value: unknown, length: 8 | 12): string | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (typeof value === 'string' && new RegExp(`^\\d{${length}}$`).test(value.trim())) {
		return fromJstDigits(value.trim()) ? value.trim() : undefined;
	}
	let date: Date | undefined;
	if (value instanceof Date) date = value;
	else if (typeof value === 'object' && typeof (value as { toJSDate?: unknown }).toJSDate === 'function') {
		date = (value as { toJSDate(): Date }).toJSDate();
	} else if (typeof value === 'string' || typeof value === 'number') {
		const parsed = new Date(value);
		if (!Number.isNaN(parsed.getTime())) date = parsed;
	}
	if (!date || Number.isNaN(date.getTime())) return undefined;
	return length === 8 ? jstDate(date) : jstMinute(date);
}
