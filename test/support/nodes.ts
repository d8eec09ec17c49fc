// Nodes of test workflows as n8n stores them: one builder instead of a literal in every file.
import type { IDataObject, INode } from 'n8n-workflow';

/** A node named `name` (its id too), version 1 at [0, 0]; `extra` sets anything else (id, typeVersion, onError …). */
export function nodeOf(type: string, name: string, parameters: IDataObject, credentials?: INode['credentials'], extra: Partial<INode> = {}): INode {
	return { id: name, name, type, typeVersion: 1, position: [0, 0], parameters: parameters as INode['parameters'], ...(credentials ? { credentials } : {}), ...extra };
}

/** A polling trigger node "Trigger" (id "t") of `type`. */
export function triggerNode(type: string, parameters: IDataObject, credentials: INode['credentials'], extra: Partial<INode> = {}): INode {
	return nodeOf(type, 'Trigger', parameters, credentials, { id: 't', ...extra });
}
