// One decode measurement in its own process (so peak RSS belongs to this case alone). Input is the HTTP body of
// an OCCTO list answer (Base64 text of a ZIP of Shift_JIS XML) as bytes; output is one JSON line.
// Usage: node --expose-gc dist/bench/decodeCase.js <variant> <file with the Base64 answer> <repeats>
//   legacy       today's path before the streaming decoder (bench/legacyDecode.ts): jszip → iconv → fast-xml-parser tree → rows
//   scan         the node's path: readListAnswer (nodes/occtoApi/transport/listAnswer.ts), the subset scanner feeding ElementBuilder
//   saxes        the node's path before the scanner: readListAnswer with parser 'saxes', saxes feeding ElementBuilder
//   htmlparser2  the same pipeline and the same ElementBuilder, fed by htmlparser2 (xmlMode) instead of saxes
//   raw          the raw libraries, no checks: jszip + iconv-lite + fast-xml-parser (the old "floor" of this bench)
//   floor        Base64 + inflate (Node's zlib) + Shift_JIS decode (TextDecoder), no checks and no XML parse at all
//   stream       profile: the node's Base64 → ZIP entry inflated with the cap → text decoded in slices (text dropped)
//   parse        profile: the stream + saxes events, the handlers doing nothing (no values built)
//   build        profile: the stream + saxes + ElementBuilder (values built, rows not yet found or mapped)
//   scanParse    profile: the stream + the subset scanner, the builder doing nothing
//   scanBuild    profile: the stream + the subset scanner + ElementBuilder (rows not yet found or mapped)
// Or: node dist/bench/decodeCase.js malformed   → which parser rejects which malformed document.
import { readFileSync } from 'node:fs';
import { TextDecoder } from 'node:util';
import { inflateRawSync } from 'node:zlib';

import { XMLParser } from 'fast-xml-parser';
import { Parser } from 'htmlparser2';
import { Parser as SaxenParser } from 'saxen';
import * as iconv from 'iconv-lite';
import JSZip from 'jszip';

import { DEFAULT_WIRE_SETTINGS, mapRows, OUTAGE_PLAN_ROW, readListAnswer } from '../nodes/occtoApi';
import { DEFAULT_ZIP_LIMITS, DecodeError, decodeBase64 } from '../nodes/shared/codecs';
import { findRows } from '../nodes/shared/listShape';
import type { StreamedDocument } from '../nodes/shared/xmlStream';
import { ElementBuilder, StreamingXmlReader } from '../nodes/shared/xmlStream';
import { XmlSubsetScanner } from '../nodes/shared/xmlSubsetScanner';
import { streamXmlBytes, streamZippedXml } from '../nodes/shared/zipXmlStream';
import { MALFORMED_1D } from '../scripts/xmlFuzz';
import { legacyListRows } from './legacyDecode';

/** htmlparser2 feeding the node's ElementBuilder, with the same write/close contract as StreamingXmlReader. */
class HtmlparserXmlReader {
	private failure: DecodeError | undefined;
	private readonly parser: Parser;

	constructor(readonly builder: ElementBuilder) {
		this.parser = new Parser(
			{
				onopentag: (name, attributes) => builder.open(name, attributes),
				ontext: (text) => builder.text(text),
				onclosetag: () => builder.close(),
				// the same DTD refusal as the node's reader
				onprocessinginstruction: (name) => {
					if (name.toLowerCase() === '!doctype') this.failure ??= new DecodeError('the XML contains a DTD, which is refused for safety', 'xml');
				},
				onerror: (error) => {
					this.failure ??= new DecodeError(`the XML is not well-formed (${error.message})`, 'xml');
				},
			},
			{ xmlMode: true, decodeEntities: true },
		);
	}

	write(text: string): void {
		this.parser.write(text);
		if (this.failure) throw this.failure;
	}

	close(): StreamedDocument {
		this.parser.end();
		if (this.failure) throw this.failure;
		if (this.builder.document.root === undefined) throw new DecodeError('the text is not XML (no root element)', 'xml');
		return this.builder.document;
	}
}

/** readListAnswer with the reader swapped: the node's own stream, shape finder and row mapping around it. */
async function readWithHtmlparser2(body: Buffer, zipped: boolean) {
	const reader = new HtmlparserXmlReader(new ElementBuilder());
	const write = (text: string) => reader.write(text);
	if (zipped) await streamZippedXml(decodeBase64(body.toString('latin1')), DEFAULT_ZIP_LIMITS, write);
	else streamXmlBytes(body, write);
	return mapRows(findRows(reader.close(), DEFAULT_WIRE_SETTINGS.shape), DEFAULT_WIRE_SETTINGS.fieldNames);
}

/** An ElementBuilder that builds nothing: what the parser costs by itself. */
class NullBuilder extends ElementBuilder {
	override open(name: string): void {
		this.document.root ??= name;
	}
	override text(): void {}
	override close(): void {}
	override leaf(name: string): void {
		this.document.root ??= name;
	}
	override hasText(): boolean {
		return false;
	}
}

async function streamOnly(body: Buffer, sink: (text: string) => void) {
	await streamZippedXml(decodeBase64(body.toString('latin1')), DEFAULT_ZIP_LIMITS, sink);
}

async function readWithSaxes(body: Buffer, zipped: boolean) {
	return (await readListAnswer(body, { zipped, limits: DEFAULT_ZIP_LIMITS, parser: 'saxes' })).rows;
}

type Variant = 'legacy' | 'scan' | 'saxes' | 'htmlparser2' | 'raw' | 'floor' | 'stream' | 'parse' | 'build' | 'scanParse' | 'scanBuild';

async function decode(variant: Variant, body: Buffer): Promise<number> {
	switch (variant) {
		case 'legacy':
			return (await legacyListRows(body.toString('latin1'), OUTAGE_PLAN_ROW)).length;
		case 'scan':
			return (await readListAnswer(body, { zipped: true, limits: DEFAULT_ZIP_LIMITS })).rows.length;
		case 'saxes':
			return (await readWithSaxes(body, true)).length;
		case 'htmlparser2':
			return (await readWithHtmlparser2(body, true)).length;
		case 'raw': {
			const zip = await JSZip.loadAsync(Buffer.from(body.toString('latin1'), 'base64'));
			const bytes = await Object.values(zip.files)[0].async('nodebuffer');
			const document = new XMLParser({ parseTagValue: false }).parse(iconv.decode(bytes, 'cp932'));
			return document['SBD-MSG'][OUTAGE_PLAN_ROW].length;
		}
		case 'stream': {
			let characters = 0;
			await streamOnly(body, (text) => (characters += text.length));
			return characters;
		}
		case 'parse':
		case 'build': {
			const reader = new StreamingXmlReader(variant === 'parse' ? new NullBuilder() : new ElementBuilder());
			await streamOnly(body, (text) => reader.write(text));
			return reader.close().children.length;
		}
		case 'scanParse':
		case 'scanBuild': {
			const scanner = new XmlSubsetScanner(variant === 'scanParse' ? new NullBuilder() : new ElementBuilder());
			await streamOnly(body, (text) => scanner.write(text));
			return scanner.close().children.length;
		}
		case 'floor': {
			// the least any decoder must do: no Base64 check, the entry's bytes found from the local header, one native
			// inflate, the Shift_JIS decode
			const zip = Buffer.from(body.toString('latin1'), 'base64');
			const start = 30 + zip.readUInt16LE(26) + zip.readUInt16LE(28);
			const xml = inflateRawSync(zip.subarray(start, start + zip.readUInt32LE(18)));
			// decoded in 256 KB slices and dropped, as the node's stream does (one 16 MB decode is slower)
			const decoder = new TextDecoder('shift_jis');
			let characters = 0;
			for (let offset = 0; offset < xml.length; offset += 262144) characters += decoder.decode(xml.subarray(offset, offset + 262144), { stream: true }).length;
			return characters + decoder.decode().length; // characters, not rows
		}
	}
}

/**
 * saxen (the faster tokenizer a probe suggested): it parses a whole string (no incremental write, so the decoded
 * document would be held whole) and reports some malformed input only as a warning; judged on the same documents.
 */
function saxenVerdict(xml: string): string {
	const parser = new SaxenParser();
	let error: string | undefined;
	let warning: string | undefined;
	parser.on('error', (e: Error) => (error ??= e.message));
	parser.on('warn', (w: Error) => (warning ??= w.message));
	parser.on('openTag', (_name: string, attributes: () => unknown) => void attributes());
	parser.on('text', (text: string, decodeEntities: (text: string) => string) => void decodeEntities(text));
	parser.parse(xml.replace(/^<\?xml[^>]*\?>\s*/, ''));
	if (error) return `rejected: ${error}`;
	return warning ? `accepted (a warning only: ${warning})` : 'accepted';
}

async function malformed() {
	const verdict = async (read: () => Promise<unknown[]>) => {
		try {
			const rows = await read();
			return `accepted (${rows.length} row${rows.length === 1 ? '' : 's'}: ${JSON.stringify(rows[0] ?? null)})`;
		} catch (error) {
			return `rejected: ${(error as Error).message}`;
		}
	};
	const results = [];
	for (const [name, xml] of MALFORMED_1D) {
		const body = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n${xml}`, 'utf8');
		results.push({
			name,
			xml,
			node: await verdict(async () => (await readListAnswer(body, { zipped: false, limits: DEFAULT_ZIP_LIMITS })).rows),
			saxes: await verdict(() => readWithSaxes(body, false)),
			htmlparser2: await verdict(() => readWithHtmlparser2(body, false)),
			saxen: saxenVerdict(body.toString('utf8')),
		});
	}
	process.stdout.write(JSON.stringify(results));
}

async function main() {
	const [variant, file, repeatsText] = process.argv.slice(2);
	if (variant === 'malformed') return await malformed();
	const body = readFileSync(file); // the HTTP body bytes (ASCII Base64)
	const gc = (globalThis as { gc?: () => void }).gc;
	gc?.();
	const baseRssMb = process.memoryUsage().rss / 1048576;
	const times: number[] = [];
	const cpuTimes: number[] = [];
	// the main thread's own CPU time (Node ≥ 23.9), to compare with a node's main-thread time inside n8n
	const threadCpu = (process as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage;
	const mainCpuTimes: number[] = [];
	let rows = 0;
	for (let i = 0; i < Number(repeatsText); i++) {
		gc?.(); // each repeat starts from the same heap, so the peak is one decode's, not two overlapping
		const started = process.hrtime.bigint();
		const cpuBefore = process.cpuUsage();
		const mainBefore = threadCpu?.call(process);
		rows = await decode(variant as Variant, body);
		times.push(Number(process.hrtime.bigint() - started) / 1e6);
		if (threadCpu && mainBefore) {
			const main = threadCpu.call(process);
			mainCpuTimes.push((main.user - mainBefore.user + main.system - mainBefore.system) / 1000);
		}
		// CPU time of the whole process (GC threads included): steadier than wall time when other work shares the cores
		const cpu = process.cpuUsage(cpuBefore);
		cpuTimes.push((cpu.user + cpu.system) / 1000);
	}
	const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
	process.stdout.write(
		JSON.stringify({ ms: median(times), msAll: times, cpuMs: median(cpuTimes), mainCpuAll: mainCpuTimes, rows, maxRssMb: process.resourceUsage().maxRSS / 1024, baseRssMb, node: process.version }),
	);
}

void main();
