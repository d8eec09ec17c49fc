// OCCTO's side of the wire, in process: what the 作業停止計画 WebAPI answers to each call (BA13B101/102/103,
// BA13B006/007), following shared/specs and the assumptions in ../mapping.ts. The Sandbox credential and the
// HTTP simulator (simulators/occto, which adds TLS, login and faults around it) both answer through this one
// responder. A plan is 受付中 for `statusDelayMs`, then 受付完了, or 提出エラー with details when OCCTO's checks
// fail (a required code missing, 対象年月日 not a real date). Status is worked out from the time, not by timers,
// so any process reading the book agrees and nothing is left running.
import type { XmlObject } from '../../shared/codecs';
import { buildXml, decodeXmlBytes, hasXmlPath, parseXml } from '../../shared/codecs';
import { jstSecond } from '../../shared/japanTime';
import type { Book } from '../../shared/sandbox/book';
import { LIST_ROOT, PARAM, PLAN_DIVISION_ELEMENT, REGISTER_ANSWER, REQUIRED_ENVELOPE_PATHS, RESULT_CODES, SUBMISSION_STATUS } from '../mapping';
import { checkPlan, planBody, planNameOf, seededPlan, seededPlanXml, statusAt, updatedAt, withWindowMoved } from './plans';
import { Refusal, checkDates, checkReceptionNo, inRange } from './requestChecks';
import type { ListName, OcctoBookState, OcctoCall, OcctoReply, OcctoResponderOptions, StoredSubmission } from './state';
import { STANDARD_ROWS } from './state';

export * from './state';
export { statusAt, withWindowMoved } from './plans';
export { answerEncodingFor, answerFileName, wireAnswer } from './wire';
export type { WireAnswerOptions } from './wire';

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
