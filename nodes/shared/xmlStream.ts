// Streaming XML → values: each element's value is built when it closes, so a list never exists as one
// document tree or one big string. Values have the same shape fast-xml-parser gives with our options
// (codecs.ts parseXml): text-only elements are trimmed strings, repeated children become arrays,
// attributes are '@name', mixed text is '#text'. test/occto-answers.test.ts proves it on the same inputs.
import { SaxesParser } from 'saxes';

import type { XmlObject, XmlValue } from './codecs';
import { DecodeError, PROTOTYPE_METHOD_NAMES, inertName } from './codecs';

/** Whether the text is XML whitespace only (a subset of what String.prototype.trim removes). */
function isXmlSpace(text: string): boolean {
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c !== 0x20 && c !== 0x0a && c !== 0x09 && c !== 0x0d) return false;
	}
	return true;
}

/** Distinct names of elements noted, at most: enough to name them in an error. */
const FIRST_NAMES = 5;

/**
 * Notes the names of elements as they come, one after another: `names` keeps the distinct ones in order of first
 * appearance, at most five; `last` is the name noted just before (a list has one name 50,000 times in a row).
 * Returns the name to pass as `last` next time. Used by ElementBuilder while it places elements and by listShape.
 */
export function noteName(names: string[], name: string, last: string | undefined): string {
	if (name !== last && names.length < FIRST_NAMES && !names.includes(name)) names.push(name);
	return name;
}

/** Whether `names` (kept by noteName) can take no more. */
export const namesFull = (names: readonly string[]) => names.length >= FIRST_NAMES;

/** An element directly under the document root, with its finished value. */
export interface TopLevelElement {
	name: string;
	value: XmlValue;
	/** Its direct children are stored under their output keys already (ElementBuilder's field keys). */
	renamed?: boolean;
}

/** What a whole document leaves behind: the root's name and text, and the elements under it in order. */
export interface StreamedDocument {
	root: string | undefined;
	rootText: string;
	children: TopLevelElement[];
}

/** An element name's keys, looked up once per name: what a parser hands back to `leaf`. */
export interface BuilderName {
	/** The key the value is stored under. */
	key: string;
	/** The key as a renamed row's field: its output key, or `key`. */
	fieldKey: string;
	/** `key` is literally an output key without being renamed to it (see `fieldsRenamed`). */
	clashes: boolean;
}

/**
 * Turns open/text/close events into values. Event-driven on purpose, so any streaming parser can feed it
 * (the list decoder's subset scanner and saxes; the bench feeds it from htmlparser2 too). The open elements are kept in parallel arrays
 * and names are interned, because a 50,000-row list opens and closes some 400,000 elements.
 */
export class ElementBuilder {
	readonly document: StreamedDocument = { root: undefined, rootText: '', children: [] };
	/** The first distinct names of the document's elements, in order (noteName; what listShape's findRows needs). */
	readonly firstNames: string[] = [];
	private lastTopLevel: string | undefined;
	private readonly names: BuilderName[] = [];
	private readonly objects: Array<XmlObject | undefined> = [];
	private readonly texts: string[] = [];
	private readonly known = new Map<string, BuilderName>();
	/** Output keys for the fields of top-level elements (a list's rows), applied as they close. */
	private readonly fieldKeys: ReadonlyMap<string, string> | undefined;
	private readonly outputKeys: ReadonlySet<string>;
	/**
	 * The top-level element being built keeps its fields in `rowValues` while their keys are distinct: in the
	 * order of the last such row (`shape`), or of its own (`rowKeys`). It then becomes a copy of `template`, so
	 * rows share one hidden class. -1: it is an object already, built field by field.
	 */
	private rowCount = -1;
	private rowOwnKeys = false;
	private readonly rowKeys: string[] = [];
	private readonly rowValues: XmlValue[] = [];
	private shape: string[] = [];
	private template: XmlObject = {};
	/**
	 * False when renaming while building could differ from renaming afterwards (an element literally named like an
	 * output key, e.g. <status> beside <STAT>): the caller then builds the document again without field keys.
	 */
	fieldsRenamed = true;

	/**
	 * `fieldKeys`: XML name → output key for the children of every top-level element but the first, which may be
	 * a wrapper around the rows (a lone wrapper's children are rows, not fields) and is renamed afterwards like
	 * any row. A list of 50,000 rows then needs no second, renamed copy of each row.
	 */
	constructor(
		private readonly onTopLevel?: (element: TopLevelElement) => void,
		fieldKeys?: ReadonlyMap<string, string>,
	) {
		const oneToOne = fieldKeys !== undefined && new Set(fieldKeys.values()).size === fieldKeys.size;
		this.fieldKeys = oneToOne ? fieldKeys : undefined;
		this.outputKeys = new Set(this.fieldKeys?.values());
	}

	/** The keys of an element name, made once. */
	nameOf(name: string): BuilderName {
		let known = this.known.get(name);
		if (known === undefined) {
			const key = PROTOTYPE_METHOD_NAMES.has(name) ? `__${name}` : inertName(name);
			const mapped = this.fieldKeys?.get(key);
			known = { key, fieldKey: mapped ?? key, clashes: mapped === undefined && this.outputKeys.has(key) };
			this.known.set(name, known);
		}
		return known;
	}

	/** Whether the top-level element being built (or just closed) has its fields renamed: any but the first. */
	private renaming(): boolean {
		return this.fieldKeys !== undefined && this.document.children.length > 0;
	}

	open(name: string, attributes: Record<string, string>): void {
		if (this.names.length === 0 && this.document.root === undefined) this.document.root = name;
		let object: XmlObject | undefined;
		for (const attribute in attributes) {
			object ??= {};
			object[`@${inertName(attribute)}`] = attributes[attribute];
		}
		if (this.names.length === 1) {
			this.rowCount = object === undefined ? 0 : -1;
			this.rowOwnKeys = false;
		}
		this.names.push(this.nameOf(name));
		this.objects.push(object);
		this.texts.push('');
	}

	text(text: string): void {
		const top = this.texts.length - 1;
		if (top < 0) return;
		const before = this.texts[top];
		// whitespace before any other text would be trimmed anyway: not concatenating it saves a string per indent
		if (before === '' && isXmlSpace(text)) return;
		this.texts[top] = before + text;
	}

	/** Whether the innermost open element holds any text yet. */
	hasText(): boolean {
		const top = this.texts.length - 1;
		return top >= 0 && this.texts[top] !== '';
	}

	close(): void {
		const name = this.names.pop()!;
		let object = this.objects.pop();
		const text = this.texts.pop()!.trim();
		const depth = this.names.length;
		if (depth === 0) {
			this.document.rootText = text;
			return;
		}
		if (depth === 1 && this.rowCount >= 0) object = this.finishRow();
		let value: XmlValue;
		if (object === undefined) value = text;
		else {
			if (text) object['#text'] = text;
			value = object;
		}
		this.place(name, value, depth);
	}

	/** open, text and close of an element holding only text, in one step: most of a list's elements. */
	leaf(name: string, text: string, known?: BuilderName): void {
		const depth = this.names.length;
		if (depth === 0) {
			this.open(name, {});
			this.text(text);
			this.close();
		} else this.place(known ?? this.nameOf(name), text.trim(), depth);
	}

	/**
	 * A row read whole by a parser (open, one leaf per field, close, directly under the root) in one step, when its
	 * fields are the last row's in the same order: what open, leaf and close would build, without their per-field
	 * bookkeeping. False (nothing done) otherwise, and the parser sends the events one by one.
	 * `values[first + k]` is field k's text; undefined is an empty element.
	 */
	row(name: BuilderName, fields: readonly BuilderName[], values: ArrayLike<string | undefined>, first: number): boolean {
		const shape = this.shape;
		const count = fields.length;
		if (this.names.length !== 1 || count === 0 || count !== shape.length) return false;
		const renaming = this.renaming();
		for (let k = 0; k < count; k++) {
			const field = fields[k];
			if ((renaming ? field.fieldKey : field.key) !== shape[k] || (renaming && field.clashes)) return false;
		}
		const kept = this.rowValues;
		const row = { ...this.template };
		for (let k = 0; k < count; k++) {
			const value = (values[first + k] ?? '').trim();
			// as in keep: the last row's equal string survives, the new one dies young
			if (kept[k] !== value) kept[k] = value;
			row[shape[k]] = kept[k];
		}
		this.place(name, row, 1);
		return true;
	}

	/** Lets go of the document's elements and the last row's values, keeping only what describes the rows' shape. */
	release(): void {
		// emptied in place: assigning the fields anew would throw away the optimised code that treats them as fixed
		this.document.children.length = 0;
		if (this.document.rootText !== '') this.document.rootText = '';
		this.rowValues.length = 0;
	}

	/** Stores a finished value under its parent (`depth` = open elements above it). */
	private place(name: BuilderName, value: XmlValue, depth: number): void {
		if (depth === 1) {
			this.lastTopLevel = noteName(this.firstNames, name.key, this.lastTopLevel);
			const element: TopLevelElement = this.fieldKeys ? { name: name.key, value, renamed: this.renaming() } : { name: name.key, value };
			this.document.children.push(element);
			this.onTopLevel?.(element);
			return;
		}
		let key = name.key;
		if (depth === 2) {
			if (this.renaming()) {
				key = name.fieldKey;
				if (name.clashes) this.fieldsRenamed = false;
			}
			if (this.rowCount >= 0 && this.keep(key, value)) return;
		}
		const siblings = (this.objects[depth - 1] ??= {});
		const existing = siblings[key];
		if (existing === undefined || !Object.prototype.hasOwnProperty.call(siblings, key)) siblings[key] = value;
		else if (Array.isArray(existing)) existing.push(value);
		else siblings[key] = [existing, value];
	}

	/** Keeps a field of the row being built; false (the row now an object) when its key came before. */
	private keep(key: string, value: XmlValue): boolean {
		const count = this.rowCount;
		if (!this.rowOwnKeys) {
			if (this.shape[count] === key) {
				// the same text as the last row's keeps the last row's string: the new one dies young, which costs
				// the collector nothing, while 50,000 rows of survivors cost it most of a decode
				if (this.rowValues[count] !== value) this.rowValues[count] = value;
				this.rowCount++;
				return true;
			}
			for (let i = 0; i < count; i++) this.rowKeys[i] = this.shape[i];
			this.rowOwnKeys = true;
		}
		for (let i = 0; i < count; i++) {
			if (this.rowKeys[i] !== key) continue;
			// a repeated field becomes an array: the plain way from here on
			this.objects[1] = this.rowObject(count);
			this.rowCount = -1;
			return false;
		}
		this.rowKeys[count] = key;
		this.rowValues[this.rowCount++] = value;
		return true;
	}

	/** The fields kept, as a plain object in their order. */
	private rowObject(count: number): XmlObject {
		const keys = this.rowOwnKeys ? this.rowKeys : this.shape;
		const row: XmlObject = {};
		for (let i = 0; i < count; i++) row[keys[i]] = this.rowValues[i];
		return row;
	}

	/** The row being built, closing: undefined without fields; a copy of the template when it has the shape's. */
	private finishRow(): XmlObject | undefined {
		const count = this.rowCount;
		this.rowCount = -1;
		if (count === 0) return undefined;
		if (this.rowOwnKeys) {
			this.shape = this.rowKeys.slice(0, count);
			const template = this.rowObject(count);
			// through JSON an object holds all its fields itself, so each copy is one allocation ("__proto__" excepted)
			this.template = this.shape.includes('__proto__') ? template : (JSON.parse(JSON.stringify(template)) as XmlObject);
		} else if (count !== this.shape.length) return this.rowObject(count);
		const row = { ...this.template };
		for (let i = 0; i < count; i++) row[this.shape[i]] = this.rowValues[i];
		return row;
	}
}

/**
 * A strict streaming parser (saxes) feeding an ElementBuilder. DTDs are refused, so no entity can expand;
 * only XML's predefined entities and character references are decoded.
 */
export class StreamingXmlReader {
	private readonly parser = new SaxesParser({ xmlns: false, position: true });
	private failure: DecodeError | undefined;

	constructor(readonly builder: ElementBuilder) {
		this.parser.on('opentag', (tag) => builder.open(tag.name, tag.attributes as Record<string, string>));
		this.parser.on('text', (text) => builder.text(text));
		this.parser.on('cdata', (text) => builder.text(text));
		this.parser.on('closetag', () => builder.close());
		this.parser.on('doctype', () => {
			this.failure ??= new DecodeError('the XML contains a DTD, which is refused for safety', 'xml');
		});
		this.parser.on('error', (error) => {
			this.failure ??= new DecodeError(`the XML is not well-formed (${error.message})`, 'xml');
		});
	}

	write(text: string): void {
		this.parser.write(text);
		if (this.failure) throw this.failure;
	}

	/** Ends the document; throws if it was cut short or never had a root element. */
	close(): StreamedDocument {
		this.parser.close();
		if (this.failure) throw this.failure;
		if (this.builder.document.root === undefined) throw new DecodeError('the text is not XML (no root element)', 'xml');
		return this.builder.document;
	}
}

/** Convenience for small documents held as text (register receipts, tests). */
export function readXmlDocument(xml: string): StreamedDocument {
	const reader = new StreamingXmlReader(new ElementBuilder());
	reader.write(xml);
	return reader.close();
}
