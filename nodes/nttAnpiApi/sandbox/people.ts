// The Sandbox's people and their answers over time: 50 sample people in five organisations, the questionnaire,
// who answers a sent round and when (worked out from the time, not by timers), the seeded rounds, and one
// person's row as Get Status lists it, with the filters that select people.
import { jstMinute } from '../../shared/japanTime';
import type { AnpiBookState, Answer, Body, ThreadState } from './state';

export const QUESTIONS = [
	{ questnum: 1, quest: '本人の安否', ansList: [{ ans: '01', ansmsg: '無事' }, { ans: '02', ansmsg: '負傷' }] },
	{ questnum: 2, quest: '家族の安否', ansList: [{ ans: '01', ansmsg: '無事' }, { ans: '02', ansmsg: '負傷' }, { ans: '03', ansmsg: '不明' }] },
	{ questnum: 3, quest: '家屋の状況', ansList: [{ ans: '01', ansmsg: '無事' }, { ans: '02', ansmsg: '損傷' }, { ans: '03', ansmsg: '不明' }] },
	{ questnum: 4, quest: '出社可否', ansList: [{ ans: '01', ansmsg: '出社可能' }, { ans: '02', ansmsg: '出社不可' }, { ans: '03', ansmsg: '不明' }] },
];
const SEI = ['安否', '佐藤', '鈴木', '髙橋', '田中', '渡辺'];
const MEI = ['花子', '太郎', '一郎', '美咲', '健', '陽菜'];
const ORGS = 5;
/** answersArrive: the share of people who answer, the first after a minute, the last within this. */
export const ARRIVING_SHARE = 0.6;
export const ARRIVAL_SPREAD_MS = 5 * 60_000;

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


const answeredSince = (a: Answer | undefined, since: string) => a !== undefined && a.at >= since;
/** Whether person `index` of a round is selected by the filters of `body` (and a Send's questList). */
export const matches = (thread: ThreadState, index: number, body: Body, questList?: Array<{ questnum: unknown; ansList: unknown }>) => {
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

/** One person's row of Get Status. */
export const statusRow = (thread: ThreadState, index: number) => {
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

