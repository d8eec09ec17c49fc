// The list decoder reads OCCTO's XML with a subset scanner and hands everything else to saxes (issue 35). Proven
// here by differential fuzzing against saxes with a fixed seed: well-formed and broken documents (scripts/xmlFuzz.ts,
// with table 1d of bench/RESULTS.md), written whole, by characters and in random pieces. `npm run fuzz:xml` runs more.
import { encodeXml, zipToBase64 } from '../nodes/shared/codecs';
import { ElementBuilder, StreamingXmlReader } from '../nodes/shared/xmlStream';
import { XmlSubsetScanner } from '../nodes/shared/xmlSubsetScanner';
import { readListAnswer } from '../nodes/occtoApi';
import { fuzz } from '../scripts/xmlFuzz';

const LIMITS = { maxUncompressedBytes: 1e8, maxEntries: 10 };

describe('subset scanner ≡ saxes (differential fuzzing)', () => {
	it('agrees on 5,000 generated documents and table 1d (seed 35)', async () => {
		const tally = await fuzz(5000, 35);
		expect(tally.divergences).toEqual([]);
		// not vacuous: the scanner reads many documents itself and refuses many broken ones itself
		expect(tally.scannerAccepted).toBeGreaterThan(tally.documents * 0.3);
		expect(tally.scannerMalformed).toBeGreaterThan(tally.documents * 0.2);
	}, 120_000);

	it('reads a zipped Shift_JIS list bigger than a text slice, with CRLF and references, as saxes does', async () => {
		const row = (i: number) =>
			`  <OUTAGE_PLAN_INFO>\r\n    <OCCTO_RECEPTION_NO>${2000000001 + i}</OCCTO_RECEPTION_NO>\r\n    <PLAN_NM>○○発電所 &amp; 変電所 第${i}回 &#x3042;&lt;</PLAN_NM>\r\n    <STAT>2</STAT>\r\n  </OUTAGE_PLAN_INFO>\r\n`;
		const xml = `<SBD-MSG>\r\n${Array.from({ length: 4000 }, (_, i) => row(i)).join('')}</SBD-MSG>\r\n`;
		const body = Buffer.from(await zipToBase64([{ name: 'list.xml', data: encodeXml(xml, 'Shift_JIS') }]), 'latin1');
		const node = await readListAnswer(body, { zipped: true, limits: LIMITS });
		const saxes = await readListAnswer(body, { zipped: true, limits: LIMITS, parser: 'saxes' });
		expect(node.rows).toHaveLength(4000);
		expect(JSON.stringify(node)).toBe(JSON.stringify(saxes));
		expect(node.rows[1]).toMatchObject({ planName: '○○発電所 & 変電所 第1回 あ<' });

		// and the scanner read it itself, in pieces cut anywhere
		const scanner = new XmlSubsetScanner(new ElementBuilder());
		for (let at = 0; at < xml.length; at += 4093) scanner.write(xml.slice(at, at + 4093));
		const reader = new StreamingXmlReader(new ElementBuilder());
		reader.write(xml);
		expect(JSON.stringify(scanner.close())).toBe(JSON.stringify(reader.close()));
	});
});
