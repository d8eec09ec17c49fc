// Marks in the shared store (the same one as the call ledger) that tell adaptive triggers something may
// have changed at OCCTO: a plan was registered through this package (in any workflow, on any worker), or a
// submission was accepted and so the plan list changed. Per OCCTO user ID; kept two days.
import { clock } from '../shared/clock';
import type { SharedState } from './callLedger';

export type ActivityMarker = 'registered' | 'plansChanged';

const KEEP_MS = 2 * 24 * 60 * 60 * 1000;
const keyOf = (marker: ActivityMarker, userId: string) => `occto:${marker}:${userId}`;

export async function setMarker(state: SharedState, marker: ActivityMarker, userId: string, at = clock.now()): Promise<void> {
	await state.set(keyOf(marker, userId), String(at), KEEP_MS);
}

/** When the marker was last set (ms), or 0. */
export async function readMarker(state: SharedState, marker: ActivityMarker, userId: string): Promise<number> {
	return Number(await state.get(keyOf(marker, userId))) || 0;
}
