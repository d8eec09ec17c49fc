// Every wire-level fact about NTT Com's 安否確認 API and its gateway, in ONE place (the simulator reads it
// too). Sources: shared/specs/ntt-anpi-api.ja.txt (the vendor's spec) and ntt-anpi.md (gateway facts).
// Entries marked DECISION settle a defect of the published spec.

export const DEFAULT_HOST = 'https://api.ntt.com';

/** Gateway hosts: global load-balanced, or regional `https://{region}.api.ntt.com`. */
export const REGIONAL_HOSTS: Record<string, string> = {
	global: 'https://api.ntt.com',
	jp: 'https://jp.api.ntt.com',
	us: 'https://us.api.ntt.com',
	eu: 'https://eu.api.ntt.com',
	sg: 'https://sg.api.ntt.com',
};

/** Token endpoint (camelCase JSON body, not RFC 6749's snake_case form). */
export const GRANT_PATH = '/v1/oauth/accesstokens';

export const ANPI_PATHS = {
	create: '/v1/anpi/register/safety/',
	list: '/v1/anpi/confirm/safety/',
	status: '/v1/anpi/confirm/safety-status/',
	send: '/v1/anpi/request/safety/',
	/** DECISION: the spec's example shows /v1/anpi/maintenance/organization/; heading and table say this. */
	complete: '/v1/anpi/register/safety/',
} as const;

export const API_NAMES_JA = {
	create: '安否確認API(登録)',
	list: '安否確認API(集計一覧)',
	status: '安否確認API(状況確認)',
	send: '安否確認API(発信)',
	complete: '安否確認API(完了)',
} as const;

export const LIMITS = {
	title: 200,
	text: 5000,
	address: 100,
	closingAddresses: 3,
	listPage: 1000,
	statusPage: 5000,
	nameCode: 32,
	orgPath: 331,
	/** DECISION: tid is a 7-character string (examples show both "A000001" and "0000019"). */
	tidLength: 7,
} as const;

/** A thread ID as the API shows it: up to 7 letters or digits. */
export const TID_PATTERN = /^[A-Za-z0-9]{1,7}$/;

/** Date-times on the wire: YYYYMMDDHHMI, Japan time. */
export const DATE_DIGITS = 12;

/** The gateway's token answer: expiresIn is seconds as a string, issuedAt epoch millis as a string. */
export interface TokenAnswer {
	accessToken: string;
	tokenType: string;
	expiresIn: string;
	scope?: string;
	issuedAt: string;
}

/** Renew a token this long before it runs out, so a call never starts with a token about to expire. */
export const TOKEN_RENEW_MARGIN_MS = 60_000;

/**
 * DECISION: the longest the token call may take. The credential cannot see the node's Timeout option, so
 * it has its own bound (the node's timer still bounds the token wait of each call to its Timeout).
 */
export const TOKEN_TIMEOUT_MS = 30_000;

export const ENUMS = {
	endflg: { '0': 'open', '1': 'completed', '2': 'aborted' } as Record<string, string>,
	trngflg: { '0': 'real', '1': 'drill' } as Record<string, string>,
	/** Answer state filter (request). */
	ansstatusFilter: { '1': 'answered', '2': 'unanswered (read)', '3': 'unanswered (unread)', '4': 'unanswered (read or unread)', '5': 'not targeted' } as Record<string, string>,
	/** Answer state of a person (answer). */
	ansstatus: { '1': 'answered', '2': 'read', '3': 'unread', '4': 'not targeted' } as Record<string, string>,
	/** Send state filter (request). */
	sendstatusFilter: { '1': 'sending', '2': 'stopped', '3': 'sent' } as Record<string, string>,
	sendresult: { '1': 'OK', '2': 'partly OK', '3': 'NG', '4': 'no contact registered' } as Record<string, string>,
	/** Send state of a person (answer). */
	sendstatus: { '1': 'OK', '2': 'partly OK', '3': 'NG', '4': 'no contact registered', '5': 'sending', '6': 'stopped', '7': 'not sent' } as Record<string, string>,
	regdevice: { '0': null, '1': 'PC', '2': 'mobile web', '3': 'voice' } as Record<string, string | null>,
	regdatekbn: { '1': 'answered since', '2': 'not answered since' } as Record<string, string>,
};

/** Values the API uses for "no value" (null, "" or "-"). */
export const NO_VALUE = new Set<unknown>([null, undefined, '', '-']);

/** Target filters shared by Get Status and Send (request body field names). */
export const LIST_FILTERS = [
	'orgpathList',
	'grpidList',
	'usrcdList',
	'lcncdList',
	'ctmcdList',
	'wktdfkcdList',
	'wkareacdList',
	'ad1tdfkcdList',
	'ad1areacdList',
	'ad2tdfkcdList',
	'ad2areacdList',
] as const;
export const TEXT_FILTERS = ['sei', 'mei', 'wkskcs', 'ad1skcs', 'ad2skcs', 'prodid'] as const;
export const QUESTION_COUNT = 20;
