import type {
	IAuthenticate,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';
import { ApplicationError } from 'n8n-workflow';

import { DEFAULT_BASE_URL, OCCTO_APIS } from '../nodes/OcctoOutagePlan/mapping';
import { readClientCertificate } from '../nodes/OcctoOutagePlan/transport/clientCertificate';
import type { OcctoRequestFields } from '../nodes/OcctoOutagePlan/transport/requestBody';
import { encodeOcctoBody } from '../nodes/OcctoOutagePlan/transport/requestBody';

const pathOverrides: INodeProperties[] = Object.values(OCCTO_APIS).map((api) => ({
	displayName: `Path of ${api.id} (${api.nameJa})`,
	name: `path${api.id}`,
	type: 'string',
	default: '',
	placeholder: api.defaultPath,
	displayOptions: { show: { overridePaths: [true] } },
	description: `Leave empty to use ${api.defaultPath}`,
}));

/** The credential test shows only an error's message, so the fix is appended to it. */
function readCertificateOrExplain(credentials: ICredentialDataDecryptedObject) {
	try {
		return readClientCertificate(credentials);
	} catch (error) {
		const problem = error as Error & { fix?: string };
		throw new ApplicationError(problem.fix ? `${problem.message}. ${problem.fix}` : problem.message, { level: 'warning' });
	}
}

export class OcctoWebApi implements ICredentialType {
	name = 'occtoWebApi';

	// eslint-disable-next-line n8n-nodes-base/cred-class-field-display-name-missing-api -- OCCTO's own name for it is "WebAPI"
	displayName = 'OCCTO WebAPI';

	icon: Icon = { light: 'file:../icons/occto.svg', dark: 'file:../icons/occto.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-occto-anpi/n8n-nodes-occto-anpi#occto-webapi-credential';

	properties: INodeProperties[] = [
		{
			displayName: 'User ID',
			name: 'userId',
			type: 'string',
			default: '',
			required: true,
			description: 'Your OCCTO WebAPI user ID (ユーザID). The daily limit of 1000 calls is counted per user ID.',
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Your OCCTO WebAPI password (パスワード), sent as a request parameter over mutual TLS',
		},
		{
			displayName: 'Certificate Format',
			name: 'bundleFormat',
			type: 'options',
			options: [
				{ name: 'PKCS#12 (.P12 / .Pfx) as Base64', value: 'pkcs12' },
				{ name: 'PEM Certificate and Private Key', value: 'pem' },
			],
			default: 'pkcs12',
			description: 'OCCTO issues client certificates as PKCS#12 files with a passphrase; PEM works after conversion',
		},
		{
			displayName: 'PKCS#12 Certificate (Base64)',
			name: 'pfxBase64',
			type: 'string',
			typeOptions: { password: true, rows: 4 },
			default: '',
			displayOptions: { show: { bundleFormat: ['pkcs12'] } },
			description:
				'The .p12/.pfx file as Base64 text. Windows PowerShell: [Convert]::ToBase64String([IO.File]::ReadAllBytes("C:\\path\\cert.p12")) | Set-Clipboard. Linux: base64 -w0 cert.p12. macOS: base64 -i cert.p12.',
		},
		{
			displayName: 'Certificate Passphrase',
			name: 'pfxPassphrase',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { bundleFormat: ['pkcs12'] } },
			description: 'The passphrase the PKCS#12 file was exported with',
		},
		{
			displayName: 'Client Certificate (PEM)',
			name: 'certificatePem',
			type: 'string',
			default: '',
			placeholder: '-----BEGIN CERTIFICATE-----',
			typeOptions: { password: true, rows: 5 },
			displayOptions: { show: { bundleFormat: ['pem'] } },
		},
		{
			displayName: 'Private Key (PEM)',
			name: 'privateKeyPem',
			type: 'string',
			typeOptions: { password: true, rows: 5 },
			default: '',
			placeholder: '-----BEGIN PRIVATE KEY-----',
			displayOptions: { show: { bundleFormat: ['pem'] } },
		},
		{
			displayName: 'Private Key Passphrase',
			name: 'privateKeyPassphrase',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { bundleFormat: ['pem'] } },
			description: 'Only when the private key is encrypted',
		},
		{
			displayName: 'CA Certificate(s) of the Server (PEM)',
			name: 'caPem',
			type: 'string',
			typeOptions: { rows: 4 },
			default: '',
			description:
				"Optional. Only needed when OCCTO's server certificate is not signed by a CA your system trusts (or to pin one). Several PEM blocks may be pasted.",
		},
		{
			displayName: 'Ignore TLS Errors (Insecure)',
			name: 'ignoreTlsErrors',
			type: 'boolean',
			default: false,
			description:
				"Whether to skip verifying OCCTO's server certificate. WARNING: only for testing; anyone in the network path could read your password and outage plans.",
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: DEFAULT_BASE_URL,
			description: 'OCCTO WebAPI host. Change it for a test environment or a simulator.',
		},
		{
			displayName: 'Override API Paths',
			name: 'overridePaths',
			type: 'boolean',
			default: false,
			description:
				'Whether to set the path of each API yourself (the defaults are assumptions until OCCTO\'s 「WebAPI仕様書（作業停止計画）」 confirms them)',
		},
		...pathOverrides,
		{
			displayName:
				'Testing this credential calls 作業停止計画受付ファイル一覧取得 (BA13B006) once and so spends one of the 1000 OCCTO API calls of the day.',
			name: 'testNotice',
			type: 'notice',
			default: '',
		},
	];

	// Mutual TLS and the login parameters go on every request; the password is added here only.
	authenticate: IAuthenticate = async (
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> => {
		const { agentOptions } = readCertificateOrExplain(credentials);
		const fields = (typeof requestOptions.body === 'object' && requestOptions.body !== null ? requestOptions.body : {}) as OcctoRequestFields;
		const { body, contentType } = encodeOcctoBody(fields, {
			userId: String(credentials.userId ?? ''),
			password: String(credentials.password ?? ''),
		});
		return {
			...requestOptions,
			body,
			headers: { ...requestOptions.headers, 'content-type': contentType },
			agentOptions: { ...requestOptions.agentOptions, ...agentOptions },
			skipSslCertificateValidation: credentials.ignoreTlsErrors === true,
		};
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: `={{$credentials.overridePaths && $credentials.pathBA13B006 ? $credentials.pathBA13B006 : "${OCCTO_APIS.BA13B006.defaultPath}"}}`,
			method: 'POST',
			body: {},
		},
	};
}
