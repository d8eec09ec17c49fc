import { DecodeError, decodeBase64, decodeXmlBytes, encodeXml, encodeXmlZipBase64, parseXml, zip } from '../nodes/shared/codecs';
import type { ZipLimits } from '../nodes/shared/codecs';
import { decodeBase64ZipXml, streamZippedXml } from '../nodes/shared/zipXmlStream';
import { fromJstDigits, jstMinute, nextJstMidnight, toJstDigits } from '../nodes/shared/japanTime';

const unzip = async (bytes: Buffer, limits?: ZipLimits) =>
	await streamZippedXml(bytes, limits ?? { maxUncompressedBytes: 1e8, maxEntries: 100 }, () => undefined);

const JAPANESE = '<SBD-MSG><ROW><NAME>○○発電所1号機 定期点検（髙﨑）</NAME></ROW></SBD-MSG>';

describe('codecs', () => {
	it('round-trips Shift_JIS XML through ZIP and Base64 with the declared encoding honoured', async () => {
		const base64 = await encodeXmlZipBase64('a.xml', JAPANESE, 'Shift_JIS');
		const decoded = await decodeBase64ZipXml(base64);
		expect(decoded.fileName).toBe('a.xml');
		expect(decoded.xmlBytes.subarray(0, 60).toString('latin1')).toContain('encoding="Shift_JIS"');
		expect(decoded.document).toEqual({ 'SBD-MSG': { ROW: { NAME: '○○発電所1号機 定期点検（髙﨑）' } } });
	});

	it('reads UTF-8, BOM and undeclared Shift_JIS alike', () => {
		expect(decodeXmlBytes(encodeXml(JAPANESE, 'UTF-8'))).toContain('髙﨑');
		expect(decodeXmlBytes(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JAPANESE)]))).toContain('髙﨑');
		const sjisNoDeclaration = encodeXml(JAPANESE, 'Shift_JIS').subarray(encodeXml('', 'Shift_JIS').length);
		expect(decodeXmlBytes(sjisNoDeclaration)).toContain('発電所');
	});

	it('refuses characters Shift_JIS cannot hold instead of sending "?"', () => {
		expect(() => encodeXml('<a>😀</a>', 'Shift_JIS')).toThrow(/Shift_JIS cannot represent/);
	});

	it('rejects corrupt Base64 and corrupt ZIP with a decode error', async () => {
		expect(() => decodeBase64('QUJD*')).toThrow(DecodeError);
		expect(() => decodeBase64('QUJDR')).toThrow(/truncated/);
		await expect(unzip(Buffer.from('PK\u0003\u0004 garbage garbage'))).rejects.toThrow(/not a readable ZIP/);
	});

	it('reads Base64 with and without line breaks alike, and refuses the same text either way', () => {
		const bytes = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37) % 256));
		const flat = bytes.toString('base64');
		const wrapped = flat.replace(/.{76}/g, '$&\r\n');
		expect(decodeBase64(flat).equals(bytes)).toBe(true);
		expect(decodeBase64(wrapped).equals(bytes)).toBe(true);
		for (const broken of [`${flat}=`, `${flat.slice(0, -1)}*`, `=${flat.slice(1)}`, flat.slice(0, -2)]) {
			expect(() => decodeBase64(broken)).toThrow(DecodeError);
			expect(() => decodeBase64(broken.replace(/.{76}/g, '$&\n'))).toThrow(DecodeError);
		}
		expect(() => decodeBase64(' \n ')).toThrow(/empty/);
	});

	it('refuses DTDs, so no entity can expand, and keeps __proto__ inert', () => {
		expect(() => parseXml('<!DOCTYPE a [<!ENTITY x "yyyy">]><a>&x;&x;</a>')).toThrow(/DTD/);
		const parsed = parseXml('<a><__proto__><polluted>1</polluted></__proto__><constructor>x</constructor></a>');
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
		expect(Object.getPrototypeOf(parsed.a)).toBe(Object.prototype);
		expect(Object.keys(parsed.a)).toEqual(['___proto__', '_constructor']);
	});

	it('stops a ZIP bomb at the limit without inflating it all', async () => {
		// 64 MiB of zeros deflates to ~64 KiB; the limit is 1 MiB
		const bomb = await zip([{ name: 'bomb.xml', data: Buffer.alloc(64 * 1024 * 1024) }]);
		expect(bomb.length).toBeLessThan(200 * 1024);
		const before = process.memoryUsage().rss;
		await expect(unzip(bomb, { maxUncompressedBytes: 1024 * 1024, maxEntries: 10 })).rejects.toThrow(/past the limit/);
		expect(process.memoryUsage().rss - before).toBeLessThan(48 * 1024 * 1024);
	});

	it('refuses archives with too many entries', async () => {
		const many = await zip(Array.from({ length: 5 }, (_, i) => ({ name: `f${i}.xml`, data: Buffer.from('<a/>') })));
		await expect(unzip(many, { maxUncompressedBytes: 1e6, maxEntries: 3 })).rejects.toThrow(/more than 3 entries/);
	});
});

describe('Japan time', () => {
	it('formats and parses in UTC+9 regardless of the machine zone', () => {
		expect(jstMinute(new Date('2026-11-24T15:30:00Z'))).toBe('202611250030');
		expect(nextJstMidnight(new Date('2026-11-24T15:30:00Z')).toISOString()).toBe('2026-11-25T15:00:00.000Z');
		expect(fromJstDigits('202611250030')?.toISOString()).toBe('2026-11-24T15:30:00.000Z');
		expect(fromJstDigits('20261340')).toBeUndefined();
		expect(toJstDigits('2026-11-24T15:30:00Z', 12)).toBe('202611250030');
		expect(toJstDigits('202611250030', 12)).toBe('202611250030');
		expect(toJstDigits('20261124', 8)).toBe('20261124');
		expect(toJstDigits('not a date', 8)).toBeUndefined();
	});
});
