// The file store: JSON files under the n8n user folder that every n8n process on this host shares, and
// that survive restarts. Each read-modify-write happens under an exclusive lock file (created with 'wx',
// which only one process can do) and is fully synchronous between taking and releasing the lock, so no
// update is lost; the new content replaces the old by rename, so a crash never leaves half a file.
import { randomBytes } from 'node:crypto';
import {
	closeSync,
	fsyncSync,
	linkSync,
	mkdirSync,
	openSync,
	readFileSync,
	renameSync,
	statSync,
	unlinkSync,
	writeSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { Clock, CounterKey, CounterRule, SharedCounter, SharedState, SharedStore, StoreWording } from './types';
import { capitalized, checkCounterName, checkRule, checkWholeNumber, orOtherChoice, StoreUnavailableError } from './types';

/** A lock older than this belongs to a process that died holding it (a holder keeps it for milliseconds). */
const STALE_LOCK_MS = 5_000;
/** How long a caller waits for the lock before giving up with an error (longer than STALE_LOCK_MS). */
const LOCK_WAIT_MS = 15_000;

/** <N8N_USER_FOLDER or home>/.n8n/<folder>, in the same user folder n8n itself uses. */
export function storeDirectory(env: NodeJS.ProcessEnv, folder: string): string {
	return path.join(env.N8N_USER_FOLDER || os.homedir(), '.n8n', folder);
}

/** Creates the directory and proves it writable; the reason it is not, otherwise. */
export function probeWritable(dir: string): string | undefined {
	try {
		mkdirSync(dir, { recursive: true, mode: 0o700 }); // what callers keep may name their users: its owner's alone
		const probe = path.join(dir, `.probe-${process.pid}-${randomBytes(4).toString('hex')}`);
		closeSync(openSync(probe, 'wx'));
		unlinkSync(probe);
		return undefined;
	} catch (error) {
		return `${dir} is not writable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
	}
}

const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

const codeOf = (error: unknown) => (error as NodeJS.ErrnoException).code ?? (error as Error).message;

/** Store files hold what callers keep (user IDs, tokens): readable and writable by their owner only. */
const OWNER_ONLY = 0o600;

/** The files of one store directory: locked updates, whole-file replacement, errors in the caller's words. */
export class StoreFiles {
	constructor(
		readonly dir: string,
		private readonly wording: StoreWording,
	) {}

	private fail(message: string, description: string): StoreUnavailableError {
		return new StoreUnavailableError(message, description, 'file');
	}

	private get folderHint(): string {
		return `Make sure the n8n user folder is readable and writable by every n8n process${orOtherChoice(this.wording)}.`;
	}

	private readIfExists(file: string): string | undefined {
		try {
			return readFileSync(file, 'utf8');
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
			throw this.fail(`Cannot read ${this.wording.subject} file ${file} (${codeOf(error)})`, this.folderHint);
		}
	}

	/** Removes a lock left by a dead holder. Renaming first means only one waiter can take the stale file away. */
	private breakIfStale(lockPath: string, myToken: string): void {
		let observed: string | undefined;
		try {
			if (Date.now() - statSync(lockPath).mtimeMs <= STALE_LOCK_MS) return;
			observed = this.readIfExists(lockPath);
		} catch {
			return; // gone meanwhile
		}
		const moved = `${lockPath}.${myToken}.stale`;
		try {
			renameSync(lockPath, moved);
		} catch {
			return; // another waiter broke it first
		}
		if (this.readIfExists(moved) !== observed) {
			// a fresh lock was taken between our look and our rename: give it back
			try {
				linkSync(moved, lockPath);
			} catch {
				// the path is taken again; nothing better to do than to leave it
			}
		}
		try {
			unlinkSync(moved);
		} catch {
			// already gone
		}
	}

	/**
	 * Runs `critical` while holding the exclusive lock for `file`. `critical` must be synchronous: nothing else
	 * in this process can run while the lock is held, which keeps it held for as short a time as possible.
	 */
	async locked<T>(file: string, critical: () => T): Promise<T> {
		const lockPath = `${file}.lock`;
		const token = `${os.hostname()}:${process.pid}:${randomBytes(6).toString('hex')}`;
		const deadline = Date.now() + LOCK_WAIT_MS;
		for (;;) {
			let fd: number | undefined;
			try {
				fd = openSync(lockPath, 'wx', OWNER_ONLY);
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
					throw this.fail(`Cannot lock ${this.wording.subject} file ${file} (${codeOf(error)})`, this.folderHint);
				}
			}
			if (fd !== undefined) {
				try {
					writeSync(fd, token);
				} finally {
					closeSync(fd);
				}
				try {
					return critical();
				} finally {
					if (this.readIfExists(lockPath) === token) unlinkSync(lockPath);
				}
			}
			this.breakIfStale(lockPath, token);
			if (Date.now() > deadline) {
				throw this.fail(
					`${capitalized(this.wording.subject)} file ${file} stayed locked for ${LOCK_WAIT_MS / 1000} s`,
					`Another process holds ${lockPath}. If no n8n process is running, delete that file.`,
				);
			}
			await sleep(1 + Math.random() * 4);
		}
	}

	/** Reads a JSON document; a damaged file is an error, never an empty document (that would undercount). */
	read<T>(file: string, empty: T): T {
		const text = this.readIfExists(file);
		if (text === undefined || text.trim() === '') return empty;
		try {
			const parsed = JSON.parse(text) as T;
			if (parsed && typeof parsed === 'object') return parsed;
		} catch {
			// reported below
		}
		throw this.fail(`${capitalized(this.wording.subject)} file ${file} is damaged (not the JSON the node writes)`, this.wording.damagedHint);
	}

	/** Writes a whole new file and puts it in place by rename (atomic on one file system). */
	write(file: string, document: unknown): void {
		const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
		const fd = openSync(temporary, 'w', OWNER_ONLY);
		try {
			writeSync(fd, JSON.stringify(document));
			fsyncSync(fd);
		} finally {
			closeSync(fd);
		}
		renameSync(temporary, file);
	}
}

/** How many days a counter file keeps: the latest one and the one before (for a process whose clock is a little behind). */
const KEPT_DAYS = 2;

/** <counter name>.json: { days: { day: { name: count } } }, the latest KEPT_DAYS days only. */
interface CounterDocument {
	days: Record<string, Record<string, number>>;
}

export class FileCounter implements SharedCounter {
	readonly file: string;

	constructor(
		private readonly files: StoreFiles,
		counterName: string,
	) {
		checkCounterName(counterName);
		this.file = path.join(files.dir, `${counterName}.json`);
	}

	/** One locked read-modify-write of key's count; `change` answers the new count, or undefined to leave it. */
	private async update(key: CounterKey, change: (value: number) => number | undefined): Promise<{ value: number; changed: boolean }> {
		return await this.files.locked(this.file, () => {
			const document = this.files.read<CounterDocument>(this.file, { days: {} });
			const days = (document.days ??= {});
			const counts = (days[key.day] ??= {});
			const before = counts[key.name] ?? 0;
			const after = change(before);
			if (after === undefined || after === before) return { value: before, changed: false };
			counts[key.name] = after;
			for (const old of Object.keys(days).sort().slice(0, -KEPT_DAYS)) delete days[old];
			this.files.write(this.file, document);
			return { value: after, changed: true };
		});
	}

	async reserve(key: CounterKey, rule: CounterRule): Promise<{ allowed: boolean; value: number }> {
		checkRule(rule);
		const { value, changed } = await this.update(key, (current) => (rule.below.every((limit) => current < limit) ? current + 1 : undefined));
		return { allowed: changed, value };
	}

	async read(key: CounterKey): Promise<number> {
		return this.files.read<CounterDocument>(this.file, { days: {} }).days?.[key.day]?.[key.name] ?? 0;
	}

	async set(key: CounterKey, value: number): Promise<number> {
		checkWholeNumber(value, 'A count');
		return (await this.update(key, () => value)).value;
	}

	async raise(key: CounterKey, atLeast: number): Promise<number> {
		checkWholeNumber(atLeast, 'A count');
		return (await this.update(key, (current) => Math.max(current, atLeast))).value;
	}
}

/** state.json: { values: { key: { value, expiresAt? } } }. */
interface StateDocument {
	values: Record<string, { value: string; expiresAt?: number }>;
}

export class FileState implements SharedState {
	readonly file: string;

	constructor(
		private readonly files: StoreFiles,
		private readonly clock: Clock,
	) {
		this.file = path.join(files.dir, 'state.json');
	}

	private live(document: StateDocument, key: string) {
		const entry = document.values?.[key];
		if (entry?.expiresAt !== undefined && entry.expiresAt <= this.clock().getTime()) return undefined;
		return entry;
	}

	private async change<R>(edit: (document: StateDocument) => R): Promise<R> {
		return await this.files.locked(this.file, () => {
			const document = this.files.read<StateDocument>(this.file, { values: {} });
			document.values ??= {};
			const result = edit(document);
			const now = this.clock().getTime();
			for (const [key, entry] of Object.entries(document.values)) {
				if (entry.expiresAt !== undefined && entry.expiresAt <= now) delete document.values[key];
			}
			this.files.write(this.file, document);
			return result;
		});
	}

	async get(key: string): Promise<string | undefined> {
		return this.live(this.files.read<StateDocument>(this.file, { values: {} }), key)?.value;
	}

	async set(key: string, value: string, ttlMs?: number): Promise<void> {
		await this.change((document) => {
			document.values[key] = ttlMs === undefined ? { value } : { value, expiresAt: this.clock().getTime() + ttlMs };
		});
	}

	async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
		return await this.change((document) => {
			if (this.live(document, key)) return false;
			document.values[key] = { value, expiresAt: this.clock().getTime() + ttlMs };
			return true;
		});
	}

	async delete(key: string): Promise<void> {
		await this.change((document) => {
			delete document.values[key];
		});
	}

	async deleteIfEquals(key: string, value: string): Promise<boolean> {
		return await this.change((document) => {
			if (this.live(document, key)?.value !== value) return false;
			delete document.values[key];
			return true;
		});
	}

	describeKey(key: string): string {
		return `entry "${key}" of ${this.file}`;
	}
}

export class FileStore implements SharedStore {
	readonly backend = 'file' as const;
	readonly state: FileState;

	constructor(
		private readonly files: StoreFiles,
		clock: Clock,
	) {
		this.state = new FileState(files, clock);
	}

	counter(name: string): SharedCounter {
		return new FileCounter(this.files, name);
	}
}
