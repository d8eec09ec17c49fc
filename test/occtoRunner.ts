// Runs the OCCTO Outage Plan node through n8n-core's real WorkflowExecute against a simulator, for the
// test files that need it.
import type { ICredentialDataDecryptedObject, IDataObject, INode, INodeExecutionData } from 'n8n-workflow';

import { OcctoWebApi } from '../credentials/OcctoWebApi.credentials';
import { OcctoOutagePlan } from '../nodes/OcctoOutagePlan/OcctoOutagePlan.node';
import { openLedger } from '../nodes/occtoApi';
import type { OcctoSimulator } from '../simulators/occto/server';
import { CredentialStore, chain, errorOf, expectNoSecrets, runWorkflow } from './harness';
import { simulatorCredential } from './occto-fixtures';
import { nodeOf } from './support/nodes';

export const OCCTO_TYPE = 'n8n-nodes-occto-anpi.occtoOutagePlan';
export const planList = { resource: 'outagePlan', operation: 'getMany', returnAll: true };

/** Sets today's count in the ledger the node uses by default (the file store of this test file's user folder). */
export async function setCallsUsed(userId: string, used: number): Promise<void> {
	await (await openLedger({ mode: 'automatic' })).ledger.set(userId, used);
}

export function occtoNode(name: string, parameters: IDataObject, extra: Partial<INode> = {}): INode {
	return nodeOf(OCCTO_TYPE, name, parameters, { occtoWebApi: { id: 'cred-1', name: 'OCCTO' } }, extra);
}

/** A runner bound to a simulator that tests (re)start: `sim()` is read at each call. */
export function occtoRunner(sim: () => OcctoSimulator) {
	const credential = (overrides: ICredentialDataDecryptedObject = {}): ICredentialDataDecryptedObject => ({ ...simulatorCredential(sim()), ...overrides });
	const secrets = () => {
		const { certs } = sim();
		return ['sim-password-1', certs.p12Passphrase, certs.keyPassphrase, certs.clientP12Base64, certs.clientKeyPem];
	};
	const run = async (nodes: INode[], options: { credential?: ICredentialDataDecryptedObject; input?: INodeExecutionData[] } = {}) => {
		const { nodes: all, connections } = chain(nodes);
		const store = new CredentialStore({ occtoWebApi: new OcctoWebApi() }, { occtoWebApi: options.credential ?? credential() });
		return await runWorkflow({ nodes: all, connections, nodeTypes: { [OCCTO_TYPE]: new OcctoOutagePlan() }, credentials: store, input: options.input });
	};
	/** Runs one node expected to fail; returns its error, checked for secrets with everything serialised. */
	const failing = async (parameters: IDataObject, cred?: ICredentialDataDecryptedObject) => {
		const result = await run([occtoNode('OCCTO', parameters)], { credential: cred });
		const error = errorOf(result, 'OCCTO');
		if (!error) throw new Error('the node was expected to fail, and did not');
		expectNoSecrets(JSON.stringify({ error, message: error?.message, description: error?.description, data: result.data }), secrets());
		return error!;
	};
	return { credential, secrets, run, failing };
}
