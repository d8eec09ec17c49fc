// The per-item loop both nodes' routers use: pairedItem on every output item, continueOnFail giving one
// error item per failing input item, and every other failure surfaced as an n8n error with its item index.
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

export type ItemOperation = (this: IExecuteFunctions, itemIndex: number) => Promise<INodeExecutionData[]>;

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
			if (error instanceof NodeApiError || error instanceof NodeOperationError) {
				const nodeError: NodeApiError | NodeOperationError = error; // already an n8n error: keep its code and text
				nodeError.context.itemIndex = itemIndex;
				throw nodeError;
			}
			throw new NodeOperationError(this.getNode(), error as Error, { itemIndex });
		}
	}
	return output;
}

/** The JSON of a continueOnFail error item: message, fix and the API's code where there is one. */
export function errorItem(error: unknown): IDataObject {
	const e = error as { message?: string; description?: string | null; httpCode?: string | null; context?: IDataObject };
	const json: IDataObject = { error: e.message ?? String(error) };
	if (e.description) json.description = e.description;
	if (e.context?.apiCode !== undefined) json.code = e.context.apiCode;
	if (e.httpCode) json.httpCode = e.httpCode;
	return json;
}

/** Removes every given secret from a text (error excerpts, server messages) before anyone sees it. */
export function redact(text: string, secrets: Array<string | undefined>): string {
	let result = text;
	for (const secret of secrets) {
		if (secret && secret.length >= 3) result = result.split(secret).join('[redacted]');
	}
	return result;
}

/** A short, single-line excerpt of a server's answer for error messages (HTML tags stripped). */
export function excerpt(text: string, max = 200): string {
	const plain = text
		.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/gi, ' ')
		.replace(/<[^>]+>/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
	return plain.length > max ? `${plain.slice(0, max)}…` : plain;
}
