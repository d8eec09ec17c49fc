// A failing item as n8n shows it: an error carrying its item index, or (continueOnFail) an error item.
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

/** Any failure of an item as an n8n error carrying its item index (an n8n error keeps its code and text). */
export function itemError(ctx: IExecuteFunctions, error: unknown, itemIndex: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.context.itemIndex = itemIndex;
		return error;
	}
	return new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
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
