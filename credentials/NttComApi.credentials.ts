import type {
	IAuthenticate,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';
import { ApplicationError } from 'n8n-workflow';

import { environmentProperty, productionOnly, sandboxOnly, isSandbox } from '../nodes/shared/sandbox/environment';
import { DEFAULT_HOST, REGIONAL_HOSTS, GRANT_PATH, TOKEN_RENEW_MARGIN_MS, TOKEN_TIMEOUT_MS, sharedToken, tokenStateFor, anpiBaseUrlOf } from '../nodes/nttAnpiApi';
import type { TokenAnswer, CachedToken } from '../nodes/nttAnpiApi';

/** One token call to the gateway with the client credentials. */
async function fetchGatewayToken(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject): Promise<CachedToken> {
	let answer: TokenAnswer;
	try {
		answer = (await this.helpers.httpRequest({
			method: 'POST',
			url: `${anpiBaseUrlOf(credentials)}${GRANT_PATH}`,
			headers: { 'content-type': 'application/json' },
			body: { grantType: 'client_credentials', clientId: credentials.clientId, clientSecret: credentials.clientSecret },
			json: true,
			timeout: TOKEN_TIMEOUT_MS, // a stalled gateway must not hold the token call for n8n's 300 s default
		})) as TokenAnswer;
	} catch (error) {
		// Only the status and the gateway's fault text: the request (with the secret) stays out of the message.
		const response =
			(error as { response?: { status?: number; data?: { fault?: { faultstring?: string } } } }).response ??
			(error as { cause?: { response?: { status?: number; data?: { fault?: { faultstring?: string } } } } }).cause?.response;
		const status = response?.status;
		const code = (error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code;
		const timedOut = !status && (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test((error as Error).message));
		const reason =
			response?.data?.fault?.faultstring ?? (status ? `HTTP ${status}` : timedOut ? `no answer within ${TOKEN_TIMEOUT_MS / 1000} s` : (error as Error).message);
		throw new ApplicationError(
			status === 401 || status === 400
				? `The NTT Com API gateway refused the Client ID / Client Secret (${reason}). Check them in the credential.`
				: `Could not get an access token from the NTT Com API gateway (${reason}). Check the API Host.`,
			{ level: 'warning' },
		);
	}
	if (!answer?.accessToken) {
		throw new ApplicationError('The NTT Com API gateway answered the token request without an access token', { level: 'warning' });
	}
	const issuedAt = Number(answer.issuedAt) || Date.now();
	const lifetimeMs = (Number(answer.expiresIn) || 3599) * 1000;
	return { accessToken: answer.accessToken, validUntil: issuedAt + lifetimeMs };
}

/** What only a production credential asks for: the client credentials and the gateway's host. */
const productionFields: INodeProperties[] = [
	{
		displayName: 'Client ID',
		name: 'clientId',
		type: 'string',
		default: '',
		required: true,
		description: 'Client ID of your application on the NTT Com API gateway (developer portal)',
	},
	{
		displayName: 'Client Secret',
		name: 'clientSecret',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		required: true,
	},
	{
		displayName: 'API Host',
		name: 'host',
		type: 'options',
		options: [
			{ name: 'Global (api.ntt.com)', value: REGIONAL_HOSTS.global },
			{ name: 'Japan (jp.api.ntt.com)', value: REGIONAL_HOSTS.jp },
			{ name: 'United States (us.api.ntt.com)', value: REGIONAL_HOSTS.us },
			{ name: 'Europe (eu.api.ntt.com)', value: REGIONAL_HOSTS.eu },
			{ name: 'Singapore (sg.api.ntt.com)', value: REGIONAL_HOSTS.sg },
			{ name: 'Custom URL', value: 'custom', description: 'A proxy, a test gateway or the simulator' },
		],
		default: DEFAULT_HOST,
	},
	{
		displayName: 'Custom URL',
		name: 'customUrl',
		type: 'string',
		default: '',
		placeholder: 'http://127.0.0.1:8480',
		displayOptions: { show: { host: ['custom'] } },
	},
];

export class NttComApi implements ICredentialType {
	name = 'nttComApi';

	displayName = 'NTT Com API';

	icon: Icon = { light: 'file:../icons/nttAnpi.svg', dark: 'file:../icons/nttAnpi.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-occto-anpi/n8n-nodes-occto-anpi/blob/main/docs/ntt-anpi.md#ntt-com-api-credential';

	properties: INodeProperties[] = [
		environmentProperty(
			'NTT Com API gateway and Biz安否確認',
			'Answered inside n8n by a built-in Biz安否確認 stand-in: no client ID, no secret, no network. Build and run every flow before the API contract starts.',
		),
		sandboxOnly({
			displayName:
				'Sandbox: calls are answered inside n8n, token included, as the gateway would answer. 50 sample people; a round you create and send gets answers from about 60% of them over the following minutes, so the NTT Anpi Trigger fires. Every item carries sandbox: true.',
			name: 'sandboxNotice',
			type: 'notice',
			default: '',
		}),
		...productionFields.map(productionOnly),
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
		{
			displayName: 'Valid Until',
			name: 'validUntil',
			type: 'hidden',
			default: 0,
		},
	];

	// Fetches a token with the client credentials; n8n stores it in the credential and calls this again
	// only when the token is missing or a call answered 401 (see authenticate for renewal before expiry).
	// In queue mode the workers share one token (nodes/nttAnpiApi/transport/tokenCache.ts).
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject): Promise<IDataObject> {
		// the Sandbox gets its tokens in process (nodes/nttAnpiApi/sandbox): never a token call from here
		if (isSandbox(credentials)) return { accessToken: '', validUntil: 0 };
		const refused = String(credentials.accessToken ?? '') || undefined;
		const token = await sharedToken(
			await tokenStateFor(),
			{ identity: `${anpiBaseUrlOf(credentials)}|${String(credentials.clientId)}`, secret: String(credentials.clientSecret ?? '') },
			refused,
			async () => await fetchGatewayToken.call(this, credentials),
		);
		return { accessToken: token.accessToken, validUntil: token.validUntil };
	}

	// A token about to run out is not sent: the gateway's 401 then makes n8n renew it once and retry,
	// before the rejected call did anything (so even Create and Send are safe to repeat then).
	authenticate: IAuthenticate = async (credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> => {
		const expiresAt = Number(credentials.validUntil) || 0;
		const fresh = expiresAt === 0 || Date.now() < expiresAt - TOKEN_RENEW_MARGIN_MS;
		const headers = { ...requestOptions.headers };
		if (fresh && credentials.accessToken) headers.Authorization = `Bearer ${String(credentials.accessToken)}`;
		else delete headers.Authorization;
		return { ...requestOptions, headers };
	};

	// No `test` request here: n8n would prefer it, and it would go to the network for a Sandbox credential too.
	// The nodes' methods.credentialTest (testedBy) tests the token and one list call, or says "Sandbox: no network".
}
