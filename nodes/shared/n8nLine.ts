// Which n8n runs this package, and the one place where its release lines differ for us. Both lines run the
// nodes (1.123.x under Node 22, 2.x under Node 24), but their request helpers differ in two ways:
// - TLS options (`agentOptions`: client certificate, key, CA) reach the socket through `httpRequest` only from
//   n8n 2.20 on; before that `httpRequest` builds its agent from `skipSslCertificateValidation` alone, and only
//   the legacy `request` helpers pass them on.
// - `ignoreHttpStatusErrors: { ignore: true, except: [401] }` is 2.x only: 1.x takes any object as "ignore every
//   status", so a 401 never reaches n8n's renew-and-retry. Every line throws on a non-2xx answer when errors are
//   not ignored, and what it throws carries the answer: calls that rely on renewal read answers from there.
// Capabilities are detected from the helpers where they show; the n8n version decides only what cannot be seen
// (whether `httpRequest` keeps agentOptions) and names the version in errors.
import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { IDataObject, IExecuteFunctions, IHttpRequestOptions, INode, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

type Context = IExecuteFunctions | IPollFunctions;

/** First n8n whose `httpRequest` passes `agentOptions` to TLS (n8n-io/n8n#28756). */
export const AGENT_OPTIONS_IN_HTTP_REQUEST = '2.20.0';
/** The 1.x release line this package is tested on (it sends certificates through the legacy helper). */
export const TESTED_1X_LINE = '1.123';

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

export interface HttpAnswer {
	body: unknown;
	headers: Record<string, string | string[] | undefined>;
	statusCode: number;
}

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
	resolveWithFullResponse: true;
	simple: false;
	followRedirect: boolean;
	followAllRedirects: false;
	rejectUnauthorized?: false;
}

function toLegacyRequest(options: IHttpRequestOptions): LegacyRequest {
	const legacy: LegacyRequest = {
		method: options.method,
		uri: `${options.baseURL ?? ''}${options.url}`,
		headers: options.headers,
		body: options.body,
		qs: options.qs,
		json: options.json,
		timeout: options.timeout,
		agentOptions: options.agentOptions,
		encoding: options.encoding === 'arraybuffer' ? null : undefined,
		resolveWithFullResponse: true,
		simple: false, // every status is an answer, as ignoreHttpStatusErrors: true
		followRedirect: options.disableFollowRedirect !== true,
		followAllRedirects: false,
	};
	// only when set: the key's mere presence turns certificate errors into n8n's generic "SSL Issue" text
	if (options.skipSslCertificateValidation === true) legacy.rejectUnauthorized = false;
	return legacy;
}

/**
 * Sends through the credential (its `authenticate` adds TLS options) so that they reach the socket on every
 * line, and returns the answer whatever its HTTP status.
 */
export async function requestWithTlsOptions(
	this: Context,
	credentialType: string,
	options: IHttpRequestOptions,
	purpose: string,
): Promise<HttpAnswer> {
	if (tlsRoute(this, purpose) === 'httpRequest') {
		return (await this.helpers.httpRequestWithAuthentication.call(this, credentialType, {
			...options,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		})) as HttpAnswer;
	}
	// Deprecated in 2.x, and the one helper that passes agentOptions on n8n before 2.20; used only there.
	// eslint-disable-next-line @n8n/community-nodes/no-deprecated-workflow-functions
	const legacyHelper = this.helpers.requestWithAuthentication as (credentialType: string, request: LegacyRequest) => Promise<unknown>;
	const answer = (await legacyHelper.call(this, credentialType, toLegacyRequest(options))) as HttpAnswer;
	return { body: answer.body, headers: { ...answer.headers }, statusCode: answer.statusCode };
}

/** The HTTP answer inside what a helper threw for a non-2xx status (n8n wraps the HTTP client's error as `cause`). */
export function answerInError(error: unknown): HttpAnswer | undefined {
	const holder = (error as { cause?: unknown })?.cause ?? error;
	const response = (holder as { response?: { status?: unknown; headers?: HttpAnswer['headers']; data?: unknown } } | undefined)?.response;
	if (typeof response?.status !== 'number') return undefined;
	return { statusCode: response.status, headers: { ...response.headers }, body: response.data };
}

/**
 * Sends through the credential and returns the answer whatever its status, except 401: that one stays an
 * error, so n8n renews the credential's token and retries once, on every line; a 401 thrown from here is
 * the retry's.
 */
export async function requestRenewingOn401(this: Context, credentialType: string, options: IHttpRequestOptions): Promise<HttpAnswer> {
	try {
		return (await this.helpers.httpRequestWithAuthentication.call(this, credentialType, {
			...options,
			returnFullResponse: true,
			ignoreHttpStatusErrors: false,
		})) as HttpAnswer;
	} catch (error) {
		const answer = answerInError(error);
		if (answer && answer.statusCode !== 401) return answer;
		// already n8n's NodeApiError (or the credential's own error): passed on unchanged for the caller to map
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
		throw error;
	}
}
