// Throwaway PKI for the OCCTO simulator: a CA, the server certificate (127.0.0.1 / localhost) and client
// certificates (PEM and PKCS#12) for the simulator's test users. RSA keys come from Node's crypto (fast);
// node-forge builds and signs the X.509 certificates and the PKCS#12 bundles. Everything is generated at
// run time into a cert directory and never committed.
import { createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import forge from 'node-forge';

export interface OcctoSimulatorCerts {
	dir: string;
	/** CA that signed the server and client certificates (clients pass it as `ca` to trust the server). */
	caPem: string;
	/** Client certificate and unencrypted key of user U0000001 (subject CN=U0000001). */
	clientCertPem: string;
	clientKeyPem: string;
	/** The same key, PEM-encrypted with `keyPassphrase` (which contains a space). */
	clientKeyEncryptedPem: string;
	keyPassphrase: string;
	/** PKCS#12 (cert + key + CA, 3DES so OpenSSL 3 reads it) of U0000001, Base64. */
	clientP12Base64: string;
	p12Passphrase: string;
	/** PKCS#12 of U0000002, same passphrase. */
	otherUserP12Base64: string;
	/** PKCS#12 of U0000001 whose certificate expires 10 days after the simulator started. */
	expiringP12Base64: string;
	/** PKCS#12 signed by a different CA: the server refuses the handshake. */
	untrustedP12Base64: string;
	/** A private key that does NOT match clientCertPem. */
	mismatchedKeyPem: string;
	/** The server's own certificate (CN=127.0.0.1, SAN IP 127.0.0.1 + DNS localhost) and key. */
	serverCertPem: string;
	serverKeyPem: string;
}

export const CERT_FILES = {
	bundle: 'occto-simulator-pki.json',
	ca: 'ca.pem',
	serverCert: 'server.pem',
	serverKey: 'server.key',
	clientCert: 'client.pem',
	clientKey: 'client.key',
	clientKeyEncrypted: 'client-encrypted.key',
	clientP12: 'client.p12',
	clientP12Base64: 'client.p12.b64',
	otherUserP12: 'other-user.p12',
	expiringP12: 'expiring.p12',
	untrustedP12: 'untrusted.p12',
	mismatchedKey: 'mismatched.key',
	credentials: 'credentials.json',
} as const;

const DAY_MS = 24 * 60 * 60 * 1000;
const PRIMARY_USER = 'U0000001';
const OTHER_USER = 'U0000002';

interface KeyPair {
	forgeKey: forge.pki.rsa.PrivateKey;
	publicKey: forge.pki.rsa.PublicKey;
	pem: string;
}

function newKeyPair(): KeyPair {
	const { privateKey } = generateKeyPairSync('rsa', {
		modulusLength: 2048,
		privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
		publicKeyEncoding: { type: 'spki', format: 'pem' },
	});
	return keyPairFromPem(privateKey);
}

function keyPairFromPem(pem: string): KeyPair {
	const forgeKey = forge.pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey;
	return { forgeKey, publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e), pem };
}

function serialNumber(): string {
	// Positive (leading nibble < 8), 16 bytes.
	const bytes = randomBytes(16);
	bytes[0] = bytes[0] & 0x7f;
	return bytes.toString('hex');
}

interface IssueOptions {
	subjectCn: string;
	key: KeyPair;
	issuer?: { cert: forge.pki.Certificate; key: KeyPair };
	notBefore: Date;
	notAfter: Date;
	kind: 'ca' | 'server' | 'client';
	/** server only: the names it is valid for (default IP 127.0.0.1 + DNS localhost) */
	dnsNames?: string[];
}

function issue(options: IssueOptions): forge.pki.Certificate {
	const cert = forge.pki.createCertificate();
	cert.publicKey = options.key.publicKey;
	cert.serialNumber = serialNumber();
	cert.validity.notBefore = options.notBefore;
	cert.validity.notAfter = options.notAfter;
	const subject = [
		{ name: 'commonName', value: options.subjectCn },
		{ name: 'organizationName', value: 'OCCTO simulator (test only)' },
		{ name: 'countryName', value: 'JP' },
	];
	cert.setSubject(subject);
	cert.setIssuer(options.issuer ? options.issuer.cert.subject.attributes : subject);
	const extensions: object[] = [];
	if (options.kind === 'ca') {
		extensions.push(
			{ name: 'basicConstraints', cA: true, critical: true },
			{ name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
			{ name: 'subjectKeyIdentifier' },
		);
	} else {
		extensions.push(
			{ name: 'basicConstraints', cA: false },
			{ name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
			{ name: 'extKeyUsage', serverAuth: options.kind === 'server', clientAuth: options.kind === 'client' },
		);
		if (options.kind === 'server') {
			extensions.push({
				name: 'subjectAltName',
				altNames: options.dnsNames?.map((value) => ({ type: 2, value })) ?? [
					{ type: 7, ip: '127.0.0.1' },
					{ type: 2, value: 'localhost' },
				],
			});
		}
	}
	cert.setExtensions(extensions);
	cert.sign((options.issuer?.key ?? options.key).forgeKey, forge.md.sha256.create());
	return cert;
}

function p12Base64(key: KeyPair, chain: forge.pki.Certificate[], passphrase: string, friendlyName: string): string {
	const asn1 = forge.pkcs12.toPkcs12Asn1(key.forgeKey, chain, passphrase, {
		algorithm: '3des',
		friendlyName,
		generateLocalKeyId: true,
	});
	return forge.util.encode64(forge.asn1.toDer(asn1).getBytes());
}

function encryptKeyPem(pem: string, passphrase: string): string {
	return createPrivateKey(pem)
		.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase })
		.toString();
}

interface StoredPki {
	version: 1;
	serverCertPem: string;
	serverKeyPem: string;
	caKeyPem: string;
	clientKeyPem: string;
	certs: Omit<OcctoSimulatorCerts, 'dir' | 'serverCertPem' | 'serverKeyPem'>;
}

/** Generates a complete PKI. `now` only decides validity windows. */
function generate(now: Date): StoredPki {
	const notBefore = new Date(now.getTime() - DAY_MS);
	const twoYears = new Date(now.getTime() + 730 * DAY_MS);
	const caKey = newKeyPair();
	const caCert = issue({ subjectCn: 'OCCTO Simulator Test CA', key: caKey, notBefore, notAfter: twoYears, kind: 'ca' });
	const serverKey = newKeyPair();
	const serverCert = issue({
		subjectCn: '127.0.0.1',
		key: serverKey,
		issuer: { cert: caCert, key: caKey },
		notBefore,
		notAfter: twoYears,
		kind: 'server',
	});
	const clientKey = newKeyPair();
	const clientCert = issue({
		subjectCn: PRIMARY_USER,
		key: clientKey,
		issuer: { cert: caCert, key: caKey },
		notBefore,
		notAfter: twoYears,
		kind: 'client',
	});
	const otherKey = newKeyPair();
	const otherCert = issue({
		subjectCn: OTHER_USER,
		key: otherKey,
		issuer: { cert: caCert, key: caKey },
		notBefore,
		notAfter: twoYears,
		kind: 'client',
	});
	const rogueCaKey = newKeyPair();
	const rogueCa = issue({ subjectCn: 'Untrusted Test CA', key: rogueCaKey, notBefore, notAfter: twoYears, kind: 'ca' });
	const rogueKey = newKeyPair();
	const rogueCert = issue({
		subjectCn: PRIMARY_USER,
		key: rogueKey,
		issuer: { cert: rogueCa, key: rogueCaKey },
		notBefore,
		notAfter: twoYears,
		kind: 'client',
	});
	const mismatched = newKeyPair();

	const keyPassphrase = 'sim key passphrase';
	const p12Passphrase = 'sim p12 passphrase';
	return {
		version: 1,
		serverCertPem: forge.pki.certificateToPem(serverCert),
		serverKeyPem: serverKey.pem,
		caKeyPem: caKey.pem,
		clientKeyPem: clientKey.pem,
		certs: {
			caPem: forge.pki.certificateToPem(caCert),
			clientCertPem: forge.pki.certificateToPem(clientCert),
			clientKeyPem: clientKey.pem,
			clientKeyEncryptedPem: encryptKeyPem(clientKey.pem, keyPassphrase),
			keyPassphrase,
			clientP12Base64: p12Base64(clientKey, [clientCert, caCert], p12Passphrase, PRIMARY_USER),
			p12Passphrase,
			otherUserP12Base64: p12Base64(otherKey, [otherCert, caCert], p12Passphrase, OTHER_USER),
			expiringP12Base64: '', // filled by refreshExpiring
			untrustedP12Base64: p12Base64(rogueKey, [rogueCert, rogueCa], p12Passphrase, PRIMARY_USER),
			mismatchedKeyPem: mismatched.pem,
		},
	};
}

/** (Re)issues the client certificate of U0000001 that expires 10 days from `now`. */
function refreshExpiring(pki: StoredPki, now: Date): void {
	const caKey = keyPairFromPem(pki.caKeyPem);
	const caCert = forge.pki.certificateFromPem(pki.certs.caPem);
	const clientKey = keyPairFromPem(pki.clientKeyPem);
	const cert = issue({
		subjectCn: PRIMARY_USER,
		key: clientKey,
		issuer: { cert: caCert, key: caKey },
		notBefore: new Date(now.getTime() - DAY_MS),
		notAfter: new Date(now.getTime() + 10 * DAY_MS),
		kind: 'client',
	});
	pki.certs.expiringP12Base64 = p12Base64(clientKey, [cert, caCert], pki.certs.p12Passphrase, PRIMARY_USER);
}

function stillValid(pem: string, now: Date, marginDays: number): boolean {
	try {
		const cert = forge.pki.certificateFromPem(pem);
		return cert.validity.notAfter.getTime() > now.getTime() + marginDays * DAY_MS && cert.validity.notBefore <= now;
	} catch {
		return false;
	}
}

function loadStored(dir: string, now: Date): StoredPki | undefined {
	const file = path.join(dir, CERT_FILES.bundle);
	if (!existsSync(file)) return undefined;
	try {
		const stored = JSON.parse(readFileSync(file, 'utf8')) as StoredPki;
		if (stored.version !== 1) return undefined;
		const pems = [stored.certs.caPem, stored.serverCertPem, stored.certs.clientCertPem];
		if (!pems.every((pem) => stillValid(pem, now, 30))) return undefined;
		return stored;
	} catch {
		return undefined;
	}
}

/**
 * Loads the PKI from `dir` when a usable one is there, otherwise generates one, and (re)writes every file:
 * ca.pem, server.pem/.key, client.pem/.key, client-encrypted.key, client.p12 (+ .b64), other-user.p12,
 * expiring.p12, untrusted.p12, mismatched.key and the bundle JSON used for reuse. The expiring certificate
 * is re-issued on every call so it always expires 10 days from now.
 */
export function loadOrCreateCerts(dir: string, now: Date = new Date()): OcctoSimulatorCerts {
	mkdirSync(dir, { recursive: true });
	const pki = loadStored(dir, now) ?? generate(now);
	refreshExpiring(pki, now);
	const write = (name: string, data: string | Buffer, mode = 0o600) => writeFileSync(path.join(dir, name), data, { mode });
	write(CERT_FILES.bundle, JSON.stringify(pki, null, '\t'));
	write(CERT_FILES.ca, pki.certs.caPem, 0o644);
	write(CERT_FILES.serverCert, pki.serverCertPem, 0o644);
	write(CERT_FILES.serverKey, pki.serverKeyPem);
	write(CERT_FILES.clientCert, pki.certs.clientCertPem, 0o644);
	write(CERT_FILES.clientKey, pki.certs.clientKeyPem);
	write(CERT_FILES.clientKeyEncrypted, pki.certs.clientKeyEncryptedPem);
	write(CERT_FILES.clientP12, Buffer.from(pki.certs.clientP12Base64, 'base64'));
	write(CERT_FILES.clientP12Base64, `${pki.certs.clientP12Base64}\n`);
	write(CERT_FILES.otherUserP12, Buffer.from(pki.certs.otherUserP12Base64, 'base64'));
	write(CERT_FILES.expiringP12, Buffer.from(pki.certs.expiringP12Base64, 'base64'));
	write(CERT_FILES.untrustedP12, Buffer.from(pki.certs.untrustedP12Base64, 'base64'));
	write(CERT_FILES.mismatchedKey, pki.certs.mismatchedKeyPem);
	return { dir, ...pki.certs, serverCertPem: pki.serverCertPem, serverKeyPem: pki.serverKeyPem };
}

/** Certificates that are wrong on purpose, for the fault suite (test/faults), issued by the simulator's CA. */
export interface FaultCertificates {
	/** server certificates: expired yesterday; valid, but for another host name than 127.0.0.1 */
	expiredServer: { cert: string; key: string };
	wrongHostServer: { cert: string; key: string };
	/** client certificates of U0000001 (PKCS#12 Base64, same passphrase): expired yesterday; valid only from tomorrow */
	expiredClientP12Base64: string;
	notYetValidClientP12Base64: string;
	/** the same two as PEM (key: clientKeyPem) */
	expiredClientCertPem: string;
	notYetValidClientCertPem: string;
}

/** Issues the FaultCertificates from the PKI stored in `dir` (by loadOrCreateCerts); no new keys are generated. */
export function issueFaultCertificates(dir: string, now: Date = new Date()): FaultCertificates {
	const pki = JSON.parse(readFileSync(path.join(dir, CERT_FILES.bundle), 'utf8')) as StoredPki;
	const ca = { cert: forge.pki.certificateFromPem(pki.certs.caPem), key: keyPairFromPem(pki.caKeyPem) };
	const serverKey = keyPairFromPem(pki.serverKeyPem);
	const clientKey = keyPairFromPem(pki.clientKeyPem);
	const at = (days: number) => new Date(now.getTime() + days * DAY_MS);
	const server = (notBefore: Date, notAfter: Date, dnsNames?: string[]) => ({
		cert: forge.pki.certificateToPem(issue({ subjectCn: dnsNames?.[0] ?? '127.0.0.1', key: serverKey, issuer: ca, notBefore, notAfter, kind: 'server', dnsNames })),
		key: pki.serverKeyPem,
	});
	const client = (notBefore: Date, notAfter: Date) => issue({ subjectCn: PRIMARY_USER, key: clientKey, issuer: ca, notBefore, notAfter, kind: 'client' });
	const expiredClient = client(at(-731), at(-1));
	const futureClient = client(at(1), at(731));
	return {
		expiredServer: server(at(-731), at(-1)),
		wrongHostServer: server(at(-1), at(730), ['occto.example.invalid']),
		expiredClientP12Base64: p12Base64(clientKey, [expiredClient, ca.cert], pki.certs.p12Passphrase, PRIMARY_USER),
		notYetValidClientP12Base64: p12Base64(clientKey, [futureClient, ca.cert], pki.certs.p12Passphrase, PRIMARY_USER),
		expiredClientCertPem: forge.pki.certificateToPem(expiredClient),
		notYetValidClientCertPem: forge.pki.certificateToPem(futureClient),
	};
}
