// Keeps two polls of the same trigger from running at once. n8n 1.x (and 2.x's legacy scheduler) start a
// poll on every tick even while the previous one is still waiting on a slow API; both would read the same
// cursor and emit the same events twice. The second poll therefore makes no call, emits nothing and says
// so in the log; the next tick after the slow poll ends picks up from the cursor it left.
//
// The lock lives behind PollLockStore so that queue mode can back it with a store shared by all processes
// (setPollLockStore); the default keeps it in this process's memory.
import { randomUUID } from 'node:crypto';

import type { IPollFunctions } from 'n8n-workflow';

export interface PollLockStore {
	/**
	 * Takes the lock on `key` unless a holder whose lease has not run out has it. Returns the holder's token
	 * (to release with) or, when the lock is taken, undefined and when the current holder started.
	 */
	tryAcquire(key: string, leaseMs: number): Promise<{ token: string } | { heldSince: number }>;
	/** Gives the lock back, only if `token` still holds it (a lease that ran out may have a new holder). */
	release(key: string, token: string): Promise<void>;
}

/** The lock in this process's memory: enough for one n8n process (regular mode, or the main of queue mode). */
export class MemoryPollLockStore implements PollLockStore {
	private readonly held = new Map<string, { token: string; since: number; until: number }>();

	async tryAcquire(key: string, leaseMs: number): Promise<{ token: string } | { heldSince: number }> {
		const now = Date.now();
		const current = this.held.get(key);
		if (current && current.until > now) return { heldSince: current.since };
		const token = randomUUID();
		this.held.set(key, { token, since: now, until: now + leaseMs });
		return { token };
	}

	async release(key: string, token: string): Promise<void> {
		if (this.held.get(key)?.token === token) this.held.delete(key);
	}
}

let store: PollLockStore = new MemoryPollLockStore();

/** Replaces the lock store (a shared store for queue mode; tests). Returns the previous one. */
export function setPollLockStore(next: PollLockStore): PollLockStore {
	const previous = store;
	store = next;
	return previous;
}

/**
 * Runs `poll` unless the previous poll of this trigger (workflow ID + node ID) is still running; then logs
 * why and returns null (no call made, nothing emitted). `leaseMs` bounds how long a poll can hold the lock,
 * so a poll that never ends cannot block its trigger for ever: make it longer than a poll can take.
 * A test run from the editor is never guarded: it does not move the cursor.
 */
export async function withPollGuard<T>(
	ctx: IPollFunctions,
	triggerName: string,
	leaseMs: number,
	poll: () => Promise<T>,
): Promise<T | null> {
	if (ctx.getMode() === 'manual') return await poll();
	const workflowId = ctx.getWorkflow().id ?? 'unsaved';
	const nodeId = ctx.getNode().id;
	const key = `${workflowId}:${nodeId}`;
	const lock = await store.tryAcquire(key, leaseMs);
	if (!('token' in lock)) {
		const seconds = Math.round((Date.now() - lock.heldSince) / 1000);
		ctx.logger.warn(
			`${triggerName} "${ctx.getNode().name}": the previous poll is still running (started ${seconds} s ago), so this poll made no call and emitted nothing; the next poll after it ends continues from its cursor`,
			{ workflowId, nodeId },
		);
		return null;
	}
	try {
		return await poll();
	} finally {
		await store.release(key, lock.token);
	}
}
