import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import type { XmlEncoding } from '../../../shared/codecs';
import type { PlanValidation } from '../../validation';
import { describeProblems, summarize, validatePlan } from '../../validation';
import { readPlanSchema, schemaError, schemaOptions } from '../../validation/schemaSource';
import { planSourceProperties, readPlanXml } from './planSource';

const properties: INodeProperties[] = [
	{
		displayName:
			'Checks the plan here, without calling OCCTO: no call and none of the 1000 daily calls is used. With OCCTO\'s XSD (Options) the plan is also checked against the schema.',
		name: 'validateNotice',
		type: 'notice',
		default: '',
	},
	...planSourceProperties,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: schemaOptions,
	},
];

export const description = updateDisplayOptions({ show: { resource: ['outagePlan'], operation: ['validate'] } }, properties);

/** Runs every check on one plan; a schema that cannot be used is bad input, reported naming the option. */
export async function checkPlan(
	this: IExecuteFunctions,
	itemIndex: number,
	xml: string,
	encoding: XmlEncoding,
	options: IDataObject,
): Promise<PlanValidation> {
	const schema = await readPlanSchema.call(this, itemIndex, options);
	try {
		return await validatePlan(xml, { encoding, schema });
	} catch (error) {
		throw schemaError(this, itemIndex, error as Error);
	}
}

/** "The XML is …" continues a sentence as "the XML is …"; "OCCTO's …" stays as it is. */
const sentenceTail = (message: string) => (/^[A-Z][a-z]/.test(message) ? message.charAt(0).toLowerCase() + message.slice(1) : message);

/** Register's "Validate Before Sending": a plan with any problem is refused, listing every problem. */
export async function assertValidPlan(
	this: IExecuteFunctions,
	itemIndex: number,
	xml: string,
	encoding: XmlEncoding,
	options: IDataObject,
): Promise<void> {
	const validation = await checkPlan.call(this, itemIndex, xml, encoding, options);
	if (validation.valid) return;
	const [first] = validation.problems;
	const more = validation.problemCount > 1 ? ` (and ${validation.problemCount - 1} more problem${validation.problemCount > 2 ? 's' : ''})` : '';
	throw new NodeOperationError(
		this.getNode(),
		`The plan XML cannot be sent: ${sentenceTail(first.message)}${more}`,
		{
			itemIndex,
			description: `${describeProblems(validation)}\nNothing was sent and no OCCTO call was used. Outage Plan → Validate lists these problems as data; turn off the option "Validate Before Sending" only if a check is wrong for your plans.`,
		},
	);
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const encoding = this.getNodeParameter('encoding', itemIndex, 'Shift_JIS') as XmlEncoding;
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	// lenient: empty or unreadable fields become problems in the output rather than errors
	const xml = await readPlanXml.call(this, itemIndex, { lenient: true });
	const validation = await checkPlan.call(this, itemIndex, xml, encoding, options);
	return [
		{
			json: {
				valid: validation.valid,
				summary: summarize(validation),
				problems: validation.problems.map((problem) => ({ ...problem })),
				problemCount: validation.problemCount,
				encoding,
				sizeBytes: validation.sizeBytes,
				schemaFiles: validation.schemaFiles,
			},
			pairedItem: { item: itemIndex },
		},
	];
}
