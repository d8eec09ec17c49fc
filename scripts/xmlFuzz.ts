// Differential fuzzing of the list decoder's subset scanner (nodes/shared/xmlSubsetScanner.ts) against saxes
// (StreamingXmlReader): seeded documents, well-formed and broken, each read both ways. Used by
// test/xml-scanner-fuzz.test.ts (a fixed seed, ~5,000 documents) and `npm run fuzz:xml -- <count> [seed]`.
import * as iconv from 'iconv-lite';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { zipToBase64 } from '../nodes/shared/codecs';
import { ElementBuilder, StreamingXmlReader } from '../nodes/shared/xmlStream';
import { ScanRefusal, XmlSubsetScanner } from '../nodes/shared/xmlSubsetScanner';
import { readListAnswer } from '../nodes/occtoApi';
import type { ListAnswerOptions } from '../nodes/occtoApi';
import { readWireSettings } from '../nodes/occtoApi';

/** bench/RESULTS.md table 1d: the malformed documents saxes must refuse (and the control it must read). */
export const MALFORMED_1D: Array<[string, string]> = [
	['mismatched close tag', '<SBD-MSG><OUTAGE_PLAN_INFO><STAT>2</STAT_NM></OUTAGE_PLAN_INFO></SBD-MSG>'],
	['stray close tag', '<SBD-MSG><OUTAGE_PLAN_INFO><STAT>2</STAT></X></OUTAGE_PLAN_INFO></SBD-MSG>'],
	['cut short (root never closed)', '<SBD-MSG><OUTAGE_PLAN_INFO><STAT>2</STAT></OUTAGE_PLAN_INFO>'],
	['unknown entity', '<SBD-MSG><OUTAGE_PLAN_INFO><STAT>&bogus;</STAT></OUTAGE_PLAN_INFO></SBD-MSG>'],
	['bare "<" in text', '<SBD-MSG><OUTAGE_PLAN_INFO><STAT>1 < 2</STAT></OUTAGE_PLAN_INFO></SBD-MSG>'],
	['unquoted attribute', '<SBD-MSG><OUTAGE_PLAN_INFO n=1><STAT>2</STAT></OUTAGE_PLAN_INFO></SBD-MSG>'],
	['two root elements', '<SBD-MSG><OUTAGE_PLAN_INFO><STAT>2</STAT></OUTAGE_PLAN_INFO></SBD-MSG><SBD-MSG/>'],
	['DTD with an entity', '<!DOCTYPE x [<!ENTITY e "boom">]><SBD-MSG><OUTAGE_PLAN_INFO><STAT>&e;</STAT></OUTAGE_PLAN_INFO></SBD-MSG>'],
	['well-formed (control)', '<SBD-MSG><OUTAGE_PLAN_INFO><STAT>2</STAT></OUTAGE_PLAN_INFO></SBD-MSG>'],
];

/** mulberry32: small, seeded, the same sequence on every machine. */
export function prng(seed: number) {
	let state = seed >>> 0;
	const next = () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
	};
	const int = (n: number) => Math.floor(next() * n);
	const pick = <T>(list: readonly T[]): T => list[int(list.length)];
	const chance = (p: number) => next() < p;
	return { int, pick, chance };
}
type Random = ReturnType<typeof prng>;

const FIELD_NAMES = ['PLAN_DIVISION', 'OCCTO_RECEPTION_NO', 'PLAN_NM', 'STAT', 'STAT_NM', 'SBMIT_DAYTIME', 'BIKO', 'ITEM', 'a', 'x.y', 'ns:F', '_u', 'A-1', 'toString', '__proto__', 'constructor'];
const ROW_NAMES = ['OUTAGE_PLAN_INFO', 'ROW', 'INFO', 'R'];
const TEXTS = ['', '1000000001', '受付中', '○○発電所1号機 定期点検', ' 2 ', '20261201093000', 'a b', '髙﨑 ①', '>', 'x]y', '\t', '\u3000全角\u3000', '\u00a0nbsp', 'é'];
// the first VALID_REFERENCES are well-formed; the rest are not
const REFERENCES = ['&lt;', '&gt;', '&amp;', '&quot;', '&apos;', '&#65;', '&#x3042;', '&#x1F600;', '&#13;', '&#9;', '&#10;', '&#32;', '&#0065;', '&#12354;', '&#X41;', '&#x0;', '&#0;', '&#xD800;', '&#xFFFE;', '&#x110000;', '&#;', '&#x;', '&bogus;', '&amp', '& ', '&lt ;', '&;', '&#99999999999;', '&AMP;', '&apos'];
const VALID_REFERENCES = 14;
const SPACES = ['', ' ', '\n', '\r\n', '\r', '\t', '\n  ', '\r\n\t\t', '  \n'];
// what an insertion may add: markup and references in the wrong place, characters XML forbids or saxes judges
const NASTY = ['<', '>', '&', '/', '"', "'", '=', ' ', ']]>', '<!--c-->', '<![CDATA[x]]>', '<?pi x?>', '<!DOCTYPE a>', '\x01', '\x0b', '\ufffe', '\ufeff', '\ud800', '\udc00', '\ud83d\ude00', '\x85', '\u2028', '\r', 'é', '。', '<a>', '</a>', '<a/>', 'x="1"', '&amp;', '&#65;', '?>', '<?xml version="1.0"?>'];
const DECLARATIONS = [
	'',
	'<?xml version="1.0" encoding="UTF-8"?>\n',
	"<?xml version='1.0' encoding='UTF-8'?>",
	'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n',
	'<?xml version="1.0"?>',
	'<?xml  version = "1.0"  encoding = "UTF-8"  ?>',
	'<?xml version="1.1" encoding="UTF-8"?>',
	'<?xml encoding="UTF-8" version="1.0"?>',
	'<?xml version="1.0" standalone="maybe"?>',
	'<?xml version="1.0" encoding="UTF-8" standalone="no" ?>',
	'<?xml version="1.0"encoding="UTF-8"?>',
	'<?xml version="2.0"?>',
	' <?xml version="1.0"?>',
	'<?XML version="1.0"?>',
	'<?xml version="1.0" encoding="_bad"?>',
	'\ufeff<?xml version="1.0" encoding="UTF-8"?>',
	'<?xml version="1.0" encoding="Shift_JIS"?>\n',
];

export interface FuzzDocument {
	xml: string;
	/** Declared (or assumed) encoding of the bytes the node path reads. */
	encoding: 'UTF-8' | 'Shift_JIS';
}

/** One document: an OCCTO-like list, sometimes outside the subset, sometimes broken on purpose. */
export function generate(random: Random): FuzzDocument {
	const { int, pick, chance } = random;
	const space = () => (chance(0.5) ? pick(SPACES) : '');
	const name = () => (chance(0.005) ? pick(['名前', 'Ａ', '1bad', '-x', 'a\u00b7b']) : pick(FIELD_NAMES));
	const text = (): string => {
		let out = '';
		for (let i = int(3); i >= 0; i--) out += chance(0.002) ? ']]' : chance(0.25) ? pick(REFERENCES.slice(0, chance(0.9) ? VALID_REFERENCES : REFERENCES.length)) : pick(TEXTS);
		return out;
	};
	const attribute = () => (chance(0.005) ? pick([' k="1"', " k='&amp;'", ' k=1', ' k', ' k="1"k2="2"', ' k="<"', ' xmlns:a="u"']) : '');
	const element = (depth: number, tagName: string): string => {
		const open = `<${tagName}${attribute()}${chance(0.05) ? pick(SPACES) : ''}`;
		const roll = int(20);
		if (roll === 0) return `${open}/>`;
		if (roll === 1) return `${open} />`;
		let inner = '';
		if (depth < 6 && (depth < 2 ? chance(0.8) : chance(0.2))) {
			for (let i = int(depth < 2 ? 6 : 3); i >= 0; i--) inner += space() + element(depth + 1, depth === 0 ? pick(ROW_NAMES) : name()) + (chance(0.05) ? text() : '');
			inner += space();
		} else inner = text();
		if (chance(0.003)) inner += pick(['<!-- note -->', '<![CDATA[a < b]]>', '<?pi data?>']);
		return `${open}>${inner}</${tagName}${chance(0.03) ? pick(SPACES) : ''}>`;
	};
	let body = element(0, chance(0.8) ? 'SBD-MSG' : name());
	if (chance(0.01)) body = body.replace('</SBD-MSG>', `${'<D>'.repeat(200)}x${'</D>'.repeat(200)}</SBD-MSG>`); // deep nesting
	if (chance(0.03)) body = `<!DOCTYPE SBD-MSG>${body}`;
	if (chance(0.03)) body = `<!-- before -->${body}`;
	const encoding = chance(0.2) ? 'Shift_JIS' : 'UTF-8';
	// mostly what OCCTO sends; the other forms now and then
	const declaration = encoding === 'Shift_JIS' ? DECLARATIONS[DECLARATIONS.length - 1] : chance(0.7) ? pick(DECLARATIONS.slice(0, 2)) : pick(DECLARATIONS.slice(0, -1));
	let xml = declaration + space() + body + space();
	if (chance(0.35)) xml = mutate(xml, random);
	return { xml, encoding };
}

/** Breaks a document the ways a garbled or truncated answer could be broken. */
function mutate(xml: string, random: Random): string {
	const { int, pick } = random;
	const at = int(xml.length + 1);
	switch (int(9)) {
		case 0:
			return xml.slice(0, at); // truncated
		case 1:
			return xml.slice(0, at) + xml.slice(at + 1 + int(3)); // characters lost
		case 2:
		case 3:
			return xml.slice(0, at) + pick(NASTY) + xml.slice(at);
		case 4: {
			// a close tag renamed (or, at times, left alone)
			const closes = [...xml.matchAll(/<\/([^>\s]+)/g)];
			if (!closes.length) return xml;
			const close = pick(closes);
			return `${xml.slice(0, close.index)}</${pick([`${close[1]}X`, close[1].slice(1), close[1], 'STAT'])}${xml.slice(close.index! + close[0].length)}`;
		}
		case 5:
			return xml + pick(['<SBD-MSG/>', 'text', '&amp;', '<', ' ', '\n', '<!-- after -->', '<?pi after?>', '</SBD-MSG>']);
		case 6:
			return pick(['text', '&lt;', '<', '\n', '  ']) + xml;
		case 7:
			return xml.replace(/>([^<]*)</, (_all, inner: string) => `>${inner}${pick(['&', '<', '&bogus;', ']]>', '& amp;', '&#xZZ;'])}<`);
		default:
			return xml.replace(/<([A-Za-z_])/, pick(['< $1', '<1$1', '<$1 ="x"', '<$1/ ', '<$1?']));
	}
}

type Verdict = { accepted: string } | { refused: string };

const outcome = (read: () => unknown): Verdict => {
	try {
		return { accepted: JSON.stringify(read()) };
	} catch (error) {
		const e = error as Error;
		return { refused: e instanceof ScanRefusal ? `${e.name}:${e.kind}` : `${e.name}: ${e.message}` };
	}
};

/** Writes `xml` in pieces: whole, one character at a time, or at random cuts. */
function pieces(xml: string, random: Random): string[] {
	const mode = random.int(4);
	if (mode === 0) return [xml];
	if (mode === 1) return [...xml]; // characters, so surrogate pairs stay whole only here
	const out: string[] = [];
	for (let at = 0; at < xml.length; ) {
		const size = 1 + random.int(mode === 2 ? 8 : 64);
		out.push(xml.slice(at, at + size));
		at += size;
	}
	return out;
}

export interface FuzzTally {
	documents: number;
	/** Read by the scanner alone, with saxes' result. */
	scannerAccepted: number;
	/** Refused by the scanner as malformed: saxes refused each too. */
	scannerMalformed: number;
	/** Left to saxes (outside the subset). */
	scannerUnsupported: number;
	saxesAccepted: number;
	divergences: Array<{ xml: string; problem: string }>;
}

const CREDENTIALS = ([{}, { advancedSettings: true, fieldNames: 'PLAN_NM = name\nSTAT = status' }, { advancedSettings: true, rowElements: 'ROW, R' }] as ICredentialDataDecryptedObject[]).map((credential) =>
	readWireSettings(credential),
);

/** Reads `count` generated documents (plus table 1d's) both ways; every difference is a divergence. */
export async function fuzz(count: number, seed: number, onProgress?: (done: number) => void): Promise<FuzzTally> {
	const random = prng(seed);
	const tally: FuzzTally = { documents: 0, scannerAccepted: 0, scannerMalformed: 0, scannerUnsupported: 0, saxesAccepted: 0, divergences: [] };
	const fixed = MALFORMED_1D.map(([, xml]): FuzzDocument => ({ xml: `<?xml version="1.0" encoding="UTF-8"?>\n${xml}`, encoding: 'UTF-8' }));
	for (let i = 0; i < count + fixed.length; i++) {
		const document = i < fixed.length ? fixed[i] : generate(random);
		const problem = await compare(document, random);
		tally.documents++;
		if (problem.scanner === 'accepted') tally.scannerAccepted++;
		else if (problem.scanner === 'malformed') tally.scannerMalformed++;
		else tally.scannerUnsupported++;
		if (problem.saxesAccepted) tally.saxesAccepted++;
		if (problem.divergence) tally.divergences.push({ xml: document.xml, problem: problem.divergence });
		if (onProgress && i % 10000 === 0) onProgress(i);
	}
	return tally;
}

async function compare({ xml, encoding }: FuzzDocument, random: Random) {
	// 1. the scanner alone against saxes, on the same text: same document, or a refusal saxes agrees with
	const saxes = outcome(() => {
		const reader = new StreamingXmlReader(new ElementBuilder());
		reader.write(xml);
		return reader.close();
	});
	const scanner = outcome(() => {
		const reader = new XmlSubsetScanner(new ElementBuilder());
		for (const piece of pieces(xml, random)) reader.write(piece);
		return reader.close();
	});
	const said = (verdict: Verdict) => ('accepted' in verdict ? verdict.accepted : verdict.refused);
	const saxesAccepted = 'accepted' in saxes;
	const kind = 'accepted' in scanner ? 'accepted' : scanner.refused.endsWith(':malformed') ? 'malformed' : 'unsupported';
	let divergence: string | undefined;
	if (kind === 'accepted' && said(saxes) !== said(scanner)) divergence = `scanner read ${said(scanner)}; saxes: ${said(saxes)}`;
	else if (kind === 'malformed' && saxesAccepted) divergence = `scanner called it malformed; saxes read ${said(saxes)}`;
	// 2. the node's path (scanner, saxes when refused) against the saxes path: same rows or the same error
	if (!divergence) {
		const bytes = encoding === 'Shift_JIS' ? iconv.encode(xml, 'cp932') : Buffer.from(xml, 'utf8');
		const zipped = random.chance(0.05);
		const body = zipped ? Buffer.from(await zipToBase64([{ name: 'list.xml', data: bytes }]), 'latin1') : bytes;
		const wire = random.pick(CREDENTIALS);
		const read = async (parser: ListAnswerOptions['parser']) => {
			try {
				const answer = await readListAnswer(body, { zipped, limits: { maxUncompressedBytes: 1e8, maxEntries: 10 }, wire, parser });
				return JSON.stringify([answer.rows, answer.path, answer.empty]);
			} catch (error) {
				return `${(error as Error).name}: ${(error as Error).message}`;
			}
		};
		const [node, reference] = [await read('scan'), await read('saxes')];
		if (node !== reference) divergence = `node path: ${node.slice(0, 300)}; saxes path: ${reference.slice(0, 300)}`;
	}
	return { scanner: kind, saxesAccepted, divergence };
}
