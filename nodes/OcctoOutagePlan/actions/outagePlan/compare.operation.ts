import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { decodeXmlBytes, parseXml } from '../../../shared/codecs';
import { PLAN_ITEM_KEYS, planChanges, planDocumentOf } from '../../../occtoApi';
import { documentToJson } from '../common';

type Side = 'before' | 'after';
const LABEL: Record<Side, string> = { before: 'Before', after: 'After' };

/** One side's source and its field: XML text, a binary file, or the plan JSON of a Get item. */
function sideProperties(side: Side): INodeProperties[] {
	const label = LABEL[side];
	const source = `${side}Source`;
	// Before: a Get item's plan by default; After: XML text
	const sourceDefault = side === 'before' ? 'json' : 'xml';
	const planDefault = side === 'before' ? '={{ $json.plan }}' : '';
	return [
		{
			displayName: `${label}: Plan Source`,
			name: source,
			type: 'options',
			options: [
				{ name: 'XML Text', value: 'xml', description: 'An SBD-MSG outage-plan XML message' },
				{ name: 'Binary File', value: 'binary', description: 'An XML file from an input binary field' },
				{ name: 'Plan JSON', value: 'json', description: 'The plan of an Outage Plan → Get item (or the trigger\'s "plan"), or the whole item' },
			],
			default: sourceDefault,
		},
		{
			displayName: `${label}: Plan XML`,
			name: `${side}Xml`,
			type: 'string',
			typeOptions: { rows: 6 },
			default: '',
			required: true,
			description: `The ${side === 'before' ? 'earlier' : 'later'} plan as XML text`,
			displayOptions: { show: { [source]: ['xml'] } },
		},
		{
			displayName: `${label}: Input Binary Field`,
			name: `${side}BinaryPropertyName`,
			type: 'string',
			default: side,
			required: true,
			description: 'Name of the input binary field holding the XML file; its declared encoding is honoured',
			displayOptions: { show: { [source]: ['binary'] } },
		},
		{
			displayName: `${label}: Plan JSON`,
			name: `${side}Plan`,
			type: 'json',
			default: planDefault,
			required: true,
			description: 'The plan as JSON: the "plan" of an Outage Plan → Get item (or of the trigger with Fetch Each Plan), or the whole item',
			displayOptions: { show: { [source]: ['json'] } },
		},
	];
}

const properties: INodeProperties[] = [
	{
		displayName: 'Compares two plans here, without calling OCCTO: no call, no credential, none of the 1000 daily calls.',
		name: 'compareNotice',
		type: 'notice',
		default: '',
	},
	...sideProperties('before'),
	...sideProperties('after'),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Key Elements',
				name: 'keyElements',
				type: 'string',
				default: PLAN_ITEM_KEYS.join(', '),
				description:
					'Child elements that tell repeated elements (OUTAGE_ITEM …) apart, comma-separated, in order of preference. Elements without them are matched by content.',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['outagePlan'], operation: ['compare'] } }, properties);

/** One side as the plan document's JSON; unreadable input is refused naming the side. */
async function readSide(this: IExecuteFunctions, itemIndex: number, side: Side): Promise<IDataObject> {
	const source = this.getNodeParameter(`${side}Source`, itemIndex) as string;
	const refuse = (what: string, reason: string) =>
		new NodeOperationError(this.getNode(), `${LABEL[side]}: ${what}`, { itemIndex, description: reason });
	if (source === 'json') {
		let value = this.getNodeParameter(`${side}Plan`, itemIndex, '') as unknown;
		if (typeof value === 'string') {
			try {
				value = value.trim() ? JSON.parse(value) : undefined;
			} catch (error) {
				throw refuse('"Plan JSON" is not valid JSON', (error as Error).message);
			}
		}
		if (typeof value !== 'object' || value === null || Array.isArray(value)) {
			throw refuse('"Plan JSON" is not a plan', 'Map the plan of an Outage Plan → Get item, e.g. {{ $json.plan }}, or choose XML Text.');
		}
		return planDocumentOf(value as IDataObject);
	}
	let xml: string;
	if (source === 'binary') {
		const property = this.getNodeParameter(`${side}BinaryPropertyName`, itemIndex) as string;
		this.helpers.assertBinaryData(itemIndex, property);
		try {
			xml = decodeXmlBytes(await this.helpers.getBinaryDataBuffer(itemIndex, property));
		} catch (error) {
			throw refuse(`the file in "${property}" could not be read as XML text`, (error as Error).message);
		}
	} else {
		xml = String(this.getNodeParameter(`${side}Xml`, itemIndex, ''));
		if (!xml.trim()) throw refuse('"Plan XML" is empty', 'Paste the plan XML, or map it from an earlier node.');
	}
	try {
		return documentToJson(parseXml(xml));
	} catch (error) {
		throw refuse('the plan is not readable XML', (error as Error).message);
	}
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const keys = String(options.keyElements ?? PLAN_ITEM_KEYS.join(','))
		.split(',')
		.map((key) => key.trim())
		.filter(Boolean);
	const before = await readSide.call(this, itemIndex, 'before');
	const after = await readSide.call(this, itemIndex, 'after');
	const changes = planChanges(before, after, keys);
	return [
		{
			json: {
				same: changes.length === 0,
				changeCount: changes.length,
				summary: changes.length ? changes.map((change) => change.summary).join('\n') : '変更なし (no differences)',
				changes: changes as unknown as IDataObject[],
			},
			pairedItem: { item: itemIndex },
		},
	];
}
