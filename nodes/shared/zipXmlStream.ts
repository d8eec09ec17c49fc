// Base64 ZIP → inflate → characters, as a stream of text slices: the decompressed-size cap is enforced
// while inflating (zlib's maxOutputLength), the declared encoding is honoured, and the XML text is never
// held as one string.
import { TextDecoder } from 'node:util';

import { inflateRawSync } from 'node:zlib';

import type { AsyncFlateStreamHandler, UnzipDecoder, UnzipDecoderConstructor } from 'fflate';
import { Unzip, UnzipPassThrough } from 'fflate';

import type { XmlObject, ZipLimits } from './codecs';
import { DEFAULT_ZIP_LIMITS, DecodeError, SHIFT_JIS_LABELS, decodeBase64, decodeXmlBytes, declaredEncoding, parseXml } from './codecs';

/** XML bytes are decoded and parsed in slices this big, so no string holds the whole document. */
const TEXT_SLICE = 256 * 1024;
const YIELD_EVERY = 4 * TEXT_SLICE;

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
		// fatal for UTF-8 as in decodeXmlBytes; legacy encodings replace what they cannot map, as iconv-lite does
		this.decoder = newDecoder(label);
		if (!this.decoder) throw new DecodeError(`the XML declares an unsupported encoding "${label}"`, 'encoding');
		const buffered = this.head;
		this.head = [];
		for (const chunk of buffered) this.write(chunk);
	}
}

function newDecoder(label: string): TextDecoder | undefined {
	try {
		return new TextDecoder(label, { fatal: label === 'utf-8' || label === 'utf8', ignoreBOM: false });
	} catch {
		return undefined; // an encoding this Node does not know
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
 * fflate's streaming Unzip finds the entries (local headers and data descriptors alike); Node's zlib inflates
 * the chosen one natively, and zlib itself stops at the size cap (maxOutputLength), so a ZIP bomb is refused
 * while inflating, whatever its headers claim.
 */
function cappedNativeInflate(limits: ZipLimits): UnzipDecoderConstructor {
	return class CappedNativeInflate implements UnzipDecoder {
		static compression = 8;
		ondata!: AsyncFlateStreamHandler;
		private readonly parts: Uint8Array[] = [];

		push(chunk: Uint8Array, final: boolean): void {
			this.parts.push(chunk);
			if (!final) return;
			let inflated: Buffer | undefined;
			let failure: Error | undefined;
			try {
				inflated = inflateRawSync(this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts), { maxOutputLength: limits.maxUncompressedBytes + 1 });
			} catch (error) {
				failure = error as Error;
			}
			if (failure) {
				const tooBig = (failure as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
				throw tooBig ? new DecodeError(tooLarge(limits.maxUncompressedBytes + 1, limits), 'limit') : new DecodeError(`the ZIP entry is corrupt (${failure.message})`, 'zip');
			}
			this.ondata(null, inflated as unknown as Uint8Array<ArrayBuffer>, true);
		}
	};
}

/**
 * Inflates the first .xml entry of a ZIP and hands its text to `sink` in slices. Refuses archives past the
 * entry limit, entries that declare or reach more than the size limit, and archives without an XML file,
 * naming what they hold instead.
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
	let chosen: string | undefined;
	let xml: Buffer | undefined;
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
		const parts: Uint8Array[] = [];
		file.ondata = (error, data, final) => {
			if (error) {
				failure ??= new DecodeError(`the ZIP entry "${file.name}" is corrupt (${error.message})`, 'zip');
				return;
			}
			parts.push(data);
			if (final) xml = parts.length === 1 ? Buffer.from(parts[0].buffer, parts[0].byteOffset, parts[0].byteLength) : Buffer.concat(parts);
		};
		file.start();
	});
	unzip.register(UnzipPassThrough);
	unzip.register(cappedNativeInflate(limits));

	try {
		unzip.push(zipBytes, true);
	} catch (error) {
		failure ??= error instanceof DecodeError ? error : new DecodeError(`the answer is not a readable ZIP archive (${(error as Error).message})`, 'zip');
	}
	if (failure) throw failure;
	if (chosen === undefined) {
		throw new DecodeError(
			names.length ? `the ZIP holds no .xml file (it holds ${names.slice(0, 5).join(', ')})` : 'the answer is not a readable ZIP archive (it holds no complete entry)',
			'zip',
		);
	}
	if (xml === undefined) throw new DecodeError(`the ZIP entry "${chosen}" ends early (the answer may be truncated)`, 'zip');
	if (xml.length > limits.maxUncompressedBytes) throw new DecodeError(tooLarge(xml.length, limits), 'limit'); // a stored (uncompressed) entry
	const text = new XmlTextDecoder(sink);
	try {
		for (let offset = 0; offset < xml.length; offset += TEXT_SLICE) {
			text.write(xml.subarray(offset, offset + TEXT_SLICE));
			// let the event loop breathe (timers, heartbeats of queue-mode workers) between slices
			if (offset % YIELD_EVERY === 0 && offset > 0) await new Promise((resolve) => setImmediate(resolve));
		}
		text.end();
	} catch (error) {
		throw asDecodeError(error);
	}
	return { fileName: chosen, ...(keepBytes ? { xmlBytes: xml } : {}) };
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
