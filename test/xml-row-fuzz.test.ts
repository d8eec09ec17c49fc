// The list decoder's fast paths (the scanner's row patterns and leaf chain, ElementBuilder's row template) against
// a plain tree made into values afterwards, on generated lists of one row shape with changes (scripts/xmlRowFuzz.ts).
import { fuzzRows, referenceDocument } from '../scripts/xmlRowFuzz';
import { ElementBuilder } from '../nodes/shared/xmlStream';
import { XmlSubsetScanner } from '../nodes/shared/xmlSubsetScanner';

describe('list fast paths ≡ the reference (differential)', () => {
	it('agrees on 2,000 generated lists, read whole and in pieces', () => {
		const { documents, scanned, divergences } = fuzzRows(2000, 35);
		expect(divergences.slice(0, 3)).toEqual([]);
		expect(documents).toBe(2000);
		expect(scanned / documents).toBeGreaterThan(0.3); // not vacuous: the scanner read these itself
	});

	it('keeps each row\'s own field order when rows differ from the first', () => {
		const xml = '<L><R><A>1</A><B>2</B></R><R><B>3</B><A>4</A></R><R><A>5</A></R><R><A>6</A><A>7</A></R><R><A>8</A><B>9</B></R></L>';
		const scanner = new XmlSubsetScanner(new ElementBuilder());
		scanner.write(xml);
		const document = scanner.close();
		expect(JSON.stringify(document)).toBe(JSON.stringify(referenceDocument(xml).document));
		expect(Object.keys(document.children[1].value)).toEqual(['B', 'A']);
		expect(document.children[3].value).toEqual({ A: ['6', '7'] });
	});
});
