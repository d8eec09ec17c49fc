// The NTT Com API credential's Test button (nodes/nttAnpiApi/credentialTest.ts) through n8n-core's own
// CredentialTestContext, against the NTT simulator (a real HTTP server): a good secret, a refused one, a host that
// does not answer, and a Sandbox credential, which must not use the network at all.
import { CredentialTestContext } from 'n8n-core';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { testNttCredential } from '../nodes/nttAnpiApi';
import type { AnpiSimulator } from '../simulators/anpi/server';
import { startAnpiSimulator } from '../simulators/anpi/server';
import { nttCredential } from './support/anpi';

let sim: AnpiSimulator;
beforeAll(async () => {
	sim = await startAnpiSimulator({ users: 5 });
});
afterAll(async () => {
	await sim.close();
});

const test = async (data: ICredentialDataDecryptedObject) =>
	await testNttCredential.call(new CredentialTestContext(), { id: '1', name: 'NTT', type: 'nttComApi', data });

describe('NTT Com API credential test', () => {
	it('a good client: a token, then one list call with it', async () => {
		const before = sim.requests.length;
		const result = await test(nttCredential(sim.url));
		expect(result).toEqual({ status: 'OK', message: expect.stringMatching(/^Connection successful: token issued/) });
		expect(sim.tokenCalls).toBeGreaterThan(0);
		expect(sim.requests.slice(before).map((r) => [r.method, r.path, r.authorization])).toEqual([['GET', '/v1/anpi/confirm/safety/', 'valid']]);
	});

	it('a refused secret says so, without the secret', async () => {
		const result = await test(nttCredential(sim.url, { clientSecret: 'deliberately-wrong-secret' }));
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/refused the Client ID \/ Client Secret \(Invalid client identifier\)/);
		expect(result.message).not.toContain('deliberately-wrong-secret');
	});

	it('a host that does not answer names the host', async () => {
		const result = await test(nttCredential('http://127.0.0.1:9'));
		expect(result).toEqual({ status: 'Error', message: expect.stringMatching(/^Could not reach the NTT Com API gateway at http:\/\/127\.0\.0\.1:9/) });
	});

	it('a Sandbox credential: "Sandbox: no network", and no request', async () => {
		const before = sim.requests.length;
		const tokens = sim.tokenCalls;
		const result = await test({ environment: 'sandbox', host: 'custom', customUrl: sim.url });
		expect(result).toEqual({ status: 'OK', message: expect.stringMatching(/^Sandbox: no network\./) });
		expect(sim.requests.length).toBe(before);
		expect(sim.tokenCalls).toBe(tokens);
	});
});
