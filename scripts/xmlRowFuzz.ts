// Differential fuzzing of the list decoder's fast paths: lists of many rows of one shape, each row now and then
// changed (a field missing, added, moved or repeated, empty, with references or text of its own, nested, with an
// attribute or a comment) and the whole sometimes broken. Rows of one shape take the subset scanner's row
// pattern and leaf chain and ElementBuilder's row template; every other row the general way. Each document is
// read in random pieces by the scanner and by saxes into ElementBuilder, and by saxes into `referenceDocument`,
// a plain tree made into values afterwards: the specification of what the builder builds, key order included.
// Used by test/xml-row-fuzz.test.ts; `node scripts/run-ts.mjs scripts/fuzz-rows.ts [count] [seed]` runs more.
import { SaxesParser } from 'saxes';

import type { XmlObject, XmlValue } from '../nodes/shared/codecs';
import { PROTOTYPE_METHOD_NAMES, inertName } from '../nodes/shared/codecs';
import { ElementBuilder, StreamingXmlReader } from '../nodes/shared/xmlStream';
import { ScanRefusal, XmlSubsetScanner } from '../nodes/shared/xmlSubsetScanner';
import { readWireSettings } from '../nodes/occtoApi';
import { prng } from './xmlFuzz';

type Random = ReturnType<typeof prng>;

const FIELDS = ['PLAN_DIVISION', 'OCCTO_RECEPTION_NO', 'PLAN_NM', 'STAT', 'STAT_NM', 'SBMIT_DAYTIME', 'LAST_UPD_DAYTIME', 'BIKO', 'a.b', 'A-1', 'ns:F', 'toString', 'status', 'name'];
const VALUES = ['1', '2000000001', '○○発電所1号機 定期点検 第1回', '受付完了', '20261124093000', '', ' 2 ', '>', 'a b', '\u3000全角\u3000', 'é', '髙﨑 ①'];
const ODD_VALUES = ['&amp;x', '&#x3042;', 'a\nb', '\t', '\x01', '\ud83d\ude00', '\ud800', '\ufffe', '&bogus;', 'x]]>y', '<', '&'];

/** A list: a root, maybe a wrapper, rows of one shape with changes, sometimes broken. */
export function generateList(random: Random): string {
	const { int, pick, chance } = random;
	const shape = [...FIELDS].sort(() => random.int(3) - 1).slice(0, 1 + int(8));
	const row = pick(['OUTAGE_PLAN_INFO', 'ROW', 'R']);
	const indent = pick(['', '\n', '\n  ', '\n\t\t', ' ']);
	const inner = indent + pick(['  ', '', '\t']);
	// how often a row or field differs: some documents never, some often
	const odd = pick([0, 0.002, 0.01, 0.05]);
	const value = () => (chance(odd) ? pick(ODD_VALUES) : pick(VALUES));
	const field = (name: string) => {
		const roll = chance(odd * 4) ? int(6) : 6;
		if (roll === 0) return `<${name}/>`;
		if (roll === 1) return `<${name} />`;
		if (roll === 2) return `<${name}></${name}>`;
		if (roll === 3) return `<${name} k="1">${value()}</${name}>`;
		if (roll === 4) return `<${name}>${value()}</${name} >`;
		if (roll === 5) return `<${name}><N>${value()}</N></${name}>`;
		return `<${name}>${value()}</${name}>`;
	};
	const rows: string[] = [];
	for (let r = 1 + int(40); r > 0; r--) {
		let fields = [...shape];
		if (chance(odd * 4)) fields.splice(int(fields.length), 1);
		if (chance(odd * 2)) fields.splice(int(fields.length + 1), 0, pick(FIELDS));
		if (chance(odd * 2)) fields = fields.reverse();
		const parts = fields.map((name) => inner + field(name));
		if (chance(odd)) parts.splice(int(parts.length + 1), 0, pick(['text', '<!-- c -->', ' ', '&amp;']));
		rows.push(`${indent}<${row}${chance(odd / 2) ? ' id="1"' : ''}>${parts.join('')}${indent}</${row}>`);
	}
	let body = rows.join('');
	if (chance(0.2)) body = `${indent}<LIST>${body}${indent}</LIST>`;
	let xml = `<?xml version="1.0" encoding="UTF-8"?>\n<SBD-MSG>${body}${indent}</SBD-MSG>\n`;
	if (chance(0.05)) xml = xml.slice(0, int(xml.length));
	else if (chance(0.05)) {
		const at = int(xml.length);
		xml = xml.slice(0, at) + pick(['<', '&', '</X>', '<X>', 'é', '\x0b']) + xml.slice(at);
	}
	return xml;
}

/** The keys ElementBuilder stores a name's value under. */
const keyOf = (name: string) => (PROTOTYPE_METHOD_NAMES.has(name) ? `__${name}` : inertName(name));

interface TreeNode {
	name: string;
	attributes: Record<string, string>;
	children: TreeNode[];
	text: string;
}

/** What ElementBuilder must build, from a plain tree: the reference the fast paths are compared with. */
export function referenceDocument(xml: string, fieldKeys?: ReadonlyMap<string, string>) {
	const parser = new SaxesParser({ xmlns: false });
	const stack: TreeNode[] = [];
	let root: TreeNode | undefined;
	let failure: Error | undefined;
	parser.on('opentag', (tag) => {
		const node: TreeNode = { name: tag.name, attributes: tag.attributes as Record<string, string>, children: [], text: '' };
		if (stack.length) stack[stack.length - 1].children.push(node);
		else root ??= node;
		stack.push(node);
	});
	parser.on('text', (text) => {
		if (stack.length) stack[stack.length - 1].text += text;
	});
	parser.on('closetag', () => void stack.pop());
	parser.on('error', (error) => void (failure ??= error));
	parser.write(xml).close();
	if (failure || !root) throw failure ?? new Error('no root');
	const oneToOne = fieldKeys !== undefined && new Set(fieldKeys.values()).size === fieldKeys.size ? fieldKeys : undefined;
	const outputKeys = new Set(oneToOne?.values());
	let fieldsRenamed = true;
	const valueOf = (node: TreeNode, renamed: boolean): XmlValue => {
		const text = node.text.trim();
		if (!node.children.length && !Object.keys(node.attributes).length) return text;
		const object: XmlObject = {};
		for (const [name, value] of Object.entries(node.attributes)) object[`@${inertName(name)}`] = value;
		for (const child of node.children) {
			let key = keyOf(child.name);
			if (renamed) {
				if (oneToOne!.has(key)) key = oneToOne!.get(key)!;
				else if (outputKeys.has(key)) fieldsRenamed = false;
			}
			const value = valueOf(child, false);
			const existing = object[key];
			if (existing === undefined || !Object.prototype.hasOwnProperty.call(object, key)) object[key] = value;
			else if (Array.isArray(existing)) existing.push(value);
			else object[key] = [existing, value];
		}
		if (text) object['#text'] = text;
		return object;
	};
	const children = root.children.map((child, index) => {
		const renamed = oneToOne !== undefined && index > 0;
		const value = valueOf(child, renamed);
		return oneToOne ? { name: keyOf(child.name), value, renamed } : { name: keyOf(child.name), value };
	});
	return { document: { root: root.name, rootText: root.text.trim(), children }, fieldsRenamed };
}

/** Writes `xml` whole or in random pieces. */
function pieces(xml: string, random: Random): string[] {
	if (random.chance(0.3)) return [xml];
	const most = random.pick([4, 64, 1024]);
	const out: string[] = [];
	for (let at = 0; at < xml.length; ) {
		const size = 1 + random.int(most);
		out.push(xml.slice(at, at + size));
		at += size;
	}
	return out;
}

const said = (read: () => unknown): string => {
	try {
		return JSON.stringify(read());
	} catch (error) {
		return error instanceof ScanRefusal ? `refused:${error.kind}` : `error:${(error as Error).message}`;
	}
};

const FIELD_KEYS = [undefined, readWireSettings({}).fieldNames, readWireSettings({ advancedSettings: true, fieldNames: 'PLAN_NM = name\nSTAT = status' }).fieldNames];

export interface RowFuzzTally {
	documents: number;
	/** Read by the scanner itself (the others it refused). */
	scanned: number;
	divergences: Array<{ xml: string; problem: string }>;
}

/** `count` generated lists, each read three ways against the reference. */
export function fuzzRows(count: number, seed: number): RowFuzzTally {
	const random = prng(seed);
	const tally: RowFuzzTally = { documents: 0, scanned: 0, divergences: [] };
	for (let i = 0; i < count; i++) {
		const xml = generateList(random);
		const fieldKeys = random.pick(FIELD_KEYS);
		const built = (reader: XmlSubsetScanner | StreamingXmlReader) => () => {
			for (const piece of pieces(xml, random)) reader.write(piece);
			return { document: reader.close(), fieldsRenamed: reader.builder.fieldsRenamed };
		};
		const reference = said(() => referenceDocument(xml, fieldKeys));
		const saxes = said(built(new StreamingXmlReader(new ElementBuilder(undefined, fieldKeys))));
		const scanner = said(built(new XmlSubsetScanner(new ElementBuilder(undefined, fieldKeys))));
		tally.documents++;
		const accepted = reference.startsWith('{');
		let problem: string | undefined;
		if (accepted !== saxes.startsWith('{') || (accepted && saxes !== reference)) problem = `saxes + builder: ${saxes.slice(0, 300)}; reference: ${reference.slice(0, 300)}`;
		else if (scanner.startsWith('{')) {
			tally.scanned++;
			if (scanner !== reference) problem = `scanner + builder: ${scanner.slice(0, 300)}; reference: ${reference.slice(0, 300)}`;
		} else if (scanner === 'refused:malformed' && accepted) problem = `scanner called it malformed; reference: ${reference.slice(0, 300)}`;
		if (problem) tally.divergences.push({ xml, problem });
	}
	return tally;
}
