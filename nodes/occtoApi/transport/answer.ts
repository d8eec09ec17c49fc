// Judging an OCCTO answer before its body is read: HTTP status, result-code header, quota, and the text of
// an error (header or body, whatever its charset). Pure, so the credential test judges answers the same way.
import { decodeXmlBytes } from '../../shared/codecs';
import { excerpt, redact } from '../../shared/execution';
import type { HttpAnswer } from '../../shared/http/answer';
import { bodyBytes, headerOf } from '../../shared/http/answer';
import { ERROR_BODY_DEFAULT_CHARSET, QUOTA_EXCEEDED_TEXT } from '../mapping';
import type { OcctoWireSettings } from './wireSettings';

/** An OCCTO answer: the body as bytes (the request asks for an arraybuffer). */
export type RawResponse = HttpAnswer<Buffer>;

/** What an answer means before its body is read. */
export type AnswerVerdict =
	| { ok: true; resultCode: string }
	| { ok: false; kind: 'http'; statusCode: number; text: string }
	| { ok: false; kind: 'quota'; resultCode: string | undefined; message: string }
	| { ok: false; kind: 'noResultCode'; message: string }
	| { ok: false; kind: 'rejected'; resultCode: string; message: string };

export function judgeAnswer(response: RawResponse, wire: OcctoWireSettings, secrets: string[]): AnswerVerdict {
	const body = bodyBytes(response.body);
	if (response.statusCode !== 200) {
		return { ok: false, kind: 'http', statusCode: response.statusCode, text: redact(excerpt(decodeText(body, headerOf(response.headers, 'content-type'))), secrets) };
	}
	const resultCode = headerOf(response.headers, wire.resultCodeHeader)?.trim();
	if (resultCode !== undefined && wire.successCodes.includes(resultCode)) return { ok: true, resultCode };
	const message = redact(resultMessage(response, body, wire), secrets);
	if ((resultCode !== undefined && wire.quotaExceededCodes.includes(resultCode)) || message.includes(QUOTA_EXCEEDED_TEXT)) {
		return { ok: false, kind: 'quota', resultCode, message };
	}
	if (resultCode === undefined) return { ok: false, kind: 'noResultCode', message };
	return { ok: false, kind: 'rejected', resultCode, message };
}

function charsetOf(contentType: string | undefined): string | undefined {
	return /charset=([^;]+)/i.exec(contentType ?? '')?.[1]?.trim().replace(/"/g, '');
}

/** An error body as text: the declared charset, an XML declaration, strict UTF-8, or else OCCTO's default (Shift_JIS). */
function decodeText(body: Buffer, contentType: string | undefined): string {
	const charset = (charsetOf(contentType) ?? '').toLowerCase();
	if (charset === 'utf-8' || charset === 'utf8' || charset === 'us-ascii') return body.toString('utf8');
	if (body.subarray(0, 200).toString('latin1').includes('<?xml')) return decodeXmlBytes(body);
	try {
		return new TextDecoder('utf-8', { fatal: true }).decode(body);
	} catch {
		return decodeXmlBytes(Buffer.concat([Buffer.from(`<?xml version="1.0" encoding="${ERROR_BODY_DEFAULT_CHARSET}"?>`), body])).replace(
			/^<\?xml[^>]*\?>/,
			'',
		);
	}
}

function resultMessage(response: RawResponse, body: Buffer, wire: OcctoWireSettings): string {
	const fromHeader = headerOf(response.headers, wire.resultMessageHeader);
	if (fromHeader) {
		try {
			return decodeURIComponent(fromHeader);
		} catch {
			return fromHeader;
		}
	}
	return excerpt(decodeText(body, headerOf(response.headers, 'content-type')), 500);
}
