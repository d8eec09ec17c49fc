// How long NTT Anpi calls may wait: a timeout per call (the token wait included) and a deadline for the
// whole run of a node or poll, so that a gateway that accepts requests and never answers on the day of a
// disaster makes the workflow fail in bounded time instead of hanging for n8n's 300 s per call.

import type { IDataObject, INode, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

export const DEFAULT_TIMEOUT_SECONDS = 30;

/** The Timeout (Seconds) option of the node and the trigger; each says in its own words what a timeout does there. */
export function timeoutOption(description: string): INodeProperties {
	return {
		displayName: 'Timeout (Seconds)',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 300 },
		default: DEFAULT_TIMEOUT_SECONDS,
		description,
	};
}
export const DEFAULT_DEADLINE_MINUTES = 5;

export interface CallLimits {
	/** Longest one call may take, the token call that may precede it included. */
	timeoutMs: number;
	/** Epoch millis after which no call starts and no wait goes on. */
	deadlineAt: number;
	/** How the deadline is named in errors, e.g. "Execution Deadline (5 min)". */
	deadlineLabel: string;
}

// A node run is one execute() call with one context object; every item of it shares one deadline.
const runStarts = new WeakMap<object, number>();

/** When this run of the node started (the first time it is asked). */
export function runStartedAt(context: object): number {
	let started = runStarts.get(context);
	if (started === undefined) {
		started = Date.now();
		runStarts.set(context, started);
	}
	return started;
}

export function remainingMs(limits: CallLimits): number {
	return limits.deadlineAt - Date.now();
}

export function formatMinutes(ms: number): string {
	const minutes = ms / 60_000;
	return minutes >= 1 && Number.isInteger(minutes) ? `${minutes} min` : `${Math.round(ms / 1000)} s`;
}

/** The Timeout (Seconds) option in milliseconds, checked (the node's and the trigger's Options). */
export function readTimeoutMs(node: INode, options: IDataObject, itemIndex?: number): number {
	const timeout = Number(options.timeout ?? DEFAULT_TIMEOUT_SECONDS);
	if (!Number.isFinite(timeout) || timeout <= 0) {
		throw new NodeOperationError(node, `"Timeout (Seconds)" must be a positive number, got ${String(options.timeout)}`, {
			...(itemIndex === undefined ? {} : { itemIndex }),
			description: `Set it to the seconds one call may wait, e.g. ${DEFAULT_TIMEOUT_SECONDS}.`,
		});
	}
	return timeout * 1000;
}
