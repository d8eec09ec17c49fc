// A wait with an end: the request helpers' own timeouts only cover silence between bytes, so a server that
// drips an answer (or a token call before the request) could hold a call far longer than the user allowed.

/** Our own timer ran out. */
export class CallTimedOut extends Error {
	constructor(readonly ms: number) {
		super(`no answer within ${Math.round(ms / 1000)} s`);
		this.name = 'CallTimedOut';
	}
}

/** Resolves with `work`, or rejects with CallTimedOut after `ms`; `work` is left to end on its own. */
export async function withinMs<T>(work: Promise<T>, ms: number): Promise<T> {
	work.catch(() => {}); // it may fail after we stopped waiting for it
	let timer: NodeJS.Timeout | undefined;
	const timedOut = new Promise<never>((_resolve, reject) => {
		timer = setTimeout(() => reject(new CallTimedOut(ms)), ms);
	});
	try {
		return await Promise.race([work, timedOut]);
	} finally {
		clearTimeout(timer);
	}
}
