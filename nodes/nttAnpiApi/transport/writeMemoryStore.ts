// Where NTT Anpi's write memory lives: the package's shared store (a file in the n8n user folder, or n8n's Redis
// in queue mode, so every worker agrees), and who writes: base URL + client ID (never the secret).
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { isSandbox } from '../../shared/sandbox/environment';
import type { SharedState } from '../../shared/state';
import { openSharedStore, StoreUnavailableError } from '../../shared/state';
import { CREDENTIAL_TYPE, anpiBaseUrlOf } from './connection';

/** <N8N_USER_FOLDER>/.n8n/ntt-anpi-writes */
const FOLDER = 'ntt-anpi-writes';

const WORDING = {
	subject: 'the NTT Anpi write memory (what Create, Send and Complete already sent)',
	urlField: 'the Redis URL',
	urlSetting: "n8n's queue-mode Redis settings (QUEUE_BULL_REDIS_*)",
	damagedHint: 'Delete it to forget what was sent (a re-run may then send a round again).',
};

export async function anpiWriteMemory(this: IExecuteFunctions): Promise<{ state: SharedState; identity: string }> {
	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	const identity = isSandbox(credentials) ? 'ntt\nsandbox' : `ntt\n${anpiBaseUrlOf(credentials)}\n${String(credentials.clientId ?? '').trim()}`;
	try {
		const store = await openSharedStore({ mode: 'automatic' }, process.env, { folder: FOLDER, wording: WORDING });
		return { state: store.state, identity };
	} catch (error) {
		if (!(error instanceof StoreUnavailableError)) throw new NodeOperationError(this.getNode(), error as Error);
		throw new NodeOperationError(this.getNode(), `${error.message}. Nothing was sent.`, { description: error.description });
	}
}
