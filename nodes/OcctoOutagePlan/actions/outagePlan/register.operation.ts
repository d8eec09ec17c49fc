import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import type { XmlEncoding } from '../../../shared/codecs';
import { DecodeError, encodeXml } from '../../../shared/codecs';
import { jstSecond } from '../../../shared/japanTime';
import { callOcctoList, getOcctoConnection } from '../../transport';
import type { OcctoConnection } from '../../transport';
import { setMarker } from '../../activityMarkers';
import { MAY_HAVE_REGISTERED, mayHaveSubmitted, maybeSubmitted } from '../../transport/submissionOutcome';
import { schemaOptions } from '../../validation/schemaSource';
import { callOptionsCollection, readOptions, toItems } from '../common';
import { planSourceProperties, readPlanXml } from './planSource';
import { assertValidPlan, problemsOf, warningHints } from './validate.operation';

const properties: INodeProperties[] = [
	{
		displayName:
			'Registering is never retried automatically. If the connection breaks after sending, check Submission → Get Many before registering again, so the plan is not submitted twice.',
		name: 'registerNotice',
		type: 'notice',
		default: '',
	},
	...planSourceProperties,
	callOptionsCollection([
		{
			displayName: 'File Name',
			name: 'fileName',
			type: 'string',
			default: '',
			placeholder: 'outage-plan-20261124103000.xml',
			description: 'Name of the uploaded XML file; by default outage-plan-(Japan time).xml',
		},
		{
			displayName: 'Message ID (JPC21)',
			name: 'messageId',
			type: 'string',
			default: '',
			description: 'Header message ID for JSON plans; by default a unique ID from the time',
		},
		{
			displayName: 'Validate Before Sending',
			name: 'validateBeforeSending',
			type: 'boolean',
			default: true,
			description:
				'Whether to check the plan here first, as Outage Plan → Validate does. A plan with an error (against OCCTO\'s specification, the credential\'s Required Plan Values or OCCTO\'s XSD) is not sent and costs no call; warnings (the node\'s assumptions) are sent along on the output item and shown as hints, and the plan is sent.',
		},
		...schemaOptions,
	]),
];

export const description = updateDisplayOptions({ show: { resource: ['outagePlan'], operation: ['register'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const { call, attachOriginal, options } = readOptions.call(this, itemIndex);
	const encoding = this.getNodeParameter('encoding', itemIndex, 'Shift_JIS') as XmlEncoding;
	const xml = await readPlanXml.call(this, itemIndex);
	// Everything is checked here, before the call: OCCTO calls are rationed.
	const validated = options.validateBeforeSending !== false;
	const validation = validated ? await assertValidPlan.call(this, itemIndex, xml, encoding, options) : undefined;
	const warnings = validation ? problemsOf(validation, 'warning') : [];
	if (validation) this.addExecutionHints(...warningHints(validation));
	let bytes: Buffer;
	try {
		bytes = encodeXml(xml, encoding);
	} catch (error) {
		if (!(error instanceof DecodeError)) throw new NodeOperationError(this.getNode(), error as Error, { itemIndex });
		throw new NodeOperationError(this.getNode(), `The plan XML cannot be sent: ${error.message}`, {
			itemIndex,
			description:
				error.stage === 'encoding'
					? 'Set "Encoding" to UTF-8, or replace the characters Shift_JIS lacks.'
					: 'Fix the XML (it must be a well-formed SBD-MSG message without a DTD) and run again.',
		});
	}
	const fileName = String(options.fileName || `outage-plan-${jstSecond(new Date())}.xml`);
	const connection = await getOcctoConnection.call(this);
	let answer: Awaited<ReturnType<typeof callOcctoList>>;
	try {
		answer = await callOcctoList.call(
			this,
			'BA13B101',
			{ [connection.wire.registerFilePart]: { data: bytes, fileName, contentType: `application/xml; charset=${encoding}` } },
			call,
			itemIndex,
			attachOriginal,
		);
	} catch (error) {
		// a failure that may hide a registration is followed like one
		if (mayHaveSubmitted(error)) await markRegistered(this, connection);
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- already the transport's NodeApiError / NodeOperationError
		throw error;
	}
	await markRegistered(this, connection);
	if (answer.rows.length !== 1) throw receiptError(this, answer, itemIndex);
	const [result] = answer.rows;
	return await toItems.call(
		this,
		[{ ...result, resultCode: answer.resultCode, fileName, encoding, bytesSent: bytes.length, validated, warnings }],
		answer,
		attachOriginal,
		itemIndex,
		'register-result',
	);
}

/** Adaptive triggers (any workflow, any worker) follow this submission from their next poll. */
async function markRegistered(ctx: IExecuteFunctions, connection: OcctoConnection): Promise<void> {
	await setMarker(connection.state, 'registered', connection.userId).catch((error: Error) =>
		ctx.logger.warn(`Could not mark the registration for adaptive OCCTO triggers: ${error.message}`),
	);
}

/** The plan went out: a receipt we cannot read must say so, never pass as a registration without a number. */
function receiptError(ctx: IExecuteFunctions, answer: { rows: IDataObject[]; path: string[] }, itemIndex: number) {
	return maybeSubmitted(
		new NodeApiError(ctx.getNode(), {} as JsonObject, {
			itemIndex,
			httpCode: '200',
			message: `OCCTO accepted the outage plan, but its receipt holds ${answer.rows.length === 0 ? 'no row' : `${answer.rows.length} rows`} instead of one: the plan may have been registered`,
			description: `The receipt's <${answer.path.join('/')}> could not be read as one registration. ${MAY_HAVE_REGISTERED}`,
		}),
	);
}
