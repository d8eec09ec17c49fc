// Reads the client certificate from the credential locally (no network call): TLS options for the
// request, and the certificate's subject and expiry, which every output shows because OCCTO
// certificates expire after two years and the operator's automation then stops.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { TLSSocket, createSecureContext } from 'node:tls';

export interface OcctoTlsCredential {
	bundleFormat?: string;
	pfxBase64?: string;
	pfxPassphrase?: string;
	certificatePem?: string;
	privateKeyPem?: string;
	privateKeyPassphrase?: string;
	caPem?: string;
}

export interface ClientCertificateInfo {
	subject: string;
	expiresAt: string;
	daysLeft: number;
}

/** When the certificate may be used; OCCTO's TLS refuses it outside this window. */
export interface CertificateValidity {
	from: string;
	to: string;
}

export interface TlsAgentOptions {
	pfx?: Buffer;
	cert?: string;
	key?: string;
	passphrase?: string;
	ca?: string;
}

/** A user-fixable problem with the certificate settings; callers turn it into a node error. */
export class CertificateSetupError extends Error {
	constructor(
		message: string,
		readonly fix: string,
	) {
		super(message);
		this.name = 'CertificateSetupError';
	}
}

/** Restores line breaks of a PEM block pasted as one line (a common copy-paste accident). */
export function normalisePem(text: string): string {
	const trimmed = text.trim();
	const match = /^(-----BEGIN [A-Z0-9 ]+-----)\s*([\s\S]*?)\s*(-----END [A-Z0-9 ]+-----)$/.exec(trimmed);
	if (!match || trimmed.includes('\n')) return trimmed;
	const [, begin, body, end] = match;
	const headerLines = body.match(/^(Proc-Type: [^ ]+ DEK-Info: [^ ]+)\s+/);
	const base64 = (headerLines ? body.slice(headerLines[0].length) : body).replace(/\s+/g, '');
	const headers = headerLines ? headerLines[1].replace(' DEK-Info', '\nDEK-Info') + '\n\n' : '';
	return `${begin}\n${headers}${base64.match(/.{1,64}/g)?.join('\n') ?? ''}\n${end}`;
}

function describeSubject(subject: Record<string, string | string[]> | string): string {
	if (typeof subject === 'string') return subject.split('\n').join(', ');
	return Object.entries(subject)
		.map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : value}`)
		.join(', ');
}

function expiryInfo(subject: string, validTo: string, now: Date): ClientCertificateInfo {
	const expires = new Date(validTo);
	return {
		subject,
		expiresAt: expires.toISOString(),
		daysLeft: Math.floor((expires.getTime() - now.getTime()) / 86_400_000),
	};
}

/** Validates the certificate settings and returns the agent options plus what the certificate says. */
export function readClientCertificate(
	credential: OcctoTlsCredential,
	now = new Date(),
): { agentOptions: TlsAgentOptions; info: ClientCertificateInfo; validity: CertificateValidity } {
	const ca = credential.caPem?.trim() ? normalisePem(credential.caPem) : undefined;
	if (credential.bundleFormat === 'pem') return readPem(credential, ca, now);
	return readPkcs12(credential, ca, now);
}

function readPkcs12(credential: OcctoTlsCredential, ca: string | undefined, now: Date) {
	const text = (credential.pfxBase64 ?? '').replace(/\s+/g, '');
	if (!text) {
		throw new CertificateSetupError(
			'No client certificate is set in the OCCTO WebAPI credential',
			'Paste your PKCS#12 (.p12/.pfx) file as Base64 into "PKCS#12 Certificate (Base64)", or switch "Certificate Format" to PEM.',
		);
	}
	if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) {
		throw new CertificateSetupError(
			'The PKCS#12 certificate is not Base64 text',
			'Convert the .p12 file to Base64 (see the OCCTO WebAPI credential in the documentation: PowerShell [Convert]::ToBase64String or `base64 -w0`) and paste the result.',
		);
	}
	const pfx = Buffer.from(text, 'base64');
	const passphrase = credential.pfxPassphrase ?? '';
	let certificate = null as { subject?: Record<string, string>; valid_from?: string; valid_to?: string } | null;
	let failure: Error | undefined;
	let socket: TLSSocket | undefined;
	try {
		// A secure context reads the PKCS#12 like a real connection would; the unconnected socket reports its certificate.
		socket = new TLSSocket(null as never, { secureContext: createSecureContext({ pfx, passphrase }) });
		certificate = socket.getCertificate() as { subject?: Record<string, string>; valid_from?: string; valid_to?: string } | null;
	} catch (error) {
		failure = error as Error;
	} finally {
		socket?.destroy();
	}
	if (failure) throw pkcs12Failure(failure.message);
	if (!certificate?.valid_to) {
		throw new CertificateSetupError(
			'The PKCS#12 file holds no client certificate',
			'Export the .p12/.pfx again including the certificate and its private key.',
		);
	}
	return {
		agentOptions: { pfx, passphrase, ...(ca ? { ca } : {}) },
		info: expiryInfo(describeSubject(certificate.subject ?? {}), certificate.valid_to, now),
		validity: validityOf(certificate.valid_from ?? certificate.valid_to, certificate.valid_to),
	};
}

function pkcs12Failure(reason: string): CertificateSetupError {
	if (/mac verify failure|bad decrypt|wrong password/i.test(reason)) {
		return new CertificateSetupError(
			'The passphrase does not open the PKCS#12 certificate',
			'Check "Certificate Passphrase": it must be the passphrase the .p12/.pfx file was exported with (spaces count).',
		);
	}
	if (/unsupported/i.test(reason)) {
		return new CertificateSetupError(
			'The PKCS#12 file uses an algorithm this Node.js cannot read (legacy RC2/40-bit encryption)',
			'Re-export it with modern encryption, e.g. `openssl pkcs12 -in old.p12 -nodes | openssl pkcs12 -export -out new.p12 -certpbe AES-256-CBC -keypbe AES-256-CBC`.',
		);
	}
	return new CertificateSetupError(
		`The PKCS#12 certificate could not be read (${reason})`,
		'Paste the whole .p12/.pfx file as Base64, exactly as exported by OCCTO.',
	);
}

function attempt<T>(action: () => T): T | Error {
	try {
		return action();
	} catch (error) {
		return error instanceof Error ? error : new Error(String(error));
	}
}

function readPem(credential: OcctoTlsCredential, ca: string | undefined, now: Date) {
	const certPem = credential.certificatePem?.trim() ? normalisePem(credential.certificatePem) : '';
	const keyPem = credential.privateKeyPem?.trim() ? normalisePem(credential.privateKeyPem) : '';
	if (!certPem || !keyPem) {
		throw new CertificateSetupError(
			'The PEM client certificate or private key is missing in the OCCTO WebAPI credential',
			'Paste both "Client Certificate (PEM)" and "Private Key (PEM)", including the -----BEGIN/END----- lines.',
		);
	}
	const certificate = attempt(() => new X509Certificate(certPem));
	if (certificate instanceof Error) {
		throw new CertificateSetupError(
			`The client certificate is not a readable PEM certificate (${certificate.message})`,
			'Paste the certificate including its -----BEGIN CERTIFICATE----- and -----END CERTIFICATE----- lines.',
		);
	}
	const passphrase = credential.privateKeyPassphrase || undefined;
	const key = attempt(() => createPrivateKey({ key: keyPem, passphrase }));
	if (key instanceof Error) {
		if (/passphrase|bad decrypt/i.test(key.message)) {
			throw new CertificateSetupError(
				passphrase ? 'The key passphrase does not open the private key' : 'The private key is encrypted and needs a passphrase',
				'Set "Private Key Passphrase" to the passphrase the key was encrypted with.',
			);
		}
		throw new CertificateSetupError(
			`The private key is not a readable PEM key (${key.message})`,
			'Paste the key including its -----BEGIN … PRIVATE KEY----- and -----END … PRIVATE KEY----- lines.',
		);
	}
	if (!certificate.checkPrivateKey(key)) {
		throw new CertificateSetupError(
			'The private key does not match the client certificate',
			'Use the private key that was generated together with this certificate (both come from the same .p12 file).',
		);
	}
	return {
		agentOptions: { cert: certPem, key: keyPem, ...(passphrase ? { passphrase } : {}), ...(ca ? { ca } : {}) },
		info: expiryInfo(certificate.subject.split('\n').join(', '), certificate.validTo, now),
		validity: validityOf(certificate.validFrom, certificate.validTo),
	};
}

function validityOf(from: string, to: string): CertificateValidity {
	return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

/**
 * An expired or not-yet-valid certificate, found before calling: OCCTO's TLS would refuse it, and the call
 * would still count against the day's quota.
 */
export function unusableCertificate(info: ClientCertificateInfo, validity: CertificateValidity, now = new Date()): CertificateSetupError | undefined {
	if (now.getTime() > Date.parse(validity.to)) {
		return new CertificateSetupError(
			`The OCCTO client certificate (${info.subject}) expired on ${validity.to}: OCCTO would refuse the connection, so no call was made`,
			'Renew the certificate with OCCTO and put the new one into the OCCTO WebAPI credential.',
		);
	}
	if (now.getTime() < Date.parse(validity.from)) {
		return new CertificateSetupError(
			`The OCCTO client certificate (${info.subject}) is not valid before ${validity.from}: OCCTO would refuse the connection, so no call was made`,
			"Check the clock of the computer n8n runs on, or keep the previous certificate in the credential until then.",
		);
	}
	return undefined;
}
