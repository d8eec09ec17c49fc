// The per-item loop both nodes' routers use: pairedItem on every output item, continueOnFail giving one
// error item per failing input item, and every other failure surfaced as an n8n error with its item index.
import type { IExecuteFunctions, INodeExecutionData, IPollFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { errorItem, itemError } from './itemErrors';
import { markSandboxRun, usesSandbox } from './sandbox/environment';
import type { PreparedWrite, WriteOperation } from './writeOnce';
import { executeWrites } from './writeOnce';

export { errorItem, itemError } from './itemErrors';
export { excerpt, redact } from './redaction';

export type ItemOperation = (this: IExecuteFunctions, itemIndex: number) => Promise<INodeExecutionData[]>;

/** An operation module: item by item (reads), or a write run as a whole batch (nodes/shared/writeOnce). */
export type OperationModule = { execute: ItemOperation } | { write: WriteOperation<PreparedWrite> };

export async function executePerItem(this: IExecuteFunctions, operation: ItemOperation): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			for (const result of await operation.call(this, itemIndex)) {
				result.pairedItem ??= { item: itemIndex }; // set in place: lists can hold 200,000 items
				output.push(result);
			}
		} catch (error) {
			if (this.continueOnFail()) {
				output.push({ json: errorItem(error), pairedItem: { item: itemIndex } });
				continue;
			}
			throw itemError(this, error, itemIndex);
		}
	}
	return output;
}



/**
 * A NodeApiError with our wording. NodeApiError rewrites messages that mention common network codes into
 * generic English ones, which would lose e.g. "the plan may have been registered", so it is set afterwards.
 * `apiCode` is the API's own error code, shown in continueOnFail items.
 */
export function apiError(
	ctx: IExecuteFunctions | IPollFunctions,
	details: { message: string; description: string; itemIndex: number; httpCode?: string; apiCode?: string },
): NodeApiError {
	const error = new NodeApiError(ctx.getNode(), { message: details.message } as JsonObject, {
		itemIndex: details.itemIndex,
		httpCode: details.httpCode,
		message: details.message,
		description: details.description,
	});
	error.message = details.message;
	error.description = details.description;
	if (details.apiCode !== undefined) error.context.apiCode = details.apiCode;
	return error;
}

/** The routers of both nodes: find the operation of the chosen resource and run it item by item. */
export async function routeToOperation(
	this: IExecuteFunctions,
	operations: Record<string, Record<string, OperationModule>>,
	sandbox?: { credentialType: string; service: string },
): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const handler = operations[resource]?.[operation];
	if (!handler) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
	}
	const items = 'write' in handler ? await executeWrites.call(this, handler.write) : await executePerItem.call(this, handler.execute);
	if (sandbox && (await usesSandbox(this, sandbox.credentialType))) markSandboxRun(this, items, sandbox.service);
	return [items];
}
