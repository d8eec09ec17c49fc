// n8n's logging as tests see it.
import { PollContext } from 'n8n-core';
import type { Logger } from 'n8n-workflow';

/** n8n-core's Logger instance, the one every node context hands out. */
export function coreLogger(): Logger {
	for (let proto: object | null = PollContext.prototype; proto; proto = Object.getPrototypeOf(proto) as object | null) {
		const getter = Object.getOwnPropertyDescriptor(proto, 'logger')?.get;
		if (getter) return getter.call({}) as Logger;
	}
	throw new Error('no logger on PollContext');
}
