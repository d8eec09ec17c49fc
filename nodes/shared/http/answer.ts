// What an HTTP call brings back, in the one shape both APIs' transports (and n8nLine.ts) use.

/** An answer of any status: n8n's helpers are asked for the full response and never to throw on a status. */
export interface HttpAnswer<Body = unknown> {
	body: Body;
	headers: Record<string, string | string[] | undefined>;
	statusCode: number;
}

/** Header lookup ignoring case (servers differ: resultcode, ResultCode); the first value of a repeated one. */
export function headerOf(headers: HttpAnswer['headers'] | undefined, name: string): string | undefined {
	const wanted = name.toLowerCase();
	for (const key in headers) {
		if (key.toLowerCase() !== wanted) continue;
		const value = headers[key];
		return Array.isArray(value) ? value[0] : value;
	}
	return undefined;
}

/** The body as bytes, whatever form the helper handed it over in. */
export function bodyBytes(body: unknown): Buffer {
	return Buffer.isBuffer(body) ? body : Buffer.from((body ?? '') as string);
}

/** A base URL without trailing slashes, so that paths starting with "/" can be appended. */
export function trimBaseUrl(url: string): string {
	return url.replace(/\/+$/, '');
}
