import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties, NodeExecutionHint } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import type { XmlEncoding } from '../../../shared/codecs';
import {
	basisLabel,
	CREDENTIAL_TYPE,
	describeProblems,
	parseRequiredPlanValues,
	readPlanSchema,
	readWireSettings,
	requiredPlanValuesProperty,
	schemaError,
	schemaOptions,
	summarize,
	validatePlan,
	WireSettingError,
} from '../../../occtoApi';
import type { PlanValidation, RequiredPlanValue } from '../../../occtoApi';
import { planSourceProperties, readPlanXml } from './planSource';

/** Validate's copy of the credential's setting (Validate runs without a credential). */
const requiredPlanValuesOption = requiredPlanValuesProperty(
	'Where OCCTO\'s specification puts the business protocol in a plan, one element per line: ELEMENT = value, or a path from the root. Differences are then errors instead of warnings about the node\'s assumed header layout. Register takes the same setting from the credential\'s Advanced Settings.',
);

const properties: INodeProperties[] = [
	{
		displayName:
			'Checks the plan here, without calling OCCTO: no call and none of the 1000 daily calls is used. Errors rest on OCCTO\'s specification, your credential\'s Required Plan Values or OCCTO\'s XSD (Options); warnings on the node\'s assumptions (numbered in mapping.ts) and never stop Register.',
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
		options: [requiredPlanValuesOption, ...schemaOptions],
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
	const required = await requiredPlanValues.call(this, itemIndex, options);
	try {
		return await validatePlan(xml, { encoding, schema, required });
	} catch (error) {
		throw schemaError(this, itemIndex, error as Error);
	}
}

/** The real header layout, where the user knows it: the credential's Required Plan Values (Register), or the option of the same name (Validate, which has no credential). */
async function requiredPlanValues(this: IExecuteFunctions, itemIndex: number, options: IDataObject): Promise<RequiredPlanValue[]> {
	const fromOption = this.getNodeParameter('operation', itemIndex) === 'validate';
	try {
		if (fromOption) return parseRequiredPlanValues(String(options.requiredPlanValues ?? ''));
		return readWireSettings(await this.getCredentials(CREDENTIAL_TYPE, itemIndex)).requiredPlanValues;
	} catch (error) {
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- n8n's own error from getCredentials, kept as it is
		if (!(error instanceof WireSettingError)) throw error;
		const where = fromOption ? 'Options' : 'OCCTO WebAPI credential, Advanced Settings';
		throw new NodeOperationError(this.getNode(), `${where}: ${error.message}`, { itemIndex, description: error.fix });
	}
}


/** Warnings as execution hints: shown above the output, so a plan sent despite them does not pass unnoticed. */
export function warningHints(validation: PlanValidation): NodeExecutionHint[] {
	if (!validation.warningCount) return [];
	const first = validation.problems.find((p) => p.severity === 'warning');
	if (!first) return [];
	const more = validation.warningCount > 1 ? ` (and ${validation.warningCount - 1} more; see "warnings" in the output)` : '';
	return [
		{
			type: 'warning',
			location: 'outputPane',
			message: `Plan check warning at line ${first.line}${first.path ? ` (${first.path})` : ''}: ${first.message} [${basisLabel(first)}]${more}. Fix or ignore: ${first.fix}`,
		},
	];
}

/** "The XML is …" continues a sentence as "the XML is …"; "OCCTO's …" stays as it is. */
const sentenceTail = (message: string) => (/^[A-Z][a-z]/.test(message) ? message.charAt(0).toLowerCase() + message.slice(1) : message);

/** Register's "Validate Before Sending": a plan with an error is refused, listing every problem; warnings are returned. */
export async function assertValidPlan(
	this: IExecuteFunctions,
	itemIndex: number,
	xml: string,
	encoding: XmlEncoding,
	options: IDataObject,
): Promise<PlanValidation> {
	const validation = await checkPlan.call(this, itemIndex, xml, encoding, options);
	if (validation.valid) return validation;
	const first = validation.problems.find((p) => p.severity === 'error') ?? validation.problems[0];
	const others = validation.problemCount - 1;
	const more = others > 0 ? ` (and ${others} more problem${others > 1 ? 's' : ''})` : '';
	throw new NodeOperationError(
		this.getNode(),
		`The plan XML cannot be sent: ${sentenceTail(first.message)}${more}`,
		{
			itemIndex,
			description: `${describeProblems(validation)}\nNothing was sent and no OCCTO call was used. Only errors (OCCTO's specification, the credential's Required Plan Values, OCCTO's XSD) stop a plan; warnings rest on the node's assumptions. Outage Plan → Validate lists these problems as data.`,
		},
	);
}

/** What Validate and Register put on their items: each problem with its severity and basis. */
export function problemsOf(validation: PlanValidation, severity?: 'error' | 'warning'): IDataObject[] {
	return validation.problems.filter((p) => !severity || p.severity === severity).map((problem) => ({ ...problem }));
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
				problems: problemsOf(validation),
				problemCount: validation.problemCount,
				errorCount: validation.errorCount,
				warningCount: validation.warningCount,
				encoding,
				sizeBytes: validation.sizeBytes,
				schemaFiles: validation.schemaFiles,
			},
			pairedItem: { item: itemIndex },
		},
	];
}
