// Which n8n runs this package, and the one place where its release lines differ for us. Both lines run the
// nodes (1.123.x under Node 22, 2.x under Node 24), but their request helpers differ in two ways:
// - TLS options (`agentOptions`: client certificate, key, CA) reach the socket through `httpRequest` only from
//   n8n 2.20 on; before that `httpRequest` builds its agent from `skipSslCertificateValidation` alone, and only
//   the legacy `request` helpers pass them on.
// - What a helper throws for a non-2xx answer: n8n wraps the HTTP client's error in a NodeApiError, but before
//   n8n 2.34 (n8n-workflow's ExecutionBaseError re-declares `cause`) the wrapped error is dropped on the way: the
//   status survives as `httpCode`, its headers and a non-JSON body do not, nor the socket code of a failed
//   connection (only in `httpCode` and `messages`). `ignoreHttpStatusErrors: { ignore: true, except: [401] }` is
//   2.x only too: 1.x takes any object as "ignore every status", so a 401 never reaches n8n's renew-and-retry.
//   So calls that rely on renewal (requestRenewingOn401) read answers from the thrown error only from 2.34 on;
//   before that every status is an answer and the one renewal on a 401 is asked of n8n by us. Either way the
//   caller gets the same {statusCode, headers, body} and the same error for a 401 that stays (RefusedAfterRenewal).
// Capabilities are detected from the helpers where they show; the n8n version decides only what cannot be seen
// (whether `httpRequest` keeps agentOptions, whether a thrown error keeps its cause) and names the version in errors.
// A request given an `abortSignal` is abandoned for real when it fires (nodes/shared/http/deadline.ts): `httpRequest`
// takes the signal on both lines; the legacy helper takes none, so the sockets of its call are destroyed.
// Neither line lets a node set axios' maxContentLength (both fix it at "no limit"), so a capped answer is asked
// for as a stream and read here (nodes/shared/http/bodyCap.ts).
// One file on purpose (over 350 lines): it is the single seam between the two lines; split, each half would need
// the other's reasons.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { readFileSync } from 'node:fs';
import type { ClientRequest } from 'node:http';
import path from 'node:path';

import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions, IHttpRequestOptions, INode, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { HttpAnswer } from './http/answer';
import { readAnswerCapped } from './http/bodyCap';

type Context = IExecuteFunctions | IPollFunctions;

/** First n8n whose `httpRequest` passes `agentOptions` to TLS (n8n-io/n8n#28756). */
export const AGENT_OPTIONS_IN_HTTP_REQUEST = '2.20.0';
/** The 1.x release line this package is tested on (it sends certificates through the legacy helper). */
export const TESTED_1X_LINE = '1.123';
/** First n8n whose NodeApiError keeps the HTTP client's error as `cause` (n8n-workflow 2.34.0; 2.33.x and 1.x drop it). */
export const ERROR_KEEPS_CAUSE = '2.34.0';

export interface N8nVersion {
	/** e.g. "1.123.81"; undefined when nothing tells. */
	version?: string;
	/** Where it was read: the running n8n's package.json, the N8N_VERSION variable, or n8n-core's package.json. */
	source: 'n8n' | 'N8N_VERSION' | 'n8n-core' | 'unknown';
}

let fromFiles: N8nVersion | undefined;

/** The running n8n's version: its own package.json first, then N8N_VERSION (n8n's Docker images set it), then n8n-core's. */
export function n8nVersion(): N8nVersion {
	fromFiles ??= readN8nPackage() ?? { source: 'unknown' };
	if (fromFiles.source === 'n8n') return fromFiles;
	const env = process.env.N8N_VERSION?.trim();
	if (env && /^\d+\.\d+/.test(env)) return { version: env, source: 'N8N_VERSION' };
	return fromFiles.version ? fromFiles : (fromFiles = readCorePackage() ?? fromFiles);
}

/** The n8n CLI is the main module of every n8n process (main, worker, `n8n execute`); its package.json is a few folders up. */
function readN8nPackage(): N8nVersion | undefined {
	let dir = require.main?.filename ? path.dirname(require.main.filename) : undefined;
	for (let depth = 0; dir && depth < 4; depth++, dir = path.dirname(dir)) {
		try {
			const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
			if (manifest.name === 'n8n' && manifest.version) return { version: manifest.version, source: 'n8n' };
			if (manifest.name) return undefined; // another package's folder: not inside n8n
		} catch {
			// no package.json at this level
		}
	}
	return undefined;
}

/** Outside an n8n process (tests), the n8n-core this code resolves stands for the n8n it comes with. */
function readCorePackage(): N8nVersion | undefined {
	try {
		const manifest = JSON.parse(readFileSync(require.resolve('n8n-core/package.json'), 'utf8')) as { version?: string };
		return manifest.version ? { version: manifest.version, source: 'n8n-core' } : undefined;
	} catch {
		return undefined;
	}
}

/** For tests: read the version again (e.g. after changing N8N_VERSION). */
export function forgetN8nVersion(): void {
	fromFiles = undefined;
}

export function atLeast(version: string | undefined, minimum: string): boolean {
	if (!version) return false;
	const have = version.split(/[.-]/).map((part) => Number.parseInt(part, 10) || 0);
	const want = minimum.split('.').map(Number);
	for (let i = 0; i < want.length; i++) {
		if ((have[i] ?? 0) !== want[i]) return (have[i] ?? 0) > want[i];
	}
	return true;
}

/** How TLS options reach the socket on this n8n. */
export type TlsRoute = 'httpRequest' | 'legacyRequest';

/**
 * Picks the helper that passes `agentOptions` on this n8n, or fails naming the n8n found and the one needed.
 * Call it before anything is spent (a quota reservation), so a missing capability costs nothing.
 */
export function tlsRoute(ctx: { helpers: object; getNode(): INode }, purpose: string): TlsRoute {
	const { version, source } = n8nVersion();
	if (atLeast(version, AGENT_OPTIONS_IN_HTTP_REQUEST)) return 'httpRequest';
	if (typeof (ctx.helpers as { requestWithAuthentication?: unknown }).requestWithAuthentication === 'function') return 'legacyRequest';
	const found = version ? `n8n ${version}` : 'this n8n (its version could not be read)';
	throw new NodeOperationError(ctx.getNode(), `${found} cannot send ${purpose}: n8n ${AGENT_OPTIONS_IN_HTTP_REQUEST} or newer is needed`, {
		description:
			`The request helper of ${found} drops TLS client certificates, and the older helper that keeps them is not available here` +
			`${source === 'unknown' ? '' : ` (version read from ${source === 'N8N_VERSION' ? 'the N8N_VERSION variable' : `the ${source} package`})`}. ` +
			`Update n8n to ${AGENT_OPTIONS_IN_HTTP_REQUEST} or newer (on the 1.x line, ${TESTED_1X_LINE}.x works). Nothing was sent.`,
	});
}

/**
 * Whether `request` is on its way to the legacy helper, which builds multipart bodies itself from an object of
 * parts ({ value, options: { filename, contentType } }) and would tear apart bytes encoded by us.
 */
export function sendsMultipartAsParts(request: object): boolean {
	return 'uri' in request;
}

export type { HttpAnswer };

/** The legacy helper's (request-library style) form of a request: only the fields our transports use. */
interface LegacyRequest {
	method?: string;
	uri: string;
	headers?: IDataObject;
	body?: unknown;
	qs?: IDataObject;
	json?: boolean;
	timeout?: number;
	agentOptions?: IHttpRequestOptions['agentOptions'];
	encoding?: null;
	useStream?: true;
	resolveWithFullResponse: true;
	simple: false;
	followRedirect: boolean;
	followAllRedirects: false;
	rejectUnauthorized?: false;
}

function toLegacyRequest(options: IHttpRequestOptions, callMark: Record<string, string> = {}): LegacyRequest {
	const legacy: LegacyRequest = {
		method: options.method,
		uri: `${options.baseURL ?? ''}${options.url}`,
		headers: options.headers,
		body: options.body,
		qs: options.qs,
		json: options.json,
		timeout: options.timeout,
		agentOptions: { ...options.agentOptions, ...callMark },
		encoding: options.encoding === 'arraybuffer' ? null : undefined,
		useStream: options.encoding === 'stream' ? true : undefined,
		resolveWithFullResponse: true,
		simple: false, // every status is an answer, as ignoreHttpStatusErrors: true
		followRedirect: options.disableFollowRedirect !== true,
		followAllRedirects: false,
	};
	// only when set: the key's mere presence turns certificate errors into n8n's generic "SSL Issue" text
	if (options.skipSslCertificateValidation === true) legacy.rejectUnauthorized = false;
	return legacy;
}

/** The caller's abort signal on `options` (withinMs gives one), when it is a real AbortSignal. */
function signalOf(options: IHttpRequestOptions): AbortSignal | undefined {
	return options.abortSignal instanceof AbortSignal ? options.abortSignal : undefined;
}

/**
 * `ctx` as n8n's authenticated helpers should see it. Where the context has an execution cancel signal (a node
 * run; a poll has none), n8n (1.x and 2.x) puts that on the request in place of ours; this context hands it
 * one that fires on either, so the user's Stop still works and so does our timeout.
 */
function cancellingAlsoOn<C extends Context>(ctx: C, signal: AbortSignal | undefined): C {
	const cancelSignal = (ctx as { getExecutionCancelSignal?: () => AbortSignal | undefined }).getExecutionCancelSignal;
	if (!signal || typeof cancelSignal !== 'function') return ctx;
	return Object.create(ctx, {
		getExecutionCancelSignal: {
			value: () => {
				const cancel = cancelSignal.call(ctx);
				return cancel ? AbortSignal.any([cancel, signal]) : signal;
			},
		},
	}) as C;
}

// The legacy helper (n8n 1.x; 2.x before 2.20) takes no abort signal and no agent of ours, but copies
// agentOptions into the agent it builds for the call. A key there names the call; Node announces every HTTP
// client request on a diagnostics channel, so the requests of a call are known and destroyed on abort.
const REQUEST_START = 'http.client.request.start';
/** agentOptions key naming the call a request belongs to (TLS ignores keys it does not know). */
export const LEGACY_CALL_FIELD = 'n8nNodesOcctoAnpiCall';
interface LegacyCall {
	aborted: boolean;
	requests: Set<ClientRequest>;
}
const legacyCalls = new Map<string, LegacyCall>();
let legacyCallCount = 0;

function onRequestStart(message: unknown): void {
	const request = (message as { request?: ClientRequest }).request;
	const mark = (request as { agent?: { options?: Record<string, unknown> } } | undefined)?.agent?.options?.[LEGACY_CALL_FIELD];
	const call = typeof mark === 'string' ? legacyCalls.get(mark) : undefined;
	if (!call || !request) return;
	if (call.aborted) request.destroy();
	else call.requests.add(request);
}

/** Runs a legacy-helper call whose requests (and so their sockets) are destroyed when `signal` aborts. */
async function abortableLegacyCall<T>(signal: AbortSignal | undefined, send: (callMark: Record<string, string>) => Promise<T>): Promise<T> {
	if (!signal) return await send({});
	const id = `${process.pid}.${++legacyCallCount}`;
	const call: LegacyCall = { aborted: signal.aborted, requests: new Set() };
	const abort = () => {
		call.aborted = true;
		for (const request of call.requests) request.destroy();
	};
	if (legacyCalls.size === 0) subscribe(REQUEST_START, onRequestStart);
	legacyCalls.set(id, call);
	signal.addEventListener('abort', abort, { once: true });
	try {
		return await send({ [LEGACY_CALL_FIELD]: id });
	} finally {
		signal.removeEventListener('abort', abort);
		legacyCalls.delete(id);
		if (legacyCalls.size === 0) unsubscribe(REQUEST_START, onRequestStart);
	}
}

/**
 * Sends through the credential (its `authenticate` adds TLS options) so that they reach the socket on every
 * line, and returns the answer whatever its HTTP status. An `abortSignal` on `options` abandons the request.
 * With `maxBodyBytes` the body comes back as one Buffer, refused (AnswerTooLarge) once it is over that size.
 */
export async function requestWithTlsOptions(
	this: Context,
	credentialType: string,
	options: IHttpRequestOptions,
	purpose: string,
	maxBodyBytes?: number,
): Promise<HttpAnswer> {
	const signal = signalOf(options);
	const route = tlsRoute(this, purpose);
	const sent: IHttpRequestOptions = maxBodyBytes === undefined ? options : { ...options, encoding: 'stream' };
	const capped = async (answer: HttpAnswer) => (maxBodyBytes === undefined ? answer : await readAnswerCapped(answer, maxBodyBytes, signal));
	try {
		if (route === 'httpRequest') {
			const answer = (await this.helpers.httpRequestWithAuthentication.call(cancellingAlsoOn(this, signal), credentialType, {
				...sent,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
			})) as HttpAnswer;
			return await capped(answer);
		}
		// Deprecated in 2.x, and the one helper that passes agentOptions on n8n before 2.20; used only there.
		// eslint-disable-next-line @n8n/community-nodes/no-deprecated-workflow-functions
		const legacyHelper = this.helpers.requestWithAuthentication as (credentialType: string, request: LegacyRequest) => Promise<unknown>;
		// the body is read inside the call, so that an abort still destroys its sockets
		const answer = await abortableLegacyCall(signal, async (callMark) => await capped((await legacyHelper.call(this, credentialType, toLegacyRequest(sent, callMark))) as HttpAnswer));
		return { body: answer.body, headers: { ...answer.headers }, statusCode: answer.statusCode };
	} catch (error) {
		// every status is an answer here: what is thrown got none (socket, TLS, timeout), read alike on every line
		throw withCause(error);
	}
}

/** The HTTP answer inside what a helper threw for a non-2xx status (n8n wraps the HTTP client's error as `cause`). */
export function answerInError(error: unknown): HttpAnswer | undefined {
	const holder = (error as { cause?: unknown })?.cause ?? error;
	const response = (holder as { response?: { status?: unknown; headers?: HttpAnswer['headers']; data?: unknown } } | undefined)?.response;
	if (typeof response?.status !== 'number') return undefined;
	return { statusCode: response.status, headers: { ...response.headers }, body: response.data };
}

/**
 * The HTTP client's error inside what a helper threw (its socket `code` and original `message`): the `cause`
 * where n8n keeps it, else what an n8n before 2.34 left of it in its NodeApiError (`httpCode` holds the code
 * of a failed connection, `messages` the original message). Undefined for errors that wrap nothing.
 */
export function causeOf(error: unknown): { message?: string; code?: string } | undefined {
	const thrown = error as { cause?: { message?: unknown; code?: unknown }; httpCode?: unknown; messages?: unknown } | undefined;
	if (thrown?.cause && typeof thrown.cause === 'object') {
		const { message, code } = thrown.cause;
		return { message: typeof message === 'string' ? message : undefined, code: typeof code === 'string' ? code : undefined };
	}
	const first = Array.isArray(thrown?.messages) ? thrown.messages.find((m): m is string => typeof m === 'string' && m !== '') : undefined;
	// a socket or TLS code (ECONNRESET, CERT_HAS_EXPIRED), not an HTTP status
	const code = typeof thrown?.httpCode === 'string' && /^[A-Z][A-Z0-9_]+$/.test(thrown.httpCode) ? thrown.httpCode : undefined;
	return first !== undefined || code !== undefined ? { message: first, code } : undefined;
}

/**
 * What a helper threw, with the HTTP client's error (its code and message) as `cause` on every line: n8n before
 * 2.34 drops it (see causeOf), and callers read the socket code and original message from there.
 */
export function withCause<T>(error: T): T {
	if (error instanceof Error && error.cause === undefined) {
		const cause = causeOf(error);
		if (cause) Object.defineProperty(error, 'cause', { value: cause, configurable: true, writable: true, enumerable: false });
	}
	return error;
}

/** What requestRenewingOn401 throws when the call is refused (401) again with the renewed token. */
export class RefusedAfterRenewal extends Error {
	constructor(readonly answer: HttpAnswer) {
		super(`HTTP ${answer.statusCode} again after the credential was renewed`);
		this.name = 'RefusedAfterRenewal';
	}
}

function plainAnswer(answer: HttpAnswer): HttpAnswer {
	return { statusCode: answer.statusCode, headers: { ...answer.headers }, body: answer.body };
}

/**
 * Sends through the credential and returns the answer whatever its status, except 401: then the credential's
 * token is renewed and the call sent once more (once, on every line); a 401 that stays is thrown as
 * RefusedAfterRenewal. `tokenField` is the credential's expirable field (the token that preAuthentication
 * fills). An `abortSignal` on `options` abandons the request.
 * - n8n 2.34 and newer: n8n renews and retries itself (a 401 stays an error), and every other status is read
 *   back from what it throws.
 * - Older n8n (1.x included) cannot hand back what it throws: every status is an answer, and on a 401 the call
 *   is sent again with the token field emptied, which makes n8n fetch a new token (and store it) first.
 */
export async function requestRenewingOn401(
	this: Context,
	credentialType: string,
	options: IHttpRequestOptions,
	tokenField: string,
): Promise<HttpAnswer> {
	const ctx = cancellingAlsoOn(this, signalOf(options));
	if (!atLeast(n8nVersion().version, ERROR_KEEPS_CAUSE)) {
		const send = async (renewed?: ICredentialDataDecryptedObject) =>
			plainAnswer(
				(await this.helpers.httpRequestWithAuthentication.call(
					ctx,
					credentialType,
					{ ...options, returnFullResponse: true, ignoreHttpStatusErrors: true },
					renewed ? { credentialsDecrypted: { id: this.getNode().credentials?.[credentialType]?.id ?? '', name: credentialType, type: credentialType, data: renewed } } : undefined,
				)) as HttpAnswer,
			);
		const first = await send().catch((error: unknown) => {
			throw withCause(error);
		});
		if (first.statusCode !== 401) return first;
		const credentials = await this.getCredentials(credentialType);
		const retried = await send({ ...credentials, [tokenField]: '' }).catch((error: unknown) => {
			throw withCause(error);
		});
		if (retried.statusCode === 401) throw new RefusedAfterRenewal(retried);
		return retried;
	}
	try {
		return (await this.helpers.httpRequestWithAuthentication.call(ctx, credentialType, {
			...options,
			returnFullResponse: true,
			ignoreHttpStatusErrors: false,
		})) as HttpAnswer;
	} catch (error) {
		const answer = answerInError(error);
		// for the caller to map (it never reaches n8n as it is), as the older lines' below
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
		if (answer?.statusCode === 401) throw new RefusedAfterRenewal(answer);
		if (answer) return answer;
		// no answer: n8n's NodeApiError (or the credential's own error), passed on for the caller to map
		throw withCause(error);
	}
}
