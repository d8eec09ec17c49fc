// A cap on an answer's body as it arrives: refused from its Content-Length before a byte is read, or as soon as
// more than the cap has come, with the socket closed; what is kept is read once into one buffer.
import type { Readable } from 'node:stream';

import type { HttpAnswer } from './answer';
import { headerOf } from './answer';

/** An answer refused for its size. `bytes` is what Content-Length announced, or what had arrived when it was cut. */
export class AnswerTooLarge extends Error {
	constructor(
		readonly limitBytes: number,
		readonly bytes: number,
		readonly announced: boolean,
	) {
		super(`the answer is larger than ${limitBytes} bytes (${announced ? `Content-Length: ${bytes}` : `${bytes} bytes had arrived`})`);
		this.name = 'AnswerTooLarge';
	}
}

/** Throws AnswerTooLarge when `body` (bytes or text) is over the cap: the check after receipt, on every route. */
export function checkBodySize(body: unknown, limitBytes: number): void {
	const size = Buffer.isBuffer(body) || body instanceof Uint8Array ? body.byteLength : typeof body === 'string' ? Buffer.byteLength(body) : 0;
	if (size > limitBytes) throw new AnswerTooLarge(limitBytes, size, false);
}

/** The answer with its streamed body read into one Buffer of at most `limitBytes`; `signal` abandons the read. */
export async function readAnswerCapped(answer: HttpAnswer, limitBytes: number, signal?: AbortSignal): Promise<HttpAnswer<Buffer>> {
	const stream = answer.body as Readable | Buffer | string | undefined;
	if (!stream || typeof stream === 'string' || Buffer.isBuffer(stream)) {
		// a helper that did not stream: checked after
		checkBodySize(stream, limitBytes);
		return { ...answer, body: Buffer.isBuffer(stream) ? stream : Buffer.from(stream ?? '') };
	}
	const length = Number(headerOf(answer.headers, 'content-length'));
	const announced = Number.isSafeInteger(length) && length >= 0 ? length : undefined;
	if (announced !== undefined && announced > limitBytes) {
		stream.destroy();
		throw new AnswerTooLarge(limitBytes, announced, true);
	}
	return { ...answer, body: await readCapped(stream, limitBytes, announced, signal) };
}

async function readCapped(stream: Readable, limitBytes: number, announced: number | undefined, signal?: AbortSignal): Promise<Buffer> {
	const abort = () => stream.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
	if (signal?.aborted) abort();
	signal?.addEventListener('abort', abort, { once: true });
	// filled in place when the length is announced (a decompressed body may differ: then chunks, joined once)
	let whole = announced ? Buffer.allocUnsafe(announced) : undefined;
	let filled = 0;
	const chunks: Buffer[] = [];
	let received = 0;
	try {
		for await (const chunk of stream as AsyncIterable<Buffer | string>) {
			const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
			received += bytes.length;
			if (received > limitBytes) {
				stream.destroy();
				throw new AnswerTooLarge(limitBytes, received, false);
			}
			if (whole && filled + bytes.length <= whole.length) {
				bytes.copy(whole, filled);
				filled += bytes.length;
				continue;
			}
			if (whole) {
				chunks.push(whole.subarray(0, filled));
				whole = undefined;
			}
			chunks.push(bytes);
		}
	} finally {
		signal?.removeEventListener('abort', abort);
	}
	if (whole) return filled === whole.length ? whole : whole.subarray(0, filled);
	return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received);
}
