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

import type { CallLedger, Clock, QuotaReading, Reservation, SharedState } from './types';
import { checkStopBefore, checkUsed, checkUserId, decide, LedgerUnavailableError, readingOf } from './types';
import { jstDate } from '../../shared/japanTime';
import { DAILY_CALL_LIMIT } from '../mapping';

/** A lock older than this belongs to a process that died holding it (a holder keeps it for milliseconds). */
const STALE_LOCK_MS = 5_000;
/** How long a caller waits for the lock before giving up with an error (longer than STALE_LOCK_MS). */
const LOCK_WAIT_MS = 15_000;

/** <N8N_USER_FOLDER or home>/.n8n/occto-ledger, the same user folder n8n itself uses. */
export function ledgerDirectory(env: NodeJS.ProcessEnv): string {
	return path.join(env.N8N_USER_FOLDER || os.homedir(), '.n8n', 'occto-ledger');
}

/** Creates the directory and proves it writable; the reason it is not, otherwise. */
export function probeWritable(dir: string): string | undefined {
	try {
		mkdirSync(dir, { recursive: true, mode: 0o700 }); // the ledger names OCCTO user IDs: its owner's alone
		const probe = path.join(dir, `.probe-${process.pid}-${randomBytes(4).toString('hex')}`);
		closeSync(openSync(probe, 'wx'));
		unlinkSync(probe);
		return undefined;
	} catch (error) {
		return `${dir} is not writable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
	}
}

const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

function fileError(message: string, description: string): LedgerUnavailableError {
	return new LedgerUnavailableError(message, description, 'file');
}

const FOLDER_HINT =
	'Make sure the n8n user folder is readable and writable by every n8n process, or choose another "Ledger" in the OCCTO WebAPI credential.';

function readIfExists(file: string): string | undefined {
	try {
		return readFileSync(file, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
		throw fileError(`Cannot read the OCCTO call ledger file ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, FOLDER_HINT);
	}
}

/** Removes a lock left by a dead holder. Renaming first means only one waiter can take the stale file away. */
function breakIfStale(lockPath: string, myToken: string): void {
	let observed: string | undefined;
	try {
		if (Date.now() - statSync(lockPath).mtimeMs <= STALE_LOCK_MS) return;
		observed = readIfExists(lockPath);
	} catch {
		return; // gone meanwhile
	}
	const moved = `${lockPath}.${myToken}.stale`;
	try {
		renameSync(lockPath, moved);
	} catch {
		return; // another waiter broke it first
	}
	if (readIfExists(moved) !== observed) {
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
export async function withFileLock<T>(file: string, critical: () => T): Promise<T> {
	const lockPath = `${file}.lock`;
	const token = `${os.hostname()}:${process.pid}:${randomBytes(6).toString('hex')}`;
	const deadline = Date.now() + LOCK_WAIT_MS;
	for (;;) {
		let fd: number | undefined;
		try {
			fd = openSync(lockPath, 'wx', 0o600);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
				throw fileError(`Cannot lock the OCCTO call ledger file ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, FOLDER_HINT);
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
				if (readIfExists(lockPath) === token) unlinkSync(lockPath);
			}
		}
		breakIfStale(lockPath, token);
		if (Date.now() > deadline) {
			throw fileError(
				`The OCCTO call ledger file ${file} stayed locked for ${LOCK_WAIT_MS / 1000} s`,
				`Another process holds ${lockPath}. If no n8n process is running, delete that file.`,
			);
		}
		await sleep(1 + Math.random() * 4);
	}
}

/** Reads a JSON document; a damaged file is an error, never an empty ledger (that would undercount). */
function readJson<T>(file: string, empty: T): T {
	const text = readIfExists(file);
	if (text === undefined || text.trim() === '') return empty;
	try {
		const parsed = JSON.parse(text) as T;
		if (parsed && typeof parsed === 'object') return parsed;
	} catch {
		// reported below
	}
	throw fileError(
		`The OCCTO call ledger file ${file} is damaged (not the JSON the node writes)`,
		"Repair it, or delete it to start today's count from 0 (then align it with Call Quota → Set if calls were already made today).",
	);
}

/** Ledger files hold OCCTO user IDs: readable and writable by their owner only. */
const OWNER_ONLY = 0o600;

/** Writes a whole new file and puts it in place by rename (atomic on one file system). */
function writeJson(file: string, document: unknown): void {
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

/** calls.json: { days: { YYYYMMDD: { userId: used } } }, today's and yesterday's days only. */
interface CallsDocument {
	days: Record<string, Record<string, number>>;
}

export class FileLedger implements CallLedger {
	readonly store = 'file' as const;
	readonly file: string;

	constructor(
		dir: string,
		private readonly clock: Clock,
	) {
		this.file = path.join(dir, 'calls.json');
	}

	/** One locked read-modify-write of today's count for userId; `change` returns the new count (or undefined to leave it). */
	private async update<R>(userId: string, change: (used: number) => { used?: number; result: R }): Promise<{ used: number; now: Date; result: R }> {
		checkUserId(userId);
		return await withFileLock(this.file, () => {
			const now = this.clock();
			const day = jstDate(now);
			const document = readJson<CallsDocument>(this.file, { days: {} });
			document.days ??= {};
			const today = (document.days[day] ??= {});
			const before = today[userId] ?? 0;
			const { used, result } = change(before);
			if (used !== undefined && used !== before) {
				today[userId] = used;
				const yesterday = jstDate(new Date(now.getTime() - 24 * 60 * 60 * 1000));
				for (const other of Object.keys(document.days)) {
					if (other < yesterday) delete document.days[other];
				}
				writeJson(this.file, document);
			}
			return { used: used ?? before, now, result };
		});
	}

	async reserve(userId: string, stopBefore: number): Promise<Reservation> {
		checkStopBefore(stopBefore);
		const { used, now, result } = await this.update(userId, (current) => {
			const decision = decide(current, stopBefore);
			return { used: decision.allowed ? current + 1 : undefined, result: decision };
		});
		return { ...result, reading: readingOf(used, now, 'file') };
	}

	async read(userId: string): Promise<QuotaReading> {
		checkUserId(userId);
		const now = this.clock();
		const document = readJson<CallsDocument>(this.file, { days: {} });
		return readingOf(document.days?.[jstDate(now)]?.[userId] ?? 0, now, 'file');
	}

	async set(userId: string, used: number): Promise<QuotaReading> {
		checkUsed(used);
		const result = await this.update(userId, () => ({ used, result: undefined }));
		return readingOf(result.used, result.now, 'file');
	}

	async markExhausted(userId: string): Promise<QuotaReading> {
		const result = await this.update(userId, (current) => ({ used: Math.max(current, DAILY_CALL_LIMIT), result: undefined }));
		return readingOf(result.used, result.now, 'file');
	}
}

/** state.json: { values: { key: { value, expiresAt? } } }. */
interface StateDocument {
	values: Record<string, { value: string; expiresAt?: number }>;
}

export class FileState implements SharedState {
	readonly file: string;

	constructor(
		dir: string,
		private readonly clock: Clock,
	) {
		this.file = path.join(dir, 'state.json');
	}

	private live(document: StateDocument, key: string) {
		const entry = document.values?.[key];
		if (entry?.expiresAt !== undefined && entry.expiresAt <= this.clock().getTime()) return undefined;
		return entry;
	}

	private async change<R>(edit: (document: StateDocument) => R): Promise<R> {
		return await withFileLock(this.file, () => {
			const document = readJson<StateDocument>(this.file, { values: {} });
			document.values ??= {};
			const result = edit(document);
			const now = this.clock().getTime();
			for (const [key, entry] of Object.entries(document.values)) {
				if (entry.expiresAt !== undefined && entry.expiresAt <= now) delete document.values[key];
			}
			writeJson(this.file, document);
			return result;
		});
	}

	async get(key: string): Promise<string | undefined> {
		return this.live(readJson<StateDocument>(this.file, { values: {} }), key)?.value;
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
}
