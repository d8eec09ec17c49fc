// The poll-overlap lock in a store every n8n process sees: in queue mode n8n's own Redis (the package's
// shared state, nodes/shared/state), so the guard holds across processes too (a restarted main, several mains).
// Outside queue mode there is one process and the in-memory lock of pollGuard.ts is enough.
import { randomUUID } from 'node:crypto';

import type { SharedState } from '../state';
import { openQueueState } from '../state';
import type { PollLockStore } from './pollGuard';
import { setPollLockStore } from './pollGuard';

export class SharedStatePollLockStore implements PollLockStore {
	constructor(private readonly state: SharedState) {}

	async tryAcquire(key: string, leaseMs: number): Promise<{ token: string } | { heldSince: number }> {
		const token = randomUUID();
		const since = Date.now();
		if (await this.state.setIfAbsent(`poll-lock:${key}`, `${token}|${since}`, leaseMs)) return { token };
		const held = await this.state.get(`poll-lock:${key}`);
		return { heldSince: Number(held?.split('|')[1]) || since };
	}

	async release(key: string, token: string): Promise<void> {
		// only our own lock: a lease that ran out may have a new holder
		if ((await this.state.get(`poll-lock:${key}`))?.startsWith(`${token}|`)) await this.state.delete(`poll-lock:${key}`);
	}
}

let chosen: Promise<void> | undefined;

/** Once per process: in queue mode, move the poll locks into n8n's Redis. Unreachable Redis keeps the memory locks. */
export async function useSharedPollLocks(env: NodeJS.ProcessEnv = process.env): Promise<void> {
	chosen ??= (async () => {
		try {
			const state = await openQueueState(env);
			if (state) setPollLockStore(new SharedStatePollLockStore(state));
		} catch {
			// the trigger's own calls will report an unreachable Redis; the in-process guard still holds for this process
		}
	})();
	await chosen;
}
