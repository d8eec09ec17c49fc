// One decode measurement in its own process (so peak RSS belongs to this case alone).
// Usage: node dist/bench/decodeCase.js <node|raw|fflate> <file with Base64 answer> <repeats> [fflate module path]
import { readFileSync } from 'node:fs';

import { XMLParser } from 'fast-xml-parser';
import * as iconv from 'iconv-lite';
import JSZip from 'jszip';

import { listRows } from '../nodes/OcctoOutagePlan/actions/common';
import { OUTAGE_PLAN_ROW } from '../nodes/OcctoOutagePlan/mapping';
import { decodeBase64ZipXml, decodeXmlBytes, parseXml } from '../nodes/shared/codecs';

type Variant = 'node' | 'raw' | 'fflate';

async function decode(variant: Variant, base64: string, fflatePath?: string): Promise<number> {
	if (variant === 'node') {
		// the node's path: strict Base64, zip limits, declared encoding, safe parser, rows mapped to items' JSON
		const decoded = await decodeBase64ZipXml(base64);
		return listRows(decoded.document, OUTAGE_PLAN_ROW).length;
	}
	if (variant === 'raw') {
		// the floor: the same libraries called directly, no checks
		const zip = await JSZip.loadAsync(Buffer.from(base64, 'base64'));
		const bytes = await Object.values(zip.files)[0].async('nodebuffer');
		const document = new XMLParser({ parseTagValue: false }).parse(iconv.decode(bytes, 'cp932'));
		return document['SBD-MSG'][OUTAGE_PLAN_ROW].length;
	}
	// alternative unzip: fflate (what n8n's Compression node uses), then the node's decode and parse
	const { unzipSync } = require(fflatePath!) as { unzipSync(data: Uint8Array): Record<string, Uint8Array> };
	const [bytes] = Object.values(unzipSync(Buffer.from(base64, 'base64')));
	return listRows(parseXml(decodeXmlBytes(Buffer.from(bytes))), OUTAGE_PLAN_ROW).length;
}

async function main() {
	const [variant, file, repeatsText, fflatePath] = process.argv.slice(2);
	const base64 = readFileSync(file, 'utf8');
	const baseRssMb = process.memoryUsage().rss / 1048576;
	const times: number[] = [];
	let rows = 0;
	for (let i = 0; i < Number(repeatsText); i++) {
		const started = process.hrtime.bigint();
		rows = await decode(variant as Variant, base64, fflatePath);
		times.push(Number(process.hrtime.bigint() - started) / 1e6);
	}
	times.sort((a, b) => a - b);
	process.stdout.write(JSON.stringify({ ms: times[Math.floor(times.length / 2)], rows, maxRssMb: process.resourceUsage().maxRSS / 1024, baseRssMb }));
}

void main();
