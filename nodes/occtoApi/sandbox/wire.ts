// A Sandbox reply as OCCTO puts it on the wire: the result code in a header; a Base64 ZIP (lists, plans), plain
// XML (the receipt) or the message in Shift_JIS.
import * as iconv from 'iconv-lite';

import type { XmlEncoding } from '../../shared/codecs';
import { DecodeError, encodeXml, encodeXmlZipBase64 } from '../../shared/codecs';
import type { HttpAnswer } from '../../shared/http/answer';
import { jstDate } from '../../shared/japanTime';
import type { OcctoApiId } from '../mapping';
import { OCCTO_APIS } from '../mapping';
import type { OcctoReply } from './state';

/** Shift_JIS unless the text holds characters Shift_JIS cannot carry (a plan uploaded as UTF-8): then UTF-8. */
export function answerEncodingFor(xml: string, preferred: XmlEncoding): XmlEncoding {
	if (preferred === 'UTF-8') return preferred;
	try {
		encodeXml(xml, preferred);
		return preferred;
	} catch (error) {
		if (error instanceof DecodeError) return 'UTF-8';
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- not a decoding problem: a bug, kept as it is
		throw error;
	}
}

/** The answer's file name inside the ZIP, as OCCTO names it: APIID_date_serial.xml. */
export function answerFileName(apiId: OcctoApiId, now: Date, serial: number): string {
	return `${apiId}_${jstDate(now)}_${String(serial).padStart(6, '0')}.xml`;
}

export interface WireAnswerOptions {
	resultCodeHeader: string;
	encoding: XmlEncoding;
	fileName: string;
}

/** The reply as OCCTO puts it on the wire: HTTP 200, the result code in a header, a Base64 ZIP (lists, plans), plain XML (the receipt) or the message in Shift_JIS. */
export async function wireAnswer(apiId: OcctoApiId, reply: OcctoReply, options: WireAnswerOptions): Promise<HttpAnswer<Buffer>> {
	if (!('xml' in reply)) {
		return {
			statusCode: 200,
			headers: { [options.resultCodeHeader]: reply.resultCode, 'content-type': 'text/plain; charset=Shift_JIS' },
			body: iconv.encode(reply.message, 'cp932'),
		};
	}
	const encoding = answerEncodingFor(reply.xml, options.encoding);
	if (!OCCTO_APIS[apiId].answersZip) {
		return {
			statusCode: 200,
			headers: { [options.resultCodeHeader]: reply.resultCode, 'content-type': `application/xml; charset=${encoding}` },
			body: encodeXml(reply.xml, encoding),
		};
	}
	const base64 = await encodeXmlZipBase64(options.fileName, reply.xml, encoding);
	return {
		statusCode: 200,
		headers: { [options.resultCodeHeader]: reply.resultCode, 'content-type': 'text/plain; charset=US-ASCII' },
		body: Buffer.from(base64, 'latin1'),
	};
}
