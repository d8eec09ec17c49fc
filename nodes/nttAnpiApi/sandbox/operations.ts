// The five Biz安否確認 operations of the Sandbox gateway, on the book's state: create, list, status, send, complete.
import { fromJstDigits } from '../../shared/japanTime';
import { ANPI_PATHS, LIMITS, NO_VALUE } from '../mapping';
import { ARRIVAL_SPREAD_MS, ARRIVING_SHARE, QUESTIONS, matches, statusRow } from './people';
import type { RequestChecks } from './requestChecks';
import { EMAIL, NoAnswerBody, YMDHM, simError } from './requestChecks';
import type { AnpiBookState, AnpiCall, AnpiResponderOptions, Body, NoOpenRoundAnswer, ThreadState } from './state';

export type Operation = (state: AnpiBookState, call: AnpiCall) => object;

export function anpiOperations(options: AnpiResponderOptions, checks: RequestChecks, noOpenRound: () => NoOpenRoundAnswer): Record<string, Operation> {
	const users = options.users ?? 50;
	const asyncDelayMs = options.asyncDelayMs ?? 200;
	const clock = options.clock ?? (() => Date.now());
	const { check, enumField, flush, validateFilters, page } = checks;

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
			if (noOpenRound() === '404') throw new NoAnswerBody(404);
			if (noOpenRound() === 'errorCode') throw simError(400, 303, '受付中のスレッドがありません', ['tid: 受付中のスレッドが存在しません (no thread is open now)']);
			if (noOpenRound() === 'emptyList') {
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

	return {
		[`POST ${ANPI_PATHS.create}`]: (state, call) => create(state, call.body),
		[`GET ${ANPI_PATHS.list}`]: (state, call) => list(state, call.query),
		[`POST ${ANPI_PATHS.status}`]: (state, call) => status(state, call.body),
		[`PUT ${ANPI_PATHS.send}`]: (state, call) => send(state, call.body),
		[`PUT ${ANPI_PATHS.complete}`]: (state, call) => complete(state, call.body),
	};
}
