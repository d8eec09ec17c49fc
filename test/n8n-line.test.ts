// nodes/shared/n8nLine.ts: which request helper carries TLS options on which n8n, and what a user sees on an
// n8n that cannot send OCCTO's client certificate. The OCCTO node runs through n8n-core's real
// WorkflowExecute against the simulator; the n8n version is given through N8N_VERSION (read when no n8n
// package is found, as in jest), and a capability is withheld by taking the helper out of the node's context.
import type { IExecuteFunctions, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { OcctoWebApi } from '../credentials/OcctoWebApi.credentials';
import { OcctoOutagePlan } from '../nodes/OcctoOutagePlan/OcctoOutagePlan.node';
import { answerInError, atLeast, causeOf, n8nVersion, tlsRoute, withCause } from '../nodes/shared/n8nLine';
import type { OcctoSimulator } from '../simulators/occto/server';
import { startOcctoSimulator } from '../simulators/occto/server';
import { CredentialStore, chain, errorOf, itemsOf, runWorkflow } from './harness';
import { simulatorCredential } from './occto-fixtures';
import { OCCTO_TYPE, occtoNode, planList, setCallsUsed } from './occtoRunner';
import { onN8n, savedVersion } from './support/n8nVersion';

const USER = 'U0000001';
let sim: OcctoSimulator;

/** The OCCTO node on an n8n whose helpers lack `requestWithAuthentication` (the legacy helper). */
class OcctoWithoutLegacyHelper extends OcctoOutagePlan {
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const helpers = { ...this.helpers, requestWithAuthentication: undefined };
		const withheld = Object.create(this, { helpers: { value: helpers } }) as IExecuteFunctions;
		return await OcctoOutagePlan.prototype.execute.call(withheld);
	}
}

async function listPlans(nodeType: OcctoOutagePlan) {
	const { nodes, connections } = chain([occtoNode('List', planList)]);
	const credentials = new CredentialStore({ occtoWebApi: new OcctoWebApi() }, { occtoWebApi: simulatorCredential(sim) });
	return await runWorkflow({ nodes, connections, nodeTypes: { [OCCTO_TYPE]: nodeType }, credentials });
}

beforeAll(async () => {
	sim = await startOcctoSimulator({ seedPlans: 3 });
});
afterAll(async () => {
	onN8n(savedVersion);
	await sim.close();
});
beforeEach(async () => {
	sim.setCallCount(USER, 0);
	await setCallsUsed(USER, 0);
});

describe('n8n version', () => {
	it('compares versions as numbers', () => {
		expect(atLeast('2.41.1', '2.20.0')).toBe(true);
		expect(atLeast('2.20.0', '2.20.0')).toBe(true);
		expect(atLeast('2.9.9', '2.20.0')).toBe(false);
		expect(atLeast('1.123.81', '2.20.0')).toBe(false);
		expect(atLeast(undefined, '2.20.0')).toBe(false);
	});

	it('reads N8N_VERSION outside an n8n process, else the n8n-core beside it', () => {
		onN8n('1.123.81');
		expect(n8nVersion()).toEqual({ version: '1.123.81', source: 'N8N_VERSION' });
		onN8n(undefined);
		// jest.line1.config.js maps n8n-core to the 1.x package (1.122.x for n8n 1.123)
		const coreMajor = process.env.N8N_TEST_LINE === '1' ? /^1\./ : /^2\./;
		expect(n8nVersion()).toEqual({ version: expect.stringMatching(coreMajor), source: 'n8n-core' });
	});
});

describe('which helper carries the client certificate', () => {
	const context = (helpers: object) => ({ helpers, getNode: () => occtoNode('List', planList) });

	it('n8n 2.20 and newer: httpRequest (it keeps agentOptions)', () => {
		onN8n('2.41.1');
		expect(tlsRoute(context({}), 'x')).toBe('httpRequest');
	});

	it('older n8n: the legacy requestWithAuthentication, when the helpers have it', () => {
		onN8n('1.123.81');
		expect(tlsRoute(context({ requestWithAuthentication: () => undefined }), 'x')).toBe('legacyRequest');
	});

	it('on the legacy helper the node works end to end (lists the plans over mutual TLS)', async () => {
		onN8n('1.123.81');
		const run = await listPlans(new OcctoOutagePlan());
		expect(errorOf(run, 'List')).toBeUndefined();
		expect(itemsOf(run, 'List')).toHaveLength(3);
		expect(sim.getCallCount(USER)).toBe(1);
	});
});

describe('an n8n that cannot send the client certificate', () => {
	it.each([
		['1.123.81', 'n8n 1.123.81'],
		['2.10.0', 'n8n 2.10.0'],
	])('n8n %s without the legacy helper: the first call fails naming the versions, before any call or count', async (version, found) => {
		onN8n(version);
		const requestsBefore = sim.requests.length;
		const run = await listPlans(new OcctoWithoutLegacyHelper());
		const error = errorOf(run, 'List');
		expect(error?.message).toBe(`${found} cannot send OCCTO's TLS client certificate: n8n 2.20.0 or newer is needed`);
		expect(error?.description).toContain('Update n8n to 2.20.0 or newer');
		expect(error?.description).toContain('N8N_VERSION');
		expect(`${error?.message} ${error?.description}`).not.toMatch(/verify|handshake|certificate\(s\)|token/i);
		expect(sim.requests).toHaveLength(requestsBefore); // nothing reached OCCTO
		expect(sim.getCallCount(USER)).toBe(0); // and nothing was counted against the quota
	});
});

describe('reading the answer out of what a helper throws', () => {
	const response = { status: 503, headers: { 'retry-after': '2' }, data: { fault: { faultstring: 'busy' } } };

	it('finds status, headers and body in the HTTP client error, bare or wrapped by n8n as cause', () => {
		const expected = { statusCode: 503, headers: { 'retry-after': '2' }, body: { fault: { faultstring: 'busy' } } };
		expect(answerInError(Object.assign(new Error('503'), { response }))).toEqual(expected);
		expect(answerInError(Object.assign(new Error('wrapped'), { cause: Object.assign(new Error('503'), { response }) }))).toEqual(expected);
	});

	it('finds nothing in errors without an answer (timeouts, refused connections)', () => {
		expect(answerInError(Object.assign(new Error('timeout'), { code: 'ECONNABORTED' }))).toBeUndefined();
		expect(answerInError(undefined)).toBeUndefined();
	});

	it("reads a socket or TLS code and the original message alike from n8n's NodeApiError on every line", () => {
		// n8n-workflow before 2.34 (n8n 1.x included) drops the wrapped error; its code stays in httpCode and its message in messages
		const node = occtoNode('List', planList);
		for (const [code, message] of [
			['ECONNRESET', 'socket hang up'],
			['CERT_HAS_EXPIRED', 'certificate has expired'],
		]) {
			const thrown = new NodeApiError(node, Object.assign(new Error(message), { code, isAxiosError: true }) as unknown as JsonObject);
			expect(causeOf(thrown)).toEqual({ message, code });
			expect(withCause(thrown).cause).toMatchObject({ message, code });
		}
		const status = new NodeApiError(node, Object.assign(new Error('Request failed with status code 503'), { response: { status: 503 } }) as unknown as JsonObject);
		expect(causeOf(status)?.code).toBeUndefined(); // an HTTP status is not a socket code
		expect(causeOf(new Error('plain'))).toBeUndefined();
	});
});
