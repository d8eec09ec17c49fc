// OCCTO answers that do not look like ours: rows found by shape, loud failures, and the streaming decoder
// proven against the libraries it replaces (fast-xml-parser for the tree, iconv-lite for CP932) on the same inputs.
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import * as iconv from 'iconv-lite';
import JSZip from 'jszip';

import { DecodeError, encodeXml, parseXml, zip } from '../nodes/shared/codecs';
import { ListShapeError } from '../nodes/shared/listShape';
import type { StreamedDocument } from '../nodes/shared/xmlStream';
import { readXmlDocument } from '../nodes/shared/xmlStream';
import { XmlTextDecoder, streamZippedXml } from '../nodes/shared/zipXmlStream';
import { readListAnswer, readWireSettings } from '../nodes/occtoApi';
import type { OcctoSimulator } from '../simulators/occto/server';
import { startOcctoSimulator } from '../simulators/occto/server';
import { errorOf, hintsOf, itemsOf, outputOf } from './harness';
import { occtoNode, occtoRunner, planList, setCallsUsed } from './occtoRunner';
import { sleep } from './support/time';

/** What fast-xml-parser's tree says the root's children are, in the shape the streaming builder gives. */
function viaFastXmlParser(xml: string): StreamedDocument {
	const document = parseXml(xml);
	const [root] = Object.keys(document);
	const value = document[root];
	const children: StreamedDocument['children'] = [];
	let rootText = '';
	if (typeof value === 'object' && !Array.isArray(value)) {
		for (const [name, inner] of Object.entries(value)) {
			if (name === '#text') rootText = String(inner);
			else if (!name.startsWith('@')) for (const item of Array.isArray(inner) ? inner : [inner]) children.push({ name, value: item });
		}
	} else rootText = String(value);
	return { root, rootText, children };
}

const byName = (document: StreamedDocument) => [...document.children].sort((a, b) => a.name.localeCompare(b.name));

describe('streaming XML builder ≡ fast-xml-parser (differential)', () => {
	const cases: Record<string, string> = {
		'rows with Japanese text and entities': '<SBD-MSG><R><A>髙﨑 &amp; ①</A><B>x&lt;y&gt;&quot;</B></R><R><A> spaced </A><B/></R></SBD-MSG>',
		'attributes and mixed text': '<L><ROW id="1" kind="a"><F>1</F></ROW><ROW id="2">text only</ROW><ROW><F>2</F>tail</ROW></L>',
		'nested repeats and single nested': '<L><P><ID>1</ID><ITEM><N>a</N></ITEM><ITEM><N>b</N></ITEM><ONE><N>c</N></ONE></P></L>',
		'CDATA and empty elements': '<L><P><T><![CDATA[<raw> & text]]></T><E></E><S/></P></L>',
		'dangerous names stay inert': '<L><__proto__><polluted>1</polluted></__proto__><constructor>x</constructor><toString>y</toString><toString>z</toString></L>',
		'interleaved names': '<L><A>1</A><B>2</B><A>3</A></L>',
		'text in the root': '<L>  just text  </L>',
		'empty root': '<L/>',
	};
	it.each(Object.entries(cases))('%s', (_name, xml) => {
		const streamed = readXmlDocument(xml);
		const tree = viaFastXmlParser(xml);
		expect(streamed.root).toBe(tree.root);
		expect(streamed.rootText).toBe(tree.rootText.trim());
		expect(byName(streamed)).toEqual(byName(tree));
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});

	it('agrees on 300 generated documents, fed in chunks of every size', () => {
		let seed = 7;
		const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
		const names = ['A', 'B', 'ROW', 'ITEM', 'X_Y', 'toString'];
		const texts = ['', 'abc', '髙﨑①', ' a  b ', '&amp;', '0012'];
		const element = (depth: number): string => {
			const name = names[random(names.length)];
			const attribute = random(5) === 0 ? ` k="${random(9)}"` : '';
			if (depth > 2 || random(3) === 0) return `<${name}${attribute}>${texts[random(texts.length)]}</${name}>`;
			return `<${name}${attribute}>${Array.from({ length: random(4) }, () => element(depth + 1)).join('')}</${name}>`;
		};
		for (let i = 0; i < 300; i++) {
			const xml = `<ROOT>${Array.from({ length: random(6) }, () => element(1)).join('')}</ROOT>`;
			expect(byName(readXmlDocument(xml))).toEqual(byName(viaFastXmlParser(xml)));
		}
	});

	it('decodes character references, as XML requires (fast-xml-parser with our options leaves them as they are)', () => {
		expect(readXmlDocument('<L><A>&#x3042;&#12354;</A></L>').children).toEqual([{ name: 'A', value: 'ああ' }]);
	});

	it('refuses DTDs, malformed XML and non-XML text', () => {
		expect(() => readXmlDocument('<!DOCTYPE a [<!ENTITY x "yyyy">]><a>&x;</a>')).toThrow(/DTD/);
		expect(() => readXmlDocument('<a><b></a>')).toThrow(DecodeError);
		expect(() => readXmlDocument('<a><b>')).toThrow(/not well-formed/);
		expect(() => readXmlDocument('not xml at all')).toThrow(DecodeError);
	});
});

describe('CP932 decoding: the streaming TextDecoder ≡ iconv-lite (differential)', () => {
	it('every valid double-byte character and every ASCII/half-width kana byte decode the same', () => {
		const valid: number[] = [];
		for (let lead = 0x81; lead <= 0xfc; lead++) {
			if (lead > 0x9f && lead < 0xe0) continue;
			for (let trail = 0x40; trail <= 0xfc; trail++) {
				if (trail === 0x7f) continue;
				if (!iconv.decode(Buffer.from([lead, trail]), 'cp932').includes('\ufffd')) valid.push(lead, trail);
			}
		}
		for (let byte = 0x20; byte <= 0xdf; byte++) if (byte < 0x7f || byte >= 0xa1) valid.push(byte);
		const bytes = Buffer.from(valid);
		const expected = iconv.decode(bytes, 'cp932');
		expect(expected.length).toBeGreaterThan(7000);
		for (const chunk of [1, 3, 4096, bytes.length]) {
			let text = '';
			const decoder = new XmlTextDecoder((part) => (text += part));
			decoder.write(Buffer.from('<?xml version="1.0" encoding="Shift_JIS"?>'.padEnd(300, ' ')));
			for (let offset = 0; offset < bytes.length; offset += chunk) decoder.write(bytes.subarray(offset, offset + chunk));
			decoder.end();
			expect(text.slice(300)).toBe(expected);
		}
	});
});

const ROWS_A = '<R1><OCCTO_RECEPTION_NO>1000000001</OCCTO_RECEPTION_NO><STAT>2</STAT><BIKO>備考</BIKO></R1>';
const ROWS_B = '<R1><OCCTO_RECEPTION_NO>1000000002</OCCTO_RECEPTION_NO><STAT>9</STAT><ITEM><N>1</N></ITEM><ITEM><N>2</N></ITEM></R1>';
const read = async (xml: string, credential: ICredentialDataDecryptedObject = {}) =>
	await readListAnswer(encodeXml(xml, 'Shift_JIS'), { zipped: false, limits: { maxUncompressedBytes: 1e8, maxEntries: 10 }, wire: readWireSettings(credential) });
const shapeError = async (xml: string, credential: ICredentialDataDecryptedObject = {}) => (await read(xml, credential).catch((error: unknown) => error)) as ListShapeError;

describe('rows found by shape', () => {
	it('rows under any element name: known fields mapped, unknown kept, nested repeats as arrays, row name kept', async () => {
		const answer = await read(`<SBD-MSG>${ROWS_A}${ROWS_B}</SBD-MSG>`);
		expect(answer.rows).toEqual([
			{ occtoReceptionNo: '1000000001', status: '2', BIKO: '備考', rowElement: 'R1' },
			{ occtoReceptionNo: '1000000002', status: '9', ITEM: [{ N: '1' }, { N: '2' }], rowElement: 'R1' },
		]);
		expect(answer.empty).toBe(false);
	});

	it('rows inside one wrapper element, even a single row', async () => {
		expect((await read(`<SBD-MSG><LIST>${ROWS_A}${ROWS_B}</LIST></SBD-MSG>`)).rows).toHaveLength(2);
		const single = await read(`<SBD-MSG><LIST>${ROWS_A}</LIST></SBD-MSG>`);
		expect(single.rows).toEqual([expect.objectContaining({ occtoReceptionNo: '1000000001', rowElement: 'R1' })]);
		expect(single.path).toEqual(['SBD-MSG', 'LIST']);
	});

	it('one row with its fields directly (a receipt) is one row, not a wrapper', async () => {
		expect((await read(`<SBD-MSG>${ROWS_A}</SBD-MSG>`)).rows).toHaveLength(1);
	});

	it('an empty list is recognised: an empty root, or an empty wrapper', async () => {
		for (const xml of ['<SBD-MSG/>', '<SBD-MSG>\n</SBD-MSG>', '<SBD-MSG><LIST/></SBD-MSG>']) {
			const answer = await read(xml);
			expect(answer).toEqual(expect.objectContaining({ rows: [], empty: true }));
		}
	});

	it('mixed row shapes (fields missing or extra) are still rows', async () => {
		const answer = await read(`<SBD-MSG>${ROWS_A}<R1><STAT>1</STAT></R1>${ROWS_B}</SBD-MSG>`);
		expect(answer.rows.map((row) => row.status)).toEqual(['2', '1', '9']);
	});

	it('an unexpected root is an error naming it and its first children', async () => {
		const error = await shapeError(`<html><head/><body>${ROWS_A}</body></html>`);
		expect(error).toBeInstanceOf(ListShapeError);
		expect(error.message).toMatch(/root element is <html>, not <SBD-MSG>/);
		expect(error).toEqual(expect.objectContaining({ problem: 'root', root: 'html', firstChildren: ['head', 'body'] }));
		// …and accepted once the credential says that root is a list root
		expect((await read(`<LIST>${ROWS_A}${ROWS_B}</LIST>`, { advancedSettings: true, listRoots: 'SBD-MSG, LIST' })).rows).toHaveLength(2);
	});

	it('text where rows should be, several unrelated shapes, and rows without fields are errors', async () => {
		expect((await shapeError('<SBD-MSG>該当データなし</SBD-MSG>')).message).toMatch(/holds text \("該当データなし"\) where rows should be/);
		expect((await shapeError('<SBD-MSG><MESSAGE>エラーが発生しました</MESSAGE></SBD-MSG>')).message).toMatch(/<MESSAGE> in <SBD-MSG> holds text/);
		const several = await shapeError(`<SBD-MSG><HEADER><N>1</N></HEADER>${ROWS_A}${ROWS_B}</SBD-MSG>`);
		expect(several.message).toMatch(/several kinds of elements \(<HEADER> ×1, <R1> ×2\)/);
		expect((await shapeError(`<SBD-MSG><LIST>${ROWS_A}<OTHER><X>1</X></OTHER></LIST></SBD-MSG>`)).message).toMatch(/<LIST> holds several kinds/);
		expect((await shapeError('<SBD-MSG><R/><R/></SBD-MSG>')).message).toMatch(/rows without fields/);
	});

	it('"Row Elements" in the credential picks the rows out of other content', async () => {
		const answer = await read(`<SBD-MSG><HEADER><N>1</N></HEADER>${ROWS_A}${ROWS_B}</SBD-MSG>`, { advancedSettings: true, rowElements: 'R1' });
		expect(answer.rows).toHaveLength(2);
		expect((await shapeError(`<SBD-MSG>${ROWS_A}</SBD-MSG>`, { advancedSettings: true, rowElements: 'NOPE' })).message).toMatch(/none of its elements is named <NOPE>/);
	});

	it('"Field Names" in the credential maps other element names to our keys', async () => {
		const answer = await read('<SBD-MSG><X><UKETSUKE_NO>1000000009</UKETSUKE_NO></X></SBD-MSG>', {
			advancedSettings: true,
			fieldNames: 'UKETSUKE_NO = occtoReceptionNo',
		});
		expect(answer.rows[0].occtoReceptionNo).toBe('1000000009');
		expect(() => readWireSettings({ advancedSettings: true, fieldNames: 'not a mapping' })).toThrow(/ELEMENT = key/);
	});
});

describe('ZIP limits while inflating', () => {
	const limits = { maxUncompressedBytes: 1024 * 1024, maxEntries: 10 };
	const sink = () => undefined;

	it('a ZIP whose sizes are only in a data descriptor is capped while inflating, memory bounded', async () => {
		const archive = new JSZip();
		archive.file('bomb.xml', Buffer.alloc(64 * 1024 * 1024, 0x20));
		const bomb = await archive.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', streamFiles: true });
		await sleep(100); // let the generator's garbage go before measuring
		expect(bomb.readUInt16LE(6) & 8).toBe(8); // sizes not declared up front
		const before = process.memoryUsage().rss;
		await expect(streamZippedXml(bomb, limits, sink)).rejects.toThrow(/past the limit of 1048576 bytes/);
		expect(process.memoryUsage().rss - before).toBeLessThan(40 * 1024 * 1024); // inflating it all would take 64 MiB
	}, 60_000);

	it('a header that understates the size does not help: the count is of bytes actually inflated', async () => {
		const liar = await zip([{ name: 'big.xml', data: Buffer.alloc(8 * 1024 * 1024, 0x20) }]);
		liar.writeUInt32LE(100, 22); // local header: uncompressed size 100
		await expect(streamZippedXml(liar, limits, sink)).rejects.toThrow(/past the limit/);
	});

	it('a ZIP without an XML file says what it holds', async () => {
		const other = await zip([{ name: 'readme.txt', data: Buffer.from('hello') }]);
		await expect(streamZippedXml(other, limits, sink)).rejects.toThrow(/no .xml file \(it holds readme.txt\)/);
	});
});

describe('through the node, against an OCCTO-like server with other element names', () => {
	let sim: OcctoSimulator;
	const { run, failing } = occtoRunner(() => sim);
	beforeAll(async () => {
		sim = await startOcctoSimulator({ statusDelayMs: 50, seedPlans: 3 });
	});
	afterAll(async () => {
		await sim.close();
	});
	beforeEach(async () => {
		sim.setCallCount('U0000001', 0);
		await setCallsUsed('U0000001', 0);
		for (const api of ['BA13B103', 'BA13B006', 'BA13B007'] as const) sim.setAnswerOverride(api, undefined);
	});

	const plan = (no: number, extra = '') =>
		`<KEIKAKU><PLAN_DIVISION>1</PLAN_DIVISION><OCCTO_RECEPTION_NO>${2000000000 + no}</OCCTO_RECEPTION_NO><STAT>2</STAT><LAST_UPD_DAYTIME>20261124093000</LAST_UPD_DAYTIME>${extra}</KEIKAKU>`;

	it('Outage Plan, Submission and Error Details lists all find their rows', async () => {
		sim.setAnswerOverride('BA13B103', `<SBD-MSG><ICHIRAN>${plan(1)}${plan(2)}${plan(3)}</ICHIRAN></SBD-MSG>`);
		sim.setAnswerOverride('BA13B006', `<SBD-MSG>${plan(4).replace(/KEIKAKU/g, 'UKETSUKE')}${plan(5).replace(/KEIKAKU/g, 'UKETSUKE')}</SBD-MSG>`);
		sim.setAnswerOverride('BA13B007', '<SBD-MSG><ERR><ERR_CD>E0101</ERR_CD><ERR_MSG>必須項目</ERR_MSG></ERR></SBD-MSG>');
		const result = await run([
			occtoNode('Plans', planList),
			occtoNode('Submissions', { resource: 'submission', operation: 'getMany', returnAll: true, filters: { status: '2' } }, {}),
			occtoNode('Errors', { resource: 'submission', operation: 'getErrorDetails', occtoReceptionNo: '={{ $json.occtoReceptionNo }}' }),
		]);
		expect(outputOf(result, 'Plans').map((row) => [row.rowElement, row.occtoReceptionNo])).toEqual([
			['KEIKAKU', '2000000001'],
			['KEIKAKU', '2000000002'],
			['KEIKAKU', '2000000003'],
		]);
		// Submissions runs once per plan item: 3 × 2 rows
		expect(outputOf(result, 'Submissions')).toHaveLength(6);
		expect(outputOf(result, 'Errors')[0]).toEqual(expect.objectContaining({ errorCode: 'E0101', rowElement: 'ERR' }));
	});

	it('an empty list: no items, and a hint that says OCCTO returned an empty list', async () => {
		sim.setAnswerOverride('BA13B103', '<SBD-MSG></SBD-MSG>');
		const result = await run([occtoNode('Plans', planList)]);
		expect(outputOf(result, 'Plans')).toEqual([]);
		expect(hintsOf(result, 'Plans').map((hint) => hint.message)).toEqual([expect.stringMatching(/OCCTO returned an empty list for 作業停止計画一覧取得 \(BA13B103\)/)]);
	});

	it('an unreadable answer is a NodeApiError naming the root, its first children and the setting to check', async () => {
		sim.setAnswerOverride('BA13B103', '<RESULT><CODE>0</CODE><MSG>OK</MSG></RESULT>');
		const error = await failing(planList);
		expect(error.message).toMatch(/cannot be read as a list: its root element is <RESULT>, not <SBD-MSG>/);
		expect(error.description).toMatch(/Root element <RESULT>, first child elements: <CODE>, <MSG>\..*List Root Elements/);
		expect(error).toEqual(expect.objectContaining({ httpCode: '200' })); // a NodeApiError: the server's answer, not our input
		sim.setAnswerOverride('BA13B103', '<SBD-MSG>データがありません</SBD-MSG>');
		expect((await failing(planList)).message).toMatch(/holds text/);
	});

	it('a status filter on rows that have no status field is refused, not an empty result', async () => {
		sim.setAnswerOverride('BA13B006', '<SBD-MSG><U><NO>1</NO><JOTAI>2</JOTAI></U><U><NO>2</NO><JOTAI>9</JOTAI></U></SBD-MSG>');
		const error = await failing({ resource: 'submission', operation: 'getMany', returnAll: true, filters: { status: '9' } });
		expect(error.message).toMatch(/The filter "Status" needs the field "status"/);
		expect(error.description).toMatch(/NO, JOTAI.*Field Names/);
		const result = await run([occtoNode('OCCTO', { resource: 'submission', operation: 'getMany', returnAll: true, filters: { status: '9' } })], {
			credential: { ...occtoRunner(() => sim).credential(), advancedSettings: true, fieldNames: 'JOTAI = status\nNO = occtoReceptionNo' },
		});
		expect(errorOf(result, 'OCCTO')).toBeUndefined();
		expect(outputOf(result, 'OCCTO')).toEqual([expect.objectContaining({ occtoReceptionNo: '2', status: '9' })]);
	});

	it('a 50,000-row list goes through the node as 50,000 items', async () => {
		const rows = Array.from({ length: 50_000 }, (_, i) => plan(i, '<PLAN_NM>○○発電所1号機 定期点検</PLAN_NM>')).join('');
		sim.setAnswerOverride('BA13B103', `<SBD-MSG>${rows}</SBD-MSG>`);
		const result = await run([occtoNode('Plans', planList)]);
		const items = itemsOf(result, 'Plans');
		expect(items).toHaveLength(50_000);
		expect(items[49_999].json).toEqual(expect.objectContaining({ occtoReceptionNo: '2000049999', planName: '○○発電所1号機 定期点検' }));
	}, 120_000);
});


describe('Call Quota resource: no OCCTO call', () => {
	let sim: OcctoSimulator;
	const { run, credential } = occtoRunner(() => sim);
	beforeAll(async () => {
		sim = await startOcctoSimulator({ seedPlans: 1 });
	});
	afterAll(async () => {
		await sim.close();
	});

	it('Set aligns the count, Get reads it with the store and reset time, and the guard honours it', async () => {
		const before = sim.requests.length;
		const result = await run([
			occtoNode('Set', { resource: 'callQuota', operation: 'set', used: 949 }),
			occtoNode('Get', { resource: 'callQuota', operation: 'get' }),
		]);
		expect(outputOf(result, 'Set')[0]).toEqual(expect.objectContaining({ userId: 'U0000001', used: 949, store: 'file' }));
		expect(outputOf(result, 'Get')[0]).toEqual(
			expect.objectContaining({ used: 949, remaining: 51, limit: 1000, store: 'file', resetsAt: expect.stringMatching(/T15:00:00.000Z$/) }),
		);
		expect(sim.requests.length).toBe(before);
		const listed = await run([occtoNode('List', planList)]);
		expect(outputOf(listed, 'List')[0].quota).toEqual(expect.objectContaining({ used: 950, store: 'file' }));
		expect(errorOf(await run([occtoNode('List', planList)]), 'List')?.message).toMatch(/Stopped before calling OCCTO: 950 of 1000/);
		const memory = await run([occtoNode('Get', { resource: 'callQuota', operation: 'get' })], { credential: credential({ ledger: 'memory' }) });
		expect(outputOf(memory, 'Get')[0]).toEqual(expect.objectContaining({ store: 'memory' }));
	});

	it('an unreachable Redis ledger refuses the call rather than counting nowhere', async () => {
		const before = sim.requests.length;
		const result = await run([occtoNode('List', planList)], { credential: credential({ ledger: 'redis', ledgerRedisUrl: 'redis://127.0.0.1:1/0' }) });
		expect(errorOf(result, 'List')?.message).toMatch(/Redis/);
		expect(sim.requests.length).toBe(before);
	});
});
