// Base64 ZIP → inflate → characters, as a stream of text chunks: the decompressed-size cap is enforced
// while inflating (fflate's streaming Unzip fed in small slices), the declared encoding is honoured, and
// neither the XML bytes nor the XML text are ever held whole unless the caller asks to keep the bytes.
import { TextDecoder } from 'node:util';

import { Unzip, UnzipInflate } from 'fflate';

import type { XmlObject, ZipLimits } from './codecs';
import { DEFAULT_ZIP_LIMITS, DecodeError, decodeBase64, decodeXmlBytes, declaredEncoding, parseXml } from './codecs';

/** Compressed input is pushed in slices this big, so one slice can inflate to at most ~16 MB past the cap. */
const INPUT_SLICE = 16 * 1024;
/** Let the event loop breathe (timers, heartbeats of queue-mode workers) every this many input bytes. */
const YIELD_EVERY = 256 * 1024;

const SHIFT_JIS_LABELS = new Set(['shift_jis', 'shift-jis', 'sjis', 'x-sjis', 'windows-31j', 'cp932', 'ms932', 'ms_kanji', 'csshiftjis']);

/**
 * Bytes → text, chunk by chunk. The encoding is chosen from a BOM or the XML declaration in the first
 * bytes (Shift_JIS names all mean CP932, which WHATWG's shift_jis decoder implements). A document that
 * declares nothing is buffered and decoded as codecs.decodeXmlBytes does: strict UTF-8, else CP932.
 */
export class XmlTextDecoder {
	private decoder: TextDecoder | undefined;
	private head: Buffer[] = [];
	private headLength = 0;
	private undeclared = false;

	constructor(private readonly sink: (text: string) => void) {}

	write(bytes: Uint8Array): void {
		if (this.decoder) {
			const text = this.decoder.decode(bytes, { stream: true });
			if (text) this.sink(text);
			return;
		}
		this.head.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
		this.headLength += bytes.byteLength;
		if (!this.undeclared && this.headLength >= 256) this.choose(Buffer.concat(this.head));
	}

	end(): void {
		if (!this.decoder) {
			const bytes = Buffer.concat(this.head);
			if (!this.undeclared) this.choose(bytes);
			if (!this.decoder) {
				this.head = [];
				this.sink(decodeXmlBytes(bytes));
				return;
			}
		}
		const rest = this.decoder.decode();
		if (rest) this.sink(rest);
	}

	private choose(head: Buffer): void {
		let label: string;
		if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) label = 'utf-8';
		else {
			const declared = declaredEncoding(head)?.toLowerCase();
			if (declared === undefined) {
				this.undeclared = true;
				return;
			}
			label = SHIFT_JIS_LABELS.has(declared) ? 'shift_jis' : declared;
		}
		try {
			// fatal for UTF-8 as in decodeXmlBytes; legacy encodings replace what they cannot map, as iconv-lite does
			this.decoder = new TextDecoder(label, { fatal: label === 'utf-8' || label === 'utf8', ignoreBOM: false });
		} catch {
			throw new DecodeError(`the XML declares an unsupported encoding "${label}"`, 'encoding');
		}
		const buffered = this.head;
		this.head = [];
		for (const chunk of buffered) this.write(chunk);
	}
}

/** Runs `decode`, turning a fatal UTF-8 decoder's TypeError into our DecodeError. */
function asDecodeError(error: unknown): unknown {
	if (error instanceof TypeError && /encoded data|not valid/i.test(error.message)) {
		return new DecodeError('the XML declares UTF-8 but its bytes are not valid UTF-8', 'encoding');
	}
	return error;
}

export interface ZippedXmlResult {
	fileName: string;
	/** The XML bytes as inflated, only when asked for (Attach Original Files). */
	xmlBytes?: Buffer;
}

const tooLarge = (bytes: number, limits: ZipLimits) =>
	`the ZIP would decompress to ${bytes} bytes or more, past the limit of ${limits.maxUncompressedBytes} bytes`;

/**
 * Inflates the first .xml entry of a ZIP and hands its text to `sink` chunk by chunk. Refuses archives
 * past the entry limit, entries that declare or reach more than the size limit, and archives without an
 * XML file, naming what they hold instead.
 */
export async function streamZippedXml(
	zipBytes: Uint8Array,
	limits: ZipLimits,
	sink: (text: string) => void,
	keepBytes = false,
): Promise<ZippedXmlResult> {
	if (zipBytes.length < 4 || zipBytes[0] !== 0x50 || zipBytes[1] !== 0x4b || zipBytes[2] !== 0x03 || zipBytes[3] !== 0x04) {
		throw new DecodeError('the answer is not a readable ZIP archive (it does not start with a ZIP entry)', 'zip');
	}
	const names: string[] = [];
	const kept: Buffer[] = [];
	const text = new XmlTextDecoder(sink);
	let chosen: string | undefined;
	let inflated = 0;
	let finished = false;
	let failure: unknown;

	const unzip = new Unzip((file) => {
		if (file.name.endsWith('/')) return; // a folder
		names.push(file.name);
		if (names.length > limits.maxEntries) {
			failure ??= new DecodeError(`the ZIP holds more than ${limits.maxEntries} entries, the limit`, 'limit');
			return;
		}
		if (chosen !== undefined || !file.name.toLowerCase().endsWith('.xml')) return;
		if (file.originalSize !== undefined && file.originalSize > limits.maxUncompressedBytes) {
			failure ??= new DecodeError(tooLarge(file.originalSize, limits), 'limit');
			return;
		}
		chosen = file.name;
		file.ondata = (error, data, final) => {
			if (failure) return;
			if (error) {
				failure = new DecodeError(`the ZIP entry "${file.name}" is corrupt (${error.message})`, 'zip');
				return;
			}
			inflated += data.length;
			if (inflated > limits.maxUncompressedBytes) {
				failure = new DecodeError(tooLarge(inflated, limits), 'limit');
				file.terminate();
				return;
			}
			if (keepBytes) kept.push(Buffer.from(data));
			try {
				text.write(data);
				if (final) {
					text.end();
					finished = true;
				}
			} catch (caught) {
				failure = asDecodeError(caught);
			}
		};
		file.start();
	});
	unzip.register(UnzipInflate);

	try {
		for (let offset = 0; offset < zipBytes.length && !failure; offset += INPUT_SLICE) {
			const end = Math.min(offset + INPUT_SLICE, zipBytes.length);
			unzip.push(zipBytes.subarray(offset, end), end === zipBytes.length);
			if (end % YIELD_EVERY < INPUT_SLICE) await new Promise((resolve) => setImmediate(resolve));
		}
	} catch (error) {
		failure ??= new DecodeError(`the answer is not a readable ZIP archive (${(error as Error).message})`, 'zip');
	}
	if (failure) throw failure;
	if (chosen === undefined) {
		throw new DecodeError(
			names.length ? `the ZIP holds no .xml file (it holds ${names.slice(0, 5).join(', ')})` : 'the answer is not a readable ZIP archive (it holds no complete entry)',
			'zip',
		);
	}
	if (!finished) throw new DecodeError(`the ZIP entry "${chosen}" ends early (the answer may be truncated)`, 'zip');
	return { fileName: chosen, ...(keepBytes ? { xmlBytes: Buffer.concat(kept) } : {}) };
}

/** The same text stream for an XML answer that is not zipped (the register receipt). */
export function streamXmlBytes(bytes: Buffer, sink: (text: string) => void): void {
	const text = new XmlTextDecoder(sink);
	try {
		text.write(bytes);
		text.end();
	} catch (error) {
		throw asDecodeError(error);
	}
}

/**
 * Base64 → ZIP → text → object, for answers that are one document rather than a list (作業停止計画取得,
 * BA13B102): the same checked stream, then one tree.
 */
export async function decodeBase64ZipXml(
	base64: string,
	limits: ZipLimits = DEFAULT_ZIP_LIMITS,
): Promise<{ zipBytes: Buffer; fileName: string; xmlBytes: Buffer; xml: string; document: XmlObject }> {
	const zipBytes = decodeBase64(base64);
	const parts: string[] = [];
	const { fileName, xmlBytes } = await streamZippedXml(zipBytes, limits, (text) => parts.push(text), true);
	const xml = parts.join('');
	return { zipBytes, fileName, xmlBytes: xmlBytes!, xml, document: parseXml(xml) };
}
