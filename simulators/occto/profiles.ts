// Wire profiles of the OCCTO simulator. "standard" follows nodes/occtoApi/mapping.ts; "alt" is an
// invented OCCTO-like server that differs wherever our mapping only guesses — other row element names (one
// list wrapped), another path prefix, a capitalised result-code header, another quota code with the
// documented text, another register file part, Base64 wrapped at 76 columns with CRLF and ZIPs with data
// descriptors (as Java's ZipOutputStream writes them). The node must work with both, configured only
// through its credential.
import type { OcctoApiId } from '../../nodes/occtoApi';
import {
	ERROR_DETAIL_ROW,
	OCCTO_APIS,
	OUTAGE_PLAN_ROW,
	PARAM,
	REGISTER_ANSWER,
	RESULT_CODE_HEADER,
	RESULT_CODES,
	SUBMISSION_ROW,
} from '../../nodes/occtoApi';

export type OcctoProfileName = 'standard' | 'alt' | 'renamed';

export interface OcctoProfile {
	name: OcctoProfileName;
	paths: Record<OcctoApiId, string>;
	/** Row element per list; `wrapper` puts the rows inside one element under the root. */
	rows: Record<'plans' | 'submissions' | 'errors' | 'receipt', { row: string; wrapper?: string }>;
	resultCodeHeader: string;
	quotaExceededCode: string;
	filePart: string;
	/** Base64 answers broken into 76-column lines with CRLF (MIME style). */
	wrapBase64: boolean;
	/** ZIP entries with sizes in a data descriptor after the data, not in the local header. */
	dataDescriptors: boolean;
	/** Whether a path that merely ends in /<APIID> is accepted too (the standard profile is lenient). */
	lenientPaths: boolean;
	/** Field elements of the submission and plan list rows named otherwise: standard name → this profile's name. */
	listFieldNames?: Record<string, string>;
}

const ALT_PREFIX = '/webapi/v2/sgtk';

const STANDARD: OcctoProfile = {
	name: 'standard',
	paths: Object.fromEntries(Object.values(OCCTO_APIS).map((api) => [api.id, api.defaultPath])) as Record<OcctoApiId, string>,
	rows: {
		plans: { row: OUTAGE_PLAN_ROW },
		submissions: { row: SUBMISSION_ROW },
		errors: { row: ERROR_DETAIL_ROW },
		receipt: { row: REGISTER_ANSWER.row },
	},
	resultCodeHeader: RESULT_CODE_HEADER,
	quotaExceededCode: RESULT_CODES.quotaExceeded,
	filePart: PARAM.file,
	wrapBase64: false,
	dataDescriptors: false,
	lenientPaths: true,
};

export const OCCTO_PROFILES: Record<OcctoProfileName, OcctoProfile> = {
	standard: STANDARD,
	alt: {
		name: 'alt',
		paths: {
			BA13B101: `${ALT_PREFIX}/toroku/BA13B101`,
			BA13B102: `${ALT_PREFIX}/file/BA13B102`,
			BA13B103: `${ALT_PREFIX}/ichiran/BA13B103`,
			BA13B006: `${ALT_PREFIX}/ichiran/BA13B006`,
			BA13B007: `${ALT_PREFIX}/file/BA13B007`,
		},
		rows: {
			plans: { row: 'SGYTS_KKK', wrapper: 'SGYTS_KKK_ICHIRAN' },
			submissions: { row: 'UKTK_FILE' },
			errors: { row: 'JSN_KKN_MSG' },
			receipt: { row: 'TRK_KKA' },
		},
		resultCodeHeader: 'ResultCode',
		quotaExceededCode: 'Q0429',
		filePart: 'xmlfile',
		wrapBase64: true,
		dataDescriptors: true,
		lenientPaths: false,
	},
	// "renamed": standard in everything but the key fields of the submission and plan list rows (receipt
	// number, status code and name, submitted and last-updated times), which the triggers must find by content
	// with no Field Names configured
	renamed: {
		...STANDARD,
		name: 'renamed',
		listFieldNames: {
			OCCTO_RECEPTION_NO: 'UKETSUKE_NO',
			STAT: 'JOTAI_CD',
			STAT_NM: 'JOTAI_NM',
			SBMIT_DAYTIME: 'TEISHUTSU_NICHIJI',
			LAST_UPD_DAYTIME: 'KOSHIN_NICHIJI',
		},
	},
};

/** The credential fields a user would set for a profile: nothing for standard (and renamed), Advanced Settings and paths for alt. */
export function profileCredentialFields(profile: OcctoProfile): Record<string, string | boolean> {
	if (profile.name === 'standard' || profile.name === 'renamed') return {};
	return {
		overridePaths: true,
		...Object.fromEntries(Object.entries(profile.paths).map(([id, path]) => [`path${id}`, path])),
		// the capitalised result-code header and the quota code are NOT configured: the node must cope as it is
		advancedSettings: true,
		registerFilePart: profile.filePart,
	};
}
