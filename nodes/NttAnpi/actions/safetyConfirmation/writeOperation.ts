// Create, Send and Complete as write-once operations (nodes/shared/writeOnce): each prepares its call from the
// panel, and this sends it, remembers it, and answers a repeat with the first answer.
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { PreparedWrite, RememberScope, WriteOperation, WriteWords } from '../../../shared/writeOnce';
import { readWriteOnceOptions, repeatOf } from '../../../shared/writeOnce';
import type { AnpiCall } from '../../../nttAnpiApi';
import { anpiRequest, anpiWriteMemory } from '../../../nttAnpiApi';
import { items, usageOf } from './output';
import { callLimits } from './parameters';

export interface AnpiWrite extends PreparedWrite {
	call: AnpiCall;
}

export interface AnpiWriteSpec {
	scope: RememberScope;
	words: Omit<WriteWords, 'service'>;
	/** The call this item makes and what identifies it (without values the node makes up per send). */
	build(this: IExecuteFunctions, itemIndex: number, call: Pick<AnpiCall, 'itemIndex' | 'limits'>): Promise<{ call: Omit<AnpiCall, 'itemIndex' | 'limits' | 'idempotent'>; content: unknown }>;
	/** What the item shows (and a repeat returns) of the answer. */
	outcome(answer: IDataObject, call: AnpiCall): IDataObject;
	/** The answer in words: "thread ID 0000101". */
	reference(outcome: IDataObject): string;
}

export function anpiWriteOperation(spec: AnpiWriteSpec): WriteOperation<AnpiWrite> {
	return {
		scope: spec.scope,
		words: { ...spec.words, service: 'NTT Com' },
		async prepare(itemIndex) {
			const limits = callLimits.call(this, itemIndex);
			const settings = readWriteOnceOptions.call(this, itemIndex, spec.scope);
			const { call, content } = await spec.build.call(this, itemIndex, { itemIndex, limits });
			return { itemIndex, content, settings, waitMs: limits.timeoutMs + 5_000, call: { ...call, idempotent: false, itemIndex, limits } };
		},
		memory: anpiWriteMemory,
		async send(write) {
			const answer = await anpiRequest.call(this, write.call);
			const outcome = spec.outcome(answer, write.call);
			const sent = { outcome, reference: spec.reference(outcome), items: items([outcome], write.itemIndex) };
			try {
				Object.assign(outcome, usageOf.call(this, answer, write.itemIndex));
			} catch (error) {
				return { ...sent, raiseAfter: error as Error }; // the usage limit passed with this call: the write itself happened
			}
			return sent;
		},
		async repeat(write, first) {
			return items([{ ...first.outcome, repeatOf: repeatOf(first) }], write.itemIndex);
		},
	};
}
