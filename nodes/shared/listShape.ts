// Finds the rows of a list document by its shape, not by element names: the repeated element under the
// root (or under one wrapper element) is the row, whatever it is called. Anything that cannot be read as
// rows is an error that names what arrived — never an empty list by accident.
import type { XmlObject, XmlValue } from './codecs';
import type { StreamedDocument, TopLevelElement } from './xmlStream';
import { namesFull, noteName } from './xmlStream';

export interface ListShapeSettings {
	/** Accepted root elements; empty accepts any root. */
	roots: string[];
	/** When set, rows are exactly the elements of these names (under the root or one wrapper). */
	rowElements: string[];
	/** Row elements we know of: never taken for a wrapper. */
	knownRowElements: string[];
	/** Field elements we know of: an element holding one of them is a row, not a wrapper. */
	knownFields: ReadonlySet<string>;
}

/** A row: the top-level element itself when it holds fields (no second object per row). */
export interface ListRow {
	/** The row element's name. */
	name: string;
	value: XmlObject;
	/** Its fields are stored under their output keys already (ElementBuilder's field keys). */
	renamed?: boolean;
}

export type ListShape = { kind: 'rows'; path: string[]; rows: ListRow[] } | { kind: 'empty'; path: string[] };

export class ListShapeError extends Error {
	constructor(
		message: string,
		/** 'root': the root is not a list root; 'shape': the content is not rows. */
		readonly problem: 'root' | 'shape',
		readonly root: string,
		readonly firstChildren: string[],
	) {
		super(message);
		this.name = 'ListShapeError';
	}
}

const isElementKey = (key: string) => key !== '#text' && !key.startsWith('@');

function childElements(value: XmlValue): TopLevelElement[] {
	if (typeof value !== 'object' || Array.isArray(value)) return [];
	const out: TopLevelElement[] = [];
	for (const key in value) {
		if (!isElementKey(key)) continue;
		const inner = value[key];
		if (Array.isArray(inner)) for (const item of inner) out.push({ name: key, value: item });
		else out.push({ name: key, value: inner });
	}
	return out;
}

const isRecord = (value: XmlValue) => childElements(value).length > 0;

function countNames(elements: TopLevelElement[]): Map<string, number> {
	const counts = new Map<string, number>();
	for (const element of elements) counts.set(element.name, (counts.get(element.name) ?? 0) + 1);
	return counts;
}

const tag = (name: string) => `<${name}>`;
const describeCounts = (counts: Map<string, number>) => [...counts].map(([name, count]) => `${tag(name)} ×${count}`).join(', ');

function excerpt(text: string): string {
	const flat = text.replace(/\s+/g, ' ');
	return flat.length > 80 ? `${flat.slice(0, 80)}…` : flat;
}

/** A lone element under the root that only holds records (no fields of its own) wraps the rows. */
function isWrapper(element: TopLevelElement, settings: ListShapeSettings): boolean {
	const { value } = element;
	if (typeof value !== 'object' || Array.isArray(value) || value['#text'] !== undefined) return false;
	if (settings.knownRowElements.includes(element.name)) return false;
	const children = childElements(value);
	if (!children.length || children.some((child) => settings.knownFields.has(child.name))) return false;
	return children.every((child) => isRecord(child.value));
}

/** Distinct names, the first five (noteName, as ElementBuilder notes them while it reads). */
function firstNames(elements: TopLevelElement[]): string[] {
	const names: string[] = [];
	let last: string | undefined;
	for (const element of elements) {
		last = noteName(names, element.name, last);
		if (namesFull(names)) break;
	}
	return names;
}

/** `names`: the first distinct names of the document's elements, when the builder noted them (one pass fewer). */
export function findRows(document: StreamedDocument, settings: ListShapeSettings, names?: readonly string[]): ListShape {
	const root = document.root ?? '';
	const firstChildren = names ? [...names] : firstNames(document.children);
	const fail = (message: string, problem: 'root' | 'shape' = 'shape') => new ListShapeError(message, problem, root, firstChildren);

	if (settings.roots.length && !settings.roots.includes(root)) {
		throw fail(`its root element is ${tag(root)}, not ${settings.roots.map(tag).join(' or ')}`, 'root');
	}
	if (document.rootText) {
		throw fail(`${tag(root)} holds text ("${excerpt(document.rootText)}") where rows should be`);
	}
	if (settings.rowElements.length) return rowsByName(document, settings, fail);
	if (!document.children.length) return { kind: 'empty', path: [root] };
	if (firstChildren.length > 1) {
		throw fail(`${tag(root)} holds several kinds of elements (${describeCounts(countNames(document.children))}), so its rows cannot be told apart`);
	}
	if (document.children.length === 1) {
		const [only] = document.children;
		if (only.value === '') return { kind: 'empty', path: [root, only.name] };
		if (isWrapper(only, settings)) return rowsOf(childElements(only.value), [root, only.name], fail);
	}
	return rowsOf(document.children, [root], fail, firstChildren);
}

function rowsOf(elements: TopLevelElement[], path: string[], fail: (message: string) => ListShapeError, names = firstNames(elements)): ListShape {
	const where = tag(path[path.length - 1]);
	if (names.length > 1) {
		throw fail(`${where} holds several kinds of elements (${describeCounts(countNames(elements))}), so its rows cannot be told apart`);
	}
	const rows: ListRow[] = [];
	for (const element of elements) {
		if (typeof element.value === 'object' && !Array.isArray(element.value)) rows.push(element as ListRow);
		else if (element.value === '') rows.push({ name: element.name, value: {}, renamed: element.renamed });
		else throw fail(`${tag(element.name)} in ${where} holds text ("${excerpt(String(element.value))}") where a row's fields should be`);
	}
	if (rows.every((row) => !isRecord(row.value))) throw fail(`the ${tag(rows[0].name)} elements in ${where} are all empty: rows without fields`);
	return { kind: 'rows', path, rows };
}

function rowsByName(document: StreamedDocument, settings: ListShapeSettings, fail: (message: string) => ListShapeError): ListShape {
	const wanted = new Set(settings.rowElements);
	const rows: ListRow[] = [];
	const seen = new Set<string>();
	const take = (element: TopLevelElement) => {
		seen.add(element.name);
		if (!wanted.has(element.name)) return false;
		rows.push({ name: element.name, value: typeof element.value === 'object' && !Array.isArray(element.value) ? element.value : {}, renamed: element.renamed });
		return true;
	};
	for (const element of document.children) {
		if (!take(element)) for (const child of childElements(element.value)) take(child);
	}
	if (rows.length) return { kind: 'rows', path: [document.root ?? ''], rows };
	if (!document.children.length) return { kind: 'empty', path: [document.root ?? ''] };
	throw fail(
		`none of its elements is named ${settings.rowElements.map(tag).join(' or ')} (it holds ${[...seen].slice(0, 8).map(tag).join(', ')})`,
	);
}
