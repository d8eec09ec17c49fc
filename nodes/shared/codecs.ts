// Base64 / ZIP / character encoding / XML codecs, written once and used by the nodes, the simulators,
// the tests and the benchmarks alike. Reading ZIP answers as a stream lives in zipXmlStream.ts.
import type { IDataObject } from 'n8n-workflow';
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import * as iconv from 'iconv-lite';
import type { Zippable } from 'fflate';
import { zipSync } from 'fflate';

export type XmlEncoding = 'Shift_JIS' | 'UTF-8';

/** Raised for any payload that cannot be decoded; callers turn it into a node error. */
export class DecodeError extends Error {
	constructor(
		message: string,
		readonly stage: 'base64' | 'zip' | 'encoding' | 'xml' | 'limit',
	) {
		super(message);
		this.name = 'DecodeError';
	}
}

function decodeError(message: string, stage: DecodeError['stage']): DecodeError {
	return new DecodeError(message, stage);
}

export interface ZipLimits {
	/** Largest total size of all decompressed entries, in bytes. */
	maxUncompressedBytes: number;
	/** Most entries a ZIP may hold. */
	maxEntries: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxUncompressedBytes: 100 * 1024 * 1024, maxEntries: 100 };

export interface ZipEntry {
	name: string;
	data: Buffer;
}

const BASE64_BODY = /^[A-Za-z0-9+/]*={0,2}$/;

/** Strict Base64: whitespace (line breaks) is allowed, anything else is not. */
export function decodeBase64(text: string): Buffer {
	// most answers hold no line breaks: checked as they are, without a copy
	if (text.length % 4 === 0 && text.length > 0 && BASE64_BODY.test(text)) return Buffer.from(text, 'base64');
	const compact = text.replace(/\s+/g, '');
	if (compact.length === 0) throw new DecodeError('the answer is empty, not Base64 text', 'base64');
	if (compact.length % 4 !== 0 || !BASE64_BODY.test(compact)) {
		throw new DecodeError('the answer is not valid Base64 text (it may be truncated)', 'base64');
	}
	return Buffer.from(compact, 'base64');
}

/** Writes a ZIP (the simulator's answers and the tests' fixtures). */
export async function zip(entries: ZipEntry[]): Promise<Buffer> {
	const files: Zippable = {};
	for (const entry of entries) files[entry.name] = [entry.data, { level: 6, mtime: new Date(Date.UTC(2024, 0, 1)) }];
	return Buffer.from(zipSync(files));
}

export async function zipToBase64(entries: ZipEntry[]): Promise<string> {
	return (await zip(entries)).toString('base64');
}

/** Every label an XML declaration may use for Shift_JIS; all of them are read as CP932, OCCTO's Shift_JIS. */
export const SHIFT_JIS_LABELS: ReadonlySet<string> = new Set(['shift_jis', 'shift-jis', 'sjis', 'x-sjis', 'windows-31j', 'cp932', 'ms932', 'ms_kanji', 'csshiftjis']);

/** The encoding named in the XML declaration, if any. */
export function declaredEncoding(bytes: Buffer): string | undefined {
	const head = bytes.subarray(0, 200).toString('latin1');
	return /^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1];
}

/**
 * Bytes of an XML document to text, honouring a BOM or the declared encoding. Without either, UTF-8 is
 * tried strictly and Shift_JIS (CP932, what OCCTO's downloads use in practice) is the fallback.
 */
export function decodeXmlBytes(bytes: Buffer): string {
	if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.subarray(3).toString('utf8');
	const declared = declaredEncoding(bytes)?.toLowerCase();
	if (declared && SHIFT_JIS_LABELS.has(declared)) return iconv.decode(bytes, 'cp932');
	if (declared === undefined || declared === 'utf-8' || declared === 'utf8') {
		try {
			return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
		} catch {
			if (declared) throw decodeError('the XML declares UTF-8 but its bytes are not valid UTF-8', 'encoding');
			return iconv.decode(bytes, 'cp932');
		}
	}
	if (iconv.encodingExists(declared)) return iconv.decode(bytes, declared);
	throw new DecodeError(`the XML declares an unsupported encoding "${declared}"`, 'encoding');
}

/** Text to bytes in the given encoding, with the XML declaration rewritten (or added) to match. */
export function encodeXml(xml: string, encoding: XmlEncoding): Buffer {
	const body = xml.replace(/^\uFEFF?\s*<\?xml[^>]*\?>\s*/, '');
	const text = `<?xml version="1.0" encoding="${encoding}"?>\n${body}`;
	if (encoding === 'UTF-8') return Buffer.from(text, 'utf8');
	const bytes = iconv.encode(text, 'cp932');
	// iconv replaces characters CP932 cannot hold with '?': refuse rather than send a silently changed plan.
	if (iconv.decode(bytes, 'cp932') !== text) {
		throw new DecodeError('the XML holds characters that Shift_JIS cannot represent; choose UTF-8 encoding', 'encoding');
	}
	return bytes;
}

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
// Keys that could reach an object's prototype are kept but renamed, so they stay inert data.
export const inertName = (name: string) => (UNSAFE_KEYS.has(name) ? `_${name}` : name);
/** Names fast-xml-parser prefixes with "__" as well (Object.prototype's methods); the streaming reader does the same. */
export const PROTOTYPE_METHOD_NAMES = new Set(['hasOwnProperty', 'toString', 'valueOf', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__']);

const parser = new XMLParser({
	ignoreAttributes: false,
	attributeNamePrefix: '@',
	parseTagValue: false, // receipt numbers and codes keep their leading zeros
	parseAttributeValue: false,
	trimValues: true,
	processEntities: true,
	transformTagName: inertName,
	transformAttributeName: inertName,
});

export type XmlValue = string | XmlObject | XmlValue[];
export interface XmlObject {
	[key: string]: XmlValue;
}

/** XML text to a plain object. DTDs are refused outright, so no entity can expand. */
export function parseXml(xml: string): XmlObject {
	if (/<!DOCTYPE|<!ENTITY/i.test(xml)) {
		throw new DecodeError('the XML contains a DTD, which is refused for safety', 'xml');
	}
	const trimmed = xml.trim();
	if (!trimmed.startsWith('<')) throw new DecodeError('the text is not XML', 'xml');
	let parsed: XmlObject;
	try {
		parsed = parser.parse(trimmed, true) as XmlObject;
	} catch (error) {
		const reason = (error as { err?: { msg?: string } }).err?.msg ?? (error as Error).message;
		throw decodeError(`the XML is not well-formed (${reason})`, 'xml');
	}
	delete parsed['?xml'];
	return parsed;
}

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@', format: true, suppressEmptyNode: false });

/** A plain object (as parseXml returns) back to XML text, without a declaration. */
export function buildXml(document: object): string {
	return builder.build(document) as string;
}

/** XML text → encoded bytes → ZIP → Base64: how OCCTO answers (used by the simulator and tests). */
export async function encodeXmlZipBase64(fileName: string, xml: string, encoding: XmlEncoding = 'Shift_JIS'): Promise<string> {
	return await zipToBase64([{ name: fileName, data: encodeXml(xml, encoding) }]);
}

/** Whether a parsed document has the element at a slash-separated path, e.g. "SBD-MSG/JPMGRP". */
export function hasXmlPath(document: XmlObject, path: string): boolean {
	let node: unknown = document;
	for (const part of path.split('/')) {
		if (typeof node !== 'object' || node === null || !Object.prototype.hasOwnProperty.call(node, part)) return false;
		node = (node as Record<string, unknown>)[part];
	}
	return true;
}

/** Always an array: XML lists with one row parse to a single object. */
export function toArray<T>(value: T | T[] | undefined | null | ''): T[] {
	if (value === undefined || value === null || value === '') return [];
	return Array.isArray(value) ? value : [value];
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

/** A parsed document as plain JSON for n8n items (no prototype-less objects). */
export function documentToJson(document: XmlObject): IDataObject {
	return plain(document) as IDataObject;
}
