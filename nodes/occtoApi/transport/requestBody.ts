// Encodes an OCCTO request body: form-urlencoded fields, or multipart when a file part is present.
// The credential calls this to add the user ID and password, so the password never passes through
// node code and never appears in request logs of our own.
import { randomBytes } from 'node:crypto';

import { PARAM } from '../mapping';

export interface OcctoFilePart {
	data: Buffer;
	fileName: string;
	contentType: string;
}

export type OcctoRequestFields = Record<string, string | OcctoFilePart>;

export function isFilePart(value: unknown): value is OcctoFilePart {
	return typeof value === 'object' && value !== null && Buffer.isBuffer((value as OcctoFilePart).data);
}

/** A multipart body as n8n's legacy request helper takes it: it encodes the parts itself (see nodes/shared/n8nLine.ts). */
export type MultipartParts = Record<string, string | { value: Buffer; options: { filename: string; contentType: string } }>;

export function encodeOcctoBody(
	fields: OcctoRequestFields,
	login: { userId: string; password: string },
	multipartAsParts = false,
): { body: string | Buffer | MultipartParts; contentType: string } {
	const all: OcctoRequestFields = { [PARAM.userId]: login.userId, [PARAM.password]: login.password, ...fields };
	const entries = Object.entries(all);
	if (!entries.some(([, value]) => isFilePart(value))) {
		const form = new URLSearchParams(entries.map(([key, value]): [string, string] => [key, value as string]));
		return { body: form.toString(), contentType: 'application/x-www-form-urlencoded' };
	}
	if (multipartAsParts) {
		const parts: MultipartParts = {};
		for (const [name, value] of entries) {
			parts[name] = isFilePart(value)
				? { value: value.data, options: { filename: value.fileName.replace(/"/g, ''), contentType: value.contentType } }
				: value;
		}
		return { body: parts, contentType: 'multipart/form-data' };
	}
	const boundary = `----n8nOccto${randomBytes(12).toString('hex')}`;
	const parts: Buffer[] = [];
	for (const [name, value] of entries) {
		if (isFilePart(value)) {
			parts.push(
				Buffer.from(
					`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${value.fileName.replace(/"/g, '')}"\r\n` +
						`Content-Type: ${value.contentType}\r\n\r\n`,
				),
				value.data,
				Buffer.from('\r\n'),
			);
		} else {
			parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
		}
	}
	parts.push(Buffer.from(`--${boundary}--\r\n`));
	return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}
