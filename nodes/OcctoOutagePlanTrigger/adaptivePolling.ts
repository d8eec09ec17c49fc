// Adaptive polling: a scheduled poll calls OCCTO only when something can have changed — a submission is
// still being processed (受付中 in the last answer), this package registered a plan or saw one accepted
// since the trigger's last call (markers in the shared store), or the Quiet Interval has passed (to catch
// what happened outside n8n). Outside Active Hours only pending submissions are followed. The trigger never
// spends more than its Daily Call Budget in one Japan-time day: every call counts, the list call and the
// detail calls (error details, plans) alike; detail calls that would pass it wait for a later poll.
import { jstDate } from '../shared/japanTime';

export interface ActiveHours {
	/** Minutes after 00:00 Japan time. */
	from: number;
	to: number;
}

/** What the trigger keeps between polls (workflow static data), next to its cursor. */
export interface AdaptiveState {
	lastCallAt?: number;
	calls?: { day: string; count: number };
}

export interface CallDecision {
	call: boolean;
	reason: string;
}

export class ActiveHoursError extends Error {}

const JST_OFFSET_MS = 9 * 60 * 60 * 1000;
const minutesOfJstDay = (now: number) => Math.floor(((now + JST_OFFSET_MS) % 86_400_000) / 60_000);

/** "08:00-20:00" (Japan time); empty means around the clock. A range may run past midnight (22:00-06:00). */
export function parseActiveHours(text: unknown): ActiveHours | undefined {
	const value = String(text ?? '').trim();
	if (!value) return undefined;
	const match = /^(\d{1,2}):(\d{2})\s*[-–~〜]\s*(\d{1,2}):(\d{2})$/.exec(value);
	const minutes = (h: string, m: string) => Number(h) * 60 + Number(m);
	if (!match || Number(match[1]) > 24 || Number(match[3]) > 24 || Number(match[2]) > 59 || Number(match[4]) > 59) {
		throw new ActiveHoursError(`"Active Hours" must look like 08:00-20:00 (Japan time), got "${value}"`);
	}
	const range = { from: minutes(match[1], match[2]), to: minutes(match[3], match[4]) };
	if (range.from === range.to) throw new ActiveHoursError(`"Active Hours" ${value} is an empty range; leave it empty for around the clock`);
	return range;
}

export function isActive(hours: ActiveHours | undefined, now: number): boolean {
	if (!hours) return true;
	const minute = minutesOfJstDay(now);
	return hours.from < hours.to ? minute >= hours.from && minute < hours.to : minute >= hours.from || minute < hours.to;
}

/** Minutes a day inside the active hours. */
export function activeMinutes(hours: ActiveHours | undefined): number {
	if (!hours) return 24 * 60;
	return hours.from < hours.to ? hours.to - hours.from : 24 * 60 - hours.from + hours.to;
}

export interface DecisionInput {
	now: number;
	state: AdaptiveState;
	/** A submission was still being processed in the last answer (status trigger), its acceptance is awaited, or detail calls were deferred. */
	pending: boolean;
	/** Newest marker that concerns this trigger (ms), 0 if none. */
	markedAt: number;
	quietMs: number;
	activeHours: ActiveHours | undefined;
	dailyBudget: number;
}

export function decideCall(input: DecisionInput): CallDecision {
	const { now, state, pending, markedAt, quietMs, activeHours, dailyBudget } = input;
	const spent = callsToday(state, now);
	if (spent >= dailyBudget) return { call: false, reason: `the Daily Call Budget of ${dailyBudget} is spent for today (Japan time)` };
	if (pending) return { call: true, reason: 'a submission is still being processed' };
	if (state.lastCallAt === undefined) return { call: true, reason: 'first poll' };
	if (markedAt > state.lastCallAt) return { call: true, reason: 'a plan was registered or accepted since the last call' };
	if (!isActive(activeHours, now)) return { call: false, reason: 'outside Active Hours and nothing pending' };
	if (now - state.lastCallAt >= quietMs) return { call: true, reason: 'the Quiet Interval has passed' };
	return { call: false, reason: 'nothing pending and the Quiet Interval has not passed' };
}

/** Calls the trigger made today (Japan time), list and detail calls together. */
export function callsToday(state: AdaptiveState, now: number): number {
	return state.calls?.day === jstDate(new Date(now)) ? state.calls.count : 0;
}

/** Counts a call against the Daily Call Budget (before making it, so a failed call counts too, as OCCTO counts it). */
export function countCall(state: AdaptiveState, now: number): void {
	const today = jstDate(new Date(now));
	state.calls = state.calls?.day === today ? { day: today, count: state.calls.count + 1 } : { day: today, count: 1 };
}

/** Records the list call of a poll: counted, and the time the Quiet Interval runs from. */
export function recordCall(state: AdaptiveState, now: number): void {
	countCall(state, now);
	state.lastCallAt = now;
}

/**
 * What the settings can spend a day: quiet calls alone (nothing submitted: one list call per Quiet Interval in
 * the active hours), and the worst case of list calls (a submission pending at every poll), never above the
 * budget — which detail calls count against too.
 */
export function estimateCalls(pollsPerDay: number, quietMinutes: number, hours: ActiveHours | undefined, dailyBudget: number) {
	const quiet = Math.min(Math.ceil(activeMinutes(hours) / quietMinutes), pollsPerDay);
	return { quiet, worstCase: Math.min(pollsPerDay, dailyBudget) };
}
