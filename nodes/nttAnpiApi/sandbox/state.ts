// What the Sandbox gateway keeps and answers: the rounds with their answers and sends, issued tokens, and the
// shape of a call and a reply.
export type Body = Record<string, unknown>;

export interface Answer {
	ansList: string[];
	at: string;
}

export interface ThreadState {
	tid: string;
	title: string;
	text: string;
	strdate: string;
	endflg: string;
	atendpldate: string | null;
	trngflg: string;
	/** Per user index. */
	answers: Record<number, Answer>;
	sends: Record<number, { sendstatus: string; sendregdate: string }>;
	/** Sends not yet in effect (milliseconds since 1970). */
	pendingSends?: Array<{ at: number; targets: number[]; sendstatus: string }>;
	/** When a completion takes effect. */
	closesAt?: number;
	/** People who will answer, and when (answersArrive): user index → milliseconds since 1970. */
	arrivals?: Record<number, number>;
}

export interface AnpiBookState {
	nextTid: number;
	/** In creation order. */
	threads: ThreadState[];
	/** Access token → issued at (ms). */
	tokens: Record<string, number>;
	useCount: number;
	tokenCalls: number;
}

/**
 * What Get Status without a tid answers between rounds; NTT's spec does not say, so each plausible form is here:
 * "404" HTTP 404 without an API error body, "errorCode" HTTP 400 with an API error saying no round (スレッド) is
 * open, "emptyList" HTTP 200 with no tid and no rows. Default: HTTP 404 with that API error.
 */
export type NoOpenRoundAnswer = 'default' | '404' | 'errorCode' | 'emptyList';

export interface AnpiResponderOptions {
	clients: Record<string, string>;
	tokenLifetimeSeconds?: number;
	users?: number;
	/** Share of people who have answered the seeded open round. */
	answeredShare?: number;
	/** How long a send or a completion takes to take effect. */
	asyncDelayMs?: number;
	contractCount?: number;
	noOpenRound?: NoOpenRoundAnswer;
	/** People answer a sent round by themselves over the following minutes (the Sandbox). */
	answersArrive?: boolean;
	clock?: () => number;
}

/** An answer: HTTP status and JSON body (none for a bare status). */
export interface AnpiReply {
	status: number;
	body?: unknown;
}

export interface AnpiCall {
	method: string;
	/** Path with one trailing slash, e.g. /v1/anpi/confirm/safety/. */
	route: string;
	query: URLSearchParams;
	body: Body;
}

