// A strict scanner for the part of XML that OCCTO's answers use — one declaration, elements without attributes,
// text, the five predefined entities and character references — feeding ElementBuilder with the events saxes
// would. It never guesses: on anything outside that part, and on anything wrong, it stops with a ScanRefusal and
// the caller reads the document again with saxes (StreamingXmlReader), whose rows or error stand. saxes spends
// most of a list's decode checking what OCCTO never sends; this does the same checks for what it does send.
// Proven against saxes by test/xml-scanner-fuzz.test.ts and `npm run fuzz:xml`.
import type { BuilderName, ElementBuilder, StreamedDocument } from './xmlStream';

/** Why the scanner stopped: 'malformed' saxes refuses too (the fuzz checks it); 'unsupported' is saxes' to judge. */
export class ScanRefusal extends Error {
	constructor(
		readonly kind: 'malformed' | 'unsupported',
		reason: string,
	) {
		super(reason);
		this.name = 'ScanRefusal';
	}
}

const malformed = (reason: string) => new ScanRefusal('malformed', reason);
const unsupported = (reason: string) => new ScanRefusal('unsupported', reason);

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const AMP = 0x26;

// ASCII names only: XML's other name characters are rare enough to leave to saxes
const NAME_START = 1;
const NAME_CHAR = 2;
const NAME_CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
	const ch = String.fromCharCode(c);
	if (/[A-Za-z_:]/.test(ch)) NAME_CLASS[c] = NAME_START | NAME_CHAR;
	else if (/[0-9.-]/.test(ch)) NAME_CLASS[c] = NAME_CHAR;
}
const flat = (text: string) => JSON.parse(JSON.stringify(text)) as string;
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;

/** The declaration OCCTO sends, strictly; any other form is saxes' to judge. Line ends are already "\n". */
const DECLARATION =
	/^<\?xml[ \t\n]+version[ \t\n]*=[ \t\n]*(?:"1\.0"|'1\.0')(?:[ \t\n]+encoding[ \t\n]*=[ \t\n]*(?:"[A-Za-z][\w.-]*"|'[A-Za-z][\w.-]*'))?(?:[ \t\n]+standalone[ \t\n]*=[ \t\n]*(?:"(?:yes|no)"|'(?:yes|no)'))?[ \t\n]*\?>/;
const CHAR_REFERENCE = /^#(?:[0-9]+|x[0-9A-Fa-f]+)$/;
const NO_ATTRIBUTES: Record<string, string> = Object.freeze(Object.create(null));
/** Row patterns made per document at most: rows that keep changing are read the general way. */
const MAX_ROW_PATTERNS = 32;
const SPACES = '[ \\t\\n\\r]*';
/** A leaf's text in a row pattern: no reference, no control, nothing saxes checks its own way. */
const PLAIN_TEXT = '([^<&\\x00-\\x1f\\ud800-\\udfff\\ufffe\\uffff]*)';
const patternName = (name: string) => name.replace(/[.-]/g, '\\$&');

/** After a row's open tag: its leaves (<name>text</name> or <name/>) and whitespace, then its close tag. */
function rowPattern(row: string, leaves: ElementName[]): RegExp {
	const fields = leaves.map(({ text }) => `${SPACES}<${patternName(text)}(?:>${PLAIN_TEXT}</${patternName(text)}>|/>)`);
	return new RegExp(`${fields.join('')}${SPACES}</${patternName(row)}>`, 'y');
}

function reference(name: string): string {
	switch (name) {
		case 'lt':
			return '<';
		case 'gt':
			return '>';
		case 'amp':
			return '&';
		case 'quot':
			return '"';
		case 'apos':
			return "'";
	}
	const code = CHAR_REFERENCE.test(name) ? (name[1] === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10)) : NaN;
	const isChar =
		code === 0x09 || code === 0x0a || code === 0x0d || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
	if (!isChar) throw malformed(`an undefined or malformed reference &${name.slice(0, 20)};`);
	return String.fromCodePoint(code);
}

interface ElementName {
	text: string;
	/** "<text>" and "</text>", compared whole */
	openTag: string;
	closeTag: string;
	next: ElementName | undefined;
	/** The builder's keys for it. */
	field: BuilderName;
	/** As a leaf: its close tag, whitespace and the next leaf's open tag, as they came last time. */
	follow: { text: string; space: string; name: ElementName } | undefined;
	/** As a row (an element holding only leaves): the pattern of its last such row, with its leaves in order. */
	row: { pattern: RegExp; leaves: ElementName[]; fields: BuilderName[] } | undefined;
}

/** An element being read the general way, whose leaves may become a row pattern. */
interface RowRecord {
	name: ElementName;
	depth: number;
	leaves: ElementName[];
}

/** Same write/close contract as StreamingXmlReader, but throws ScanRefusal instead of a DecodeError. */
export class XmlSubsetScanner {
	/** An unfinished tag or reference at the end of a write, scanned again with the next. */
	private carry = '';
	/** The last two characters written, to find "]]>" across writes. */
	private tail = '';
	/** A write ended in "\r", which a "\n" starting the next write belongs to. */
	private pendingCr = false;
	/** Nothing scanned yet: only here may the declaration stand. */
	private atStart = true;
	private readonly open: string[] = [];
	private rootClosed = false;
	/** Element names seen, each with the name that followed it last. */
	private readonly known = new Map<string, ElementName>();
	private last: ElementName | undefined;
	/** The element read the general way whose leaves are being noted, and the row patterns made so far. */
	private record: RowRecord | undefined;
	private rowPatterns = 0;

	constructor(readonly builder: ElementBuilder) {}

	write(text: string): void {
		if (this.pendingCr) {
			text = `\r${text}`;
			this.pendingCr = false;
		}
		if (text.includes('\r')) {
			// XML reads "\r\n" and a lone "\r" as "\n" before anything else, as saxes does
			if (text.endsWith('\r')) {
				this.pendingCr = true;
				text = text.slice(0, -1);
			}
			text = text.replace(/\r\n?/g, '\n');
		}
		// saxes skips a byte order mark that starts the text
		if (this.atStart && !this.carry && text.charCodeAt(0) === 0xfeff) throw unsupported('a byte order mark');
		// "]]>" is wrong in text and belongs to CDATA otherwise: either way saxes' to judge
		if (text.includes(']]>') || (this.tail + text.slice(0, 2)).includes(']]>')) throw unsupported('"]]>"');
		this.tail = text.length >= 2 ? text.slice(-2) : (this.tail + text).slice(-2);
		let from = 0;
		if (this.carry) {
			// the token the last write cut is finished on its own: "carry + text" would be a cons string, slow to
			// read character by character, while the text itself stays as the decoder made it
			const end = text.indexOf(this.carry.charCodeAt(0) === LT ? '>' : ';') + 1;
			if (end === 0) {
				this.carry += text;
				return;
			}
			const head = this.carry + text.slice(0, end);
			this.carry = '';
			const done = this.scanFrom(head, 0);
			if (done < head.length) text = head.slice(done) + text.slice(end); // still unfinished: read the slow way
			else from = end;
		}
		this.carry = text.slice(this.scanFrom(text, from));
	}

	/** scan, and the declaration's place taken once anything is read. */
	private scanFrom(s: string, from: number): number {
		const done = this.scan(s, from);
		if (done > 0) this.atStart = false;
		return done;
	}

	close(): StreamedDocument {
		if (this.pendingCr) {
			this.pendingCr = false;
			this.write('\n');
		}
		if (this.carry) throw malformed('the document ends inside a tag or reference');
		if (this.open.length) throw malformed('the document ends inside an element');
		if (this.builder.document.root === undefined) throw unsupported('no root element');
		return this.builder.document;
	}

	/** Scans what it can of `s`; returns where the unfinished rest starts. */
	private scan(s: string, from: number): number {
		const { builder, open } = this;
		const n = s.length;
		let i = from;
		// the leaf closed last and where its close tag starts, while only whitespace came after it
		let leaf: ElementName | undefined;
		let leafClose = 0;
		scanning: while (i < n) {
			// indentation is most of the text between tags: stepped over before any search
			let lt = i;
			while (lt < n && isSpace(s.charCodeAt(lt))) lt++;
			if (lt > i && (lt === n || s.charCodeAt(lt) === LT)) {
				// the builder drops whitespace before an element's first text, so it is not even cut out
				if (builder.hasText()) builder.text(s.slice(i, lt));
				i = lt;
				if (i === n) return n;
			} else if (lt < n && s.charCodeAt(lt) !== LT) {
				lt = s.indexOf('<', lt);
				if (lt < 0) lt = n;
			}
			if (lt > i) {
				// text running to the end of the write: a reference cut short waits for the next write
				// (searched only when the text holds an "&": lastIndexOf alone would read the whole write back)
				const last = lt === n && s.indexOf('&', i) >= 0 ? s.lastIndexOf('&') : -1;
				if (last >= i && s.indexOf(';', last) < 0) {
					if (last > i) this.text(s, i, last);
					return last;
				}
				this.text(s, i, lt);
				i = lt;
				if (i === n) return n;
			}
			if (i + 1 >= n) return i;
			const c = s.charCodeAt(i + 1);
			if (c === SLASH) {
				const gt = s.indexOf('>', i + 2);
				if (gt < 0) return i;
				const name = open[open.length - 1];
				if (name === undefined) throw malformed('a close tag outside the root element');
				if (!s.startsWith(name, i + 2)) throw malformed(`a close tag that does not match <${name}>`);
				leaf = undefined;
				for (let j = i + 2 + name.length; j < gt; j++) if (!isSpace(s.charCodeAt(j))) throw malformed(`a close tag that does not match <${name}>`);
				open.pop();
				builder.close();
				if (this.record !== undefined && open.length <= this.record.depth) this.learnRow(open.length);
				if (open.length === 0) this.rootClosed = true;
				i = gt + 1;
			} else if (c < 128 && NAME_CLASS[c] & NAME_START) {
				// a list repeats one row's fields: the name that followed this one last time is checked first
				let name = this.last?.next;
				let j: number;
				let selfClosing = false;
				if (name !== undefined && s.startsWith(name.openTag, i)) j = i + name.openTag.length - 1;
				else {
					j = i + 2;
					let k = 0;
					while (j < n && (k = s.charCodeAt(j)) < 128 && NAME_CLASS[k] & NAME_CHAR) j++;
					if (j >= n) return i;
					const text = s.slice(i + 1, j);
					while (isSpace(k)) {
						if (++j >= n) return i;
						k = s.charCodeAt(j);
					}
					selfClosing = k === SLASH;
					if (selfClosing) {
						if (j + 1 >= n) return i;
						if (s.charCodeAt(j + 1) !== GT) throw malformed('"/" in a tag not followed by ">"');
						j++;
					} else if (k !== GT) {
						// more name (non-ASCII) or an attribute: saxes' to read; any other character is an error
						if (k >= 128 || NAME_CLASS[k] & NAME_START) throw unsupported('an attribute or a non-ASCII name');
						throw malformed('a character that cannot follow a tag name');
					}
					name = this.known.get(text);
					if (name === undefined) {
						// copies of their own, flat: a slice would pin the whole write, a template literal may be a cons string
						const own = flat(text);
						const field = builder.nameOf(own);
						this.known.set(own, (name = { text: own, openTag: flat(`<${own}>`), closeTag: flat(`</${own}>`), next: undefined, field, follow: undefined, row: undefined }));
					}
					if (this.last) this.last.next = name;
				}
				if (this.rootClosed) throw malformed('a second root element');
				this.last = name;
				const tag = name.text;
				i = j + 1;
				if (selfClosing) {
					builder.leaf(tag, '', name.field);
					this.noteLeaf(name);
				}
				else {
					const row = open.length > 0 ? name.row : undefined;
					if (row !== undefined) {
						// a row like the last one of its name: read whole by its pattern
						row.pattern.lastIndex = i;
						const match = row.pattern.exec(s);
						if (match !== null) {
							this.record = undefined;
							leaf = undefined;
							if (builder.row(name.field, row.fields, match, 1)) {
								i = this.rowRun(s, row.pattern.lastIndex, name);
								continue;
							}
							builder.open(tag, NO_ATTRIBUTES);
							for (let k = 0; k < row.leaves.length; k++) builder.leaf(row.leaves[k].text, match[k + 1] ?? '', row.leaves[k].field);
							builder.close();
							i = row.pattern.lastIndex;
							continue;
						}
					}
					if (leaf !== undefined) this.learnFollow(leaf, s, leafClose, i, name);
					// <name>text</name>, most of a list: one builder step; and when the close tag, the indentation and
					// the next open tag are the ones that came last time, one comparison steps over all three
					let element: ElementName = name;
					for (;;) {
						let end = i;
						let plain = true;
						for (; end < n; end++) {
							const k = s.charCodeAt(end);
							if (k === LT) break;
							if (k < 0x20 || k === AMP || (k >= 0xd800 && (k < 0xe000 || k >= 0xfffe))) plain = false;
						}
						const follow = element.follow;
						// 2: the close tag and what followed it last time; 1: the close tag alone; 0: not a leaf
						const closing = end === n ? 0 : follow !== undefined && s.startsWith(follow.text, end) ? 2 : s.startsWith(element.closeTag, end) ? 1 : 0;
						if (closing === 0) {
							this.record = open.length > 0 ? { name: element, depth: open.length, leaves: [] } : undefined;
							open.push(element.text);
							builder.open(element.text, NO_ATTRIBUTES);
							leaf = undefined;
							continue scanning;
						}
						builder.leaf(element.text, plain ? s.slice(i, end) : this.textOf(s, i, end), element.field);
						this.noteLeaf(element);
						if (closing === 1) {
							leaf = element;
							leafClose = end;
							i = end + element.closeTag.length;
							break;
						}
						if (builder.hasText()) builder.text(follow!.space);
						element = follow!.name;
						this.last = element;
						i = end + follow!.text.length;
					}
				}
				if (open.length === 0) this.rootClosed = true;
			} else if (c === QUESTION && i === 0 && this.atStart) {
				if (s.indexOf('?>', 2) < 0) return 0;
				const declaration = DECLARATION.exec(s);
				if (!declaration) throw unsupported('an XML declaration of another form');
				i = declaration[0].length;
			} else if (c === BANG || c === QUESTION || c >= 128) {
				throw unsupported('a comment, CDATA, DOCTYPE, processing instruction or non-ASCII name');
			} else {
				throw malformed('a "<" that starts no tag');
			}
		}
		return n;
	}

	/**
	 * The rows that follow a row read whole, while each is its pattern again with the same fields: most of a list,
	 * in a loop small enough to be optimised early. Returns where the first other thing starts.
	 */
	private rowRun(s: string, from: number, name: ElementName): number {
		const { builder } = this;
		const { pattern, fields } = name.row!;
		const openTag = name.openTag;
		const n = s.length;
		// whitespace between rows is dropped only while the enclosing element has no text (see scan)
		if (builder.hasText()) return from;
		let i = from;
		for (;;) {
			let lt = i;
			while (lt < n && isSpace(s.charCodeAt(lt))) lt++;
			if (!s.startsWith(openTag, lt)) return i;
			pattern.lastIndex = lt + openTag.length;
			const match = pattern.exec(s);
			if (match === null || !builder.row(name.field, fields, match, 1)) return i;
			i = pattern.lastIndex;
		}
	}

	/** A leaf of the element being noted. */
	private noteLeaf(leaf: ElementName): void {
		if (this.record !== undefined && this.open.length === this.record.depth + 1) this.record.leaves.push(leaf);
	}

	/** The noted element closed (at `depth`): its leaves become its row pattern, unless they are the pattern's. */
	private learnRow(depth: number): void {
		const { name, leaves, depth: noted } = this.record!;
		this.record = undefined;
		if (depth !== noted || leaves.length === 0 || this.rowPatterns >= MAX_ROW_PATTERNS) return;
		const known = name.row?.leaves;
		if (known?.length === leaves.length && known.every((leaf, k) => leaf === leaves[k])) return;
		this.rowPatterns++;
		name.row = { pattern: rowPattern(name.text, leaves), leaves, fields: leaves.map((leaf) => leaf.field) };
	}

	/** Remembers what came from `leaf`'s close tag to the open tag ending at `end`, when it was only whitespace. */
	private learnFollow(leaf: ElementName, s: string, close: number, end: number, name: ElementName): void {
		const from = close + leaf.closeTag.length;
		const to = end - name.openTag.length;
		if (to < from || !s.startsWith(name.openTag, to)) return;
		for (let j = from; j < to; j++) if (!isSpace(s.charCodeAt(j))) return;
		leaf.follow = { text: flat(s.slice(close, end)), space: flat(s.slice(from, to)), name };
	}

	/** Text that is not only whitespace (the scan steps over that). */
	private text(s: string, start: number, end: number): void {
		if (this.open.length === 0) throw malformed('text outside the root element');
		// an element with text of its own is no row
		if (this.record !== undefined && this.open.length === this.record.depth + 1) this.record = undefined;
		this.builder.text(this.textOf(s, start, end));
	}

	/** The characters between `start` and `end` with their references replaced. */
	private textOf(s: string, start: number, end: number): string {
		let amp = -1;
		// one pass for the references and for the characters left to saxes: controls XML forbids, surrogates
		// (saxes checks pairs its own way) and U+FFFE/U+FFFF; tags and the declaration are checked as they are read
		for (let j = start; j < end; j++) {
			const c = s.charCodeAt(j);
			if (c < 0x20) {
				if (c !== 0x0a && c !== 0x09 && c !== 0x0d) throw unsupported('a control character');
			} else if (c === 0x26) {
				if (amp < 0) amp = j;
			} else if (c >= 0xd800 && (c < 0xe000 || c >= 0xfffe)) throw unsupported('a surrogate or a non-character');
		}
		if (amp < 0) return s.slice(start, end);
		let out = '';
		let from = start;
		while (amp >= 0 && amp < end) {
			const semicolon = s.indexOf(';', amp + 1);
			if (semicolon < 0 || semicolon >= end) throw malformed('"&" that starts no reference');
			out += s.slice(from, amp) + reference(s.slice(amp + 1, semicolon));
			from = semicolon + 1;
			amp = s.indexOf('&', from);
		}
		return out + s.slice(from, end);
	}
}
