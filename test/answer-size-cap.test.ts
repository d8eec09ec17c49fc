// The cap on an OCCTO answer as received (1.4 × "Max Decompressed Size (MB)" + 1 MB): refused from its
// Content-Length before the body is read, or as soon as more has arrived; a NodeApiError naming the size and
// the option; for Register, "may have been registered". Through the fault proxy's own answers, over mutual TLS.
import { PassThrough, Readable } from 'node:stream';

import type { IDataObject } from 'n8n-workflow';

import { OCCTO_APIS, openLedger, rawAnswerCap, readMarker, RESULT_CODE_HEADER, setMarker } from '../nodes/occtoApi';
import { AnswerTooLarge, checkBodySize, readAnswerCapped } from '../nodes/shared/http/bodyCap';
import type { OcctoSimulator } from '../simulators/occto/server';
import { FaultSuite, serialise, useOcctoBehindProxy } from './faults/faultKit';
import type { FaultAction, FaultProxy } from './faults/faultProxy';
import { errorOf, expectNoSecrets, itemsOf } from './harness';
import { validPlanXml } from './occto-fixtures';
import { occtoNode, occtoRunner, planList } from './occtoRunner';

jest.setTimeout(60_000);

const USER = 'U0000001';
const MB = 1024 * 1024;
// only for occtoBehindProxy: this file writes no fault-suite summary
const suite = new FaultSuite('answer-size-cap');
const produced: string[] = [];
let sim: OcctoSimulator;
let proxy: FaultProxy;
const runner = occtoRunner(() => sim);
const success = { [RESULT_CODE_HEADER]: '0000', 'content-type': 'text/plain; charset=US-ASCII' };
/** Base64-looking text of `bytes` bytes. */
const base64Text = (bytes: number) => Buffer.alloc(bytes, 'QUJD');

async function through(apiPath: string, action: FaultAction | undefined, parameters: IDataObject) {
	if (action) proxy.addRule({ path: apiPath, action });
	const { ledger, state } = await openLedger({ mode: 'automatic' });
	await setMarker(state, 'registered', USER, 1); // long ago
	const before = (await ledger.read(USER)).used;
	const result = await runner.run([occtoNode('OCCTO', parameters)], { credential: runner.credential({ baseUrl: proxy.url }) });
	const error = errorOf(result, 'OCCTO');
	produced.push(serialise({ result, message: error?.message, description: error?.description }));
	return {
		result,
		error,
		ledgerCalls: (await ledger.read(USER)).used - before,
		marked: (await readMarker(state, 'registered', USER)) > 1,
	};
}

useOcctoBehindProxy(suite, { statusDelayMs: 50, seedPlans: 3 }, USER, (started) => ({ sim, proxy } = started));

describe('the cap', () => {
	it('is 1.4 × Max Decompressed Size + 1 MB', () => {
		expect(rawAnswerCap({ maxUncompressedBytes: 100 * MB, maxEntries: 100 })).toBe(141 * MB);
		expect(rawAnswerCap({ maxUncompressedBytes: 1 * MB, maxEntries: 100 })).toBe(Math.ceil(1.4 * MB) + MB);
	});

	it('a streamed body without Content-Length is cut as soon as it passes the cap, not read to its end', async () => {
		let pushed = 0;
		const stream = new Readable({
			read() {
				pushed += 64 * 1024;
				this.push(pushed > 64 * MB ? null : Buffer.alloc(64 * 1024, 0x41));
			},
		});
		const failure = await readAnswerCapped({ statusCode: 200, headers: {}, body: stream }, MB).catch((error: unknown) => error);
		expect(failure).toBeInstanceOf(AnswerTooLarge);
		expect(failure).toMatchObject({ limitBytes: MB, announced: false });
		expect((failure as AnswerTooLarge).bytes).toBeGreaterThan(MB);
		expect(pushed).toBeLessThan(4 * MB);
		expect(stream.destroyed).toBe(true);
	});

	it('an announced length over the cap is refused before a byte is read', async () => {
		const stream = new PassThrough();
		const failure = await readAnswerCapped({ statusCode: 200, headers: { 'Content-Length': String(2 * MB) }, body: stream }, MB).catch((error: unknown) => error);
		expect(failure).toMatchObject({ name: 'AnswerTooLarge', bytes: 2 * MB, announced: true });
		expect(stream.destroyed).toBe(true);
	});

	it('within the cap: the bytes as sent, in one buffer, whether the length was announced or not (or wrong)', async () => {
		const bytes = Buffer.from(Array.from({ length: 300_000 }, (_, i) => i % 251));
		const chunked = (data: Buffer) => Readable.from([data.subarray(0, 1000), data.subarray(1000, 200_000), data.subarray(200_000)]);
		for (const headers of [{ 'content-length': String(bytes.length) }, {}, { 'content-length': '1000' }, { 'content-length': String(bytes.length + 5) }]) {
			const { body } = await readAnswerCapped({ statusCode: 200, headers, body: chunked(bytes) }, MB);
			expect(body.equals(bytes)).toBe(true);
		}
		expect((await readAnswerCapped({ statusCode: 200, headers: {}, body: Readable.from([]) }, MB)).body.length).toBe(0);
	});

	it('an abort while the body arrives ends the read with its reason', async () => {
		const stream = new PassThrough();
		stream.write(Buffer.alloc(10));
		const controller = new AbortController();
		const reading = readAnswerCapped({ statusCode: 200, headers: {}, body: stream }, MB, controller.signal);
		controller.abort(new Error('time is up'));
		await expect(reading).rejects.toThrow('time is up');
		expect(stream.destroyed).toBe(true);
	});

	it('the check after receipt counts bytes and text alike', () => {
		expect(() => checkBodySize(Buffer.alloc(11), 10)).toThrow(AnswerTooLarge);
		expect(() => checkBodySize('é'.repeat(6), 10)).toThrow(AnswerTooLarge);
		expect(() => checkBodySize(Buffer.alloc(10), 10)).not.toThrow();
	});
});

describe('through n8n-core and the fault proxy', () => {
	it('a list answer over the cap → a NodeApiError naming its size and "Max Decompressed Size (MB)", one call', async () => {
		const size = 3 * MB;
		const r = await through(OCCTO_APIS.BA13B103.defaultPath, { kind: 'respond', status: 200, headers: success, body: base64Text(size) }, { ...planList, options: { maxDecompressedMb: 1 } });
		expect(r.error?.name).toBe('NodeApiError');
		expect(r.error?.message).toBe(`OCCTO's answer to 作業停止計画一覧取得 (BA13B103) announces 3.0 MB (Content-Length ${size} bytes), over the 2.4 MB this node reads`);
		expect(r.error?.description).toMatch(/raise "Max Decompressed Size \(MB\)" in the node options/);
		expect(r.error?.description).toMatch(/now 1\.0 MB/);
		expect(`${r.error?.message} ${r.error?.description}`).not.toMatch(/may have been registered/);
		expect(r.ledgerCalls).toBe(1);
	});

	it('the same answer under a raised option is read (and judged as what it is: not Base64 of a ZIP)', async () => {
		const r = await through(OCCTO_APIS.BA13B103.defaultPath, { kind: 'respond', status: 200, headers: success, body: base64Text(3 * MB) }, { ...planList, options: { maxDecompressedMb: 2 } });
		expect(r.error?.message).toMatch(/^Could not decode OCCTO's answer to .*\(BA13B103\)/);
	});

	it('an error page over the cap (HTTP 500) is refused alike', async () => {
		const r = await through(OCCTO_APIS.BA13B103.defaultPath, { kind: 'respond', status: 500, headers: { 'content-type': 'text/html' }, body: base64Text(3 * MB) }, { ...planList, options: { maxDecompressedMb: 1 } });
		expect(r.error?.message).toMatch(/announces 3\.0 MB .* over the 2\.4 MB this node reads$/);
	});

	it('Register: a receipt over the cap → "may have been registered", one call, marker set', async () => {
		const register = { resource: 'outagePlan', operation: 'register', planSource: 'xml', planXml: validPlanXml(), options: { maxDecompressedMb: 1 } };
		const r = await through(OCCTO_APIS.BA13B101.defaultPath, { kind: 'respond', status: 200, headers: success, body: base64Text(3 * MB) }, register);
		expect(r.error?.message).toMatch(/^OCCTO's answer to 作業停止計画登録 \(BA13B101\) announces 3\.0 MB .*: the plan may have been registered$/);
		expect(r.error?.description).toMatch(/^The plan may have been registered: run Submission → Get Many/);
		expect(r.error?.description).toMatch(/Max Decompressed Size \(MB\)/);
		expect(`${r.error?.message} ${r.error?.description}`).not.toMatch(/try again/i);
		expect([r.ledgerCalls, r.marked]).toEqual([1, true]);
	});

	it('answers within the cap are read as before (through the stream)', async () => {
		const r = await through(OCCTO_APIS.BA13B103.defaultPath, undefined, { ...planList, options: { maxDecompressedMb: 1 } });
		expect(r.error).toBeUndefined();
		expect(itemsOf(r.result, 'OCCTO').length).toBe(3);
	});
});

describe('secrets', () => {
	it('no secret appears in any output, error or log line of these cases', () => {
		expect(produced.length).toBeGreaterThan(0);
		expectNoSecrets(produced.join('\n'), runner.secrets());
	});
});
