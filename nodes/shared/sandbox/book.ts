// Where an in-process responder (the Sandbox, the HTTP simulators) keeps what its fake service knows: one JSON
// document, read whole and changed by one writer at a time. In memory for the simulators; in a store of the
// Sandbox's own (./store.ts) for the Sandbox, so every n8n process of one instance (queue-mode workers
// included) sees the same plans and rounds.
import { randomBytes } from 'node:crypto';

import type { SharedState, SharedStore } from '../state';
import { capitalized, StoreUnavailableError } from '../state';

export interface Book<T> {
	read(): Promise<T>;
	/** Changes the document; no other writer (in any process sharing the store) runs meanwhile. */
	update<R>(change: (state: T) => R): Promise<R>;
}

/** One process only (the HTTP simulators): the document itself, which tests may also read at once. */
export class MemoryBook<T> implements Book<T> {
	constructor(readonly state: T) {}

	async read(): Promise<T> {
		return this.state;
	}

	async update<R>(change: (state: T) => R): Promise<R> {
		return change(this.state);
	}
}

/** A change holds the lock for one read and one write; this is far longer, so only a dead holder's lock expires. */
const LOCK_TTL_MS = 30_000;
const LOCK_STEP_MS = 25;
/** Sandbox state is forgotten after this long without a change. */
const KEEP_MS = 30 * 86_400_000;

export interface StoredBookOptions<T> {
	/** The document's key in the store. */
	key: string;
	empty: () => T;
	/** Whether a parsed document has the book's shape (anything else is a damaged book, never a crash later). */
	isBook: (document: unknown) => boolean;
	/** Bounds the document before each write (old and surplus entries out). */
	prune?: (document: T) => void;
	/** What the book is, mid-sentence: "the OCCTO Sandbox". */
	subject: string;
	/** What to do when the book is damaged or stays locked, a whole sentence. */
	resetHint: string;
	/** The lock's lifetime; a lock left by a process that died is taken over only once the store expired it. */
	lockTtlMs?: number;
}

const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

/**
 * In a store of its own (file, or n8n's Redis in queue mode): a lock with an owner token around each change.
 * Only the owner releases it; a waiter never breaks it, it waits until the store expires it.
 */
export class StoredBook<T> implements Book<T> {
	private readonly state: SharedState;
	private readonly lockTtlMs: number;
	/** The last time the store could not be used: for callers whose responder turns every throw into an answer. */
	failure?: StoreUnavailableError;

	/** `locks`: where the lock is taken (default: beside the book). */
	constructor(
		private readonly store: SharedStore,
		private readonly options: StoredBookOptions<T>,
		private readonly locks: SharedState = store.state,
	) {
		this.state = store.state;
		this.lockTtlMs = options.lockTtlMs ?? LOCK_TTL_MS;
	}

	private fail(message: string): StoreUnavailableError {
		return new StoreUnavailableError(`${capitalized(this.options.subject)} ${message}`, this.options.resetHint, this.store.backend);
	}

	private noted(error: unknown): unknown {
		if (error instanceof StoreUnavailableError) this.failure = error;
		return error;
	}

	async read(): Promise<T> {
		try {
			return await this.readDocument();
		} catch (error) {
			throw this.noted(error);
		}
	}

	async update<R>(change: (state: T) => R): Promise<R> {
		try {
			return await this.locked(change);
		} catch (error) {
			throw this.noted(error);
		}
	}

	private async readDocument(): Promise<T> {
		const { key } = this.options;
		const text = await this.state.get(key);
		if (!text) return this.options.empty();
		let document: unknown;
		try {
			document = JSON.parse(text);
		} catch {
			// reported below
		}
		if (!this.options.isBook(document)) throw this.fail(`is damaged: ${this.state.describeKey(key)} is not what the Sandbox writes.`);
		return document as T;
	}

	private async locked<R>(change: (state: T) => R): Promise<R> {
		const lock = `${this.options.key}:lock`;
		const token = randomBytes(16).toString('hex'); // pids repeat across containers: a token of this change alone
		// past the lock's lifetime a lock still there is a live holder's, or the store is stuck: say so, do not break it
		const deadline = Date.now() + this.lockTtlMs + 5_000;
		while (!(await this.locks.setIfAbsent(lock, token, this.lockTtlMs))) {
			if (Date.now() > deadline) throw this.fail(`stayed locked for ${Math.round((this.lockTtlMs + 5_000) / 1000)} s (${this.locks.describeKey(lock)}).`);
			await sleep(LOCK_STEP_MS);
		}
		try {
			const document = await this.readDocument();
			const result = change(document);
			this.options.prune?.(document);
			// a holder slower than the lock's lifetime must not overwrite the next holder's change
			if ((await this.locks.get(lock)) !== token) throw this.fail(`was too slow to save a change: its lock expired after ${this.lockTtlMs / 1000} s. Run the node again.`);
			await this.state.set(this.options.key, JSON.stringify(document), KEEP_MS);
			return result;
		} finally {
			// ours only; a failure here leaves the lock to expire by itself
			await this.locks.deleteIfEquals(lock, token).catch(() => undefined);
		}
	}
}
