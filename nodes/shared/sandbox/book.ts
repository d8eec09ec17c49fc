// Where an in-process responder (the Sandbox, the HTTP simulators) keeps what its fake service knows: one JSON
// document, read whole and changed by one writer at a time. In memory for the simulators; in the package's
// shared store for the Sandbox, so every n8n process of one instance (queue-mode workers included) sees the
// same plans and rounds.
import type { SharedState } from '../state';

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

const LOCK_MS = 5_000;
const LOCK_STEP_MS = 25;
/** Sandbox state is forgotten after this long without a change. */
const KEEP_MS = 30 * 86_400_000;

/** In the shared store (file, or n8n's Redis in queue mode): a short lock around each change. */
export class StoredBook<T> implements Book<T> {
	constructor(
		private readonly state: SharedState,
		private readonly key: string,
		private readonly empty: () => T,
	) {}

	async read(): Promise<T> {
		const text = await this.state.get(this.key);
		if (!text) return this.empty();
		try {
			return JSON.parse(text) as T;
		} catch {
			return this.empty(); // a damaged sandbox starts again from empty: it holds nothing real
		}
	}

	async update<R>(change: (state: T) => R): Promise<R> {
		const lock = `${this.key}:lock`;
		// a lock left by a process that died expires by itself
		for (let waited = 0; !(await this.state.setIfAbsent(lock, String(process.pid), LOCK_MS)); waited += LOCK_STEP_MS) {
			if (waited > LOCK_MS) break;
			await new Promise((resolve) => setTimeout(resolve, LOCK_STEP_MS));
		}
		try {
			const document = await this.read();
			const result = change(document);
			await this.state.set(this.key, JSON.stringify(document), KEEP_MS);
			return result;
		} finally {
			await this.state.delete(lock);
		}
	}
}
