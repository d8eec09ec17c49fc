// Runs nodes through n8n-core's real WorkflowExecute (parameter resolution, expressions, credentials,
// httpRequestWithAuthentication, pairedItem, continueOnFail), with a credentials helper that behaves
// like n8n's own: it calls the credential type's authenticate() and preAuthentication() and stores
// refreshed expirable fields, so token caching is exercised for real.
import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IConnections,
	IDataObject,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeType,
	INodeTypes,
	IRun,
	IRunExecutionData,
	IVersionedNodeType,
	IWorkflowExecuteAdditionalData,
	IHttpRequestHelper,
} from 'n8n-workflow';
import { NodeHelpers, Workflow } from 'n8n-workflow';

class TestStart implements INodeType {
	description = {
		displayName: 'Test Start',
		name: 'testStart',
		group: ['input'],
		version: 1,
		description: '',
		defaults: { name: 'Start' },
		inputs: [],
		outputs: ['main'],
		properties: [],
	} as unknown as INodeType['description'];
	async execute(this: { getInputData(): INodeExecutionData[] }): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

export class TestNodeTypes implements INodeTypes {
	private readonly types: Record<string, INodeType | IVersionedNodeType> = {};
	constructor(nodes: Record<string, INodeType | IVersionedNodeType>) {
		this.types['test.start'] = new TestStart();
		Object.assign(this.types, nodes);
	}
	getByName(name: string) {
		const type = this.types[name];
		if (!type) throw new Error(`Unknown node type ${name}`);
		return type;
	}
	getByNameAndVersion(name: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(name), version);
	}
	getKnownTypes(): IDataObject {
		return {};
	}
}

/** Credentials kept between runs, keyed by credential type, as n8n's database would keep them. */
export class CredentialStore {
	constructor(
		readonly types: Record<string, ICredentialType>,
		readonly data: Record<string, ICredentialDataDecryptedObject> = {},
	) {}
	/** How often each type's preAuthentication ran (token fetches). */
	readonly preAuthCalls: Record<string, number> = {};
}

export interface RunOptions {
	nodes: INode[];
	connections: IConnections;
	nodeTypes: Record<string, INodeType | IVersionedNodeType>;
	input?: INodeExecutionData[];
	credentials: CredentialStore;
	/** Static data of the workflow, kept between runs when the same object is passed. */
	staticData?: IDataObject;
	/** The execution's ID (a re-run of a workflow is a new execution); default test-exec-1. */
	executionId?: string;
}

function resolveCredentialExpression(value: unknown, credentials: ICredentialDataDecryptedObject): unknown {
	if (typeof value !== 'string' || !value.startsWith('=')) return value;
	return value
		.slice(1)
		.replace(/\{\{\s*\$credentials\.([A-Za-z0-9_]+)\s*\}\}/g, (_m, key: string) => String(credentials[key] ?? ''));
}

function credentialsHelperFor(store: CredentialStore) {
	return {
		getParentTypes: (type: string) => store.types[type]?.extends ?? [],
		isCredentialUsableByNode: () => true,
		authenticate: async (credentials: ICredentialDataDecryptedObject, type: string, request: IHttpRequestOptions) => {
			const authenticate = store.types[type]?.authenticate;
			if (typeof authenticate === 'function') return await authenticate(credentials, request);
			if (authenticate && authenticate.type === 'generic') {
				const target = request as unknown as Record<string, Record<string, unknown>>;
				for (const [outer, entries] of Object.entries(authenticate.properties)) {
					target[outer] = target[outer] ?? {};
					for (const [key, value] of Object.entries(entries as Record<string, unknown>)) {
						target[outer][key] = resolveCredentialExpression(value, credentials);
					}
				}
			}
			return request;
		},
		preAuthentication: async (
			helpers: IHttpRequestHelper,
			credentials: ICredentialDataDecryptedObject,
			type: string,
			_node: INode,
			expired: boolean,
		) => {
			const credentialType = store.types[type];
			const expirable = credentialType?.properties.find((p) => p.type === 'hidden' && p.typeOptions?.expirable === true);
			if (!expirable || typeof credentialType.preAuthentication !== 'function') return undefined;
			if (credentials[expirable.name] !== '' && credentials[expirable.name] !== undefined && !expired) return undefined;
			store.preAuthCalls[type] = (store.preAuthCalls[type] ?? 0) + 1;
			const output = await credentialType.preAuthentication.call(helpers, credentials);
			if (output[expirable.name] === undefined) return undefined;
			Object.assign(store.data[type], output); // persisted, as n8n writes it back to the database
			return Object.assign(credentials, output);
		},
		getCredentials: async () => {
			throw new Error('not implemented');
		},
		getDecrypted: async (_ad: unknown, _nc: unknown, type: string) => {
			if (!store.data[type]) throw new Error(`No test credentials for type ${type}`);
			return { ...store.data[type] };
		},
		updateCredentials: async () => {},
		updateCredentialsOauthTokenData: async () => {},
		getCredentialsProperties: (type: string) => store.types[type]?.properties ?? [],
	};
}

/** What n8n hands a node besides its parameters: credentials helper, URLs, hooks. */
export function additionalDataFor(credentials: CredentialStore, hooks?: ExecutionLifecycleHooks, executionId = 'test-exec-1'): IWorkflowExecuteAdditionalData {
	return {
		hooks,
		credentialsHelper: credentialsHelperFor(credentials),
		executionId,
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678/',
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		currentNodeParameters: undefined,
		variables: {},
		userId: 'test-user',
		setExecutionStatus: () => {},
		sendDataToUI: () => {},
		logAiEvent: () => {},
		executeWorkflow: async () => {
			throw new Error('not supported in tests');
		},
		getRunExecutionData: async () => undefined,
		startRunnerTask: async () => {
			throw new Error('no task runner in tests');
		},
	} as unknown as IWorkflowExecuteAdditionalData;
}

export async function runWorkflow(opts: RunOptions): Promise<IRun> {
	const workflow = new Workflow({
		id: 'test',
		name: 'test',
		nodes: opts.nodes,
		connections: opts.connections,
		active: false,
		nodeTypes: new TestNodeTypes(opts.nodeTypes),
		settings: { executionOrder: 'v1' },
		staticData: opts.staticData,
	});
	const executionId = opts.executionId ?? 'test-exec-1';
	const hooks = new ExecutionLifecycleHooks('manual', executionId, {
		id: 'test',
		name: 'test',
		nodes: opts.nodes,
		connections: opts.connections,
		active: false,
		settings: {},
		createdAt: new Date(),
		updatedAt: new Date(),
		activeVersionId: null,
		isArchived: false,
	} as never);
	let resolveRun!: (run: IRun) => void;
	const done = new Promise<IRun>((resolve) => (resolveRun = resolve));
	hooks.addHandler('workflowExecuteAfter', (run: IRun) => resolveRun(run));
	const additionalData = additionalDataFor(opts.credentials, hooks, executionId);
	const startNode = opts.nodes.find((n) => n.type === 'test.start') ?? workflow.getStartNode()!;
	const runExecutionData = {
		startData: {},
		resultData: { runData: {} },
		executionData: {
			contextData: {},
			metadata: {},
			waitingExecution: {},
			waitingExecutionSource: {},
			nodeExecutionStack: [{ node: startNode, data: { main: [opts.input ?? [{ json: {} }]] }, source: null }],
		},
	} as unknown as IRunExecutionData;
	await new WorkflowExecute(additionalData, 'manual', runExecutionData).processRunExecutionData(workflow);
	return await done;
}

/** A node's first-output items (json + pairedItem + binary); throws the node's error if it failed. */
export function itemsOf(run: IRun, nodeName: string): INodeExecutionData[] {
	const result = run.data.resultData.runData[nodeName]?.[0];
	if (!result) throw new Error(`Node ${nodeName} did not run; error: ${run.data.resultData.error?.message}`);
	if (result.error) throw result.error;
	return result.data?.main?.[0] ?? [];
}

export function outputOf(run: IRun, nodeName: string): IDataObject[] {
	return itemsOf(run, nodeName).map((item) => item.json);
}

/** The error a node ended with (undefined when it succeeded). */
export function errorOf(run: IRun, nodeName: string) {
	return run.data.resultData.runData[nodeName]?.[0]?.error;
}

/** Hints (notices) a node attached to its output. */
export function hintsOf(run: IRun, nodeName: string) {
	return run.data.resultData.runData[nodeName]?.[0]?.hints ?? [];
}

/** A linear chain Start → a → b → …, for the common test shape. */
export function chain(nodes: INode[]): { nodes: INode[]; connections: IConnections } {
	const all: INode[] = [{ id: 'start', name: 'Start', type: 'test.start', typeVersion: 1, position: [0, 0], parameters: {} }, ...nodes];
	const connections: IConnections = {};
	for (let i = 0; i < all.length - 1; i++) {
		connections[all[i].name] = { main: [[{ node: all[i + 1].name, type: 'main' as never, index: 0 }]] };
	}
	return { nodes: all, connections };
}

/** Every secret must be absent from this text (serialised outputs, errors, logs). */
export function expectNoSecrets(text: string, secrets: string[]): void {
	for (const secret of secrets.filter((s) => s && s.length >= 4)) {
		if (text.includes(secret)) throw new Error(`A secret leaked into output: ${secret.slice(0, 3)}…`);
	}
}
