// NTT Com API gateway + Biz安否確認 (safety confirmation) simulator: a real HTTP(S) server on 127.0.0.1
// with the token endpoint and the five operations, with state. Wire names come from
// nodes/nttAnpiApi/mapping.ts, the same file the node uses. Error codes it invents start with "SIM" so
// nobody mistakes them for NTT's.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

import { jstMinute } from '../../nodes/shared/japanTime';
import { MemoryBook } from '../../nodes/shared/sandbox/book';
import type { AnpiBookState, NoOpenRoundAnswer } from '../../nodes/nttAnpiApi';
import { GRANT_ROUTE, createAnpiResponder, initialAnpiBook, seededThread, settleThread, userIndex } from '../../nodes/nttAnpiApi';

export type { NoOpenRoundAnswer } from '../../nodes/nttAnpiApi';

export interface AnpiSimulatorOptions {
	port?: number;
	clients?: Record<string, string>;
	tokenLifetimeSeconds?: number;
	users?: number;
	answeredShare?: number;
	asyncDelayMs?: number;
	contractCount?: number;
	rateLimit?: { perSecond: number };
	https?: { key: string; cert: string };
	/** Test hook: runs before each API call is answered (e.g. to make people answer while a client pages). */
	onRequest?: (method: string, path: string) => void;
	/** Seed the round that is open now (0000003); false starts between rounds, with only closed ones. Default true. */
	seedOpenRound?: boolean;
	/** How Get Status without tid answers while no round is open (see NoOpenRoundAnswer). */
	noOpenRound?: NoOpenRoundAnswer;
}

/**
 * Fault switch for bounded-wait tests: a gateway that accepts a request and then never answers ("hang"),
 * answers only after `forMs` (it recovers), or closes the connection without an answer ("reset").
 */
export interface StallRule {
	/** Only requests whose path starts with this (the token path included); every request when absent. */
	path?: string;
	/** Only this method (GET, POST, PUT); every method when absent. */
	method?: string;
	/** How many requests it applies to; default 1 (Infinity: until clearStalls). */
	count?: number;
	/** Let this many matching requests through first (e.g. stall the third page of a list). */
	skip?: number;
	action: 'hang' | 'reset';
	/** hang only: answer normally after this many milliseconds. Without it the request is never answered. */
	forMs?: number;
	/** Carry the request out first and lose only its answer (a write that happened without the client knowing). */
	afterProcessing?: boolean;
}

export interface AnpiSimulator {
	url: string;
	readonly useCount: number;
	readonly tokenCalls: number;
	expireAllTokens(): void;
	failNext(status: number, options?: { body?: string; contentType?: string; retryAfter?: number; count?: number; path?: string }): void;
	/** Applies a fault to the next matching requests (see StallRule). */
	stall(rule: StallRule): void;
	clearStalls(): void;
	/** Switches how Get Status without tid answers while no round is open. */
	answerNoOpenRound(style: NoOpenRoundAnswer): void;
	/** Opens a round as the 登録 API would (no useCount); returns its tid. */
	openRound(title?: string): string;
	/** Closes a round at once (the 完了 API does it after a delay); "2" marks it aborted. */
	closeRound(tid: string, endflg?: '1' | '2'): void;
	/** Requests that met a stall rule, the token path included (method and path). */
	stalled: Array<{ method: string; path: string; action: StallRule['action'] }>;
	requests: Array<{ method: string; path: string; body?: unknown; authorization?: 'valid' | 'invalid' | 'missing' }>;
	answer(tid: string, usrcd: string, ansList: string[], at?: string): void;
	threads(): Array<{ tid: string; endflg: string; title: string }>;
	close(): Promise<void>;
}

type Body = Record<string, unknown>;

const DEFAULT_CLIENTS = { 'sim-client': 'sim-secret-not-real' };

export async function startAnpiSimulator(options: AnpiSimulatorOptions = {}): Promise<AnpiSimulator> {
	const users = options.users ?? 50;
	const book = new MemoryBook<AnpiBookState>(initialAnpiBook({ users, answeredShare: options.answeredShare, seedOpenRound: options.seedOpenRound }));
	// what the gateway answers comes from the package's responder (the Sandbox's too); this file adds HTTP, faults and hooks
	const responder = createAnpiResponder(book, {
		clients: options.clients ?? DEFAULT_CLIENTS,
		tokenLifetimeSeconds: options.tokenLifetimeSeconds,
		users,
		asyncDelayMs: options.asyncDelayMs,
		contractCount: options.contractCount,
		noOpenRound: options.noOpenRound,
	});
	const timers = new Set<NodeJS.Timeout>();
	const failures: Array<{ status: number; body?: string; contentType?: string; retryAfter?: number; count: number; path?: string }> = [];
	const stalls: Array<StallRule & { count: number; skip: number }> = [];
	// answers to lose: the operation ran, its answer is held back or the connection is closed instead
	const heldAnswers = new WeakMap<http.ServerResponse, StallRule>();
	let windowStart = 0;
	let windowCount = 0;
	/** A thread brought up to now (sends and completions that are due), for the test hooks. */
	const threadNow = (tid: string) => {
		const thread = book.state.threads.find((t) => t.tid === tid);
		if (!thread) throw new Error(`unknown thread ${tid}`);
		settleThread(thread, Date.now());
		return thread;
	};

	// ----- HTTP -----
	const send_ = (res: http.ServerResponse, status: number, data: unknown, headers: Record<string, string> = {}) => {
		const write = () => {
			if (res.destroyed) return;
			res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
			res.end(JSON.stringify(data));
		};
		const held = heldAnswers.get(res);
		if (!held) return write();
		if (held.action === 'reset') return res.socket?.destroy();
		if (held.forMs !== undefined) wait(held.forMs).then(write, () => {});
	};
	const wait = async (ms: number) =>
		await new Promise<void>((resolve) => {
			const timer = setTimeout(() => {
				timers.delete(timer);
				resolve();
			}, ms);
			timers.add(timer);
		});
	/** Applies the first matching stall rule. Returns true when the request must not be answered now or ever. */
	const applyStall = async (req: http.IncomingMessage, res: http.ServerResponse, method: string, route: string): Promise<boolean> => {
		const rule = stalls.find((r) => (!r.path || route.startsWith(r.path.replace(/\/?$/, '/'))) && (!r.method || r.method === method));
		if (!rule) return false;
		if (rule.skip > 0) {
			rule.skip--;
			return false;
		}
		if (--rule.count <= 0) stalls.splice(stalls.indexOf(rule), 1);
		simulator.stalled.push({ method, path: route, action: rule.action });
		if (rule.afterProcessing) {
			heldAnswers.set(res, rule);
			return false;
		}
		if (rule.action === 'reset') {
			req.socket.destroy();
			return true;
		}
		if (rule.forMs === undefined) return true; // never answered; closed with the simulator
		await wait(rule.forMs);
		return res.destroyed; // the client gave up meanwhile: nothing to answer
	};
	const fault = (res: http.ServerResponse, status: number, faultstring: string, errorcode: string) =>
		send_(res, status, { fault: { faultstring, detail: { errorcode } } });

	const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const route = url.pathname.replace(/\/+$/, '') + '/';
		const method = req.method ?? 'GET';
		let body: Body = {};
		if (chunks.length) {
			try {
				body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Body;
			} catch {
				return send_(res, 400, { errorCode: 'SIM000001', errorMessage: 'Body is not JSON (simulator code, not NTT\'s)', moreInfo: null, errorDetails: [] });
			}
		}

		if (route === GRANT_ROUTE && method === 'POST') {
			if (await applyStall(req, res, method, route)) return;
			const reply = await responder.token(body);
			return send_(res, reply.status, reply.body);
		}

		const authorization = req.headers.authorization;
		const valid = await responder.authorized(authorization);
		simulator.requests.push({ method, path: route, body: chunks.length ? body : undefined, authorization: !authorization ? 'missing' : valid ? 'valid' : 'invalid' });
		if (!valid) return fault(res, 401, 'Invalid access token', 'keymanagement.service.invalid_access_token');
		if (await applyStall(req, res, method, route)) return;

		if (options.rateLimit) {
			const second = Math.floor(Date.now() / 1000);
			if (second !== windowStart) {
				windowStart = second;
				windowCount = 0;
			}
			if (++windowCount > options.rateLimit.perSecond) return fault(res, 429, 'Spike arrest violation', 'policies.ratelimit.SpikeArrestViolation');
		}
		const failure = failures.find((f) => !f.path || route.startsWith(f.path.replace(/\/?$/, '/')));
		if (failure) {
			if (--failure.count <= 0) failures.splice(failures.indexOf(failure), 1);
			res.writeHead(failure.status, {
				'content-type': failure.contentType ?? 'application/json',
				...(failure.retryAfter !== undefined ? { 'retry-after': String(failure.retryAfter) } : {}),
			});
			return res.end(failure.body ?? '');
		}

		options.onRequest?.(method, route);
		if (!responder.knows(method, route)) {
			res.writeHead(404, { 'content-type': 'text/html' });
			return res.end('<html><body><h1>404 Not Found</h1><p>The requested resource was not found on the API gateway.</p></body></html>');
		}
		const reply = await responder.call({ method, route, query: url.searchParams, body });
		if (reply.body === undefined) {
			res.writeHead(reply.status);
			return res.end();
		}
		return send_(res, reply.status, reply.body);
	};

	const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
		handle(req, res).catch(() => {
			if (!res.headersSent) send_(res, 500, { errorCode: 'SIM999999', errorMessage: 'Simulator failure (simulator code, not NTT\'s)', moreInfo: null, errorDetails: [] });
		});
	};
	const server = options.https ? https.createServer(options.https, listener) : http.createServer(listener);
	await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', () => resolve()));

	const simulator: AnpiSimulator = {
		url: `${options.https ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`,
		get useCount() {
			return book.state.useCount;
		},
		get tokenCalls() {
			return book.state.tokenCalls;
		},
		requests: [],
		stalled: [],
		stall: (rule) => {
			stalls.push({ ...rule, count: rule.count ?? 1, skip: rule.skip ?? 0 });
		},
		clearStalls: () => {
			stalls.length = 0;
		},
		answerNoOpenRound: (style) => responder.answerNoOpenRound(style),
		openRound: (title = '地震発生（受付中）') => {
			const tid = String(book.state.nextTid++).padStart(7, '0');
			book.state.threads.push(seededThread(tid, title, '0', new Date(), 0, users));
			return tid;
		},
		closeRound: (tid, endflg = '1') => {
			threadNow(tid).endflg = endflg;
		},
		expireAllTokens: () => {
			book.state.tokens = {};
		},
		failNext: (status, failOptions = {}) => {
			failures.push({ status, ...failOptions, count: failOptions.count ?? 1 });
		},
		answer: (tid, usrcd, ansList, at) => {
			const index = userIndex(usrcd);
			if (index < 0 || index >= users) throw new Error(`unknown user ${usrcd}`);
			threadNow(tid).answers[index] = { ansList, at: at ?? jstMinute(new Date()) };
		},
		threads: () => book.state.threads.map((t) => threadNow(t.tid)).map((t) => ({ tid: t.tid, endflg: t.endflg, title: t.title })),
		close: async () => {
			for (const timer of timers) clearTimeout(timer);
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
	return simulator;
}
