// How a write operation (Register, Create, Send, Complete) runs on a batch: every item is checked before the
// first send; each write is claimed in the write memory before it leaves, so Retry On Fail, a re-run and a
// second worker never send it twice; a failure names every receipt already issued in this run.
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { errorItem, itemError } from '../itemErrors';
import type { SharedState } from '../state';
import { fingerprintOf } from './fingerprint';
import { mayHaveBeenSent } from './mayHaveBeenSent';
import type { RememberScope, WriteOnceSettings } from './options';
import type { WriteKey, WriteRecord } from './writeMemory';
import { WriteMemory } from './writeMemory';

export { maybeSent, mayHaveBeenSent } from './mayHaveBeenSent';
export { writeOnceOptions, readWriteOnceOptions } from './options';
export type { RememberScope, WriteOnceSettings } from './options';
export type { WriteRecord } from './writeMemory';

/** One input item, checked and ready to send: nothing in it calls the API. */
export interface PreparedWrite {
	itemIndex: number;
	/** What is written, without what the node makes up per send (message IDs, time stamps). */
	content: unknown;
	settings: WriteOnceSettings;
	/** How long to wait for another process sending the same write (about the call's timeout). */
	waitMs: number;
}

export interface SentWrite {
	items: INodeExecutionData[];
	/** What a repeat returns, kept in the write memory: small, nothing secret. */
	outcome: IDataObject;
	/** The answer in words, for errors that list what this run already sent: "receipt number 2000000123". */
	reference: string;
	/** An error to raise once the write is remembered as done (e.g. a usage limit passed by this very call). */
	raiseAfter?: Error;
}

/** How messages speak of the write. */
export interface WriteWords {
	/** "the outage plan" */
	what: string;
	/** "registered" */
	done: string;
	/** "Submission → Get Many (…, BA13B006) lists it" — a whole clause after "check whether". */
	check: string;
	/** "OCCTO" */
	service: string;
}

export interface WriteOperation<P extends PreparedWrite> {
	scope: RememberScope;
	words: WriteWords;
	/** Reads and checks one item's inputs; throws a NodeOperationError naming the field. No call. */
	prepare(this: IExecuteFunctions, itemIndex: number): Promise<P>;
	/** The store the memory lives in (the one the ledger uses) and who writes (credential identity, no secret). */
	memory(this: IExecuteFunctions): Promise<{ state: SharedState; identity: string }>;
	/** Checks the writes about to be sent as a whole (e.g. calls left today); throws before anything is sent. */
	checkBatch?(this: IExecuteFunctions, toSend: P[]): Promise<void>;
	send(this: IExecuteFunctions, prepared: P): Promise<SentWrite>;
	/** The item of a write already done: its first answer, at no call. */
	repeat(this: IExecuteFunctions, prepared: P, first: WriteRecord): Promise<INodeExecutionData[]>;
}

const jst = (iso: string) => {
	const at = Date.parse(iso);
	return Number.isFinite(at) ? `${new Date(at + 9 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ')} Japan time` : 'an unknown time';
};

/** Where a remembered write came from, on repeated items and in errors. */
export function repeatOf(record: WriteRecord): IDataObject {
	return { sentAt: record.at, executionId: record.executionId ?? null, workflowId: record.workflowId ?? null };
}

export async function executeWrites<P extends PreparedWrite>(this: IExecuteFunctions, operation: WriteOperation<P>): Promise<INodeExecutionData[]> {
	const inputs = this.getInputData();
	const continueOnFail = this.continueOnFail();
	const results: INodeExecutionData[][] = [];
	const fail = (itemIndex: number, error: unknown) => (results[itemIndex] = [{ json: errorItem(error), pairedItem: { item: itemIndex } }]);

	// 1. the whole batch is checked before the first send
	const prepared: P[] = [];
	for (let itemIndex = 0; itemIndex < inputs.length; itemIndex++) {
		try {
			prepared.push(await operation.prepare.call(this, itemIndex));
		} catch (error) {
			if (!continueOnFail) throw nothingSent(this, error, itemIndex, inputs.length);
			fail(itemIndex, error);
		}
	}

	// 2. which of them a send would repeat; the rest must fit the batch's limits as a whole
	let memory: WriteMemory;
	const keys = new Map<P, WriteKey>();
	const toSend: P[] = [];
	try {
		const { state, identity } = await operation.memory.call(this);
		memory = new WriteMemory(state, { executionId: this.getExecutionId(), workflowId: String(this.getWorkflow().id ?? '') });
		const perExecution = operation.scope === 'execution' ? this.getExecutionId() : '';
		for (const write of prepared) {
			const key = { fingerprint: fingerprintOf(identity, perExecution, write.content), rememberMs: write.settings.rememberMs, waitMs: write.waitMs };
			keys.set(write, key);
			// only a batch check needs to know in advance which writes will go: one store read each
			if (operation.checkBatch && (write.settings.sendAgain || !(await memory.look(key)))) toSend.push(write);
		}
		if (toSend.length) await operation.checkBatch!.call(this, toSend);
	} catch (error) {
		throw nothingSent(this, error, prepared[0]?.itemIndex ?? 0, inputs.length);
	}

	// 3. one at a time, each claimed before it leaves
	const issued: string[] = [];
	for (const write of prepared) {
		try {
			results[write.itemIndex] = await writeOnce(this, operation, memory, keys.get(write)!, write, issued);
		} catch (error) {
			if (continueOnFail) {
				fail(write.itemIndex, error);
				continue;
			}
			throw withIssued(this, error, write.itemIndex, issued, operation.words);
		}
	}
	const output: INodeExecutionData[] = [];
	results.forEach((items, itemIndex) => {
		for (const item of items ?? []) {
			item.pairedItem ??= { item: itemIndex };
			output.push(item);
		}
	});
	return output;
}

async function writeOnce<P extends PreparedWrite>(
	ctx: IExecuteFunctions,
	operation: WriteOperation<P>,
	memory: WriteMemory,
	key: WriteKey,
	write: P,
	issued: string[],
): Promise<INodeExecutionData[]> {
	if (write.settings.sendAgain) await memory.claimAnyway(key);
	else {
		const claim = await memory.claim(key);
		if (claim.kind === 'repeat') return await operation.repeat.call(ctx, write, claim.record);
		if (claim.kind === 'uncertain') throw uncertainRepeat(ctx, claim.record, claim.stillSending, write.itemIndex, operation);
	}
	let sent: SentWrite;
	try {
		sent = await operation.send.call(ctx, write);
	} catch (error) {
		const remembered = mayHaveBeenSent(error)
			? memory.unknown(key, (error as Error).message ?? String(error))
			: memory.release(key); // refused before it was carried out: the user may fix it and send again
		await remembered.catch((storeError: Error) => ctx.logger.warn(`The write memory could not record the outcome of item ${write.itemIndex}: ${storeError.message}`));
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- the operation's own NodeApiError / NodeOperationError, kept whole
		throw error;
	}
	issued.push(`item ${write.itemIndex}: ${sent.reference}`);
	// the API answered: a store failure now must not hide the answer
	await memory.done(key, sent.outcome).catch((storeError: Error) =>
		ctx.addExecutionHints({
			message: `${operation.words.service} answered item ${write.itemIndex} (${sent.reference}), but it could not be remembered (${storeError.message}): a re-run would send it again.`,
			type: 'warning',
			location: 'outputPane',
		}),
	);
	if (sent.raiseAfter) throw sent.raiseAfter;
	return sent.items;
}

/** A send of this write was made before, and its outcome is not known: never send it again silently. */
function uncertainRepeat(ctx: IExecuteFunctions, record: WriteRecord, stillSending: boolean, itemIndex: number, operation: WriteOperation<PreparedWrite>) {
	const { what, done, check, service } = operation.words;
	const by = record.executionId ? ` by execution ${record.executionId}` : '';
	const message = stillSending
		? `The same ${what.replace(/^the /, '')} is being sent to ${service}${by} since ${jst(record.at)}, and its answer has not come yet: it may have been ${done}`
		: `The same ${what.replace(/^the /, '')} was sent to ${service} at ${jst(record.at)}${by}, and the outcome is unknown: it may have been ${done}`;
	return new NodeOperationError(ctx.getNode(), message, {
		itemIndex,
		description: `${record.reason ? `What happened then: ${record.reason}. ` : ''}Nothing was sent now. Check whether ${check}. To send it once more anyway, turn on "Send Even If Sent Before" in the node options.`,
	});
}

/** A check failed before the first send. */
function nothingSent(ctx: IExecuteFunctions, error: unknown, itemIndex: number, batchSize: number) {
	const nodeError = itemError(ctx, error, itemIndex);
	if (batchSize > 1) nodeError.description = `${nodeError.description ? `${nodeError.description} ` : ''}The whole batch of ${batchSize} items was checked first: nothing was sent for any item.`;
	return nodeError;
}

/** A failure after earlier items were sent: their answers are named, so nothing is lost when n8n drops the output. */
function withIssued(ctx: IExecuteFunctions, error: unknown, itemIndex: number, issued: string[], words: WriteWords) {
	const nodeError = itemError(ctx, error, itemIndex);
	if (issued.length) {
		nodeError.description = `${nodeError.description ? `${nodeError.description} ` : ''}Already ${words.done} in this run: ${issued.join('; ')}. A re-run returns these without sending them again.`;
	}
	return nodeError;
}
