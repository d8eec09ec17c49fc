// Building and sending one OCCTO call: quota guard, mutual TLS (added by the credential), the whole call
// within Timeout, then Base64 → ZIP → XML decoding of the answer. Nothing here retries: every call is
// rationed, and a repeated register could submit a plan twice.
import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { XmlObject, ZipLimits } from '../../shared/codecs';
import { bodyBytes } from '../../shared/http/answer';
import { AnswerTooLarge, checkBodySize } from '../../shared/http/bodyCap';
import { withinMs } from '../../shared/http/deadline';
import { ListShapeError } from '../../shared/listShape';
import { requestWithTlsOptions, tlsRoute } from '../../shared/n8nLine';
import { decodeBase64ZipXml } from '../../shared/zipXmlStream';
import type { OcctoApiId } from '../mapping';
import { DAILY_CALL_LIMIT, OCCTO_APIS, REGISTER_REFUSAL_CODES } from '../mapping';
import { answerFromSandbox } from '../sandbox';
import type { AnswerVerdict, RawResponse } from './answer';
import { judgeAnswer } from './answer';
import { answerTooLargeError, rawAnswerCap } from './answerSize';
import type { ItemQuota } from './callLedger';
import { quotaOfReading } from './callLedger';
import { unusableCertificate } from './clientCertificate';
import type { OcctoConnection, OcctoContextFunctions } from './connection';
import { CREDENTIAL_TYPE, getOcctoConnection } from './connection';
import { decodeFailure, networkError, quotaError, shapeFailure, unreadableReceipt, verdictError } from './errors';
import type { ListAnswer } from './listAnswer';
import { readListAnswer } from './listAnswer';
import type { OcctoRequestFields } from './requestBody';
import { maybeSubmitted, submits } from './submissionOutcome';

export interface OcctoCallOptions {
	limits: ZipLimits;
	/** Refuse the call when this many calls were already made today (per user ID). */
	stopBefore: number;
	timeoutMs: number;
}

/** What needs mutual TLS, in the error of an n8n that cannot send it (nodes/shared/n8nLine.ts). */
const TLS_PURPOSE = "OCCTO's TLS client certificate";

/** Sends one request through n8n with the credential's mutual TLS and login fields, on the helper that keeps TLS options on this n8n. */
async function send(this: OcctoContextFunctions, connection: OcctoConnection, apiId: OcctoApiId, fields: OcctoRequestFields, timeoutMs: number, maxBodyBytes: number, abortSignal?: AbortSignal) {
	if (connection.sandboxStore) return await answerFromSandbox(connection.sandboxStore, apiId, fields, this.getNode()); // in process: no socket
	return (await requestWithTlsOptions.call(
		this,
		CREDENTIAL_TYPE,
		{
			method: 'POST',
			baseURL: connection.baseUrl,
			url: connection.paths[apiId],
			body: fields as unknown as IDataObject,
			encoding: 'arraybuffer',
			disableFollowRedirect: true,
			timeout: timeoutMs,
			abortSignal, // withinMs aborts the request (closes its socket) when Timeout runs out
		},
		TLS_PURPOSE,
		maxBodyBytes, // refused while it arrives
	)) as RawResponse;
}

interface Exchange {
	connection: OcctoConnection;
	resultCode: string;
	body: Buffer;
	quota: () => Promise<ItemQuota>;
}

/** Quota guard → one call → HTTP status and result code checked. Throws NodeOperationError before sending when the guard stops it. */
async function exchange(
	this: OcctoContextFunctions,
	apiId: OcctoApiId,
	fields: OcctoRequestFields,
	options: OcctoCallOptions,
	itemIndex: number,
): Promise<Exchange> {
	const connection = await getOcctoConnection.call(this);
	if (!connection.sandbox) tlsRoute(this, TLS_PURPOSE); // an n8n that cannot send the certificate says so before a call is counted
	const unusable = unusableCertificate(connection.certificate, connection.certificateValidity);
	if (unusable) throw new NodeOperationError(this.getNode(), unusable.message, { itemIndex, description: unusable.fix });
	await reserveCall(this, connection, options.stopBefore, itemIndex);

	let response: RawResponse;
	const maxBodyBytes = rawAnswerCap(options.limits);
	try {
		// the whole call within Timeout: the helper's own timeout covers only silence, not a slow drip
		response = await withinMs(async (signal) => await send.call(this, connection, apiId, fields, options.timeoutMs, maxBodyBytes, signal), options.timeoutMs);
		checkBodySize(response.body, maxBodyBytes); // and checked after, whatever answered
	} catch (error) {
		if (error instanceof AnswerTooLarge) throw answerTooLargeError(this, apiId, error, options.limits, itemIndex);
		throw networkError(this, apiId, error, connection, itemIndex);
	}
	const verdict = judgeAnswer(response, connection.wire, connection.secrets);
	if (!verdict.ok) {
		// a store failure here must not hide OCCTO's answer
		if (verdict.kind === 'quota') await connection.ledger.markExhausted(connection.userId).catch(() => undefined);
		const error = verdictError(this, apiId, verdict, connection.wire, itemIndex);
		// only a refusal before OCCTO stores the plan says "not registered"; any other failure after sending may hide a success
		throw submits(apiId) && !refusedBeforeStoring(verdict) ? maybeSubmitted(error) : error;
	}
	const body = bodyBytes(response.body);
	return { connection, resultCode: verdict.resultCode, body, quota: async () => await quotaAfterAnswer(connection) };
}

function refusedBeforeStoring(verdict: Exclude<AnswerVerdict, { ok: true }>): boolean {
	return verdict.kind === 'quota' || (verdict.kind === 'rejected' && REGISTER_REFUSAL_CODES.includes(verdict.resultCode));
}

/** Today's count for the item, read after OCCTO answered: a store that fails now must not hide the answer. */
async function quotaAfterAnswer(connection: OcctoConnection): Promise<ItemQuota> {
	try {
		return quotaOfReading(await connection.ledger.read(connection.userId));
	} catch (error) {
		return { unavailable: `Today's call count could not be read after the call: ${(error as Error).message}` };
	}
}

/**
 * Counts the call before it is made (OCCTO counts every call, failed ones included), atomically in the
 * shared ledger: two workers racing for the last call before "Stop Before Call Count" cannot both pass.
 */
async function reserveCall(ctx: OcctoContextFunctions, connection: OcctoConnection, stopBefore: number, itemIndex: number): Promise<void> {
	const { allowed, reading, refusedBy } = await connection.ledger.reserve(connection.userId, Math.min(stopBefore, DAILY_CALL_LIMIT));
	if (allowed) return;
	if (refusedBy === 'dailyLimit') throw quotaError(ctx, `${reading.used} calls already made today (counted in the ${reading.store} ledger)`, itemIndex);
	throw new NodeOperationError(
		ctx.getNode(),
		`Stopped before calling OCCTO: ${reading.used} of ${DAILY_CALL_LIMIT} daily calls are used for user ${connection.userId} (your "Stop Before Call Count" is ${stopBefore})`,
		{
			itemIndex,
			description: `Counted in the ${reading.store} ledger. The count resets at ${reading.resetsAt} (00:00 Japan time). Raise "Stop Before Call Count" in the node options only if the remaining calls are not needed elsewhere.`,
		},
	);
}

export interface OcctoListAnswer extends ListAnswer {
	resultCode: string;
	quota: ItemQuota;
}

/** A list API (or the register receipt): one row per repeated element, found by shape. */
export async function callOcctoList(
	this: OcctoContextFunctions,
	apiId: OcctoApiId,
	fields: OcctoRequestFields,
	options: OcctoCallOptions,
	itemIndex = 0,
	keepOriginal = false,
): Promise<OcctoListAnswer> {
	const { connection, resultCode, body, quota } = await exchange.call(this, apiId, fields, options, itemIndex);
	const zipped = OCCTO_APIS[apiId].answersZip || !body.subarray(0, 64).toString('latin1').trimStart().startsWith('<');
	let answer: ListAnswer;
	try {
		answer = await readListAnswer(body, { zipped, limits: options.limits, keepOriginal, wire: connection.wire });
	} catch (error) {
		if (submits(apiId)) throw unreadableReceipt(this, apiId, resultCode, error, itemIndex);
		if (error instanceof ListShapeError) throw shapeFailure(this, apiId, error, itemIndex);
		throw decodeFailure(this, apiId, error, itemIndex);
	}
	return { ...answer, resultCode, quota: await quota() };
}

export interface OcctoDocumentAnswer {
	resultCode: string;
	document: XmlObject;
	xmlBytes: Buffer;
	zipBytes: Buffer;
	fileName: string;
	quota: ItemQuota;
}

/** A single document (作業停止計画取得, BA13B102): the plan's whole tree. */
export async function callOcctoDocument(
	this: OcctoContextFunctions,
	apiId: OcctoApiId,
	fields: OcctoRequestFields,
	options: OcctoCallOptions,
	itemIndex = 0,
): Promise<OcctoDocumentAnswer> {
	const { resultCode, body, quota } = await exchange.call(this, apiId, fields, options, itemIndex);
	try {
		const decoded = await decodeBase64ZipXml(body.toString('latin1'), options.limits);
		return { resultCode, document: decoded.document, xmlBytes: decoded.xmlBytes, zipBytes: decoded.zipBytes, fileName: decoded.fileName, quota: await quota() };
	} catch (error) {
		throw decodeFailure(this, apiId, error, itemIndex);
	}
}
