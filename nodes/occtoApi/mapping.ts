// Every wire-level fact about OCCTO's 作業停止計画 WebAPI lives here, in ONE place.
// Entries marked ASSUMPTION have no public source (see shared/specs/occto-outage-plan.md); whoever holds the
// real 「WebAPI仕様書（作業停止計画）」 corrects them here. Base URL and per-API paths can also be overridden
// in the credential without touching code. The simulator and the tests read this file too.

export type OcctoApiId = 'BA13B101' | 'BA13B102' | 'BA13B103' | 'BA13B006' | 'BA13B007';

export interface OcctoApiDefinition {
	id: OcctoApiId;
	/** Japanese API name as in OCCTO's WebAPI一覧. */
	nameJa: string;
	/** ASSUMPTION 1: default path under the base URL. */
	defaultPath: string;
	/** Whether the answer is a Base64 ZIP of XML (all but the register call). */
	answersZip: boolean;
	/** Whether the call submits something: once sent, any failure may hide a success, and it is never repeated. */
	submits?: true;
}

/** SPEC: OCCTO's host for its sibling WebAPIs (FIT plans use the same host and framework). */
export const DEFAULT_BASE_URL = 'https://occtonet.occto.or.jp';

/** ASSUMPTION 1: same prefix as the FIT-plan WebAPI. */
const PREFIX = '/service/RP12/OCCTO/api';

export const OCCTO_APIS: Record<OcctoApiId, OcctoApiDefinition> = {
	BA13B101: { id: 'BA13B101', nameJa: '作業停止計画登録', defaultPath: `${PREFIX}/upload/BA13B101`, answersZip: false, submits: true },
	BA13B102: { id: 'BA13B102', nameJa: '作業停止計画取得', defaultPath: `${PREFIX}/fileDownload/BA13B102`, answersZip: true },
	BA13B103: { id: 'BA13B103', nameJa: '作業停止計画一覧取得', defaultPath: `${PREFIX}/listDownload/BA13B103`, answersZip: true },
	BA13B006: { id: 'BA13B006', nameJa: '作業停止計画受付ファイル一覧取得', defaultPath: `${PREFIX}/listDownload/BA13B006`, answersZip: true },
	BA13B007: { id: 'BA13B007', nameJa: '作業停止計画受信確認メッセージ取得', defaultPath: `${PREFIX}/fileDownload/BA13B007`, answersZip: true },
};

/** Request parameter names (SPEC: lower case, form-urlencoded POST, as in the FIT-plan WebAPI). */
export const PARAM = {
	userId: 'userid',
	password: 'password',
	planDivision: 'plandivision',
	receptionNo: 'occtoreceptionno',
	/** ASSUMPTION 3: optional list filters, dates as YYYYMMDD. */
	from: 'from',
	to: 'to',
	/** ASSUMPTION 2: the multipart file part that carries the plan XML on register. */
	file: 'file',
} as const;

/** SPEC (FIT-plan clients): the result code comes in this HTTP response header. */
export const RESULT_CODE_HEADER = 'resultcode';
/** ASSUMPTION 5: an error's text may come in this header (Shift_JIS, percent-encoded) or in the body. */
export const RESULT_MESSAGE_HEADER = 'resultmessage';

/** ASSUMPTION 5: result codes. `0000` is documented; the rest are placeholders the simulator uses too.
 * Success and quota codes can be changed in the credential (Advanced Settings) without code. */
export const RESULT_CODES = {
	ok: '0000',
	authError: '1001',
	certificateUserMismatch: '1002',
	parameterError: '2001',
	notFound: '2002',
	xmlValidationError: '3001',
	quotaExceeded: '9001',
	systemError: '9999',
} as const;

export const RESULT_CODE_MEANINGS: Record<string, string> = {
	'0000': 'OK',
	'1001': 'User ID or password rejected (認証エラー)',
	'1002': 'The client certificate does not belong to this user ID',
	'2001': 'A request parameter is missing or invalid',
	'2002': 'No such outage plan or submission',
	'3001': 'The outage-plan XML failed validation',
	'9001': 'OCCTO daily API call limit (1000) exceeded',
	'9999': 'OCCTO system error',
};

/**
 * ASSUMPTION 13: these result codes refuse a registration (BA13B101) before OCCTO stores the plan — login,
 * certificate, parameters, the XML check — so the plan was not registered. SPEC: the quota error refuses the
 * call. Any other code (9999, or one we do not know) may follow a stored plan: "may have been registered".
 */
export const REGISTER_REFUSAL_CODES: readonly string[] = [
	RESULT_CODES.authError,
	RESULT_CODES.certificateUserMismatch,
	RESULT_CODES.parameterError,
	RESULT_CODES.xmlValidationError,
];

/** SPEC: the text of the quota error. Recognised by code or by this text (ASSUMPTION 5). */
export const QUOTA_EXCEEDED_TEXT = 'API上限回数を超えています';

/** SPEC: 1000 calls per operator per day, all APIs together. ASSUMPTION 7: the day turns at 00:00 JST. */
export const DAILY_CALL_LIMIT = 1000;

/** SPEC: business protocol of BA13B101/102/103. */
export const BUSINESS_PROTOCOL = { bpidVersion: '3A', bpidSubAgency: 'S1', infoCategoryCode: '0001' } as const;

/**
 * ASSUMPTION 6: list documents mirror the FIT style: SBD-MSG/<ROW_ELEMENT>/{…}. The node does NOT depend on
 * the row element names: rows are found by shape (the repeated element under the root or one wrapper,
 * nodes/shared/listShape.ts). The names below are what the simulator sends and what the node takes for a
 * row rather than a wrapper. Field names map to the camelCase keys the node outputs; unknown elements pass
 * through under their own names. Accepted roots, row names and extra field names can be changed in the
 * credential (Advanced Settings).
 */
export const LIST_ROOT = 'SBD-MSG';
export const OUTAGE_PLAN_ROW = 'OUTAGE_PLAN_INFO';
export const SUBMISSION_ROW = 'SUBMISSION_INFO';
export const ERROR_DETAIL_ROW = 'ERROR_INFO';

export const ROW_FIELDS: Record<string, string> = {
	PLAN_DIVISION: 'planDivision',
	OCCTO_RECEPTION_NO: 'occtoReceptionNo',
	STAT: 'status',
	STAT_NM: 'statusName',
	SBMIT_DAYTIME: 'submittedAt',
	LAST_UPD_DAYTIME: 'lastUpdatedAt',
	FILE_NM: 'fileName',
	PLAN_NM: 'planName',
	ERR_CD: 'errorCode',
	ERR_MSG: 'errorMessage',
	ERR_ELEM: 'errorElement',
};

/** Every item of a list keeps the name of the element its row came from, under this key. */
export const ROW_ELEMENT_KEY = 'rowElement';

/** ASSUMPTION 6: 受付ステータス codes and names. */
export const SUBMISSION_STATUS = {
	receiving: { code: '1', name: '受付中' },
	accepted: { code: '2', name: '受付完了' },
	error: { code: '9', name: '提出エラー' },
} as const;

/** ASSUMPTION 2: the register answer is a small XML (not zipped) with the receipt number and status. */
export const REGISTER_ANSWER = { root: 'SBD-MSG', row: 'REGIST_RESULT' } as const;

/** SPEC (standard plan XML): the SBD-MSG envelope the node builds from JSON on register. */
export const ENVELOPE = {
	root: 'SBD-MSG',
	group: 'JPMGRP',
	header: 'JPMGH',
	body: 'JPTRM',
	/** Header fields a user sets as parameters (JPC11 = BPID). */
	headerFields: {
		JPC03: 'messageType',
		JPC11: 'bpid',
		JPC21: 'messageId',
	},
	/** Body fields the envelope always carries. */
	bodyFields: {
		JP00002: 'infoCategoryCode',
		JP06110: 'senderCode',
		JP06111: 'senderName',
		JP06358: 'recipientCode',
		JP06116: 'targetDate',
	},
} as const;

/** Parts of the envelope the simulator requires to be present. SPEC: the SBD-MSG root (EDI 共通規格).
 * ASSUMPTION 12: the JPMGRP group with the JPMGH header and the JPTRM body under it (as in the FIT-plan clients;
 * OCCTO's spec says some tags of its messages are not standard), so the node's checks only warn about them. */
export const REQUIRED_ENVELOPE_PATHS = ['SBD-MSG', 'SBD-MSG/JPMGRP', 'SBD-MSG/JPMGRP/JPMGH', 'SBD-MSG/JPMGRP/JPTRM'] as const;
/** ASSUMPTION 12: body codes every outage plan carries (JP00002 holding the 情報区分コード). Checked as warnings. */
export const REQUIRED_BODY_CODES = ['JP00002', 'JP06110', 'JP06358'] as const;

/** ASSUMPTION 6: plan divisions (plandivision). Placeholders until the real code list is known. */
export const PLAN_DIVISIONS: Record<string, string> = {
	'1': '年間計画 (annual)',
	'2': '月間計画 (monthly)',
	'3': '週間計画 (weekly)',
	'4': '翌日・当日計画 (next-day / same-day)',
};

/** ASSUMPTION 6: the element of the plan body (JPTRM) that carries its plan division; '1' when absent. */
export const PLAN_DIVISION_ELEMENT = 'PLAN_DIVISION';

/**
 * SPEC (standard plan XML, EDI 共通規格): one message carries one BPID (JPC11) and one 情報区分コード, sender,
 * sender name, recipient and target date: more than one, anywhere in the plan, is an error.
 */
export const SINGLE_PLAN_ELEMENTS: readonly string[] = ['JPC11', ...Object.keys(ENVELOPE.bodyFields)];
/** ASSUMPTION 9 / 12 / 6: the header's other fields, the group, header and body, and the plan division once per plan too (warnings). */
export const ASSUMED_SINGLE_PLAN_ELEMENTS: Record<string, number> = {
	JPC03: 9,
	JPC21: 9,
	[ENVELOPE.group]: 12,
	[ENVELOPE.header]: 12,
	[ENVELOPE.body]: 12,
	[PLAN_DIVISION_ELEMENT]: 6,
};

/** ASSUMPTION 6: date-times in list rows are YYYYMMDDHHMMSS in Japan time. */
export const ROW_DATETIME_FORMAT = 'YYYYMMDDHHMMSS';

/** ASSUMPTION 4: occtoreceptionno is a 10-digit number. */
export const RECEPTION_NO_PATTERN = /^\d{10}$/;

/**
 * ASSUMPTION 5: error answers carry the resultcode header and a body holding the message as text in
 * Shift_JIS (charset from Content-Type when given). Successful ZIP answers are Base64 text/plain.
 */
export const ERROR_BODY_DEFAULT_CHARSET = 'Shift_JIS';

/** Row element names the node knows (never mistaken for a wrapper around rows). */
export const KNOWN_ROW_ELEMENTS = [OUTAGE_PLAN_ROW, SUBMISSION_ROW, ERROR_DETAIL_ROW, REGISTER_ANSWER.row];

/**
 * Defaults of the credential's Advanced Settings: every wire assumption that decides whether an answer is a
 * success or a failure, changeable without code when OCCTO's specification says otherwise.
 */
export const WIRE_DEFAULTS = {
	resultCodeHeader: RESULT_CODE_HEADER,
	successCodes: [RESULT_CODES.ok],
	quotaExceededCodes: [RESULT_CODES.quotaExceeded],
	resultMessageHeader: RESULT_MESSAGE_HEADER,
	registerFilePart: PARAM.file,
	listRoots: [LIST_ROOT],
} as const;

// ---- Local plan validation (Outage Plan → Validate, and Register's "Validate Before Sending") ----

/**
 * ASSUMPTION 9: where the business protocol sits in the header. The spec says JPC11 is the BPID; the node
 * writes BPID版 on its own in JPC03 and the BPID as BPID版 + 副機関コード (`3AS1`) in JPC11, and checks the same
 * as a warning only. A user who knows the real layout sets it in the credential (Advanced Settings →
 * Required Plan Values), and those values are then enforced as errors instead.
 */
export const PLAN_HEADER_PROTOCOL = {
	bpidVersionElement: 'JPC03',
	bpidElement: 'JPC11',
	bpid: `${BUSINESS_PROTOCOL.bpidVersion}${BUSINESS_PROTOCOL.bpidSubAgency}`,
} as const;

/**
 * SPEC: JP06116 (対象年月日) is a date. ASSUMPTION 10: it is written YYYYMMDD, and so are the STR_DATE /
 * END_DATE elements of the node's example plan data; every element with one of these names, anywhere in the
 * plan body, must be a real calendar date in that form.
 */
export const PLAN_DATE_ELEMENTS: Record<string, 'YYYYMMDD' | 'YYYYMMDDHHMM' | 'YYYYMMDDHHMMSS'> = {
	JP06116: 'YYYYMMDD',
	STR_DATE: 'YYYYMMDD',
	END_DATE: 'YYYYMMDD',
};

/** ASSUMPTION 11: the largest plan file OCCTO accepts on register, counted in bytes as sent (10 MB). A warning. */
export const MAX_PLAN_BYTES = 10 * 1024 * 1024;

/** SPEC (standard plan XML): what the header and body codes the checks name mean, for messages. */
export const PLAN_ELEMENT_LABELS: Record<string, string> = {
	JPC03: 'BPID版',
	JPC11: 'BPID',
	JP00002: '情報区分コード',
	JP06110: '送信者コード',
	JP06111: '送信者名称',
	JP06358: '提出先事業者コード',
	JP06116: '対象年月日',
};
