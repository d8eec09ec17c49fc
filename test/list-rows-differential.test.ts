// The list decoder stores the fields of top-level rows under their output keys while it builds them (no second,
// renamed copy per row). Proven here against the two-step path it replaces — values built under their XML names,
// rows found by shape, then copied under the output keys — on the same generated answers: plain and wrapped
// lists, known and unknown fields, repeats, attributes, records under known names, and Field Names settings.
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { encodeXml } from '../nodes/shared/codecs';
import { ListShapeError, findRows } from '../nodes/shared/listShape';
import { ElementBuilder, StreamingXmlReader } from '../nodes/shared/xmlStream';
import { mapRows, readListAnswer, readWireSettings, ROW_FIELDS } from '../nodes/occtoApi';

const LIMITS = { maxUncompressedBytes: 1e8, maxEntries: 10 };

/** The path before build-time renaming: fields under their XML names, then one renamed copy per row. */
function twoStep(xml: string, credential: ICredentialDataDecryptedObject): IDataObject[] | string {
	const wire = readWireSettings(credential);
	const reader = new StreamingXmlReader(new ElementBuilder());
	try {
		reader.write(xml);
		return mapRows(findRows(reader.close(), wire.shape), wire.fieldNames);
	} catch (error) {
		return said(error);
	}
}

/** An error as compared: its message, and for a shape error the element names it reports. */
const said = (error: unknown) => (error instanceof ListShapeError ? `${error.message} [${error.firstChildren.join(', ')}]` : (error as Error).message);

async function inPlace(xml: string, credential: ICredentialDataDecryptedObject): Promise<IDataObject[] | string> {
	try {
		return (await readListAnswer(encodeXml(xml, 'UTF-8'), { zipped: false, limits: LIMITS, wire: readWireSettings(credential) })).rows;
	} catch (error) {
		if (!(error instanceof ListShapeError) && !(error instanceof Error)) throw error;
		return said(error);
	}
}

describe('rows renamed while built ≡ rows renamed afterwards (differential)', () => {
	const known = Object.keys(ROW_FIELDS);
	const credentials: ICredentialDataDecryptedObject[] = [
		{},
		{ advancedSettings: true, fieldNames: 'UKETSUKE_NO = occtoReceptionNo\nJOTAI = status' },
		{ advancedSettings: true, fieldNames: 'OTHER = status' }, // two names for one key: renamed afterwards, as before
		{ advancedSettings: true, rowElements: 'ROW, INFO' },
	];

	it('agrees on 400 generated answers', async () => {
		let seed = 11;
		const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
		const fieldNames = [...known.slice(0, 6), 'UKETSUKE_NO', 'JOTAI', 'OTHER', 'BIKO', 'ITEM'];
		const texts = ['', '1000000001', '受付中', ' 2 ', '&amp;x', '20261201093000'];
		const field = (depth: number): string => {
			const name = fieldNames[random(fieldNames.length)];
			const attribute = random(12) === 0 ? ' k="1"' : '';
			if (depth < 2 && random(6) === 0) return `<${name}${attribute}>${field(depth + 1)}${field(depth + 1)}</${name}>`; // a record under a field name
			return `<${name}${attribute}>${texts[random(texts.length)]}</${name}>`;
		};
		const row = (name: string) => `<${name}>${Array.from({ length: 1 + random(5) }, () => field(0)).join('')}</${name}>`;
		let compared = 0;
		for (let i = 0; i < 400; i++) {
			const rowName = ['ROW', 'INFO', 'OUTAGE_PLAN_INFO', known[random(known.length)]][random(4)];
			const rows = Array.from({ length: random(5) }, () => row(rowName)).join('');
			const wrapped = random(3) === 0;
			const xml = `<SBD-MSG>${wrapped ? `<LIST>${rows}</LIST>` : rows}</SBD-MSG>`;
			for (const credential of credentials) {
				expect(await inPlace(xml, credential)).toEqual(twoStep(xml, credential));
				compared++;
			}
		}
		expect(compared).toBe(1600);
	});

	it('an element literally named like an output key is read the plain way, with the same result', async () => {
		const xml = '<SBD-MSG><R><STAT>1</STAT></R><R><status>x</status><STAT>2</STAT><STAT>3</STAT></R><R><STAT>4</STAT><status>y</status></R></SBD-MSG>';
		const rows = await inPlace(xml, {});
		expect(rows).toEqual(twoStep(xml, {}));
		expect((rows as IDataObject[])[1]).toEqual({ status: ['2', '3'], rowElement: 'R' }); // as before: STAT, renamed after <status>, overwrites it
	});

	it('names the kinds of elements under the root as before (the builder notes them while reading)', async () => {
		let seed = 5;
		const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
		const names = ['A', 'B', 'C', 'D', 'E', 'F', 'G'];
		for (let i = 0; i < 300; i++) {
			const kinds = names.slice(0, 1 + random(names.length));
			const element = (kind: string) => `<${kind}><STAT>${random(3)}</STAT></${kind}>`;
			const xml = `<SBD-MSG>${Array.from({ length: 1 + random(12) }, () => element(kinds[random(kinds.length)])).join('')}</SBD-MSG>`;
			expect(await inPlace(xml, {})).toEqual(twoStep(xml, {}));
		}
	});

	it('keeps key order, so items print as before', async () => {
		const xml = '<SBD-MSG><R><BIKO>x</BIKO><OCCTO_RECEPTION_NO>1000000001</OCCTO_RECEPTION_NO><STAT>2</STAT></R></SBD-MSG>';
		const [row] = (await inPlace(xml, {})) as IDataObject[];
		expect(Object.keys(row)).toEqual(Object.keys((twoStep(xml, {}) as IDataObject[])[0]));
	});
});
