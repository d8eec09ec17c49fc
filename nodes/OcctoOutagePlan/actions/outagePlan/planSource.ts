// Where a plan comes from (XML text, an input binary file, or fields the node wraps in the SBD-MSG
// envelope) and the encoding it is sent in: shared by Register and Validate, so both read a plan alike.
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { buildXml, decodeXmlBytes } from '../../../shared/codecs';
import { jstSecond, toJstDigits } from '../../../shared/japanTime';
import { BUSINESS_PROTOCOL, ENVELOPE, PLAN_DIVISION_ELEMENT, PLAN_DIVISIONS, PLAN_HEADER_PROTOCOL } from '../../../occtoApi';
import { assertPlanDataKeys, planDataKeysProperty } from './planDataKeys';

const planDivisionOptions = Object.entries(PLAN_DIVISIONS).map(([value, name]) => ({ name: `${value}: ${name}`, value }));

export const planSourceProperties: INodeProperties[] = [
	{
		displayName: 'Plan Source',
		name: 'planSource',
		type: 'options',
		options: [
			{ name: 'XML Text', value: 'xml', description: 'A complete SBD-MSG outage-plan XML message' },
			{ name: 'Binary File', value: 'binary', description: 'An XML file from an input binary property (e.g. Read File)' },
			{ name: 'Fields (JSON)', value: 'json', description: 'Header fields and plan data that the node wraps in the SBD-MSG envelope' },
		],
		default: 'xml',
	},
	{
		displayName: 'Plan XML',
		name: 'planXml',
		type: 'string',
		typeOptions: { rows: 10 },
		default: '',
		required: true,
		placeholder: '<SBD-MSG><JPMGRP><JPMGH>…</JPMGH><JPTRM>…</JPTRM></JPMGRP></SBD-MSG>',
		description: 'The outage-plan XML message (作業停止計画) following OCCTO\'s 「WebAPI仕様書（作業停止計画）」',
		displayOptions: { show: { planSource: ['xml'] } },
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		description: 'Name of the input binary field holding the XML file; its declared encoding is honoured',
		displayOptions: { show: { planSource: ['binary'] } },
	},
	{
		displayName: 'Sender Code (JP06110)',
		name: 'senderCode',
		type: 'string',
		default: '',
		required: true,
		description: 'Your operator code (送信者コード)',
		displayOptions: { show: { planSource: ['json'] } },
	},
	{
		displayName: 'Sender Name (JP06111)',
		name: 'senderName',
		type: 'string',
		default: '',
		description: 'Your operator name (送信者名称)',
		displayOptions: { show: { planSource: ['json'] } },
	},
	{
		displayName: 'Recipient Code (JP06358)',
		name: 'recipientCode',
		type: 'string',
		default: '',
		required: true,
		description: 'The code of the operator the plan is submitted to (提出先事業者コード)',
		displayOptions: { show: { planSource: ['json'] } },
	},
	{
		displayName: 'Target Date (JP06116)',
		name: 'targetDate',
		type: 'dateTime',
		default: '',
		description: 'Date the plan is for (対象年月日), sent as YYYYMMDD in Japan time',
		displayOptions: { show: { planSource: ['json'] } },
	},
	{
		displayName: 'Plan Division',
		name: 'planDivision',
		type: 'options',
		options: planDivisionOptions,
		default: '1',
		description: 'Plan division (計画区分) written into the plan body',
		displayOptions: { show: { planSource: ['json'] } },
	},
	{
		displayName: 'Plan Data (JSON)',
		name: 'planData',
		type: 'json',
		default: '{\n  "OUTAGE_ITEM": [\n    { "FACILITY_NM": "○○発電所1号機", "STR_DATE": "20261201", "END_DATE": "20261205" }\n  ]\n}',
		description:
			'The rest of the plan body (JPTRM) as JSON: keys become XML elements (each must be an XML name), arrays become repeated elements. Map it from earlier nodes with an expression.',
		displayOptions: { show: { planSource: ['json'] } },
	},
	planDataKeysProperty,
	{
		displayName: 'Encoding',
		name: 'encoding',
		type: 'options',
		options: [
			{ name: 'Shift_JIS', value: 'Shift_JIS', description: 'What OCCTO\'s systems use (CP932)' },
			{ name: 'UTF-8', value: 'UTF-8' },
		],
		default: 'Shift_JIS',
		description: 'Character encoding of the XML sent to OCCTO (the XML declaration is set to match)',
	},
];

export interface ReadPlanOptions {
	/** Validate: leave empty or unreadable fields in the plan so the checks report them, instead of failing. */
	lenient?: boolean;
}

/** The plan as XML text. Strict (Register): an empty plan or field is refused, naming the field. */
export async function readPlanXml(this: IExecuteFunctions, itemIndex: number, read: ReadPlanOptions = {}): Promise<string> {
	const xml = await planXmlFor.call(this, itemIndex, read.lenient === true);
	if (!read.lenient && !xml.trim()) {
		throw new NodeOperationError(this.getNode(), '"Plan XML" is empty', {
			itemIndex,
			description: 'Paste the outage-plan XML, or map it from an earlier node.',
		});
	}
	return xml;
}

async function planXmlFor(this: IExecuteFunctions, itemIndex: number, lenient: boolean): Promise<string> {
	const source = this.getNodeParameter('planSource', itemIndex) as string;
	if (source === 'binary') {
		const property = this.getNodeParameter('binaryPropertyName', itemIndex) as string;
		this.helpers.assertBinaryData(itemIndex, property);
		const bytes = await this.helpers.getBinaryDataBuffer(itemIndex, property);
		try {
			return decodeXmlBytes(bytes);
		} catch (error) {
			throw new NodeOperationError(this.getNode(), `The file in "${property}" could not be read as XML text`, {
				itemIndex,
				description: (error as Error).message,
			});
		}
	}
	if (source === 'json') return buildEnvelope.call(this, itemIndex, lenient);
	return this.getNodeParameter('planXml', itemIndex) as string;
}

function buildEnvelope(this: IExecuteFunctions, itemIndex: number, lenient: boolean): string {
	const field = (name: string, label: string, required: boolean) => {
		const value = String(this.getNodeParameter(name, itemIndex, '') ?? '').trim();
		if (required && !value && !lenient) {
			throw new NodeOperationError(this.getNode(), `"${label}" is empty`, {
				itemIndex,
				description: `OCCTO requires ${label} in every outage plan. Fill it in or map it from an earlier node.`,
			});
		}
		return value;
	};
	const senderCode = field('senderCode', 'Sender Code (JP06110)', true);
	const recipientCode = field('recipientCode', 'Recipient Code (JP06358)', true);
	const senderName = field('senderName', 'Sender Name (JP06111)', false);
	const rawTarget = this.getNodeParameter('targetDate', itemIndex, '');
	const targetDate = toJstDigits(rawTarget, 8);
	if (rawTarget && !targetDate && !lenient) {
		throw new NodeOperationError(this.getNode(), `"Target Date (JP06116)" is not a date: "${String(rawTarget)}"`, {
			itemIndex,
			description: 'Pick a date, or give an ISO date (2026-12-01) or YYYYMMDD (20261201).',
		});
	}
	let planData = this.getNodeParameter('planData', itemIndex, {}) as unknown;
	if (typeof planData === 'string') {
		try {
			planData = planData.trim() ? JSON.parse(planData) : {};
		} catch (error) {
			throw new NodeOperationError(this.getNode(), '"Plan Data (JSON)" is not valid JSON', {
				itemIndex,
				description: (error as Error).message,
			});
		}
	}
	if (typeof planData !== 'object' || planData === null || Array.isArray(planData)) {
		throw new NodeOperationError(this.getNode(), '"Plan Data (JSON)" must be a JSON object', {
			itemIndex,
			description: 'Give an object such as { "OUTAGE_ITEM": [ … ] }; its keys become elements of the plan body.',
		});
	}
	assertPlanDataKeys(this, itemIndex, planData);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const body: IDataObject = {
		JP00002: BUSINESS_PROTOCOL.infoCategoryCode,
		...(senderCode ? { JP06110: senderCode } : {}),
		...(senderName ? { JP06111: senderName } : {}),
		...(recipientCode ? { JP06358: recipientCode } : {}),
		// lenient: an unreadable date goes in as typed, so the date check names it
		...(targetDate || rawTarget ? { JP06116: targetDate ?? String(rawTarget) } : {}),
		[PLAN_DIVISION_ELEMENT]: this.getNodeParameter('planDivision', itemIndex, '1') as string,
		...(planData as IDataObject),
	};
	const header: IDataObject = {
		[PLAN_HEADER_PROTOCOL.bpidVersionElement]: BUSINESS_PROTOCOL.bpidVersion,
		[PLAN_HEADER_PROTOCOL.bpidElement]: PLAN_HEADER_PROTOCOL.bpid,
		JPC21: String(options.messageId || `N8N${jstSecond(new Date())}${String(itemIndex).padStart(4, '0')}`),
	};
	return buildXml({ [ENVELOPE.root]: { [ENVELOPE.group]: { [ENVELOPE.header]: header, [ENVELOPE.body]: body } } });
}
