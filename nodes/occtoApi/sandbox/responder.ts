// OCCTO's side of the wire, in process: what the 作業停止計画 WebAPI answers to each call (BA13B101/102/103,
// BA13B006/007), following shared/specs and the assumptions in ../mapping.ts. The Sandbox credential and the
// HTTP simulator (simulators/occto, which adds TLS, login and faults around it) both answer through this one
// responder. A plan is 受付中 for `statusDelayMs`, then 受付完了, or 提出エラー with details when OCCTO's checks
// fail (a required code missing, 対象年月日 not a real date). Status is worked out from the time, not by timers,
// so any process reading the book agrees and nothing is left running.
import * as iconv from 'iconv-lite';

import type { XmlEncoding, XmlObject } from '../../shared/codecs';
import { DecodeError, buildXml, decodeXmlBytes, encodeXml, encodeXmlZipBase64, hasXmlPath, parseXml } from '../../shared/codecs';
import type { HttpAnswer } from '../../shared/http/answer';
import { fromJstDigits, jstDate, jstSecond } from '../../shared/japanTime';
import type { Book } from '../../shared/sandbox/book';
import type { OcctoApiId } from '../mapping';
import {
	ENVELOPE,
	ERROR_DETAIL_ROW,
	LIST_ROOT,
	OCCTO_APIS,
	OUTAGE_PLAN_ROW,
	PARAM,
	PLAN_DIVISION_ELEMENT,
	RECEPTION_NO_PATTERN,
	REGISTER_ANSWER,
	REQUIRED_BODY_CODES,
	REQUIRED_ENVELOPE_PATHS,
	RESULT_CODES,
	SUBMISSION_ROW,
	SUBMISSION_STATUS,
} from '../mapping';

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

interface ErrorDetail {
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

const FACILITIES = ['○○発電所1号機', '△△水力発電所2号機', '髙﨑変電所 1号変圧器', '□□火力発電所3号機', '北港連系線'];
const WORKS = ['定期点検', '設備更新工事', '保護リレー試験', '送電線張替え'];

/** A refusal with OCCTO's result code and message. */
class Refusal extends Error {
	constructor(
		readonly code: string,
		message: string,
	) {
		super(message);
	}
}

function planBody(document: XmlObject): Record<string, unknown> {
	const group = (document[ENVELOPE.root] as XmlObject)[ENVELOPE.group] as XmlObject;
	const body = group[ENVELOPE.body];
	return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
}

/** OCCTO's checks of a plan's content (the sandbox's documented causes of 提出エラー). */
function checkPlan(xml: string): ErrorDetail[] {
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
function planNameOf(submission: StoredSubmission): string {
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

function updatedAt(submission: StoredSubmission, now: Date, delayMs: number): Date {
	const settled = submission.submittedAt + delayMs;
	return new Date(now.getTime() < settled ? submission.submittedAt : settled);
}

export class OcctoResponder {
	private readonly rows: Record<ListName, { row: string; wrapper?: string }>;
	private readonly now: () => Date;

	constructor(
		readonly book: Book<OcctoBookState>,
		private readonly options: OcctoResponderOptions,
	) {
		this.rows = options.rows ?? STANDARD_ROWS;
		this.now = options.clock ?? (() => new Date());
	}

	/** OCCTO's adjustment of an accepted plan, once `adjustAfterMs` has passed (worked out from the time). */
	private adjusted(submission: StoredSubmission, now: Date): { at: Date; xml: string } | undefined {
		const after = this.options.adjustAfterMs;
		if (after === undefined || now.getTime() - submission.submittedAt < after) return undefined;
		const xml = withWindowMoved(submission.xml);
		return xml === undefined ? undefined : { at: new Date(submission.submittedAt + after), xml };
	}

	/** OCCTO's answer to one call that passed the wire's checks (TLS, login, quota). */
	async answer(call: OcctoCall): Promise<OcctoReply> {
		try {
			return { resultCode: RESULT_CODES.ok, xml: await this.answerXml(call) };
		} catch (error) {
			if (error instanceof Refusal) return { resultCode: error.code, message: error.message };
			return { resultCode: RESULT_CODES.systemError, message: 'システムエラーが発生しました' };
		}
	}

	private async answerXml({ apiId, form, file, userId }: OcctoCall): Promise<string> {
		switch (apiId) {
			case 'BA13B101':
				return await this.register(userId, file);
			case 'BA13B006':
				return await this.submissionList(form, userId);
			case 'BA13B007':
				return await this.errorDetails(form, userId);
			case 'BA13B103':
				return await this.planList(form, userId);
			case 'BA13B102':
				return await this.plan(form, userId);
		}
	}

	private async register(userId: string, file: Buffer | undefined): Promise<string> {
		if (!file) throw new Refusal(RESULT_CODES.parameterError, `パラメータ ${PARAM.file} (作業停止計画XML) がありません`);
		let xml: string;
		let document: XmlObject;
		try {
			xml = decodeXmlBytes(file);
			document = parseXml(xml);
		} catch (error) {
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- OCCTO's refusal, turned into a result code by answer()
			throw new Refusal(RESULT_CODES.xmlValidationError, `XMLの形式が不正です: ${(error as Error).message}`);
		}
		const missing = REQUIRED_ENVELOPE_PATHS.filter((p) => !hasXmlPath(document, p));
		if (missing.length) throw new Refusal(RESULT_CODES.xmlValidationError, `XMLに必須の要素がありません: ${missing.join(', ')}`);
		const body = planBody(document);
		const now = this.now();
		const submission = await this.book.update((state) => {
			const added: StoredSubmission = {
				receptionNo: String(state.nextReceptionNo++),
				userId,
				fileName: `${userId}_${jstSecond(now)}.xml`,
				planDivision: typeof body[PLAN_DIVISION_ELEMENT] === 'string' ? (body[PLAN_DIVISION_ELEMENT] as string) : '1',
				xml,
				submittedAt: now.getTime(),
				errors: checkPlan(xml),
			};
			state.submissions.push(added);
			return added;
		});
		const status = statusAt(submission, now, this.options.statusDelayMs);
		return buildXml({
			[REGISTER_ANSWER.root]: {
				[this.rows.receipt.row]: {
					OCCTO_RECEPTION_NO: submission.receptionNo,
					PLAN_DIVISION: submission.planDivision,
					STAT: status.code,
					STAT_NM: status.name,
				},
			},
		});
	}

	private async submissionList(form: Record<string, string>, userId: string): Promise<string> {
		checkDates(form);
		const now = this.now();
		const { submissions } = await this.book.read();
		const rows = submissions
			.filter((s) => s.userId === userId && inRange(jstSecond(new Date(s.submittedAt)), form))
			.map((s) => {
				const status = statusAt(s, now, this.options.statusDelayMs);
				return {
					OCCTO_RECEPTION_NO: s.receptionNo,
					FILE_NM: s.fileName,
					STAT: status.code,
					STAT_NM: status.name,
					SBMIT_DAYTIME: jstSecond(new Date(s.submittedAt)),
					LAST_UPD_DAYTIME: jstSecond(updatedAt(s, now, this.options.statusDelayMs)),
				};
			});
		return this.listXml('submissions', rows);
	}

	private async errorDetails(form: Record<string, string>, userId: string): Promise<string> {
		const receptionNo = form[PARAM.receptionNo];
		if (!receptionNo) throw new Refusal(RESULT_CODES.parameterError, `パラメータ ${PARAM.receptionNo} がありません`);
		checkReceptionNo(receptionNo);
		const submission = (await this.book.read()).submissions.find((s) => s.receptionNo === receptionNo && s.userId === userId);
		if (!submission) throw new Refusal(RESULT_CODES.notFound, `受付番号 ${receptionNo} の提出ファイルはありません`);
		if (statusAt(submission, this.now(), this.options.statusDelayMs) !== SUBMISSION_STATUS.error) {
			throw new Refusal(RESULT_CODES.notFound, `受付番号 ${receptionNo} は提出エラーではないため、受信確認メッセージはありません`);
		}
		return this.listXml(
			'errors',
			submission.errors.map((e) => ({ OCCTO_RECEPTION_NO: receptionNo, ERR_CD: e.code, ERR_MSG: e.message, ERR_ELEM: e.element })),
		);
	}

	private async planList(form: Record<string, string>, userId: string): Promise<string> {
		checkDates(form);
		const division = form[PARAM.planDivision];
		const rows: object[] = [];
		for (let i = 0; i < this.options.seedPlans; i++) {
			const row = seededPlan(i);
			if ((!division || row.PLAN_DIVISION === division) && inRange(row.SBMIT_DAYTIME, form)) rows.push(row);
		}
		const now = this.now();
		for (const s of (await this.book.read()).submissions) {
			if (s.userId !== userId || statusAt(s, now, this.options.statusDelayMs) !== SUBMISSION_STATUS.accepted) continue;
			if (division && s.planDivision !== division) continue;
			if (!inRange(jstSecond(new Date(s.submittedAt)), form)) continue;
			rows.push({
				PLAN_DIVISION: s.planDivision,
				OCCTO_RECEPTION_NO: s.receptionNo,
				PLAN_NM: planNameOf(s),
				STAT: SUBMISSION_STATUS.accepted.code,
				STAT_NM: SUBMISSION_STATUS.accepted.name,
				SBMIT_DAYTIME: jstSecond(new Date(s.submittedAt)),
				LAST_UPD_DAYTIME: jstSecond(this.adjusted(s, now)?.at ?? updatedAt(s, now, this.options.statusDelayMs)),
			});
		}
		return this.listXml('plans', rows);
	}

	private async plan(form: Record<string, string>, userId: string): Promise<string> {
		const division = form[PARAM.planDivision];
		const receptionNo = form[PARAM.receptionNo];
		if (!division || !receptionNo) {
			throw new Refusal(RESULT_CODES.parameterError, `パラメータ ${PARAM.planDivision} と ${PARAM.receptionNo} は必須です`);
		}
		checkReceptionNo(receptionNo);
		const now = this.now();
		const submission = (await this.book.read()).submissions.find(
			(s) =>
				s.receptionNo === receptionNo &&
				s.userId === userId &&
				s.planDivision === division &&
				statusAt(s, now, this.options.statusDelayMs) === SUBMISSION_STATUS.accepted,
		);
		if (submission) return (this.adjusted(submission, now)?.xml ?? submission.xml).replace(/^\s*<\?xml[^>]*\?>\s*/, '');
		const index = Number(receptionNo) - 2000000001;
		if (Number.isInteger(index) && index >= 0 && index < this.options.seedPlans) {
			const row = seededPlan(index);
			if (row.PLAN_DIVISION === division) return seededPlanXml(row);
		}
		throw new Refusal(RESULT_CODES.notFound, `計画区分 ${division} 受付番号 ${receptionNo} の作業停止計画はありません`);
	}

	private listXml(list: ListName, listRows: object[]): string {
		const { row, wrapper } = this.rows[list];
		const names = list === 'plans' || list === 'submissions' ? this.options.listFieldNames : undefined;
		const rows = names ? listRows.map((r) => Object.fromEntries(Object.entries(r).map(([name, value]) => [names[name] ?? name, value]))) : listRows;
		if (!rows.length) return buildXml({ [LIST_ROOT]: '' });
		return buildXml({ [LIST_ROOT]: wrapper ? { [wrapper]: { [row]: rows } } : { [row]: rows } });
	}
}

function seededPlan(index: number) {
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

function seededPlanXml(row: ReturnType<typeof seededPlan>): string {
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

function inRange(digits: string, form: Record<string, string>): boolean {
	const day = digits.slice(0, 8);
	if (form[PARAM.from] && day < form[PARAM.from]) return false;
	if (form[PARAM.to] && day > form[PARAM.to]) return false;
	return true;
}

function checkDates(form: Record<string, string>): void {
	for (const name of [PARAM.from, PARAM.to]) {
		if (form[name] !== undefined && form[name] !== '' && !fromJstDigits(form[name])) {
			throw new Refusal(RESULT_CODES.parameterError, `パラメータ ${name} の形式が不正です (YYYYMMDD)`);
		}
	}
}

function checkReceptionNo(receptionNo: string): void {
	if (!RECEPTION_NO_PATTERN.test(receptionNo)) {
		throw new Refusal(RESULT_CODES.parameterError, `パラメータ ${PARAM.receptionNo} の形式が不正です (10桁の数字)`);
	}
}

/** Shift_JIS unless the text holds characters Shift_JIS cannot carry (a plan uploaded as UTF-8): then UTF-8. */
export function answerEncodingFor(xml: string, preferred: XmlEncoding): XmlEncoding {
	if (preferred === 'UTF-8') return preferred;
	try {
		encodeXml(xml, preferred);
		return preferred;
	} catch (error) {
		if (error instanceof DecodeError) return 'UTF-8';
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- not a decoding problem: a bug, kept as it is
		throw error;
	}
}

/** The answer's file name inside the ZIP, as OCCTO names it: APIID_date_serial.xml. */
export function answerFileName(apiId: OcctoApiId, now: Date, serial: number): string {
	return `${apiId}_${jstDate(now)}_${String(serial).padStart(6, '0')}.xml`;
}

export interface WireAnswerOptions {
	resultCodeHeader: string;
	encoding: XmlEncoding;
	fileName: string;
}

/** The reply as OCCTO puts it on the wire: HTTP 200, the result code in a header, a Base64 ZIP (lists, plans), plain XML (the receipt) or the message in Shift_JIS. */
export async function wireAnswer(apiId: OcctoApiId, reply: OcctoReply, options: WireAnswerOptions): Promise<HttpAnswer<Buffer>> {
	if (!('xml' in reply)) {
		return {
			statusCode: 200,
			headers: { [options.resultCodeHeader]: reply.resultCode, 'content-type': 'text/plain; charset=Shift_JIS' },
			body: iconv.encode(reply.message, 'cp932'),
		};
	}
	const encoding = answerEncodingFor(reply.xml, options.encoding);
	if (!OCCTO_APIS[apiId].answersZip) {
		return {
			statusCode: 200,
			headers: { [options.resultCodeHeader]: reply.resultCode, 'content-type': `application/xml; charset=${encoding}` },
			body: encodeXml(reply.xml, encoding),
		};
	}
	const base64 = await encodeXmlZipBase64(options.fileName, reply.xml, encoding);
	return {
		statusCode: 200,
		headers: { [options.resultCodeHeader]: reply.resultCode, 'content-type': 'text/plain; charset=US-ASCII' },
		body: Buffer.from(base64, 'latin1'),
	};
}
