// Get Status makes its items page by page, copying the last new shape (nodes/NttAnpi/actions/safetyConfirmation/
// getStatus.operation.ts PersonItems). Proven against one object per person made at the end, key order included.
import type { IDataObject } from 'n8n-workflow';

import { PersonItems } from '../nodes/NttAnpi/actions/safetyConfirmation/getStatus.operation';
import { personRow, threadOf } from '../nodes/nttAnpiApi';
import { prng } from '../scripts/xmlFuzz';

const KEYS = ['usrcd', 'staffsei', 'ansstatus', 'sendstatus', 'regdevice', 'ansList', 'cmnt', 'tid', 'title', 'useCount', 'answerState', '0'];
const VALUES: unknown[] = ['1', '', '-', null, 'x', ['1', '-', ''], 0, { a: 1 }];

describe('Get Status items, page by page ≡ made at the end (differential)', () => {
	it('agrees on 300 generated reads', () => {
		const random = prng(35);
		for (let read = 0; read < 300; read++) {
			const simplified = random.chance(0.5);
			const answers = random.chance(0.3) ? (row: IDataObject) => [{ code: row?.ansstatus ?? null }] : undefined;
			let shape = KEYS.filter(() => random.chance(0.5));
			const pages: Array<{ answer: IDataObject; rows: IDataObject[] }> = [];
			for (let page = 1 + random.int(4); page > 0; page--) {
				const rows: IDataObject[] = [];
				for (let r = random.int(30); r > 0; r--) {
					if (random.chance(0.1)) shape = KEYS.filter(() => random.chance(0.5));
					if (random.chance(0.02)) rows.push(JSON.parse('{"__proto__":{"polluted":1},"usrcd":"9"}') as IDataObject);
					else if (!simplified && random.chance(0.01)) rows.push(null as unknown as IDataObject); // simplified throws on it, then as now
					else rows.push(Object.fromEntries(shape.map((key) => [key, random.pick(VALUES)])) as IDataObject);
				}
				const answer = { tid: `T${random.int(2)}`, title: random.pick(['round', undefined]), strdate: '20261201', useCount: random.int(9) };
				pages.push({ answer, rows });
			}
			const people = new PersonItems(simplified, answers, { useCount: null, contractCount: null });
			for (const { rows } of pages) people.add(rows);
			const last = pages[pages.length - 1].answer;
			const usage = { useCount: last.useCount, contractCount: 5 };
			const expected = pages.flatMap(({ rows }) =>
				rows.map((row) => {
					const json = personRow(threadOf(last), row, simplified);
					if (answers) json.answers = answers(row);
					return Object.assign(json, usage);
				}),
			);
			expect(JSON.stringify(people.finish(last, usage))).toBe(JSON.stringify(expected));
		}
		expect(({} as IDataObject).polluted).toBeUndefined();
	});
});
