// What the Sandbox OCCTO does with a plan: its checks (the documented causes of 提出エラー), its status over time
// (worked out from the time, not by timers), its name in lists, the adjusted window of issue "what changed", and
// the sample plans every Sandbox starts with.
import type { XmlObject } from '../../shared/codecs';
import { buildXml, parseXml } from '../../shared/codecs';
import { fromJstDigits, jstDate, jstSecond } from '../../shared/japanTime';
import { ENVELOPE, PLAN_DIVISION_ELEMENT, REQUIRED_BODY_CODES, SUBMISSION_STATUS } from '../mapping';
import type { ErrorDetail, StoredSubmission } from './state';

const FACILITIES = ['○○発電所1号機', '△△水力発電所2号機', '髙﨑変電所 1号変圧器', '□□火力発電所3号機', '北港連系線'];
const WORKS = ['定期点検', '設備更新工事', '保護リレー試験', '送電線張替え'];

export function planBody(document: XmlObject): Record<string, unknown> {
	const group = (document[ENVELOPE.root] as XmlObject)[ENVELOPE.group] as XmlObject;
	const body = group[ENVELOPE.body];
	return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
}

/** OCCTO's checks of a plan's content (the sandbox's documented causes of 提出エラー). */
export function checkPlan(xml: string): ErrorDetail[] {
	const body = planBody(parseXml(xml));
	const errors: ErrorDetail[] = [];
	for (const code of REQUIRED_BODY_CODES) {
		if (body[code] === undefined || body[code] === '') errors.push({ code: 'E0101', message: `必須項目(${code})が設定されていません`, element: code });
	}
	const target = body.JP06116;
	if (target !== undefined && (typeof target !== 'string' || !/^\d{8}$/.test(target) || !fromJstDigits(target))) {
		errors.push({ code: 'E0201', message: '対象年月日(JP06116)の日付が不正です', element: 'JP06116' });
	}
	return errors;
}

/** A registered plan's name in lists: its facilities and target date (e.g. "○○発電所1号機 20261201"), else its receipt number. */
export function planNameOf(submission: StoredSubmission): string {
	let body: Record<string, unknown> = {};
	try {
		body = planBody(parseXml(submission.xml));
	} catch {
		// stored only after parsing; a plan that does not parse again keeps the fallback name
	}
	const facilities = [body.OUTAGE_ITEM]
		.flat()
		.map((item) => (typeof item === 'object' && item !== null ? (item as XmlObject).FACILITY_NM : undefined))
		.filter((name): name is string => typeof name === 'string' && name !== '');
	const target = typeof body.JP06116 === 'string' ? body.JP06116 : '';
	return facilities.length ? [...facilities, target].filter(Boolean).join(' ') : `作業停止計画 ${submission.receptionNo}`;
}

/** The submission's status at `now`: 受付中 until the delay is over, then OCCTO's verdict. */
export function statusAt(submission: StoredSubmission, now: Date, delayMs: number) {
	if (now.getTime() - submission.submittedAt < delayMs) return SUBMISSION_STATUS.receiving;
	return submission.errors.length ? SUBMISSION_STATUS.error : SUBMISSION_STATUS.accepted;
}

/** The plan with its first OUTAGE_ITEM's END_DATE one day later; undefined when it has no such window. */
export function withWindowMoved(xml: string): string | undefined {
	const document = parseXml(xml);
	const item = [planBody(document).OUTAGE_ITEM].flat().find((i): i is XmlObject => typeof i === 'object' && i !== null && typeof (i as XmlObject).END_DATE === 'string');
	const end = item && fromJstDigits(item.END_DATE as string);
	if (!item || !end || (item.END_DATE as string).length !== 8) return undefined;
	item.END_DATE = jstDate(new Date(end.getTime() + 86_400_000));
	return buildXml(document);
}

export function updatedAt(submission: StoredSubmission, now: Date, delayMs: number): Date {
	const settled = submission.submittedAt + delayMs;
	return new Date(now.getTime() < settled ? submission.submittedAt : settled);
}

export function seededPlan(index: number) {
	const submitted = new Date(Date.UTC(2026, 0, 5) + index * 3_600_000);
	return {
		PLAN_DIVISION: String((index % 4) + 1),
		OCCTO_RECEPTION_NO: String(2000000001 + index),
		PLAN_NM: `${FACILITIES[index % FACILITIES.length]} ${WORKS[index % WORKS.length]} 第${index + 1}回`,
		STAT: SUBMISSION_STATUS.accepted.code,
		STAT_NM: SUBMISSION_STATUS.accepted.name,
		SBMIT_DAYTIME: jstSecond(submitted),
		LAST_UPD_DAYTIME: jstSecond(new Date(submitted.getTime() + 600_000)),
	};
}

export function seededPlanXml(row: ReturnType<typeof seededPlan>): string {
	return buildXml({
		[ENVELOPE.root]: {
			[ENVELOPE.group]: {
				[ENVELOPE.header]: { JPC03: '3A', JPC11: '3AS1', JPC21: `SEED${row.OCCTO_RECEPTION_NO}` },
				[ENVELOPE.body]: {
					JP00002: '0001',
					JP06110: 'S0001',
					JP06111: '試験電力株式会社',
					JP06358: 'OCCTO',
					JP06116: row.SBMIT_DAYTIME.slice(0, 8),
					[PLAN_DIVISION_ELEMENT]: row.PLAN_DIVISION,
					OUTAGE_ITEM: { FACILITY_NM: row.PLAN_NM, STR_DATE: row.SBMIT_DAYTIME.slice(0, 8) },
				},
			},
		},
	});
}
