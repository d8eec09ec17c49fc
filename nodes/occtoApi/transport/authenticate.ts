// Mutual TLS and the login parameters, added to a request from the credential's fields. The credential's
// `authenticate` and the node-side credential test both use it, so both send exactly the same request.
import type { ICredentialDataDecryptedObject, IHttpRequestOptions } from 'n8n-workflow';
import { ApplicationError } from 'n8n-workflow';

import { sendsMultipartAsParts } from '../../shared/n8nLine';
import { readClientCertificate } from './clientCertificate';
import type { OcctoRequestFields } from './requestBody';
import { encodeOcctoBody } from './requestBody';

/** The credential test shows only an error's message, so the fix is appended to it. */
export function readCertificateOrExplain(credentials: ICredentialDataDecryptedObject) {
	try {
		return readClientCertificate(credentials);
	} catch (error) {
		const problem = error as Error & { fix?: string };
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- runs in the credential's authenticate, where there is no node
		throw new ApplicationError(problem.fix ? `${problem.message}. ${problem.fix}` : problem.message, { level: 'warning' });
	}
}

/** The credential's values that must never be shown, for scrubbing texts that might echo them. */
export function credentialSecrets(credentials: ICredentialDataDecryptedObject): string[] {
	return ['password', 'pfxPassphrase', 'privateKeyPassphrase', 'pfxBase64', 'privateKeyPem', 'ledgerRedisUrl']
		.map((key) => String(credentials[key] ?? ''))
		.filter((value) => value.length >= 3);
}

export function authenticateOcctoRequest(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): IHttpRequestOptions {
	const { agentOptions } = readCertificateOrExplain(credentials);
	const fields = (typeof requestOptions.body === 'object' && requestOptions.body !== null ? requestOptions.body : {}) as OcctoRequestFields;
	const insecure = credentials.ignoreTlsErrors === true;
	const { body, contentType } = encodeOcctoBody(
		fields,
		{ userId: String(credentials.userId ?? ''), password: String(credentials.password ?? '') },
		sendsMultipartAsParts(requestOptions),
	);
	return {
		...requestOptions,
		body: body as IHttpRequestOptions['body'],
		headers: { ...requestOptions.headers, 'content-type': contentType },
		// rejectUnauthorized in agentOptions too: n8n 1.x's legacy helper does not read skipSslCertificateValidation
		agentOptions: { ...requestOptions.agentOptions, ...agentOptions, ...(insecure ? { rejectUnauthorized: false } : {}) },
		skipSslCertificateValidation: insecure,
	};
}
