// From the NTT Com API credential to where calls go: the API host (a regional one or a custom URL). The
// token itself is the credential's business (credentials/NttComApi.credentials.ts, tokenCache.ts).
import type { ICredentialDataDecryptedObject, IExecuteFunctions, IPollFunctions } from 'n8n-workflow';

import { trimBaseUrl } from '../../shared/http/answer';
import { DEFAULT_HOST } from '../mapping';

export type AnpiContext = IExecuteFunctions | IPollFunctions;

export const CREDENTIAL_TYPE = 'nttComApi';
/** The credential's expirable field: the access token its preAuthentication fetches (emptied to renew it). */
export const TOKEN_FIELD = 'accessToken';

/** The gateway's base URL from the credential's API Host (or Custom URL), without trailing slashes. */
export function anpiBaseUrlOf(credentials: ICredentialDataDecryptedObject): string {
	const host = String(credentials.host || DEFAULT_HOST);
	return trimBaseUrl(host === 'custom' ? String(credentials.customUrl ?? '') : host);
}

export async function anpiBaseUrl(this: AnpiContext): Promise<string> {
	return anpiBaseUrlOf(await this.getCredentials(CREDENTIAL_TYPE));
}
