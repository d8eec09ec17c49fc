// The write memory: one entry per write fingerprint in the shared store (memory, file, or n8n's Redis in queue
// mode), so Retry On Fail, a re-run and a second worker converge on one send. Claiming is the store's atomic
// set-if-absent: of two processes given the same write at once, one sends and the other waits for its answer.
import type { IDataObject } from 'n8n-workflow';

import { clock } from '../clock';
import type { SharedState } from '../state';

export type WriteState = 'sending' | 'done' | 'unknown';

/** What the memory keeps of one write: small, and nothing secret (the key is a hash). */
export interface WriteRecord {
	state: WriteState;
	/** When it was first sent (ISO). */
	at: string;
	executionId?: string;
	workflowId?: string;
	/** done: what a repeat returns (receipt number, thread ID …). */
	outcome?: IDataObject;
	/** unknown: what went wrong after sending. */
	reason?: string;
}

export interface WriteKey {
	/** Hash of identity + content (+ execution, for writes remembered within one execution). */
	fingerprint: string;
	/** How long a send is remembered. */
	rememberMs: number;
	/** How long to wait for another process that is sending the same write. */
	waitMs: number;
}

export type Claim = { kind: 'claimed' } | { kind: 'repeat'; record: WriteRecord } | { kind: 'uncertain'; record: WriteRecord; stillSending: boolean };

const PREFIX = 'write-once:';
const WAIT_STEP_MS = 200;

const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

export class WriteMemory {
	constructor(
		private readonly state: SharedState,
		private readonly who: { executionId?: string; workflowId?: string },
	) {}

	private record(state: WriteState, extra: Partial<WriteRecord> = {}): WriteRecord {
		return { state, at: new Date(clock.now()).toISOString(), ...this.who, ...extra };
	}

	/** The entry of a write, if one is remembered within its window. */
	async look(key: WriteKey): Promise<WriteRecord | undefined> {
		const text = await this.state.get(PREFIX + key.fingerprint);
		if (text === undefined) return undefined;
		const record = parse(text);
		return record && isStale(record, key) ? undefined : record;
	}

	/** Takes the write for this process, or says what an earlier send of it became. */
	async claim(key: WriteKey): Promise<Claim> {
		const mine = JSON.stringify(this.record('sending'));
		const entry = PREFIX + key.fingerprint;
		for (let waited = 0; ; ) {
			if (await this.state.setIfAbsent(entry, mine, key.rememberMs)) return { kind: 'claimed' };
			const text = await this.state.get(entry);
			if (text === undefined) continue; // expired between the two steps: claim again
			const found = parse(text) ?? this.record('unknown', { at: '', reason: 'the remembered entry is damaged' });
			if (isStale(found, key)) {
				await this.state.set(entry, mine, key.rememberMs); // older than this run's window: as if absent
				return { kind: 'claimed' };
			}
			if (found.state === 'done') return { kind: 'repeat', record: found };
			if (found.state === 'unknown') return { kind: 'uncertain', record: found, stillSending: false };
			if (waited >= key.waitMs) return { kind: 'uncertain', record: found, stillSending: true };
			await sleep(WAIT_STEP_MS);
			waited += WAIT_STEP_MS;
		}
	}

	/** A deliberate repeat ("Send Even If Sent Before"): taken whatever is remembered. */
	async claimAnyway(key: WriteKey): Promise<void> {
		await this.state.set(PREFIX + key.fingerprint, JSON.stringify(this.record('sending')), key.rememberMs);
	}

	async done(key: WriteKey, outcome: IDataObject): Promise<void> {
		await this.state.set(PREFIX + key.fingerprint, JSON.stringify(this.record('done', { outcome })), key.rememberMs);
	}

	async unknown(key: WriteKey, reason: string): Promise<void> {
		await this.state.set(PREFIX + key.fingerprint, JSON.stringify(this.record('unknown', { reason })), key.rememberMs);
	}

	/** Nothing was sent (refused before it left, or by the API): the write may be sent again. */
	async release(key: WriteKey): Promise<void> {
		await this.state.delete(PREFIX + key.fingerprint);
	}
}

function parse(text: string): WriteRecord | undefined {
	try {
		const record = JSON.parse(text) as WriteRecord;
		return record && typeof record.state === 'string' ? record : undefined;
	} catch {
		return undefined;
	}
}

/** An entry older than this run's window (the window may have been shortened since) does not count. */
function isStale(record: WriteRecord, key: WriteKey): boolean {
	const at = Date.parse(record.at);
	return Number.isFinite(at) && at < clock.now() - key.rememberMs;
}
