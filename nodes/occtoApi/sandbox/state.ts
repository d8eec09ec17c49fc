// What the Sandbox OCCTO keeps and answers: the submissions in its book, a call as it arrives and the reply
// before it is put on the wire, and the names its lists use for rows.
import type { OcctoApiId } from '../mapping';
import { ERROR_DETAIL_ROW, OUTAGE_PLAN_ROW, REGISTER_ANSWER, SUBMISSION_ROW } from '../mapping';

export interface OcctoCall {
	apiId: OcctoApiId;
	/** The request's text parameters (user ID and password are the wire's business, not the responder's). */
	form: Record<string, string>;
	/** The plan file of a register call. */
	file?: Buffer;
	userId: string;
}

/** What OCCTO answers: a result code and either the answer's XML (success) or a message. */
export type OcctoReply = { resultCode: string; xml: string } | { resultCode: string; message: string };

export interface ErrorDetail {
	code: string;
	message: string;
	element: string;
}

export interface StoredSubmission {
	receptionNo: string;
	userId: string;
	fileName: string;
	planDivision: string;
	xml: string;
	/** Milliseconds since 1970. */
	submittedAt: number;
	/** OCCTO's check of the plan, known at once, shown once 受付中 is over. */
	errors: ErrorDetail[];
}

export interface OcctoBookState {
	nextReceptionNo: number;
	submissions: StoredSubmission[];
}

export const emptyOcctoBook = (): OcctoBookState => ({ nextReceptionNo: 1000000001, submissions: [] });

export type ListName = 'plans' | 'submissions' | 'errors' | 'receipt';

export interface OcctoResponderOptions {
	/** How long a registered plan stays 受付中. */
	statusDelayMs: number;
	/** Plans every user ID sees (receipt numbers 2000000001…). */
	seedPlans: number;
	clock?: () => Date;
	/** Row element per list; `wrapper` puts the rows inside one element under the root. Default: mapping.ts. */
	rows?: Record<ListName, { row: string; wrapper?: string }>;
	/** Field elements of the submission and plan rows named otherwise: standard name → this server's name. */
	listFieldNames?: Record<string, string>;
	/** OCCTO adjusts a registered plan this long after its Register: its first window ends a day later (absent: never). */
	adjustAfterMs?: number;
}

export const STANDARD_ROWS: Record<ListName, { row: string; wrapper?: string }> = {
	plans: { row: OUTAGE_PLAN_ROW },
	submissions: { row: SUBMISSION_ROW },
	errors: { row: ERROR_DETAIL_ROW },
	receipt: { row: REGISTER_ANSWER.row },
};
