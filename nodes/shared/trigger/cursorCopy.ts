// A poll works on a copy of its cursor (the node's workflow static data) and commits it only once it has
// succeeded: a poll that fails half-way is repeated from the same place, so no event is lost or repeated.
// A test run from the editor commits nothing: it must not move the cursor of the active workflow.
import type { IPollFunctions } from 'n8n-workflow';

import { isTestRun } from './testRun';

/**
 * Runs `poll` on a copy of the cursor and commits the copy when `poll` succeeds. When it fails, only the
 * fields in `keptOnFailure` are committed (e.g. a call count: the API counted the failed call too).
 */
export async function onCursorCopy<C extends object, R>(
	ctx: IPollFunctions,
	poll: (next: C, stored: Readonly<C>) => Promise<R>,
	keptOnFailure: ReadonlyArray<keyof C> = [],
): Promise<R> {
	const stored = ctx.getWorkflowStaticData('node') as C;
	const next: C = { ...stored };
	const commits = !isTestRun(ctx);
	let succeeded = false;
	try {
		const result = await poll(next, stored);
		succeeded = true;
		return result;
	} finally {
		if (commits) commit(stored, next, succeeded ? (Object.keys({ ...stored, ...next }) as Array<keyof C>) : keptOnFailure);
	}
}

/** Copies `fields` from `source` into `target` (static data is kept by reference); undefined deletes. */
function commit<C extends object>(target: C, source: C, fields: ReadonlyArray<keyof C>): void {
	for (const field of fields) {
		if (source[field] === undefined) delete target[field];
		else target[field] = source[field];
	}
}
