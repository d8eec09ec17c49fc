// A wait with an end: the request helpers' own timeouts only cover silence between bytes, so a server that
// drips an answer (or a token call before the request) could hold a call far longer than the user allowed.
// When the time is up, the request is aborted too (nodes/shared/n8nLine.ts passes the signal on).

/** Our own timer ran out. */
export class CallTimedOut extends Error {
	constructor(readonly ms: number) {
		super(`no answer within ${Math.round(ms / 1000)} s`);
		this.name = 'CallTimedOut';
	}
}

/**
 * Resolves with `work`, or rejects with CallTimedOut after `ms`. Given as a function, `work` gets a signal that
 * aborts when the time is up, so the request behind it is abandoned for real (its socket closed) instead of
 * downloading on unseen; given as a promise, it is left to end on its own.
 */
export async function withinMs<T>(work: Promise<T> | ((signal: AbortSignal) => Promise<T>), ms: number): Promise<T> {
	const controller = new AbortController();
	let timer: NodeJS.Timeout | undefined;
	const timedOut = new Promise<never>((_resolve, reject) => {
		timer = setTimeout(() => {
			const error = new CallTimedOut(ms);
			reject(error); // first, so that the wait ends with CallTimedOut, not with the abort's own error
			controller.abort(error);
		}, ms);
	});
	try {
		const running = typeof work === 'function' ? work(controller.signal) : work;
		running.catch(() => {}); // it may fail after we stopped waiting for it
		return await Promise.race([running, timedOut]);
	} finally {
		clearTimeout(timer);
	}
}
