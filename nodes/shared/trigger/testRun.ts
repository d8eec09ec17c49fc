// A test run from the editor (manual mode) shows what an event looks like: a few rows, and the cursor of the
// active workflow stays where it is.
import type { IPollFunctions } from 'n8n-workflow';

export function isTestRun(ctx: IPollFunctions): boolean {
	return ctx.getMode() === 'manual';
}

/** The rows a test run shows: the first or the last `count` (whichever end holds the newest). */
export function testRunSample<T>(rows: T[], count: number, end: 'first' | 'last'): T[] {
	return end === 'first' ? rows.slice(0, count) : rows.slice(-count);
}
