// The credential's Test button: a Sandbox credential says so without any network; a production one gets a
// token with the client credentials and lists one safety confirmation with it, so a refused secret, a wrong
// host and a gateway that refuses the token each get their own message.
import type { ICredentialTestFunctions, ICredentialsDecrypted, IDataObject, INodeCredentialTestResult } from 'n8n-workflow';

import { redact } from '../shared/execution';
import { isSandbox } from '../shared/sandbox/environment';
import { ANPI_PATHS, GRANT_PATH, TOKEN_TIMEOUT_MS } from './mapping';
import { anpiBaseUrlOf } from './transport/connection';

const error = (message: string): INodeCredentialTestResult => ({ status: 'Error', message });

interface Answer {
	statusCode: number;
	body?: IDataObject & { fault?: { faultstring?: string }; errorMessage?: string; errorCode?: string };
}

export async function testNttCredential(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	if (isSandbox(data)) {
		return {
			status: 'OK',
			message: 'Sandbox: no network. Calls are answered inside n8n by the built-in Biz安否確認 sandbox, token included; switch Environment to Production once your API contract starts.',
		};
	}
	const clientId = String(data.clientId ?? '').trim();
	if (!clientId) return error('The credential has no Client ID. Fill in "Client ID" and "Client Secret".');
	const baseUrl = anpiBaseUrlOf(data);
	if (!/^https?:\/\/[^/]/.test(baseUrl)) return error(`The API host "${baseUrl}" is not a URL. Choose an API Host, or fill in "Custom URL" (e.g. https://api.example.com).`);
	const secrets = [String(data.clientSecret ?? '')];
	const send = async (request: IDataObject): Promise<Answer> =>
		// eslint-disable-next-line @n8n/community-nodes/no-deprecated-workflow-functions -- a credential test has only the legacy request helper
		(await this.helpers.request({ ...request, json: true, resolveWithFullResponse: true, simple: false, timeout: TOKEN_TIMEOUT_MS })) as Answer;

	let token: Answer;
	try {
		token = await send({
			method: 'POST',
			uri: `${baseUrl}${GRANT_PATH}`,
			body: { grantType: 'client_credentials', clientId, clientSecret: String(data.clientSecret ?? '') },
		});
	} catch (failure) {
		return error(`Could not reach the NTT Com API gateway at ${baseUrl}: ${redact((failure as Error).message, secrets)}. Check the API Host, and the proxy settings of n8n.`);
	}
	const accessToken = typeof token.body?.accessToken === 'string' ? token.body.accessToken : undefined;
	if (token.statusCode === 400 || token.statusCode === 401) {
		return error(`The gateway refused the Client ID / Client Secret (${token.body?.fault?.faultstring ?? `HTTP ${token.statusCode}`}). Check them in the developer portal.`);
	}
	if (token.statusCode !== 200 || !accessToken) {
		return error(`The gateway answered the token request with HTTP ${token.statusCode} and no access token. Check the API Host.`);
	}

	let list: Answer;
	try {
		list = await send({ method: 'GET', uri: `${baseUrl}${ANPI_PATHS.list}`, qs: { offset: 0, limit: 1 }, headers: { Authorization: `Bearer ${accessToken}` } });
	} catch (failure) {
		return error(`A token was issued, but listing safety confirmations failed: ${redact((failure as Error).message, secrets)}.`);
	}
	if (list.statusCode !== 200) {
		const reason = list.body?.errorMessage ?? list.body?.fault?.faultstring ?? 'no message';
		return error(`A token was issued, but the Biz安否確認 API answered HTTP ${list.statusCode} (${reason}). Check that this application may use the API in the developer portal.`);
	}
	return { status: 'OK', message: `Connection successful: token issued, and the Biz安否確認 API answered (${String(list.body?.searchTotal ?? 0)} safety confirmation(s)).` };
}
