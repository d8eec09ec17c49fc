// The NTT Com API gateway and Biz安否確認 in process: the token endpoint and the five operations, with state,
// following shared/specs and ../mapping.ts. The Sandbox credential and the HTTP simulator (simulators/anpi,
// which adds HTTP, faults and test hooks around it) both answer through this one responder. Sends and
// completions take effect after `asyncDelayMs`, and (with `answersArrive`) people answer a sent round over the
// following minutes — all worked out from the time when the state is next read, not by timers, so every
// process reading the book agrees and nothing is left running. Error codes it invents start with "SIM".
import { randomBytes } from 'node:crypto';

import { fromJstDigits, jstMinute } from '../../shared/japanTime';
import type { Book } from '../../shared/sandbox/book';
import { ANPI_PATHS, GRANT_PATH, LIMITS, NO_VALUE } from '../mapping';

type Body = Record<string, unknown>;

interface Answer {
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

const QUESTIONS = [
	{ questnum: 1, quest: '本人の安否', ansList: [{ ans: '01', ansmsg: '無事' }, { ans: '02', ansmsg: '負傷' }] },
	{ questnum: 2, quest: '家族の安否', ansList: [{ ans: '01', ansmsg: '無事' }, { ans: '02', ansmsg: '負傷' }, { ans: '03', ansmsg: '不明' }] },
	{ questnum: 3, quest: '家屋の状況', ansList: [{ ans: '01', ansmsg: '無事' }, { ans: '02', ansmsg: '損傷' }, { ans: '03', ansmsg: '不明' }] },
	{ questnum: 4, quest: '出社可否', ansList: [{ ans: '01', ansmsg: '出社可能' }, { ans: '02', ansmsg: '出社不可' }, { ans: '03', ansmsg: '不明' }] },
];
const SEI = ['安否', '佐藤', '鈴木', '髙橋', '田中', '渡辺'];
const MEI = ['花子', '太郎', '一郎', '美咲', '健', '陽菜'];
const ORGS = 5;
const YMDHM = /^\d{12}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
/** answersArrive: the share of people who answer, the first after a minute, the last within this. */
const ARRIVING_SHARE = 0.6;
const ARRIVAL_SPREAD_MS = 5 * 60_000;

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

export function userIndex(usrcd: string): number {
	const match = /^usr(\d{6})$/.exec(usrcd);
	return match ? Number(match[1]) - 1 : -1;
}

/** A person's answers to the four questions (deterministic, so runs can be compared): one in five is injured (本人 02 負傷). */
const answersOf = (index: number) => [index % 5 === 1 ? '02' : '01', index % 3 === 0 ? '02' : '01', '01', index % 4 === 0 ? '02' : '01'];

export function seededThread(tid: string, title: string, endflg: string, start: Date, answered: number, users: number): ThreadState {
	const thread: ThreadState = {
		tid,
		title,
		text: '地震が発生しました。速やかに安全を確保したのちに回答を願います。',
		strdate: jstMinute(start),
		endflg,
		atendpldate: null,
		trngflg: '1',
		answers: {},
		sends: {},
	};
	const step = answered > 0 ? Math.max(1, Math.round(1 / answered)) : 0;
	for (let i = 0; step && i < users; i += step) {
		thread.answers[i] = { ansList: ['01', i % 3 === 0 ? '02' : '01', '01', '01'], at: jstMinute(new Date(start.getTime() + ((i % 50) + 1) * 60_000)) };
	}
	for (let i = 0; i < users; i++) thread.sends[i] = { sendstatus: '1', sendregdate: jstMinute(start) };
	return thread;
}

/** The state a fresh gateway starts with: two closed rounds, and the open one unless `seedOpenRound` is false. */
export function initialAnpiBook(options: { users?: number; answeredShare?: number; seedOpenRound?: boolean; now?: number } = {}): AnpiBookState {
	const users = options.users ?? 50;
	const now = options.now ?? Date.now();
	const daysAgo = (days: number) => new Date(now - days * 86_400_000);
	const threads = [
		seededThread('0000001', '訓練: 地震発生（完了）', '1', daysAgo(30), 0.9, users),
		seededThread('0000002', '訓練: 台風接近（中断）', '2', daysAgo(20), 0.2, users),
	];
	if (options.seedOpenRound !== false) threads.push(seededThread('0000003', '地震発生（受付中）', '0', daysAgo(0), options.answeredShare ?? 0.4, users));
	return { nextTid: 101, threads, tokens: {}, useCount: 0, tokenCalls: 0 };
}

/** Brings a thread up to `now`: sends and completions that are due, answers that have arrived. */
export function settleThread(thread: ThreadState, now: number): void {
	for (const send of thread.pendingSends?.filter((s) => s.at <= now) ?? []) {
		const when = jstMinute(new Date(send.at));
		for (const i of send.targets) thread.sends[i] = { sendstatus: send.sendstatus, sendregdate: when };
	}
	if (thread.pendingSends) thread.pendingSends = thread.pendingSends.filter((s) => s.at > now);
	if (thread.closesAt !== undefined && thread.closesAt <= now) {
		thread.endflg = '1';
		delete thread.closesAt;
	}
	if (thread.arrivals && thread.endflg === '0') {
		for (const [index, at] of Object.entries(thread.arrivals)) {
			if (at > now) continue;
			thread.answers[Number(index)] ??= { ansList: answersOf(Number(index)), at: jstMinute(new Date(at)) };
			delete thread.arrivals[Number(index)];
		}
	}
}

export function createAnpiResponder(book: Book<AnpiBookState>, options: AnpiResponderOptions) {
	const lifetime = options.tokenLifetimeSeconds ?? 3599;
	const users = options.users ?? 50;
	const asyncDelayMs = options.asyncDelayMs ?? 200;
	const contractCount = options.contractCount ?? -1;
	const clock = options.clock ?? (() => Date.now());
	let noOpenRound: NoOpenRoundAnswer = options.noOpenRound ?? 'default';

	const openThread = (state: AnpiBookState) => state.threads.filter((t) => t.endflg === '0').pop();
	const threadFor = (state: AnpiBookState, tid: unknown): ThreadState => {
		if (tid === undefined || tid === null || tid === '') {
			const open = openThread(state);
			if (!open) throw simError(404, 404, 'No open thread', ['tid: no thread is open now']);
			return open;
		}
		const thread = state.threads.find((t) => t.tid === String(tid));
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
	const matches = (thread: ThreadState, index: number, body: Body, questList?: Array<{ questnum: unknown; ansList: unknown }>) => {
		const user = userRow(index);
		const answer = thread.answers[index];
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
			const status = thread.sends[index]?.sendstatus ?? '7';
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

	const statusRow = (thread: ThreadState, index: number) => {
		const user = userRow(index);
		const answer = thread.answers[index];
		const send = thread.sends[index];
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

	// ----- operations -----
	const create = (state: AnpiBookState, body: Body) => {
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
		const tid = String(state.nextTid++).padStart(7, '0');
		state.threads.push({
			tid,
			title: String(body.title),
			text: String(body.text),
			strdate: String(body.strdate),
			endflg: '0',
			atendpldate: body.atendpldate === undefined ? null : String(body.atendpldate),
			trngflg: String(body.trngflg ?? '0'),
			answers: {},
			sends: {},
		});
		return { resultCount: 1, tid };
	};

	const list = (state: AnpiBookState, query: URLSearchParams) => {
		const { offset, limit } = page(Object.fromEntries(query) as Body, LIMITS.listPage, 100);
		flush(201);
		const all = [...state.threads].reverse();
		const rows = all.slice(offset, offset + limit).map((t) => ({
			tid: t.tid,
			title: t.title,
			text: t.text,
			strdate: t.strdate,
			endflg: t.endflg,
			atendpldate: t.atendpldate,
			trngflg: t.trngflg,
		}));
		return { searchTotal: all.length, searchCount: rows.length, nextOffset: offset + rows.length, thrdiList: rows };
	};

	const status = (state: AnpiBookState, body: Body) => {
		validateFilters(body);
		const { offset, limit } = page(body, LIMITS.statusPage, 1000);
		flush(301);
		if (NO_VALUE.has(body.tid) && !openThread(state)) {
			if (noOpenRound === '404') throw new NoAnswerBody(404);
			if (noOpenRound === 'errorCode') throw simError(400, 303, '受付中のスレッドがありません', ['tid: 受付中のスレッドが存在しません (no thread is open now)']);
			if (noOpenRound === 'emptyList') {
				return { searchTotal: 0, searchCount: 0, nextOffset: 0, tid: null, title: null, text: null, strdate: null, questList: [], thrddList: [] };
			}
		}
		const thread = threadFor(state, body.tid);
		const rows: Array<ReturnType<typeof statusRow>> = [];
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
			tid: thread.tid,
			title: thread.title,
			text: thread.text,
			strdate: thread.strdate,
			questList: QUESTIONS,
			thrddList: rows,
		};
	};

	const send = (state: AnpiBookState, body: Body) => {
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
		const thread = threadFor(state, body.tid);
		if (thread.endflg !== '0') throw simError(400, 402, 'The thread is not open', [`tid: ${thread.tid} is completed or aborted`]);
		const targets: number[] = [];
		for (let i = 0; i < users; i++) if (body.allsendkbn === '1' || matches(thread, i, body, questList)) targets.push(i);
		const at = clock() + asyncDelayMs;
		const stop = body.sendkbn === '1';
		(thread.pendingSends ??= []).push({ at, targets, sendstatus: stop ? '6' : '1' });
		if (options.answersArrive) {
			const arrivals = (thread.arrivals ??= {});
			if (stop) for (const i of targets) delete arrivals[i];
			else {
				const answering = targets.filter((i) => thread.answers[i] === undefined && arrivals[i] === undefined).filter((_, n, all) => n < Math.ceil(all.length * ARRIVING_SHARE));
				answering.forEach((i, n) => {
					arrivals[i] = at + 60_000 + Math.round((n * ARRIVAL_SPREAD_MS) / Math.max(answering.length, 1));
				});
			}
		}
		return { targetCount: targets.length };
	};

	const complete = (state: AnpiBookState, body: Body) => {
		check(typeof body.tid === 'string' && body.tid.length > 0, 'tid: required');
		flush(501);
		const thread = threadFor(state, body.tid);
		if (thread.endflg !== '0') throw simError(400, 502, 'The thread is already completed', [`tid: ${thread.tid} has endflg ${thread.endflg}`]);
		thread.closesAt = clock() + asyncDelayMs;
		return { targetCount: 1 };
	};

	const operations: Record<string, (state: AnpiBookState, call: AnpiCall) => object> = {
		[`POST ${ANPI_PATHS.create}`]: (state, call) => create(state, call.body),
		[`GET ${ANPI_PATHS.list}`]: (state, call) => list(state, call.query),
		[`POST ${ANPI_PATHS.status}`]: (state, call) => status(state, call.body),
		[`PUT ${ANPI_PATHS.send}`]: (state, call) => send(state, call.body),
		[`PUT ${ANPI_PATHS.complete}`]: (state, call) => complete(state, call.body),
	};

	const responder = {
		book,
		/** The token endpoint (client credentials grant, camelCase JSON as NTT's gateway takes it). */
		async token(body: Body): Promise<AnpiReply> {
			if (body.grantType !== 'client_credentials' || typeof body.clientId !== 'string') {
				return { status: 400, body: { fault: { faultstring: 'Invalid grant type or body (camelCase JSON expected)', detail: { errorcode: 'oauth.v2.InvalidRequest' } } } };
			}
			if (options.clients[body.clientId] === undefined || options.clients[body.clientId] !== body.clientSecret) {
				return { status: 401, body: { fault: { faultstring: 'Invalid client identifier', detail: { errorcode: 'oauth.v2.InvalidClientIdentifier' } } } };
			}
			const accessToken = randomBytes(24).toString('base64url');
			const issuedAt = clock();
			await book.update((state) => {
				for (const [token, issued] of Object.entries(state.tokens)) if (issued + lifetime * 1000 < issuedAt) delete state.tokens[token];
				state.tokens[accessToken] = issuedAt;
				state.tokenCalls++;
			});
			return { status: 200, body: { accessToken, tokenType: 'BearerToken', expiresIn: String(lifetime), scope: '', issuedAt: String(issuedAt) } };
		},

		/** Whether an Authorization header carries a token this gateway issued and that has not run out. */
		async authorized(authorization: string | undefined): Promise<boolean> {
			const token = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
			const issued = token ? (await book.read()).tokens[token] : undefined;
			return issued !== undefined && clock() < issued + lifetime * 1000;
		},

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
					details.length = 0;
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
