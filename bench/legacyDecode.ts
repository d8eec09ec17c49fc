// Bench-only baseline: the OCCTO list decode path as it was at commit 9716d37, before the streaming decoder
// replaced it (nodes/shared/codecs.ts decodeBase64ZipXml: strict Base64 → jszip with a streaming size count →
// iconv-lite / TextDecoder → fast-xml-parser to a whole tree; nodes/OcctoOutagePlan/actions/common.ts
// listRows/mapRow). Kept verbatim in behaviour so "today's path" stays measurable after the node moves on.
// Not used by the node; do not "improve" it (that would move the baseline).
import { XMLParser } from 'fast-xml-parser';
import * as iconv from 'iconv-lite';
import JSZip from 'jszip';

import { LIST_ROOT, ROW_FIELDS } from '../nodes/occtoApi';

interface ZipLimits {
	maxUncompressedBytes: number;
	maxEntries: number;
}
const DEFAULT_ZIP_LIMITS: ZipLimits = { maxUncompressedBytes: 100 * 1024 * 1024, maxEntries: 100 };

const BASE64_BODY = /^[A-Za-z0-9+/]*={0,2}$/;

function decodeBase64(text: string): Buffer {
	const compact = text.replace(/\s+/g, '');
	if (compact.length === 0) throw new Error('the answer is empty, not Base64 text');
	if (compact.length % 4 !== 0 || !BASE64_BODY.test(compact)) throw new Error('the answer is not valid Base64 text');
	return Buffer.from(compact, 'base64');
}

interface InflateStream {
	on(event: 'data', listener: (chunk: Buffer) => void): InflateStream;
	on(event: 'error', listener: (error: Error) => void): InflateStream;
	on(event: 'end', listener: () => void): InflateStream;
	pause(): InflateStream;
	resume(): InflateStream;
}

async function unzip(bytes: Buffer, limits: ZipLimits): Promise<Array<{ name: string; data: Buffer }>> {
	const zip = await JSZip.loadAsync(bytes, { checkCRC32: false, createFolders: false });
	const files = Object.values(zip.files).filter((file) => !file.dir);
	if (files.length > limits.maxEntries) throw new Error('too many entries');
	let declared = 0;
	for (const file of files) declared += (file as unknown as { _data?: { uncompressedSize?: number } })._data?.uncompressedSize ?? 0;
	if (declared > limits.maxUncompressedBytes) throw new Error('too large');
	const entries: Array<{ name: string; data: Buffer }> = [];
	let total = 0;
	for (const file of files) {
		const chunks: Buffer[] = [];
		await new Promise<void>((resolve, reject) => {
			const stream = (file as unknown as { internalStream(type: 'nodebuffer'): InflateStream }).internalStream('nodebuffer');
			stream
				.on('data', (chunk: Buffer) => {
					total += chunk.length;
					if (total > limits.maxUncompressedBytes) {
						stream.pause();
						reject(new Error('too large'));
						return;
					}
					chunks.push(chunk);
				})
				.on('error', (error: Error) => reject(error))
				.on('end', () => resolve())
				.resume();
		});
		entries.push({ name: file.name, data: Buffer.concat(chunks) });
	}
	return entries;
}

const SHIFT_JIS_NAMES = new Set(['shift_jis', 'shift-jis', 'sjis', 'x-sjis', 'windows-31j', 'cp932', 'ms932', 'ms_kanji']);

function decodeXmlBytes(bytes: Buffer): string {
	if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.subarray(3).toString('utf8');
	const head = bytes.subarray(0, 200).toString('latin1');
	const declared = /^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1]?.toLowerCase();
	if (declared && SHIFT_JIS_NAMES.has(declared)) return iconv.decode(bytes, 'cp932');
	if (declared === undefined || declared === 'utf-8' || declared === 'utf8') {
		try {
			return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
		} catch {
			if (declared) throw new Error('not UTF-8');
			return iconv.decode(bytes, 'cp932');
		}
	}
	return iconv.decode(bytes, declared);
}

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const inertName = (name: string) => (UNSAFE_KEYS.has(name) ? `_${name}` : name);
const parser = new XMLParser({
	ignoreAttributes: false,
	attributeNamePrefix: '@',
	parseTagValue: false,
	parseAttributeValue: false,
	trimValues: true,
	processEntities: true,
	transformTagName: inertName,
	transformAttributeName: inertName,
});

type XmlValue = string | XmlObject | XmlValue[];
interface XmlObject {
	[key: string]: XmlValue;
}

function parseXml(xml: string): XmlObject {
	if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new Error('DTD refused');
	const trimmed = xml.trim();
	if (!trimmed.startsWith('<')) throw new Error('not XML');
	const parsed = parser.parse(trimmed, true) as XmlObject;
	delete parsed['?xml'];
	return parsed;
}

function plain(value: XmlValue): unknown {
	if (Array.isArray(value)) return value.map(plain);
	if (typeof value === 'object' && value !== null) {
		const out: Record<string, unknown> = {};
		for (const [key, inner] of Object.entries(value)) out[key] = plain(inner);
		return out;
	}
	return value;
}

function mapRow(row: XmlValue): Record<string, unknown> {
	if (typeof row !== 'object' || row === null || Array.isArray(row)) return { value: plain(row) };
	const out: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(row)) out[ROW_FIELDS[key] ?? key] = plain(value);
	return out;
}

const toArray = <T>(value: T | T[] | undefined | null | ''): T[] =>
	value === undefined || value === null || value === '' ? [] : Array.isArray(value) ? value : [value];

/** Base64 text of an OCCTO list answer → mapped rows, exactly as the node did at 9716d37. */
export async function legacyListRows(base64: string, rowElement: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<Array<Record<string, unknown>>> {
	const entries = await unzip(decodeBase64(base64), limits);
	const entry = entries.find((e) => e.name.toLowerCase().endsWith('.xml')) ?? entries[0];
	const document = parseXml(decodeXmlBytes(entry.data));
	const root = document[LIST_ROOT];
	if (typeof root !== 'object' || root === null || Array.isArray(root)) return [];
	return toArray(root[rowElement]).map(mapRow);
}
