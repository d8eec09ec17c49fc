// Both triggers run each poll behind the overlap guard, with the lock store chosen first: in queue mode the
// guard must hold across processes, so the shared store has to be in place before the first lock is taken.
import type { IPollFunctions } from 'n8n-workflow';

import { useSharedPollLocks } from './sharedPollLocks';
import { withPollGuard } from './pollGuard';

/** Runs `poll` unless this trigger's previous poll still runs (then null: no call made, nothing emitted). */
export async function guardedPoll<T>(ctx: IPollFunctions, triggerName: string, leaseMs: number, poll: () => Promise<T>): Promise<T | null> {
	await useSharedPollLocks();
	return await withPollGuard(ctx, triggerName, leaseMs, poll);
}
