// A strict scanner for the part of XML that OCCTO's answers use — one declaration, elements without attributes,
// text, the five predefined entities and character references — feeding ElementBuilder with the events saxes
// would. It never guesses: on anything outside that part, and on anything wrong, it stops with a ScanRefusal and
// the caller reads the document again with saxes (StreamingXmlReader), whose rows or error stand. saxes spends
// most of a list's decode checking what OCCTO never sends; this does the same checks for what it does send.
// Proven against saxes by test/xml-scanner-fuzz.test.ts and `npm run fuzz:xml`.
import type { ElementBuilder, StreamedDocument } from './xmlStream';

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
		while (i < n) {
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
				const last = lt === n ? s.lastIndexOf('&') : -1;
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
				for (let j = i + 2 + name.length; j < gt; j++) if (!isSpace(s.charCodeAt(j))) throw malformed(`a close tag that does not match <${name}>`);
				open.pop();
				builder.close();
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
						this.known.set(own, (name = { text: own, openTag: flat(`<${own}>`), closeTag: flat(`</${own}>`), next: undefined }));
					}
					if (this.last) this.last.next = name;
				}
				if (this.rootClosed) throw malformed('a second root element');
				this.last = name;
				const tag = name.text;
				i = j + 1;
				if (selfClosing) builder.leaf(tag, '');
				else {
					// <name>text</name>, most of a list: one builder step instead of three
					const next = s.indexOf('<', i);
					if (next >= 0 && s.startsWith(name.closeTag, next)) {
						builder.leaf(tag, next > i ? this.textOf(s, i, next) : '');
						i = next + name.closeTag.length;
					} else {
						open.push(tag);
						builder.open(tag, NO_ATTRIBUTES);
						continue;
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

	/** Text that is not only whitespace (the scan steps over that). */
	private text(s: string, start: number, end: number): void {
		if (this.open.length === 0) throw malformed('text outside the root element');
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
