// The Sandbox's own store: a folder of its own under the n8n user folder (.n8n/occto-anpi-sandbox/<service>),
// or its own key prefix in n8n's Redis in queue mode. Never the production ledger's file or markers: a Sandbox
// write never rewrites production state, and a damaged Sandbox never breaks a production read.
import path from 'node:path';

import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { codesInWords } from '../codeWords';
import type { SharedState, SharedStore } from '../state';
import { isQueueMode, openSharedStore, storeDirectory, StoreUnavailableError } from '../state';
import type { StoredBookOptions } from './book';
import { StoredBook } from './book';

export const SANDBOX_FOLDER = 'occto-anpi-sandbox';
/** Every Sandbox key in a shared Redis starts with this. */
const KEY_PREFIX = 'sandbox:';

export type SandboxService = 'occto' | 'ntt';

/** The Sandbox's store, with its locks apart (in a file of their own: taking a lock never rewrites the book). */
export interface SandboxStore extends SharedStore {
	readonly locks: SharedState;
}

const SERVICE_NAMES: Record<SandboxService, string> = { occto: 'OCCTO', ntt: 'NTT Anpi' };

/** Sandbox keys under their own prefix, whatever the backend. */
class PrefixedState implements SharedState {
	constructor(private readonly inner: SharedState) {}
	get = async (key: string) => await this.inner.get(KEY_PREFIX + key);
	set = async (key: string, value: string, ttlMs?: number) => await this.inner.set(KEY_PREFIX + key, value, ttlMs);
	setIfAbsent = async (key: string, value: string, ttlMs: number) => await this.inner.setIfAbsent(KEY_PREFIX + key, value, ttlMs);
	delete = async (key: string) => await this.inner.delete(KEY_PREFIX + key);
	deleteIfEquals = async (key: string, value: string) => await this.inner.deleteIfEquals(KEY_PREFIX + key, value);
	describeKey = (key: string) => this.inner.describeKey(KEY_PREFIX + key);
}

const nothingReal = (service: SandboxService) => `it holds only Sandbox data, nothing sent to ${service === 'occto' ? 'OCCTO' : 'NTT'}`;

/** How to start the Sandbox again from its folder: delete it (nothing real is in it). */
const folderHint = (service: SandboxService, env: NodeJS.ProcessEnv) =>
	`Delete ${storeDirectory(env, path.join(SANDBOX_FOLDER, service))} to start the ${SERVICE_NAMES[service]} Sandbox again from empty; ${nothingReal(service)}.`;

/**
 * Opens the Sandbox's store: n8n's Redis in queue mode, else its own folder. A folder that is not writable is
 * an error naming it, never a silent switch to this process only (workers would disagree about plans).
 */
export async function openSandboxStore(service: SandboxService, env: NodeJS.ProcessEnv = process.env): Promise<SandboxStore> {
	const wording = { subject: `the ${SERVICE_NAMES[service]} Sandbox`, urlField: 'the Redis URL', urlSetting: 'the Redis URL', damagedHint: folderHint(service, env) };
	const open = async (folder: string) => await openSharedStore({ mode: isQueueMode(env) ? 'automatic' : 'file' }, env, { folder, wording });
	const store = await open(path.join(SANDBOX_FOLDER, service));
	const locks = await open(path.join(SANDBOX_FOLDER, service, 'locks'));
	return {
		backend: store.backend,
		state: new PrefixedState(store.state),
		locks: new PrefixedState(locks.state),
		counter: (name) => store.counter(name),
		fallbackReason: store.fallbackReason,
	};
}

/** The Sandbox's book in its store, with the store's wording for errors. */
export function sandboxBook<T>(
	service: SandboxService,
	store: SandboxStore,
	options: Omit<StoredBookOptions<T>, 'subject' | 'resetHint'>,
	env: NodeJS.ProcessEnv = process.env,
): StoredBook<T> {
	const resetHint =
		store.backend === 'redis'
			? `Delete ${store.state.describeKey(options.key)} to start the ${SERVICE_NAMES[service]} Sandbox again from empty; ${nothingReal(service)}.`
			: folderHint(service, env);
	return new StoredBook(store, { ...options, subject: `the ${SERVICE_NAMES[service]} Sandbox`, resetHint }, store.locks);
}

/** A Sandbox store that cannot be used, as the node error users read (never as an answer of the service). */
export function sandboxStoreError(node: INode, error: StoreUnavailableError, itemIndex?: number): NodeOperationError {
	return new NodeOperationError(node, codesInWords(error.message, 'system error'), { description: error.description, itemIndex });
}
