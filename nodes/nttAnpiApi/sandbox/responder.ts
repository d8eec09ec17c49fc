// The NTT Com API gateway and Biz安否確認 in process: the token endpoint and the five operations, with state,
// following shared/specs and ../mapping.ts. The Sandbox credential and the HTTP simulator (simulators/anpi,
// which adds HTTP, faults and test hooks around it) both answer through this one responder. Sends and
// completions take effect after `asyncDelayMs`, and (with `answersArrive`) people answer a sent round over the
// following minutes — all worked out from the time when the state is next read, not by timers, so every
// process reading the book agrees and nothing is left running. Error codes it invents start with "SIM".
import type { Book } from '../../shared/sandbox/book';
import { GRANT_PATH } from '../mapping';
import { anpiOperations } from './operations';
import { settleThread } from './people';
import { BusinessError, NoAnswerBody, requestChecks } from './requestChecks';
import type { AnpiBookState, AnpiCall, AnpiReply, AnpiResponderOptions, NoOpenRoundAnswer } from './state';
import { tokenGrant } from './tokenGrant';

export type { AnpiBookState, AnpiCall, AnpiReply, AnpiResponderOptions, NoOpenRoundAnswer, ThreadState } from './state';
export { initialAnpiBook, seededThread, settleThread, userIndex } from './people';

export function createAnpiResponder(book: Book<AnpiBookState>, options: AnpiResponderOptions) {
	const contractCount = options.contractCount ?? -1;
	const clock = options.clock ?? (() => Date.now());
	let noOpenRound: NoOpenRoundAnswer = options.noOpenRound ?? 'default';
	const checks = requestChecks();
	const operations = anpiOperations(options, checks, () => noOpenRound);

	const responder = {
		book,
		...tokenGrant(book, options),

		/** Whether a method and path is one of the five operations. */
		knows: (method: string, route: string) => operations[`${method} ${route}`] !== undefined,

		/** One operation, once the token was accepted. */
		async call(call: AnpiCall): Promise<AnpiReply> {
			const operation = operations[`${call.method} ${call.route}`];
			if (!operation) return { status: 404 };
			return await book.update((state) => {
				const now = clock();
				for (const thread of state.threads) settleThread(thread, now);
				state.useCount++;
				try {
					return { status: 200, body: { ...operation(state, call), useCount: state.useCount, contractCount } };
				} catch (error) {
					checks.reset();
					if (error instanceof NoAnswerBody) return { status: error.status };
					// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- not the gateway's refusal: a bug, kept as it is
					if (!(error instanceof BusinessError)) throw error;
					return { status: error.status, body: { errorCode: error.code, errorMessage: error.message, moreInfo: null, errorDetails: error.details } };
				}
			});
		},

		answerNoOpenRound(style: NoOpenRoundAnswer) {
			noOpenRound = style;
		},
	};
	return responder;
}

export type AnpiResponder = ReturnType<typeof createAnpiResponder>;

/** The token path as the gateway routes it (one trailing slash). */
export const GRANT_ROUTE = GRANT_PATH.replace(/\/?$/, '/');
