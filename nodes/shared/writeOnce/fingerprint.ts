// What identifies a write: a hash of who writes (the credential's identity) and what is written, so a re-run
// of the same plan or round matches its first send while nothing readable (a user ID, a plan) is stored.
import { createHash } from 'node:crypto';

/** JSON with object keys in a fixed order: the same content always gives the same text. */
export function canonicalJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
	if (value && typeof value === 'object') {
		const entries = Object.entries(value as Record<string, unknown>)
			.filter(([, v]) => v !== undefined)
			.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
	}
	return JSON.stringify(value ?? null);
}

export function fingerprintOf(...parts: unknown[]): string {
	const hash = createHash('sha256');
	for (const part of parts) hash.update(typeof part === 'string' ? part : canonicalJson(part)).update('\u0000');
	return hash.digest('hex');
}
