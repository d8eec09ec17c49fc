// From the OCCTO WebAPI credential to a connection: user ID, URLs, the client certificate's identity and
// expiry, wire settings and the call ledger, read once per node run.
import type { IExecuteFunctions, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { trimBaseUrl } from '../../shared/http/answer';
import type { OcctoApiId } from '../mapping';
import { DEFAULT_BASE_URL, OCCTO_APIS } from '../mapping';
import { isSandbox } from '../../shared/sandbox/environment';
import { codesInWords } from '../../shared/codeWords';
import type { SandboxStore } from '../../shared/sandbox/store';
import { sandboxStoreError } from '../../shared/sandbox/store';
import { StoreUnavailableError } from '../../shared/state';
import { SANDBOX_CERTIFICATE, SANDBOX_USER_ID, SANDBOX_VALIDITY, checkOcctoSandbox, openOcctoSandbox } from '../sandbox';
import { credentialSecrets } from './authenticate';
import type { CallLedger, SharedState } from './callLedger';
import { LedgerUnavailableError, openCallLedger } from './callLedger';
import type { CertificateValidity, ClientCertificateInfo } from './clientCertificate';
import { CertificateSetupError, readClientCertificate } from './clientCertificate';
import type { OcctoWireSettings } from './wireSettings';
import { WireSettingError, readWireSettings } from './wireSettings';

export type OcctoContextFunctions = IExecuteFunctions | IPollFunctions;

export const CREDENTIAL_TYPE = 'occtoWebApi';
export const CERTIFICATE_WARNING_DAYS = 30;

export interface OcctoConnection {
	userId: string;
	baseUrl: string;
	paths: Record<OcctoApiId, string>;
	certificate: ClientCertificateInfo;
	certificateValidity: CertificateValidity;
	/** Strings that must never be shown, for scrubbing server texts that echo input. */
	secrets: string[];
	/** Wire assumptions, from the credential's Advanced Settings or mapping.ts. */
	wire: OcctoWireSettings;
	/** Where today's calls are counted (the credential's "Ledger" setting). */
	ledger: CallLedger;
	/** Small shared values (activity markers for adaptive polling): the ledger's store, or the Sandbox's own. */
	state: SharedState;
	/** Environment "Sandbox": answered in process by nodes/occtoApi/sandbox, no certificate, no socket. */
	sandbox: boolean;
	/** The Sandbox's own store (its plans and markers), for a Sandbox credential. */
	sandboxStore?: SandboxStore;
}

const connections = new WeakMap<object, Promise<OcctoConnection>>();

/** The credential's Base URL without trailing slashes (the default when empty). */
export function occtoBaseUrlOf(credential: { baseUrl?: unknown }): string {
	return trimBaseUrl(String(credential.baseUrl || DEFAULT_BASE_URL));
}

/** Reads the credential once per node run: user ID, URLs and the certificate's identity and expiry. */
export async function getOcctoConnection(this: OcctoContextFunctions): Promise<OcctoConnection> {
	let connection = connections.get(this);
	if (!connection) {
		connection = loadConnection.call(this);
		connections.set(this, connection);
	}
	return await connection;
}

async function loadConnection(this: OcctoContextFunctions): Promise<OcctoConnection> {
	const credential = await this.getCredentials(CREDENTIAL_TYPE);
	const sandbox = isSandbox(credential);
	const userId = sandbox ? SANDBOX_USER_ID : String(credential.userId ?? '').trim();
	if (!userId) {
		throw new NodeOperationError(this.getNode(), 'The OCCTO WebAPI credential has no User ID', {
			description: 'Open the credential and fill in "User ID".',
		});
	}
	let certificate: ClientCertificateInfo;
	let certificateValidity: CertificateValidity;
	try {
		({ info: certificate, validity: certificateValidity } = sandbox
			? { info: SANDBOX_CERTIFICATE, validity: SANDBOX_VALIDITY }
			: readClientCertificate(credential));
	} catch (error) {
		if (error instanceof CertificateSetupError) {
			throw new NodeOperationError(this.getNode(), error.message, { description: error.fix });
		}
		throw new NodeOperationError(this.getNode(), error as Error);
	}
	let wire: OcctoWireSettings;
	try {
		wire = readWireSettings(credential);
	} catch (error) {
		if (error instanceof WireSettingError) {
			throw new NodeOperationError(this.getNode(), `OCCTO WebAPI credential, Advanced Settings: ${error.message}`, { description: error.fix });
		}
		throw new NodeOperationError(this.getNode(), error as Error);
	}
	let ledger: CallLedger;
	let state: SharedState;
	try {
		({ ledger, state } = await openCallLedger(credential));
	} catch (error) {
		if (error instanceof LedgerUnavailableError) {
			// socket codes in words: n8n replaces any message naming one with a generic text that drops where and why
			const message = codesInWords(error.message, 'network error');
			throw new NodeOperationError(this.getNode(), message, { description: error.description });
		}
		throw new NodeOperationError(this.getNode(), error as Error);
	}
	let sandboxStore: SandboxStore | undefined;
	if (sandbox) {
		try {
			sandboxStore = await openOcctoSandbox();
			await checkOcctoSandbox(sandboxStore); // a damaged Sandbox is named before a call is counted
		} catch (error) {
			if (error instanceof StoreUnavailableError) throw sandboxStoreError(this.getNode(), error);
			throw new NodeOperationError(this.getNode(), error as Error);
		}
	}
	const paths = {} as Record<OcctoApiId, string>;
	for (const api of Object.values(OCCTO_APIS)) {
		const override = credential.overridePaths === true ? String(credential[`path${api.id}`] ?? '').trim() : '';
		paths[api.id] = override || api.defaultPath;
	}
	const secrets = credentialSecrets(credential);
	return {
		userId,
		baseUrl: occtoBaseUrlOf(credential),
		paths,
		certificate,
		certificateValidity,
		secrets,
		wire,
		ledger,
		state: sandboxStore?.state ?? state,
		sandbox,
		sandboxStore,
	};
}

/** Adds a node hint when the client certificate is close to expiry (or expired). */
export function certificateHints(certificate: ClientCertificateInfo) {
	if (certificate.daysLeft >= CERTIFICATE_WARNING_DAYS) return [];
	const message =
		certificate.daysLeft < 0
			? `The OCCTO client certificate (${certificate.subject}) expired on ${certificate.expiresAt}. OCCTO will refuse every call until it is renewed.`
			: `The OCCTO client certificate (${certificate.subject}) expires in ${certificate.daysLeft} days (${certificate.expiresAt}). Renew it with OCCTO and update the credential before then.`;
	return [{ message, type: 'warning' as const, location: 'outputPane' as const }];
}
