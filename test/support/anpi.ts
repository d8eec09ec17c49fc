// The NTT Anpi gateway simulator as tests reach it: its client's credential, a token, a call made as another
// system would make it. No jest and no n8n runtime here: the bench imports this file, so the build emits it
// as dist/test/support/anpi.js, which e2e/lib.mjs requires.
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

/** The client the simulator knows. */
export const SIM_CLIENT = { clientId: 'sim-client', clientSecret: 'sim-secret-not-real' };

/** The NTT Com API credential's fields for the simulator (or a proxy in front of it) at `url`, with no token yet. */
export function nttCredential(url: string, overrides: ICredentialDataDecryptedObject = {}): ICredentialDataDecryptedObject {
	return { ...SIM_CLIENT, host: 'custom', customUrl: url, accessToken: '', validUntil: 0, ...overrides };
}

/** A fresh access token from the simulator at `url`. */
export async function anpiAccessToken(url: string): Promise<string> {
	const answer = await fetch(`${url}/v1/oauth/accesstokens`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ grantType: 'client_credentials', ...SIM_CLIENT }),
	});
	return ((await answer.json()) as { accessToken: string }).accessToken;
}

/** One call to the simulator's API at `url` with a fresh token; the answer's JSON. */
export async function anpiGateway(url: string, method: string, route: string, body: unknown): Promise<IDataObject> {
	const token = await anpiAccessToken(url);
	const answer = await fetch(`${url}${route}`, {
		method,
		headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
		body: JSON.stringify(body),
	});
	return (await answer.json()) as IDataObject;
}
