// Drives a polling trigger's real poll() through n8n-core's PollContext, with workflow static data kept
// between polls as n8n keeps it for an active workflow.
import { PollContext } from 'n8n-core';
// what n8n's node loader adds to every polling node (the Poll Times parameter)
import { commonPollingParameters } from 'n8n-core/dist/nodes-loader/constants';
import type { IDataObject, INode, INodeExecutionData, INodeType, WorkflowExecuteMode } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import type { CredentialStore } from './harness';
import { TestNodeTypes, additionalDataFor } from './harness';

export class Poller {
	private readonly workflow: Workflow;
	readonly staticData: IDataObject = {};

	constructor(
		private readonly node: INode,
		nodeType: INodeType,
		private readonly credentials: CredentialStore,
	) {
		const loaded = Object.create(nodeType) as INodeType;
		loaded.description = { ...nodeType.description, properties: [...commonPollingParameters, ...nodeType.description.properties] };
		this.workflow = new Workflow({
			id: 'poll-test',
			name: 'poll test',
			nodes: [node],
			connections: {},
			active: true,
			nodeTypes: new TestNodeTypes({ [node.type]: loaded }),
			staticData: this.staticData,
			settings: { executionOrder: 'v1' },
		});
	}

	/** One poll, in 'trigger' mode (active workflow) or 'manual' mode (the editor's test button). */
	async poll(mode: WorkflowExecuteMode = 'trigger'): Promise<IDataObject[] | null> {
		const context = new PollContext(this.workflow, this.node, additionalDataFor(this.credentials), mode, 'activate');
		const nodeType = this.workflow.nodeTypes.getByNameAndVersion(this.node.type, this.node.typeVersion);
		const result = (await nodeType.poll!.call(context)) as INodeExecutionData[][] | null;
		return result ? result[0].map((item) => item.json) : null;
	}
}
