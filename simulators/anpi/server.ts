// NTT Com API gateway + Biz安否確認 (safety confirmation) simulator: a real HTTP(S) server on 127.0.0.1
// with the token endpoint and the five operations, with state. Wire names come from
// nodes/NttAnpi/mapping.ts, the same file the node uses. Error codes it invents start with "SIM" so
// nobody mistakes them for NTT's.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

import { fromJstDigits, jstMinute } from '../../nodes/shared/japanTime';
import { ANPI_PATHS, LIMITS, GRANT_PATH, NO_VALUE } from '../../nodes/NttAnpi/mapping';

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
 * What Get Status without a tid answers between rounds; NTT's spec does not say, so each plausible form is here:
 * "404" HTTP 404 without an API error body, "errorCode" HTTP 400 with an API error saying no round (スレッド) is
 * open, "emptyList" HTTP 200 with no tid and no rows. Default: HTTP 404 with that API error.
 */
export type NoOpenRoundAnswer = 'default' | '404' | 'errorCode' | 'emptyList';

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
	useCount: number;
	tokenCalls: number;
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

interface Answer {
	ansList: string[];
	at: string;
}

interface Thread {
	tid: string;
	title: string;
	text: string;
	strdate: string;
	endflg: string;
	atendpldate: string | null;
	trngflg: string;
	answers: Map<number, Answer>;
	sends: Map<number, { sendstatus: string; sendregdate: string }>;
}

type Body = Record<string, unknown>;

class BusinessError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly details: string[] = [],
	) {
		super(message);
	}
}

const QUESTIONS = [
	{ questnum: 1, quest: '本人の安否', ansList: [{ ans: '01', ansmsg: '無事' }, { ans: '02', ansmsg: '負傷' }] },
	{ questnum: 2, quest: '家族の安否', ansList: [{ ans: '01', ansmsg: '無事' }, { ans: '02', ansmsg: '負傷' }, { ans: '03', ansmsg: '不明' }] },
	{ questnum: 3, quest: '家屋の状況', ansList: [{ ans: '01', ansmsg: '無事' }, { ans: '02', ansmsg: '損傷' }, { ans: '03', ansmsg: '不明' }] },
	{ questnum: 4, quest: '出社可否', ansList: [{ ans: '01', ansmsg: '出社可能' }, { ans: '02', ansmsg: '出社不可' }, { ans: '03', ansmsg: '不明' }] },
];
const SEI = ['安否', '佐藤', '鈴木', '髙橋', '田中', '渡辺'];
const MEI = ['花子', '太郎', '一郎', '美咲', '健', '陽菜'];
const ORGS = 5;

const DEFAULT_CLIENTS = { 'sim-client': 'sim-secret-not-real' };
const YMDHM = /^\d{12}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** An HTTP status without a body (e.g. a bare 404 from the gateway). */
class NoAnswerBody extends Error {
	constructor(readonly status: number) {
		super(`HTTP ${status}`);
	}
}

const simError = (status: number, n: number, message: string, details: string[] = []) =>
	new BusinessError(status, `SIM${String(n).padStart(6, '0')}`, `${message} (simulator code, not NTT's)`, details);

function userRow(index: number) {
	const org = (index % ORGS) + 1;
	return {
		usrcd: `usr${String(index + 1).padStart(6, '0')}`,
		staffsei: SEI[index % SEI.length],
		staffmei: MEI[Math.floor(index / SEI.length) % MEI.length],
		orgList: [{ orgpath: `/1stAAAA0000${org}/`, orgpathnm: `1st組織0000${org}` }],
	};
}

function userIndex(usrcd: string): number {
	const match = /^usr(\d{6})$/.exec(usrcd);
	return match ? Number(match[1]) - 1 : -1;
}

export async function startAnpiSimulator(options: AnpiSimulatorOptions = {}): Promise<AnpiSimulator> {
	const clients: Record<string, string> = options.clients ?? DEFAULT_CLIENTS;
	const lifetime = options.tokenLifetimeSeconds ?? 3599;
	const users = options.users ?? 50;
	const answeredShare = options.answeredShare ?? 0.4;
	const asyncDelayMs = options.asyncDelayMs ?? 200;
	const contractCount = options.contractCount ?? -1;
	const tokens = new Map<string, number>(); // token -> issued at (ms)
	const threads = new Map<string, Thread>();
	const timers = new Set<NodeJS.Timeout>();
	const failures: Array<{ status: number; body?: string; contentType?: string; retryAfter?: number; count: number; path?: string }> = [];
	const stalls: Array<StallRule & { count: number; skip: number }> = [];
	// answers to lose: the operation ran, its answer is held back or the connection is closed instead
	const heldAnswers = new WeakMap<http.ServerResponse, StallRule>();
	let nextTid = 101;
	let windowStart = 0;
	let windowCount = 0;

	const later = (action: () => void) => {
		const timer = setTimeout(() => {
			timers.delete(timer);
			action();
		}, asyncDelayMs);
		timers.add(timer);
	};

	const seedThread = (tid: string, title: string, endflg: string, daysAgo: number, answered: number): Thread => {
		const start = new Date(Date.now() - daysAgo * 86_400_000);
		const thread: Thread = {
			tid,
			title,
			text: '地震が発生しました。速やかに安全を確保したのちに回答を願います。',
			strdate: jstMinute(start),
			endflg,
			atendpldate: null,
			trngflg: '1',
			answers: new Map(),
			sends: new Map(),
		};
		const step = answered > 0 ? Math.max(1, Math.round(1 / answered)) : 0;
		for (let i = 0; step && i < users; i += step) {
			thread.answers.set(i, { ansList: ['01', i % 3 === 0 ? '02' : '01', '01', '01'], at: jstMinute(new Date(start.getTime() + ((i % 50) + 1) * 60_000)) });
		}
		for (let i = 0; i < users; i++) thread.sends.set(i, { sendstatus: '1', sendregdate: jstMinute(start) });
		threads.set(tid, thread);
		return thread;
	};
	seedThread('0000001', '訓練: 地震発生（完了）', '1', 30, 0.9);
	seedThread('0000002', '訓練: 台風接近（中断）', '2', 20, 0.2);
	if (options.seedOpenRound !== false) seedThread('0000003', '地震発生（受付中）', '0', 0, answeredShare);
	let noOpenRound: NoOpenRoundAnswer = options.noOpenRound ?? 'default';

	const openThread = () => [...threads.values()].filter((t) => t.endflg === '0').pop();

	const threadFor = (tid: unknown): Thread => {
		if (tid === undefined || tid === null || tid === '') {
			const open = openThread();
			if (!open) throw simError(404, 404, 'No open thread', ['tid: no thread is open now']);
			return open;
		}
		const thread = threads.get(String(tid));
		if (!thread) throw simError(404, 404, 'Thread not found', [`tid: ${String(tid)} does not exist`]);
		return thread;
	};

	// ----- validation (mirrors the spec's lengths and enumerations) -----
	const details: string[] = [];
	const check = (ok: boolean, detail: string) => {
		if (!ok) details.push(detail);
	};
	const enumField = (body: Body, name: string, values: string[]) => {
		if (body[name] !== undefined && body[name] !== null) check(values.includes(String(body[name])), `${name}: must be one of ${values.join(', ')}`);
	};
	const listField = (body: Body, name: string, pattern: RegExp) => {
		if (body[name] === undefined) return;
		check(Array.isArray(body[name]) && (body[name] as unknown[]).every((v) => pattern.test(String(v))), `${name}: must be a list of ${pattern}`);
	};
	const flush = (n: number) => {
		if (details.length) {
			const copy = details.splice(0);
			throw simError(400, n, 'Invalid request parameters', copy);
		}
	};
	const validateFilters = (body: Body) => {
		enumField(body, 'orgkbn', ['0', '1']);
		enumField(body, 'indpflg', ['0', '1']);
		enumField(body, 'langcd', ['ja', 'en']);
		enumField(body, 'adkbn', ['0', '1']);
		enumField(body, 'searchkbn', ['0', '1']);
		enumField(body, 'ansstatus', ['1', '2', '3', '4', '5']);
		enumField(body, 'regdatekbn', ['1', '2']);
		enumField(body, 'sendstatus', ['1', '2', '3']);
		enumField(body, 'sendresult', ['1', '2', '3', '4']);
		enumField(body, 'prodkbn', ['0', '1']);
		enumField(body, 'questkbn', ['0', '1']);
		if (body.regdatekbn !== undefined) check(YMDHM.test(String(body.regdate ?? '')), 'regdate: required as YYYYMMDDHHMI when regdatekbn is set');
		else if (body.regdate !== undefined) check(YMDHM.test(String(body.regdate)), 'regdate: must be YYYYMMDDHHMI');
		if (body.sendresult !== undefined) check(String(body.sendstatus) === '3', 'sendresult: only valid with sendstatus 3 (sent)');
		listField(body, 'usrcdList', /^[A-Za-z0-9]{1,32}$/);
		listField(body, 'orgpathList', /^.{1,331}$/);
		for (let q = 1; q <= 20; q++) listField(body, `ansList${q}`, /^\d{1,2}$/);
		for (const name of ['sei', 'mei']) if (body[name] !== undefined) check(String(body[name]).length <= 32, `${name}: at most 32 characters`);
	};

	// ----- people matching filters -----
	const answeredSince = (a: Answer | undefined, since: string) => a !== undefined && a.at >= since;
	const matches = (thread: Thread, index: number, body: Body, questList?: Array<{ questnum: unknown; ansList: unknown }>) => {
		const user = userRow(index);
		const answer = thread.answers.get(index);
		if (Array.isArray(body.usrcdList) && body.usrcdList.length && !body.usrcdList.includes(user.usrcd)) return false;
		if (body.sei && user.staffsei !== body.sei) return false;
		if (body.mei && user.staffmei !== body.mei) return false;
		if (Array.isArray(body.orgpathList) && body.orgpathList.length && !body.orgpathList.includes(user.orgList[0].orgpath)) return false;
		const read = index % 7 === 0;
		switch (String(body.ansstatus ?? '')) {
			case '1': if (!answer) return false; break;
			case '2': if (answer || !read) return false; break;
			case '3': if (answer || read) return false; break;
			case '4': if (answer) return false; break;
			case '5': return false;
		}
		if (body.regdatekbn === '1' && !answeredSince(answer, String(body.regdate))) return false;
		if (body.regdatekbn === '2' && answeredSince(answer, String(body.regdate))) return false;
		if (body.sendstatus !== undefined && thread.endflg === '0') {
			const status = thread.sends.get(index)?.sendstatus ?? '7';
			const group = { '1': ['5'], '2': ['6'], '3': ['1', '2', '3', '4'] }[String(body.sendstatus)] ?? [];
			if (!group.includes(status)) return false;
			if (body.sendresult !== undefined && status !== String(body.sendresult)) return false;
		}
		const byQuestion: Array<[number, string[]]> = [];
		for (let q = 1; q <= 20; q++) if (Array.isArray(body[`ansList${q}`]) && (body[`ansList${q}`] as unknown[]).length) byQuestion.push([q, (body[`ansList${q}`] as unknown[]).map(String)]);
		for (const item of questList ?? []) if (Array.isArray(item.ansList)) byQuestion.push([Number(item.questnum), item.ansList.map(String)]);
		if (byQuestion.length) {
			const hit = byQuestion.map(([q, codes]) => answer !== undefined && codes.includes(answer.ansList[q - 1] ?? ''));
			if (String(body.questkbn ?? '0') === '1' ? !hit.some(Boolean) : !hit.every(Boolean)) return false;
		}
		return true;
	};

	const statusRow = (thread: Thread, index: number) => {
		const user = userRow(index);
		const answer = thread.answers.get(index);
		const send = thread.sends.get(index);
		const completed = thread.endflg !== '0';
		const read = index % 7 === 0;
		return {
			...user,
			sendstatus: completed ? null : (send?.sendstatus ?? '7'),
			ansstatus: answer ? '1' : read ? '2' : '3',
			ansdate: answer ? answer.at : read ? thread.strdate : '',
			ansList: answer ? answer.ansList : QUESTIONS.map(() => ''),
			cmntkbn: answer ? '3' : null,
			cmnt: null,
			reglat: answer ? `35.${(6310162 + index).toString().padStart(7, '0')}` : '-',
			reglon: answer ? '139.7373535' : '-',
			regdevice: answer ? String((index % 3) + 1) : '0',
			regdate: answer ? answer.at : '-',
			regusrcd: answer ? user.usrcd : '',
			regusrnm: answer ? `${user.staffsei} ${user.staffmei}` : '-',
			readdate: answer ? answer.at : read ? thread.strdate : null,
			sendregdate: completed ? null : (send?.sendregdate ?? '-'),
		};
	};

	const page = (body: Body, max: number, fallback: number) => {
		const offset = body.offset === undefined ? 0 : Number(body.offset);
		const limit = body.limit === undefined ? fallback : Number(body.limit);
		check(Number.isInteger(offset) && offset >= 0, 'offset: must be a whole number ≥ 0');
		check(Number.isInteger(limit) && limit >= 1 && limit <= max, `limit: must be 1 to ${max}`);
		return { offset, limit };
	};

	const counts = () => ({ useCount: simulator.useCount, contractCount });

	// ----- operations -----
	const create = (body: Body) => {
		check(typeof body.title === 'string' && body.title.length > 0 && body.title.length <= LIMITS.title, `title: required, at most ${LIMITS.title} characters`);
		check(typeof body.text === 'string' && body.text.length > 0 && body.text.length <= LIMITS.text, `text: required, at most ${LIMITS.text} characters`);
		check(YMDHM.test(String(body.strdate ?? '')) && !!fromJstDigits(String(body.strdate)), 'strdate: required as YYYYMMDDHHMI');
		for (const name of ['endpldate', 'atendpldate']) if (body[name] !== undefined) check(YMDHM.test(String(body[name])), `${name}: must be YYYYMMDDHHMI`);
		if (body.endmailList !== undefined) {
			const list = body.endmailList as Array<{ endmail?: unknown }>;
			check(Array.isArray(list) && list.length <= LIMITS.closingAddresses, `endmailList: at most ${LIMITS.closingAddresses} addresses`);
			if (Array.isArray(list)) for (const item of list) check(typeof item?.endmail === 'string' && item.endmail.length <= LIMITS.address && EMAIL.test(item.endmail), `endmail: "${String(item?.endmail)}" is not an e-mail address of at most ${LIMITS.address} characters`);
		}
		enumField(body, 'geolocationgetflg', ['0', '1']);
		enumField(body, 'trngflg', ['0', '1']);
		flush(101);
		const tid = String(nextTid++).padStart(7, '0');
		threads.set(tid, {
			tid,
			title: String(body.title),
			text: String(body.text),
			strdate: String(body.strdate),
			endflg: '0',
			atendpldate: body.atendpldate === undefined ? null : String(body.atendpldate),
			trngflg: String(body.trngflg ?? '0'),
			answers: new Map(),
			sends: new Map(),
		});
		return { resultCount: 1, tid, ...counts() };
	};

	const list = (query: URLSearchParams) => {
		const { offset, limit } = page(Object.fromEntries(query) as Body, LIMITS.listPage, 100);
		flush(201);
		const all = [...threads.values()].reverse();
		const rows = all.slice(offset, offset + limit).map((t) => ({
			tid: t.tid,
			title: t.title,
			text: t.text,
			strdate: t.strdate,
			endflg: t.endflg,
			atendpldate: t.atendpldate,
			trngflg: t.trngflg,
		}));
		return { searchTotal: all.length, searchCount: rows.length, nextOffset: offset + rows.length, ...counts(), thrdiList: rows };
	};

	const status = (body: Body) => {
		validateFilters(body);
		const { offset, limit } = page(body, LIMITS.statusPage, 1000);
		flush(301);
		if (NO_VALUE.has(body.tid) && !openThread()) {
			if (noOpenRound === '404') throw new NoAnswerBody(404);
			if (noOpenRound === 'errorCode') throw simError(400, 303, '受付中のスレッドがありません', ['tid: 受付中のスレッドが存在しません (no thread is open now)']);
			if (noOpenRound === 'emptyList') {
				return { searchTotal: 0, searchCount: 0, nextOffset: 0, ...counts(), tid: null, title: null, text: null, strdate: null, questList: [], thrddList: [] };
			}
		}
		const thread = threadFor(body.tid);
		const rows: ReturnType<typeof statusRow>[] = [];
		let total = 0;
		for (let i = 0; i < users; i++) {
			if (!matches(thread, i, body)) continue;
			if (total >= offset && rows.length < limit) rows.push(statusRow(thread, i));
			total++;
		}
		return {
			searchTotal: total,
			searchCount: rows.length,
			nextOffset: offset + rows.length,
			...counts(),
			tid: thread.tid,
			title: thread.title,
			text: thread.text,
			strdate: thread.strdate,
			questList: QUESTIONS,
			thrddList: rows,
		};
	};

	const send = (body: Body) => {
		check(typeof body.tid === 'string' && body.tid.length > 0, 'tid: required');
		enumField(body, 'sendkbn', ['0', '1']);
		check(body.sendkbn !== undefined, 'sendkbn: required (0 send, 1 stop)');
		enumField(body, 'allsendkbn', ['0', '1']);
		check(body.allsendkbn !== undefined, 'allsendkbn: required (0 filtered, 1 everyone)');
		validateFilters(body);
		const questList = body.questList as Array<{ questnum: unknown; ansList: unknown }> | undefined;
		if (questList !== undefined) {
			check(Array.isArray(questList) && questList.every((q) => Number.isInteger(Number(q.questnum)) && Array.isArray(q.ansList) && q.ansList.length > 0), 'questList: each entry needs questnum and a non-empty ansList');
		}
		flush(401);
		const thread = threadFor(body.tid);
		if (thread.endflg !== '0') throw simError(400, 402, 'The thread is not open', [`tid: ${thread.tid} is completed or aborted`]);
		const targets: number[] = [];
		for (let i = 0; i < users; i++) if (body.allsendkbn === '1' || matches(thread, i, body, questList)) targets.push(i);
		later(() => {
			const when = jstMinute(new Date());
			for (const i of targets) thread.sends.set(i, { sendstatus: body.sendkbn === '1' ? '6' : '1', sendregdate: when });
		});
		return { targetCount: targets.length, ...counts() };
	};

	const complete = (body: Body) => {
		check(typeof body.tid === 'string' && body.tid.length > 0, 'tid: required');
		flush(501);
		const thread = threadFor(body.tid);
		if (thread.endflg !== '0') throw simError(400, 502, 'The thread is already completed', [`tid: ${thread.tid} has endflg ${thread.endflg}`]);
		later(() => {
			thread.endflg = '1';
		});
		return { targetCount: 1, ...counts() };
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

		if (route === GRANT_PATH.replace(/\/?$/, '/') && method === 'POST') {
			if (await applyStall(req, res, method, route)) return;
			if (body.grantType !== 'client_credentials' || typeof body.clientId !== 'string') {
				return fault(res, 400, 'Invalid grant type or body (camelCase JSON expected)', 'oauth.v2.InvalidRequest');
			}
			if (clients[body.clientId] === undefined || clients[body.clientId] !== body.clientSecret) {
				return fault(res, 401, 'Invalid client identifier', 'oauth.v2.InvalidClientIdentifier');
			}
			const token = randomBytes(24).toString('base64url');
			const issuedAt = Date.now();
			tokens.set(token, issuedAt);
			simulator.tokenCalls++;
			return send_(res, 200, { accessToken: token, tokenType: 'BearerToken', expiresIn: String(lifetime), scope: '', issuedAt: String(issuedAt) });
		}

		const authorization = req.headers.authorization;
		const token = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
		const issued = token ? tokens.get(token) : undefined;
		const valid = issued !== undefined && Date.now() < issued + lifetime * 1000;
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

		const operations: Record<string, () => unknown> = {
			[`POST ${ANPI_PATHS.create}`]: () => create(body),
			[`GET ${ANPI_PATHS.list}`]: () => list(url.searchParams),
			[`POST ${ANPI_PATHS.status}`]: () => status(body),
			[`PUT ${ANPI_PATHS.send}`]: () => send(body),
			[`PUT ${ANPI_PATHS.complete}`]: () => complete(body),
		};
		options.onRequest?.(method, route);
		const operation = operations[`${method} ${route}`];
		if (!operation) {
			res.writeHead(404, { 'content-type': 'text/html' });
			return res.end('<html><body><h1>404 Not Found</h1><p>The requested resource was not found on the API gateway.</p></body></html>');
		}
		simulator.useCount++;
		try {
			return send_(res, 200, operation());
		} catch (error) {
			if (error instanceof NoAnswerBody) {
				res.writeHead(error.status);
				return res.end();
			}
			if (!(error instanceof BusinessError)) throw error;
			return send_(res, error.status, { errorCode: error.code, errorMessage: error.message, moreInfo: null, errorDetails: error.details });
		}
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
		useCount: 0,
		tokenCalls: 0,
		requests: [],
		stalled: [],
		stall: (rule) => {
			stalls.push({ ...rule, count: rule.count ?? 1, skip: rule.skip ?? 0 });
		},
		clearStalls: () => {
			stalls.length = 0;
		},
		answerNoOpenRound: (style) => {
			noOpenRound = style;
		},
		openRound: (title = '地震発生（受付中）') => {
			const tid = String(nextTid++).padStart(7, '0');
			seedThread(tid, title, '0', 0, 0);
			return tid;
		},
		closeRound: (tid, endflg = '1') => {
			threadFor(tid).endflg = endflg;
		},
		expireAllTokens: () => tokens.clear(),
		failNext: (status, failOptions = {}) => {
			failures.push({ status, ...failOptions, count: failOptions.count ?? 1 });
		},
		answer: (tid, usrcd, ansList, at) => {
			const index = userIndex(usrcd);
			if (index < 0 || index >= users) throw new Error(`unknown user ${usrcd}`);
			threadFor(tid).answers.set(index, { ansList, at: at ?? jstMinute(new Date()) });
		},
		threads: () => [...threads.values()].map((t) => ({ tid: t.tid, endflg: t.endflg, title: t.title })),
		close: async () => {
			for (const timer of timers) clearTimeout(timer);
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
	return simulator;
}
