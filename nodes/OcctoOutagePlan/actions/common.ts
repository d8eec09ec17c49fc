// Parameters and output shaping shared by the OCCTO operations.
import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { apiLabel, certificateHints, DEFAULT_STOP_BEFORE, getOcctoConnection, RECEPTION_NO_PATTERN, ROW_ELEMENT_KEY } from '../../occtoApi';
import { toJstDigits } from '../../shared/japanTime';
import type { ItemQuota, OcctoApiId, OcctoCallOptions, OcctoListAnswer } from '../../occtoApi';

/** What toItems needs of an answer: the day's quota and, for Attach Original Files, the bytes as received. */
interface AnswerFiles {
	quota: ItemQuota;
	fileName?: string;
	xmlBytes?: Buffer;
	zipBytes?: Buffer;
}

export { DEFAULT_STOP_BEFORE };
export { documentToJson } from '../../shared/codecs';

export function callOptionsCollection(extra: INodeProperties[] = []): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			...extra,
			{
				displayName: 'Attach Original Files',
				name: 'attachOriginal',
				type: 'boolean',
				default: false,
				description: 'Whether to add the XML as received (and the ZIP, where OCCTO sent one) as binary data to the output',
			},
			{
				displayName: 'Max Decompressed Size (MB)',
				name: 'maxDecompressedMb',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 100,
				description: 'Answers whose ZIP would unpack to more than this are refused (protects n8n against ZIP bombs)',
			},
			{
				displayName: 'Max ZIP Entries',
				name: 'maxZipEntries',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 100,
				description: 'Answers whose ZIP holds more files than this are refused',
			},
			{
				displayName: 'Stop Before Call Count',
				name: 'stopBefore',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 1000 },
				default: DEFAULT_STOP_BEFORE,
				description:
					'Refuse to call OCCTO once this many of the 1000 daily calls are used for this user ID, leaving the rest for urgent work. Counted in the call ledger the credential chooses ("Call Ledger": a file in the n8n user folder, or n8n\'s Redis in queue mode), so every workflow, worker and restart on this n8n counts together; calls made outside n8n are not seen — align with Call Quota → Set.',
			},
			{
				displayName: 'Timeout (Seconds)',
				name: 'timeoutSeconds',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 60,
				description: 'How long to wait for OCCTO to answer',
			},
		],
	};
}

export interface ReadOptions {
	call: OcctoCallOptions;
	attachOriginal: boolean;
	options: IDataObject;
}

export function readOptions(this: IExecuteFunctions, itemIndex: number): ReadOptions {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const number = (name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER) => {
		const value = options[name] === undefined ? fallback : Number(options[name]);
		if (!Number.isFinite(value) || value < min || value > max) {
			throw new NodeOperationError(this.getNode(), `Option "${name}" must be a number from ${min} to ${max}`, {
				itemIndex,
				description: `It is ${String(options[name])}. Set it in the node's Options.`,
			});
		}
		return value;
	};
	return {
		call: {
			stopBefore: number('stopBefore', DEFAULT_STOP_BEFORE, 1, 1000),
			limits: {
				maxUncompressedBytes: number('maxDecompressedMb', 100, 1) * 1024 * 1024,
				maxEntries: number('maxZipEntries', 100, 1),
			},
			timeoutMs: number('timeoutSeconds', 60, 1) * 1000,
		},
		attachOriginal: options.attachOriginal === true,
		options,
	};
}

/** A required text parameter, trimmed; empty is refused naming the field. */
export function requiredText(this: IExecuteFunctions, name: string, label: string, itemIndex: number, fix: string): string {
	const value = String(this.getNodeParameter(name, itemIndex, '') ?? '').trim();
	if (!value) {
		throw new NodeOperationError(this.getNode(), `"${label}" is empty`, { itemIndex, description: fix });
	}
	return value;
}

export function receptionNoParameter(this: IExecuteFunctions, itemIndex: number): string {
	const value = requiredText.call(
		this,
		'occtoReceptionNo',
		'OCCTO Receipt Number',
		itemIndex,
		'Map it from a previous Get Many, e.g. {{ $json.occtoReceptionNo }}.',
	);
	if (!RECEPTION_NO_PATTERN.test(value)) {
		throw new NodeOperationError(this.getNode(), `"OCCTO Receipt Number" must be 10 digits, got "${value}"`, {
			itemIndex,
			description: 'Use the occtoReceptionNo of a Get Many result as it is (leading zeros included).',
		});
	}
	return value;
}

/** Optional date filters as YYYYMMDD in Japan time; refuses unreadable dates and reversed ranges. */
export function dateRange(this: IExecuteFunctions, filters: IDataObject, itemIndex: number): Record<string, string> {
	const result: Record<string, string> = {};
	for (const [name, label] of [
		['from', 'From Date'],
		['to', 'To Date'],
	] as const) {
		if (filters[name] === undefined || filters[name] === '') continue;
		const digits = toJstDigits(filters[name], 8);
		if (!digits) {
			throw new NodeOperationError(this.getNode(), `"${label}" is not a date: "${String(filters[name])}"`, {
				itemIndex,
				description: 'Pick a date, or give an ISO date (2026-11-24) or YYYYMMDD (20261124).',
			});
		}
		result[name] = digits;
	}
	if (result.from && result.to && result.from > result.to) {
		throw new NodeOperationError(this.getNode(), `"From Date" (${result.from}) is after "To Date" (${result.to})`, {
			itemIndex,
			description: 'Swap the two dates.',
		});
	}
	return result;
}

/** Output items: every item carries the certificate's expiry and the day's quota, and optional binaries. */
export async function toItems(
	this: IExecuteFunctions,
	rows: IDataObject[],
	answer: AnswerFiles,
	attachOriginal: boolean,
	itemIndex: number,
	baseName: string,
): Promise<INodeExecutionData[]> {
	const connection = await getOcctoConnection.call(this);
	const hints = certificateHints(connection.certificate);
	if (hints.length) this.addExecutionHints(...hints);
	const binary = attachOriginal ? await originalFiles.call(this, answer, baseName) : undefined;
	// one certificate and one quota object shared by every item of this answer: a 50,000-row list need not
	// hold 100,000 copies of the same two small objects; the Sandbox has no certificate to report
	const certificate = connection.sandbox ? null : { ...connection.certificate };
	const quota = { ...answer.quota };
	// the rows are this call's own fresh objects: completed in place rather than copied once more
	return rows.map((row) => {
		row.certificate = certificate;
		row.quota = quota;
		return binary ? { json: row, binary, pairedItem: { item: itemIndex } } : { json: row, pairedItem: { item: itemIndex } };
	});
}

async function originalFiles(this: IExecuteFunctions, answer: AnswerFiles, baseName: string) {
	const xmlName = answer.fileName ?? `${baseName}.xml`;
	const binary: INodeExecutionData['binary'] = {};
	if (answer.xmlBytes) binary.xml = await this.helpers.prepareBinaryData(answer.xmlBytes, xmlName, 'application/xml');
	if (answer.zipBytes) {
		binary.zip = await this.helpers.prepareBinaryData(answer.zipBytes, xmlName.replace(/\.xml$/i, '') + '.zip', 'application/zip');
	}
	return binary;
}

/** From/To date filters of the list operations (sent to OCCTO as YYYYMMDD in Japan time). */
export function dateRangeFilters(what: string): INodeProperties[] {
	return [
		{
			displayName: 'From Date',
			name: 'from',
			type: 'dateTime',
			default: '',
			description: `Only ${what} on or after this date (sent as YYYYMMDD in Japan time)`,
		},
		{
			displayName: 'To Date',
			name: 'to',
			type: 'dateTime',
			default: '',
			description: `Only ${what} on or before this date (sent as YYYYMMDD in Japan time)`,
		},
	];
}

/** OCCTO answers whole lists in one call (no paging), so Limit only trims what came back. */
export function applyLimit(this: IExecuteFunctions, rows: IDataObject[], itemIndex: number): IDataObject[] {
	if (this.getNodeParameter('returnAll', itemIndex, false) as boolean) return rows;
	const limit = this.getNodeParameter('limit', itemIndex, 50) as number;
	return rows.slice(0, limit);
}

/** A recognisably empty list is not an error, but it is said out loud next to the (missing) output. */
export function hintIfEmpty(this: IExecuteFunctions, apiId: OcctoApiId, answer: OcctoListAnswer, what: string): void {
	if (!answer.empty) return;
	this.addExecutionHints({
		message: `OCCTO returned an empty list for ${apiLabel(apiId)} (${answer.path.map((name) => `<${name}>`).join('/')} has no ${what}).`,
		type: 'info',
		location: 'outputPane',
	});
}

/** A filter on a field the rows do not have would silently match nothing: refuse it, naming what the rows hold. */
export function requireField(this: { getNode(): INode }, rows: IDataObject[], key: string, filterLabel: string, itemIndex: number): void {
	const row = rows.find((candidate) => candidate[key] === undefined);
	if (!row) return;
	throw new NodeOperationError(this.getNode(), `${filterLabel} needs the field "${key}", which OCCTO's rows do not have`, {
		itemIndex,
		description: `A <${String(row[ROW_ELEMENT_KEY])}> row holds: ${Object.keys(row).filter((name) => name !== ROW_ELEMENT_KEY).join(', ')}. If OCCTO names this field differently, map it in "Field Names" in the credential's Advanced Settings (e.g. THE_ELEMENT = ${key}).`,
	});
}
