// What changed between two versions of a record: a flat list row (field by field), or a whole document as
// JSON (path by path). Repeated elements are matched by a key child (e.g. a facility name) or by content
// similarity, never by position alone. Knows no API: the callers name the key children and the prefixes.
import type { IDataObject } from 'n8n-workflow';

export interface FieldChange {
	/** The field as the source sent it. */
	field: string;
	/** The readable key it has in items, when it differs from `field`. */
	key?: string;
	before: unknown;
	after: unknown;
}

export interface PathChange {
	/** Element path, repeated elements labelled `NAME[KEY=value]` (or `NAME[n]`, 1-based). */
	path: string;
	/** null: the element was added. */
	before: unknown;
	/** null: the element was removed. */
	after: unknown;
}

export interface DiffOptions {
	/** Children that identify a repeated element, in order of preference (e.g. FACILITY_NM). */
	keyHints?: readonly string[];
}

type Obj = Record<string, unknown>;
const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);
const isScalar = (value: unknown) => typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

/** JSON with sorted keys: equal content, equal text. */
export function canonical(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
	if (isObj(value)) return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`).join(',')}}`;
	return JSON.stringify(value ?? null);
}

/** The fields of two flat rows that differ; `elementOf` gives a key's name as sent, `ignore` leaves keys out. */
export function diffRow(
	before: IDataObject,
	after: IDataObject,
	options: { elementOf?: (key: string) => string | undefined; ignore?: ReadonlySet<string> } = {},
): FieldChange[] {
	const out: FieldChange[] = [];
	for (const key of new Set([...Object.keys(after), ...Object.keys(before)])) {
		if (options.ignore?.has(key) || canonical(before[key]) === canonical(after[key])) continue;
		const field = options.elementOf?.(key) ?? key;
		out.push({ field, ...(field !== key ? { key } : {}), before: before[key] ?? null, after: after[key] ?? null });
	}
	return out;
}

/** Leaves of a value: path → canonical value, for similarity. */
function leaves(value: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
	if (isObj(value)) for (const [key, inner] of Object.entries(value)) leaves(inner, `${prefix}/${key}`, out);
	else if (Array.isArray(value)) value.forEach((inner, i) => leaves(inner, `${prefix}[${i}]`, out));
	else out.set(prefix, canonical(value));
	return out;
}

function similarity(a: Map<string, string>, b: Map<string, string>): number {
	if (!a.size && !b.size) return 1;
	let same = 0;
	for (const [path, value] of a) if (b.get(path) === value) same++;
	return (2 * same) / (a.size + b.size);
}

/** Elements at least this alike are the same element, changed. */
const SIMILAR = 0.5;
/** Above this many pairs, what the key left unmatched is matched by position (bounded work). */
const MAX_PAIRS = 250_000;

const keyValue = (element: unknown, key: string) => (isObj(element) && isScalar(element[key]) ? String(element[key]) : undefined);

/** A child present, plain and different in every element on both sides: a hinted one, else the one shared most. */
function chooseKey(before: unknown[], after: unknown[], hints: readonly string[]): string | undefined {
	const all = [...before, ...after];
	if (!all.length || !all.every(isObj)) return undefined;
	const unique = (list: unknown[], key: string) => {
		const values = list.map((e) => keyValue(e, key));
		return values.every((v) => v !== undefined) && new Set(values).size === values.length;
	};
	const fits = (key: string) => unique(before, key) && unique(after, key);
	const hinted = hints.find(fits);
	if (hinted !== undefined || Math.max(before.length, after.length) < 2) return hinted;
	let best: string | undefined;
	let bestShared = 0;
	for (const key of Object.keys(all[0] as Obj)) {
		if (!fits(key)) continue;
		const kept = new Set(before.map((e) => keyValue(e, key)));
		const shared = after.filter((e) => kept.has(keyValue(e, key))).length;
		if (shared > bestShared) [best, bestShared] = [key, shared];
	}
	return best;
}

/** Pairs of indexes (before, after): by key, then by content, the rest (past MAX_PAIRS) by position. */
function matchElements(before: unknown[], after: unknown[], key: string | undefined): Array<[number, number]> {
	const pairs: Array<[number, number]> = [];
	const usedA = new Set<number>();
	const usedB = new Set<number>();
	const take = (i: number, j: number) => {
		pairs.push([i, j]);
		usedA.add(i);
		usedB.add(j);
	};
	if (key !== undefined) {
		const byKey = new Map(before.map((e, i) => [keyValue(e, key), i]));
		after.forEach((e, j) => {
			const i = byKey.get(keyValue(e, key));
			if (i !== undefined) take(i, j);
		});
	}
	const restA = before.map((_, i) => i).filter((i) => !usedA.has(i));
	const restB = after.map((_, j) => j).filter((j) => !usedB.has(j));
	if (restA.length * restB.length > MAX_PAIRS) {
		restB.forEach((j, n) => n < restA.length && take(restA[n], j));
	} else if (restA.length && restB.length) {
		const leavesA = new Map(restA.map((i) => [i, leaves(before[i])]));
		const leavesB = new Map(restB.map((j) => [j, leaves(after[j])]));
		const scored: Array<[number, number, number]> = [];
		for (const i of restA) for (const j of restB) scored.push([similarity(leavesA.get(i)!, leavesB.get(j)!), i, j]);
		scored.sort((x, y) => y[0] - x[0] || Math.abs(x[1] - x[2]) - Math.abs(y[1] - y[2]));
		for (const [score, i, j] of scored) {
			if (score < SIMILAR) break;
			if (!usedA.has(i) && !usedB.has(j)) take(i, j);
		}
	}
	return pairs.sort((x, y) => x[1] - y[1]);
}

const join = (path: string, name: string) => (path ? `${path}/${name}` : name);
const asList = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** `single`: one element on each side, not repeated: the same element, whatever changed in it. */
function diffList(path: string, name: string, before: unknown[], after: unknown[], hints: readonly string[], out: PathChange[], single = false): void {
	const key = chooseKey(before, after, hints);
	const numbered = before.length > 1 || after.length > 1;
	const label = (element: unknown, index: number) => {
		const value = key !== undefined ? keyValue(element, key) : undefined;
		return join(path, value !== undefined ? `${name}[${key}=${value}]` : numbered ? `${name}[${index + 1}]` : name);
	};
	// a single element keeps its place unless its key says it is another one
	const same = single && (key === undefined || keyValue(before[0], key) === keyValue(after[0], key));
	const pairs: Array<[number, number]> = same ? [[0, 0]] : matchElements(before, after, key);
	const pairedA = new Set(pairs.map(([i]) => i));
	const pairedB = new Map(pairs.map(([i, j]) => [j, i]));
	after.forEach((element, j) => {
		const i = pairedB.get(j);
		if (i === undefined) out.push({ path: label(element, j), before: null, after: element });
		else diffValue(label(element, j), before[i], element, hints, out);
	});
	before.forEach((element, i) => {
		if (!pairedA.has(i)) out.push({ path: label(element, i), before: element, after: null });
	});
}

function diffValue(path: string, before: unknown, after: unknown, hints: readonly string[], out: PathChange[]): void {
	if (canonical(before) === canonical(after)) return;
	if (!isObj(before) || !isObj(after)) {
		out.push({ path, before: before ?? null, after: after ?? null });
		return;
	}
	for (const name of new Set([...Object.keys(after), ...Object.keys(before)])) {
		const [a, b] = [before[name], after[name]];
		if (Array.isArray(a) || Array.isArray(b) || (a === undefined && isObj(b)) || (b === undefined && isObj(a))) diffList(path, name, asList(a), asList(b), hints, out);
		else if (isObj(a) && isObj(b)) diffList(path, name, [a], [b], hints, out, true);
		else diffValue(join(path, name), a, b, hints, out);
	}
}

/** Every difference between two documents (objects as an XML parser gives them: repeated elements as arrays). */
export function diffDocuments(before: unknown, after: unknown, options: DiffOptions = {}): PathChange[] {
	const out: PathChange[] = [];
	diffValue('', before, after, options.keyHints ?? [], out);
	return out;
}

const show = (value: unknown) => (value === '' ? '(空)' : isScalar(value) ? String(value) : JSON.stringify(value));

/** One line per change: "A/B: before → after", "…: 追加 …", "…: 削除 …"; `dropPrefixes` shorten the path. */
export function changeSummary(change: PathChange, dropPrefixes: readonly string[] = []): string {
	const prefix = dropPrefixes.find((p) => change.path.startsWith(p));
	const path = prefix ? change.path.slice(prefix.length) : change.path;
	if (change.before === null) return `${path}: 追加 ${show(change.after)}`;
	if (change.after === null) return `${path}: 削除 ${show(change.before)}`;
	return `${path}: ${show(change.before)} → ${show(change.after)}`;
}

/** Keeps JSON-sized copies under a total size, dropping the least recently kept first; returns what it dropped. */
export function capCopies<T>(copies: Record<string, T>, maxChars: number): string[] {
	const sizes = Object.entries(copies).map(([key, value]) => [key, JSON.stringify(value).length] as const);
	let total = sizes.reduce((sum, [, size]) => sum + size, 0);
	const dropped: string[] = [];
	for (const [key, size] of sizes) {
		if (total <= maxChars) break;
		delete copies[key];
		dropped.push(key);
		total -= size;
	}
	return dropped;
}
