import type { IAuthenticate, ICredentialDataDecryptedObject, ICredentialType, IHttpRequestOptions, INodeProperties, Icon } from 'n8n-workflow';

import {
	authenticateOcctoRequest,
	DEFAULT_BASE_URL,
	OCCTO_APIS,
	QUOTA_EXCEEDED_TEXT,
	requiredPlanValuesProperty,
	WIRE_DEFAULTS,
} from '../nodes/occtoApi';
import { environmentProperty, productionOnly, sandboxOnly } from '../nodes/shared/sandbox/environment';

const pathOverrides: INodeProperties[] = Object.values(OCCTO_APIS).map((api) => ({
	displayName: `Path of ${api.id} (${api.nameJa})`,
	name: `path${api.id}`,
	type: 'string',
	default: '',
	placeholder: api.defaultPath,
	displayOptions: { show: { overridePaths: [true] } },
	description: `Leave empty to use ${api.defaultPath}`,
}));

const advanced = (property: INodeProperties): INodeProperties => ({ ...property, displayOptions: { show: { advancedSettings: [true] } } });

const advancedSettings: INodeProperties[] = [
	advanced({
		displayName: 'Result Code Header',
		name: 'resultCodeHeader',
		type: 'string',
		default: WIRE_DEFAULTS.resultCodeHeader,
		description: "HTTP response header that carries OCCTO's result code (looked up ignoring upper/lower case)",
	}),
	advanced({
		displayName: 'Success Codes',
		name: 'successCodes',
		type: 'string',
		default: WIRE_DEFAULTS.successCodes.join(', '),
		description: 'Result code(s) that mean success, separated by commas. Any other code is an error.',
	}),
	advanced({
		displayName: 'Quota Exceeded Codes',
		name: 'quotaExceededCodes',
		type: 'string',
		default: WIRE_DEFAULTS.quotaExceededCodes.join(', '),
		description: `Result code(s) that mean the 1000 daily calls are used up, separated by commas. The message 「${QUOTA_EXCEEDED_TEXT}」 is always recognised whatever its code.`,
	}),
	advanced({
		displayName: 'Result Message Header',
		name: 'resultMessageHeader',
		type: 'string',
		default: WIRE_DEFAULTS.resultMessageHeader,
		description: 'HTTP response header that may carry an error message (otherwise the message is read from the answer body)',
	}),
	advanced({
		displayName: 'Register File Part Name',
		name: 'registerFilePart',
		type: 'string',
		default: WIRE_DEFAULTS.registerFilePart,
		description: 'Name of the multipart part that carries the plan XML when registering (作業停止計画登録, BA13B101)',
	}),
	advanced({
		displayName: 'List Root Elements',
		name: 'listRoots',
		type: 'string',
		default: WIRE_DEFAULTS.listRoots.join(', '),
		description: 'Root element(s) a list answer may have, separated by commas. An answer with another root is an error, not an empty list.',
	}),
	advanced({
		displayName: 'Row Elements',
		name: 'rowElements',
		type: 'string',
		default: '',
		placeholder: 'e.g. OUTAGE_PLAN_INFO, SUBMISSION_INFO',
		description:
			'Leave empty: rows are found by the shape of the answer (the repeated element under the root or under one wrapper element), whatever they are called. Set names here only if an answer holds other elements beside its rows.',
	}),
	advanced({
		displayName: 'Field Names',
		name: 'fieldNames',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		placeholder: 'UKETSUKE_NO = occtoReceptionNo',
		description:
			'Extra OCCTO element → output field mappings, one per line (ELEMENT = fieldName). Known names such as OCCTO_RECEPTION_NO and STAT are mapped already; unknown elements keep their own names.',
	}),
	advanced(
		requiredPlanValuesProperty(
			"Where OCCTO's specification puts the business protocol (BPID版 3A, 副機関コード S1, 情報区分コード 0001) in a plan, one element per line: ELEMENT = value, or a path from the root. Validate and Register then refuse plans that differ (errors) instead of only warning about the node's assumed header layout.",
		),
	),
];

/** What only a production credential asks for: login, certificate, where OCCTO is. */
const productionFields: INodeProperties[] = [
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
		description: "Whether to set the path of each API yourself (the defaults are assumptions until OCCTO's 「WebAPI仕様書（作業停止計画）」 confirms them)",
	},
	...pathOverrides,
];

export class OcctoWebApi implements ICredentialType {
	name = 'occtoWebApi';

	// eslint-disable-next-line n8n-nodes-base/cred-class-field-display-name-missing-api -- OCCTO's own name for it is "WebAPI"
	displayName = 'OCCTO WebAPI';

	icon: Icon = { light: 'file:../icons/occto.svg', dark: 'file:../icons/occto.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-occto-anpi/n8n-nodes-occto-anpi/blob/main/docs/occto-outage-plan.md#occto-webapi-credential';

	properties: INodeProperties[] = [
		environmentProperty(
			'OCCTO WebAPI',
			'Answered inside n8n by a built-in OCCTO stand-in: no certificate, no password, no network. Build and run every flow before OCCTO issues your certificate.',
		),
		sandboxOnly({
			displayName:
				'Sandbox: calls are answered inside n8n, as OCCTO would answer, and are counted in a sandbox ledger of their own (user SANDBOX). A registered plan is 受付中 for 2 minutes, then 受付完了 — or 提出エラー with error details when its 対象年月日 (JP06116) is not a real date (e.g. 20260230) or a required code (JP00002, JP06110, JP06358) is missing. Every item carries sandbox: true.',
			name: 'sandboxNotice',
			type: 'notice',
			default: '',
		}),
		...productionFields.map(productionOnly),
		{
			displayName: 'Call Ledger',
			name: 'ledger',
			type: 'options',
			options: [
				{
					name: 'Automatic',
					value: 'automatic',
					description: "n8n's own Redis in queue mode, otherwise a file in the n8n user folder (shared by processes on this host, kept across restarts)",
				},
				{ name: 'Redis (URL)', value: 'redis', description: 'A Redis of your own, e.g. shared by several n8n installations using this user ID' },
				{ name: 'File', value: 'file', description: 'A file in the n8n user folder; refuses to run if it cannot be written' },
				{ name: 'This n8n Process Only', value: 'memory', description: 'Forgotten on restart, not shared with workers' },
			],
			default: 'automatic',
			description:
				'Where the 1000-calls-a-day count of this user ID is kept. Every process using this user ID must count in the same place for "Stop Before Call Count" to hold.',
		},
		{
			displayName: 'Ledger Redis URL',
			name: 'ledgerRedisUrl',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			placeholder: 'redis://user:password@redis.example:6379/0',
			displayOptions: { show: { ledger: ['redis'] } },
			description: 'redis:// or rediss:// (TLS). If Redis cannot be reached, OCCTO calls are refused rather than counted nowhere.',
		},
		{
			displayName: 'Advanced Settings',
			name: 'advancedSettings',
			type: 'boolean',
			default: false,
			description:
				"Whether to change how OCCTO's answers are read. The defaults follow our reading of OCCTO's WebAPI; change them only when OCCTO's 「WebAPI仕様書（作業停止計画）」 says otherwise.",
		},
		...advancedSettings,
		productionOnly({
			displayName: 'Testing this credential calls 作業停止計画受付ファイル一覧取得 (BA13B006) once and so spends one of the 1000 OCCTO API calls of the day.',
			name: 'testNotice',
			type: 'notice',
			default: '',
		}),
	];

	// Mutual TLS and the login parameters go on every request; the password is added here only.
	authenticate: IAuthenticate = async (credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> =>
		authenticateOcctoRequest(credentials, requestOptions);

	// No `test` request here: n8n would prefer it, and a request test cannot read OCCTO's result-code header.
	// The nodes' methods.credentialTest (testedBy) calls BA13B006 through our own transport instead.
}
