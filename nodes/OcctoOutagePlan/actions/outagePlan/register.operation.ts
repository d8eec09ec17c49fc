import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import type { XmlEncoding } from '../../../shared/codecs';
import { DecodeError, encodeXml } from '../../../shared/codecs';
import { jstSecond } from '../../../shared/japanTime';
import type { PreparedWrite, SentWrite, WriteOperation, WriteRecord } from '../../../shared/writeOnce';
import { readWriteOnceOptions, repeatOf, writeOnceOptions } from '../../../shared/writeOnce';
import {
	callOcctoList,
	DAILY_CALL_LIMIT,
	getOcctoConnection,
	MAY_HAVE_REGISTERED,
	maybeSubmitted,
	mayHaveSubmitted,
	quotaOfReading,
	ROW_FIELDS,
	schemaOptions,
	setMarker,
} from '../../../occtoApi';
import type { OcctoCallOptions, OcctoConnection } from '../../../occtoApi';
import { callOptionsCollection, readOptions, toItems } from '../common';
import { planSourceProperties, readPlanXml } from './planSource';
import { assertValidPlan, problemsOf, warningHints } from './validate.operation';

const properties: INodeProperties[] = [
	{
		displayName:
			'Each plan is registered once: the whole batch is checked before the first call, and a plan sent with this credential in the last 24 hours (Remember Sends For) is not sent again — Retry On Fail and re-runs return its first receipt (repeatOf). If the outcome of a send is unknown, check Submission → Get Many; "Send Even If Sent Before" sends it once more.',
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
		...writeOnceOptions('window', {
			write: 'a plan',
			done: 'registered',
			check: 'look for it in Submission → Get Many',
		}),
	]),
];

export const description = updateDisplayOptions({ show: { resource: ['outagePlan'], operation: ['register'] } }, properties);

interface PlanToRegister extends PreparedWrite {
	call: OcctoCallOptions;
	attachOriginal: boolean;
	encoding: XmlEncoding;
	bytes: Buffer;
	fileName: string;
	validated: boolean;
	warnings: IDataObject[];
}

/** The plan's inputs without what the node makes up per send (a JSON plan's message ID): a re-run of the same plan matches. */
function planContent(this: IExecuteFunctions, itemIndex: number, xml: string, options: IDataObject): unknown {
	if (this.getNodeParameter('planSource', itemIndex) !== 'json' || options.messageId) return { xml };
	const fields = planSourceProperties.filter((property) => property.displayOptions?.show?.planSource?.includes('json'));
	return { json: Object.fromEntries(fields.map(({ name }) => [name, parsedJson(this.getNodeParameter(name, itemIndex, ''))])) };
}

const parsedJson = (value: unknown) => {
	if (typeof value !== 'string') return value;
	try {
		return JSON.parse(value) as unknown;
	} catch {
		return value;
	}
};

async function prepare(this: IExecuteFunctions, itemIndex: number): Promise<PlanToRegister> {
	const { call, attachOriginal, options } = readOptions.call(this, itemIndex);
	const settings = readWriteOnceOptions.call(this, itemIndex, 'window');
	const encoding = this.getNodeParameter('encoding', itemIndex, 'Shift_JIS') as XmlEncoding;
	const xml = await readPlanXml.call(this, itemIndex);
	// Everything is checked here, for every item, before the first call: OCCTO calls are rationed.
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
	const fileName = readFileName.call(this, options, itemIndex);
	const content = planContent.call(this, itemIndex, xml, options);
	return { itemIndex, content, settings, waitMs: call.timeoutMs + 5_000, call, attachOriginal, encoding, bytes, fileName, validated, warnings };
}

/** The uploaded file's name goes into a multipart header: no control characters or quotes. */
function readFileName(this: IExecuteFunctions, options: IDataObject, itemIndex: number): string {
	const fileName = String(options.fileName || `outage-plan-${jstSecond(new Date())}.xml`);
	// eslint-disable-next-line no-control-regex -- control characters are what is refused
	if (/[\u0000-\u001f\u007f"]/.test(fileName)) {
		throw new NodeOperationError(this.getNode(), `"File Name" holds a control character or a double quote: ${JSON.stringify(fileName)}`, {
			itemIndex,
			description: 'Give a plain file name such as outage-plan-20261124103000.xml (no line breaks, tabs or quotes).',
		});
	}
	return fileName;
}

/** Every plan of the batch that will be sent must fit in the calls left today, or none is sent. */
async function checkBatch(this: IExecuteFunctions, plans: PlanToRegister[]): Promise<void> {
	const connection = await getOcctoConnection.call(this);
	const stopBefore = Math.min(DAILY_CALL_LIMIT, ...plans.map((plan) => plan.call.stopBefore));
	const reading = await connection.ledger.read(connection.userId);
	const left = Math.max(stopBefore - reading.used, 0);
	if (plans.length <= left) return;
	throw new NodeOperationError(
		this.getNode(),
		`This batch needs ${plans.length} OCCTO calls to register ${plans.length} plans, but only ${left} are left before "Stop Before Call Count" (${stopBefore}) for user ${connection.userId}`,
		{
			itemIndex: plans[0].itemIndex,
			description: `${reading.used} calls are used today (counted in the ${reading.store} ledger; the count resets at ${reading.resetsAt}). Nothing was sent. Register fewer plans now (e.g. split the batch), or raise "Stop Before Call Count" in the node options if the remaining calls are not needed elsewhere.`,
		},
	);
}

async function send(this: IExecuteFunctions, plan: PlanToRegister): Promise<SentWrite> {
	const { itemIndex, call, attachOriginal, encoding, bytes, fileName, validated, warnings } = plan;
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
	const receipt: IDataObject = { ...answer.rows[0], resultCode: answer.resultCode, fileName, encoding, bytesSent: bytes.length };
	const items = await toItems.call(this, [{ ...receipt, validated, warnings }], answer, attachOriginal, itemIndex, 'register-result');
	const number = receipt[ROW_FIELDS.OCCTO_RECEPTION_NO];
	return { items, outcome: receipt, reference: number === undefined ? `a receipt without a number (${fileName})` : `receipt number ${String(number)}` };
}

/** A plan registered before: its first receipt, at no call. */
async function repeat(this: IExecuteFunctions, plan: PlanToRegister, first: WriteRecord): Promise<INodeExecutionData[]> {
	const connection = await getOcctoConnection.call(this);
	const quota = await connection.ledger.read(connection.userId).then(quotaOfReading, (error: Error) => ({ unavailable: error.message }));
	const row: IDataObject = { ...first.outcome, validated: plan.validated, warnings: plan.warnings, repeatOf: repeatOf(first) };
	return await toItems.call(this, [row], { quota }, false, plan.itemIndex, 'register-result');
}

export const write: WriteOperation<PlanToRegister> = {
	scope: 'window',
	words: {
		what: 'the outage plan',
		done: 'registered',
		check: 'Submission → Get Many (作業停止計画受付ファイル一覧取得, BA13B006) lists it',
		service: 'OCCTO',
	},
	prepare,
	async memory() {
		const connection = await getOcctoConnection.call(this);
		return { state: connection.state, identity: `occto\n${connection.baseUrl}\n${connection.userId}` };
	},
	checkBatch,
	send,
	repeat,
};

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
