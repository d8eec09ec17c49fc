// One strict pass over the plan XML (saxes) that keeps what the rules need: every element with its
// position, path, parent and direct text, or the first well-formedness error with its position.
import { SaxesParser } from 'saxes';

export interface ScannedElement {
	name: string;
	path: string;
	/** 1-based line and column (characters) of the element's `<`. */
	line: number;
	column: number;
	/** String offsets of the start tag's `<` and just past the end tag (Infinity while unclosed). */
	start: number;
	end: number;
	/** Index of this element and of its parent (-1 for the root) in document order. */
	index: number;
	parent: number;
	/** Direct text, trimmed; kept only for elements without child elements (codes and dates are leaves). */
	text: string;
	hasChildren: boolean;
}

export interface XmlSyntaxError {
	line: number;
	column: number;
	message: string;
	/** Path of the element the error is in, where the parser knows better than "the innermost open one". */
	path?: string;
	/** Whether the failure is a DTD (refused for safety) rather than broken XML. */
	dtd: boolean;
}

export interface ScannedPlan {
	elements: ScannedElement[];
	error?: XmlSyntaxError;
	/** Lines removed before the scan (whitespace ahead of the XML declaration), added back to every line. */
	lineOffset: number;
}

class StopScan extends Error {}

/**
 * Scans the text. Whitespace ahead of the XML declaration (common in pasted text, and dropped by Register
 * before sending) is skipped, but line numbers still count it so they match what the user sees.
 */
export function scanPlan(xml: string): ScannedPlan {
	const lead = /^\uFEFF?\s*/.exec(xml)?.[0] ?? '';
	const skip = xml.startsWith('<?xml', lead.length) ? lead.length : 0;
	const lineOffset = skip ? (lead.match(/\r\n|\r|\n/g) ?? []).length : 0;
	const text = skip ? xml.slice(skip) : xml;

	const elements: ScannedElement[] = [];
	const stack: number[] = [];
	let error: XmlSyntaxError | undefined;
	let lastClosed: ScannedElement | undefined;
	const parser = new SaxesParser({ position: true });
	const fail = (message: string, dtd: boolean, path?: string) => {
		error ??= { line: parser.line + lineOffset, column: parser.column + 1, message, dtd, path };
		throw new StopScan();
	};
	parser.on('doctype', () => fail('the XML contains a DTD (<!DOCTYPE …>)', true));
	parser.on('error', (e) => {
		const message = e.message.replace(/^\d+:\d+: /, '');
		// saxes closes the open element before it complains that the end tag does not match it
		if (message.startsWith('unexpected close tag') && lastClosed) {
			fail(`<${lastClosed.name}> (opened at line ${lastClosed.line}) is closed by an end tag of another name`, false, lastClosed.path);
		}
		fail(message, false);
	});
	parser.on('opentagstart', (tag) => {
		const parent = stack.length ? stack[stack.length - 1] : -1;
		if (parent >= 0 && !elements[parent].hasChildren) {
			elements[parent].hasChildren = true;
			elements[parent].text = ''; // whitespace between children would pile up on big plans
		}
		const back = tag.name.length + 2; // the parser stands past `<name` and the character that ended the name
		elements.push({
			name: tag.name,
			path: parent >= 0 ? `${elements[parent].path}/${tag.name}` : tag.name,
			line: parser.line + lineOffset,
			column: Math.max(1, parser.column + 1 - back),
			start: skip + parser.position - back,
			end: Infinity,
			index: elements.length,
			parent,
			text: '',
			hasChildren: false,
		});
		stack.push(elements.length - 1);
	});
	const addText = (value: string) => {
		const current = stack.length ? elements[stack[stack.length - 1]] : undefined;
		if (current && !current.hasChildren) current.text += value;
	};
	parser.on('text', addText);
	parser.on('cdata', addText);
	parser.on('closetag', () => {
		const index = stack.pop();
		if (index === undefined) return;
		elements[index].end = skip + parser.position;
		lastClosed = elements[index];
	});
	try {
		parser.write(text).close();
	} catch (e) {
		// StopScan after the first error; anything else the parser throws is a reading failure as well
		if (!(e instanceof StopScan)) error ??= { line: parser.line + lineOffset, column: parser.column + 1, message: String((e as Error).message), dtd: false };
	}
	for (const element of elements) if (element.text) element.text = element.text.trim();
	return { elements, error, lineOffset };
}

/** The innermost element whose text span holds the string offset (document order makes this a search). */
export function elementAt(elements: ScannedElement[], offset: number): ScannedElement | undefined {
	let low = 0;
	let high = elements.length - 1;
	let found = -1;
	while (low <= high) {
		const middle = (low + high) >> 1;
		if (elements[middle].start <= offset) {
			found = middle;
			low = middle + 1;
		} else high = middle - 1;
	}
	for (let index = found; index >= 0; index = elements[index].parent) {
		if (elements[index].end > offset) return elements[index];
	}
	return undefined;
}
