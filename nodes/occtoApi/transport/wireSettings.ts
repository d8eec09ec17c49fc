// The wire assumptions a user can change in the credential's Advanced Settings (result-code header, success
// and quota codes, message header, register file part, list roots, row and field names), read and checked
// once per run. Defaults come from mapping.ts.
import type { ICredentialDataDecryptedObject, INodeProperties } from 'n8n-workflow';

import { KNOWN_ROW_ELEMENTS, ROW_FIELDS, WIRE_DEFAULTS } from '../mapping';
import type { ListShapeSettings } from '../../shared/listShape';
import type { RequiredPlanValue } from '../validation/rules';

export interface OcctoWireSettings {
	resultCodeHeader: string;
	successCodes: string[];
	quotaExceededCodes: string[];
	resultMessageHeader: string;
	registerFilePart: string;
	shape: ListShapeSettings;
	/** OCCTO element name → output key. */
	fieldNames: ReadonlyMap<string, string>;
	/** Elements a plan must hold with these values (the real header layout, when the user knows it). */
	requiredPlanValues: RequiredPlanValue[];
}

export class WireSettingError extends Error {
	constructor(
		message: string,
		readonly fix: string,
	) {
		super(message);
		this.name = 'WireSettingError';
	}
}

const DEFAULT_FIELD_NAMES: ReadonlyMap<string, string> = new Map(Object.entries(ROW_FIELDS));

export const DEFAULT_WIRE_SETTINGS: OcctoWireSettings = {
	resultCodeHeader: WIRE_DEFAULTS.resultCodeHeader,
	successCodes: [...WIRE_DEFAULTS.successCodes],
	quotaExceededCodes: [...WIRE_DEFAULTS.quotaExceededCodes],
	resultMessageHeader: WIRE_DEFAULTS.resultMessageHeader,
	registerFilePart: WIRE_DEFAULTS.registerFilePart,
	shape: {
		roots: [...WIRE_DEFAULTS.listRoots],
		rowElements: [],
		knownRowElements: KNOWN_ROW_ELEMENTS,
		knownFields: new Set(DEFAULT_FIELD_NAMES.keys()),
	},
	fieldNames: DEFAULT_FIELD_NAMES,
	requiredPlanValues: [],
};

const list = (value: unknown) =>
	String(value ?? '')
		.split(/[,\s]+/)
		.map((part) => part.trim())
		.filter(Boolean);

const XML_NAME = /^[A-Za-z_][\w.-]*$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** "ELEMENT = key" lines (or comma-separated pairs) added to, or replacing, the default field names. */
function parseFieldNames(text: string): Map<string, string> {
	const names = new Map(DEFAULT_FIELD_NAMES);
	for (const entry of text.split(/[\n,]+/).map((line) => line.trim()).filter(Boolean)) {
		const match = /^([^=\s]+)\s*=\s*([A-Za-z_$][\w$]*)$/.exec(entry);
		if (!match || !XML_NAME.test(match[1])) {
			throw new WireSettingError(
				`"Field Names" has an entry that is not "ELEMENT = key": "${entry}"`,
				'Write one mapping per line, e.g. UKETSUKE_NO = occtoReceptionNo (the output key must be a plain name).',
			);
		}
		names.set(match[1], match[2]);
	}
	return names;
}

/** The "Required Plan Values" field: in the credential (Register) and, with its own wording, in Validate's options. */
export function requiredPlanValuesProperty(description: string): INodeProperties {
	return {
		displayName: 'Required Plan Values',
		name: 'requiredPlanValues',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		placeholder: 'JPMGRP/JPMGH/JPC11 = 3AS1',
		description,
	};
}

/** "ELEMENT = value" or "PATH/TO/ELEMENT = value" lines: what Validate and Register enforce as errors. */
export function parseRequiredPlanValues(text: string): RequiredPlanValue[] {
	const values: RequiredPlanValue[] = [];
	for (const entry of text.split(/\n+/).map((line) => line.trim()).filter(Boolean)) {
		const match = /^([^=\s]+)\s*=\s*(.+)$/.exec(entry);
		const element = match?.[1].replace(/^\/+|\/+$/g, '');
		if (!match || !element || !element.split('/').every((name) => XML_NAME.test(name))) {
			throw new WireSettingError(
				`"Required Plan Values" has an entry that is not "ELEMENT = value": "${entry}"`,
				'Write one element per line, e.g. JPC11 = 3AS1 or JPMGRP/JPMGH/JPC03 = 3A (a path is counted from the root).',
			);
		}
		values.push({ element, value: match[2].trim() });
	}
	return values;
}

function required(value: unknown, label: string, pattern: RegExp, fallback: string): string {
	const text = String(value ?? '').trim();
	if (!text) return fallback;
	if (!pattern.test(text)) {
		throw new WireSettingError(`"${label}" is not a valid name: "${text}"`, `Clear it to use the default "${fallback}", or enter the name from OCCTO's specification.`);
	}
	return text;
}

function names(value: unknown, label: string, fallback: readonly string[]): string[] {
	const parts = list(value);
	const bad = parts.find((part) => !XML_NAME.test(part));
	if (bad) throw new WireSettingError(`"${label}" holds "${bad}", which is not an XML element name`, 'Separate names with commas, e.g. SBD-MSG, LIST.');
	return parts.length ? parts : [...fallback];
}

export function readWireSettings(credential: ICredentialDataDecryptedObject): OcctoWireSettings {
	if (credential.advancedSettings !== true) return DEFAULT_WIRE_SETTINGS;
	const fieldNames = parseFieldNames(String(credential.fieldNames ?? ''));
	const codes = (value: unknown, fallback: readonly string[]) => {
		const parts = list(value);
		return parts.length ? parts : [...fallback];
	};
	return {
		resultCodeHeader: required(credential.resultCodeHeader, 'Result Code Header', HEADER_NAME, WIRE_DEFAULTS.resultCodeHeader).toLowerCase(),
		successCodes: codes(credential.successCodes, WIRE_DEFAULTS.successCodes),
		quotaExceededCodes: codes(credential.quotaExceededCodes, WIRE_DEFAULTS.quotaExceededCodes),
		resultMessageHeader: required(credential.resultMessageHeader, 'Result Message Header', HEADER_NAME, WIRE_DEFAULTS.resultMessageHeader).toLowerCase(),
		registerFilePart: required(credential.registerFilePart, 'Register File Part Name', /^[\w.-]+$/, WIRE_DEFAULTS.registerFilePart),
		shape: {
			roots: names(credential.listRoots, 'List Root Elements', WIRE_DEFAULTS.listRoots),
			rowElements: names(credential.rowElements, 'Row Elements', []),
			knownRowElements: KNOWN_ROW_ELEMENTS,
			knownFields: new Set(fieldNames.keys()),
		},
		fieldNames,
		requiredPlanValues: parseRequiredPlanValues(String(credential.requiredPlanValues ?? '')),
	};
}
