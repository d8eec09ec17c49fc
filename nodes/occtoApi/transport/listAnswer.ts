// A list answer (BA13B103, BA13B006, BA13B007, the register receipt) read as a stream: Base64 → ZIP →
// characters → XML events → rows found by shape and mapped to our keys. The document is never held whole.
// The events come from the subset scanner (nodes/shared/xmlSubsetScanner.ts); whatever it refuses is read again
// with saxes, so the rows and errors are saxes' own, only sooner.
import type { IDataObject } from 'n8n-workflow';

import type { ZipLimits } from '../../shared/codecs';
import { DecodeError, decodeBase64 } from '../../shared/codecs';
import type { ListShape } from '../../shared/listShape';
import { findRows } from '../../shared/listShape';
import { ElementBuilder, StreamingXmlReader } from '../../shared/xmlStream';
import { XmlSubsetScanner } from '../../shared/xmlSubsetScanner';
import { streamXmlBytes, streamZippedXml } from '../../shared/zipXmlStream';
import { ROW_ELEMENT_KEY } from '../mapping';
import type { OcctoWireSettings } from './wireSettings';
import { DEFAULT_WIRE_SETTINGS } from './wireSettings';

export interface ListAnswerOptions {
	/** A Base64 ZIP answer (the list APIs) or plain XML bytes (the register receipt). */
	zipped: boolean;
	limits: ZipLimits;
	/** Keep the XML (and ZIP) bytes as received, for Attach Original Files. */
	keepOriginal?: boolean;
	wire?: OcctoWireSettings;
	/** 'saxes' skips the subset scanner: the reference the bench and the fuzz test compare it with. */
	parser?: 'scan' | 'saxes';
}

export interface ListAnswer {
	rows: IDataObject[];
	/** The root element and, for a wrapped list, the wrapper: where the rows were found. */
	path: string[];
	empty: boolean;
	fileName?: string;
	xmlBytes?: Buffer;
	zipBytes?: Buffer;
}

/** Rows with our keys: rows the builder already stored under them are completed in place, the others copied. */
export function mapRows(shape: ListShape, fieldNames: ReadonlyMap<string, string>): IDataObject[] {
	if (shape.kind === 'empty') return [];
	return shape.rows.map(({ name, value, renamed }) => {
		if (renamed === true) {
			const row = value as IDataObject;
			row[ROW_ELEMENT_KEY] = name;
			return row;
		}
		const row: IDataObject = {};
		for (const key in value) row[fieldNames.get(key) ?? key] = value[key] as IDataObject;
		row[ROW_ELEMENT_KEY] = name;
		return row;
	});
}

/**
 * The last list's reader (scanner and builder, without the rows), kept until the next list is read: V8's optimised
 * row loop relies on their hidden classes, and would be thrown away with them when the collector frees them, so
 * that every list would start slow again (bench/analysis.md, issue 35).
 */
const lastList: { reader?: unknown } = {};

export async function readListAnswer(body: Buffer, options: ListAnswerOptions): Promise<ListAnswer> {
	const wire = options.wire ?? DEFAULT_WIRE_SETTINGS;
	// rows named in the credential may sit anywhere: their fields are renamed afterwards, as are a wrapper's rows
	const renameWhileBuilding = wire.shape.rowElements.length === 0;
	// an element literally named like an output key: build again the plain way, so the result cannot differ
	return (await readEither(body, options, wire, renameWhileBuilding)) ?? (await readEither(body, options, wire, false))!;
}

/** The scanner's pass; saxes' when that one failed in any way but the Base64, ZIP and size errors that come before any text. */
async function readEither(body: Buffer, options: ListAnswerOptions, wire: OcctoWireSettings, renameWhileBuilding: boolean): Promise<ListAnswer | undefined> {
	if (options.parser !== 'saxes') {
		try {
			return await readOnce(body, options, wire, renameWhileBuilding, 'scan');
		} catch (error) {
			// the same with either parser; everything else (a refusal, a UTF-8 error saxes may have met an XML error
			// before, a shape error) is saxes' to say, so the rows and messages are the ones the node always gave
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- a DecodeError the caller turns into the node's error, as before
			if (error instanceof DecodeError && error.stage !== 'encoding') throw error;
		}
	}
	return await readOnce(body, options, wire, renameWhileBuilding, 'saxes');
}

/** One pass; undefined when renaming while building could have changed the result (see ElementBuilder.fieldsRenamed). */
async function readOnce(
	body: Buffer,
	options: ListAnswerOptions,
	wire: OcctoWireSettings,
	renameWhileBuilding: boolean,
	parser: 'scan' | 'saxes',
): Promise<ListAnswer | undefined> {
	const builder = new ElementBuilder(undefined, renameWhileBuilding ? wire.fieldNames : undefined);
	const reader = parser === 'scan' ? new XmlSubsetScanner(builder) : new StreamingXmlReader(builder);
	const write = (text: string) => reader.write(text);
	let fileName: string | undefined;
	let xmlBytes: Buffer | undefined;
	let zipBytes: Buffer | undefined;
	if (options.zipped) {
		zipBytes = decodeBase64(body.toString('latin1'));
		({ fileName, xmlBytes } = await streamZippedXml(zipBytes, options.limits, write, options.keepOriginal));
	} else {
		streamXmlBytes(body, write);
		xmlBytes = body;
	}
	const document = reader.close();
	if (!builder.fieldsRenamed) return undefined;
	const shape = findRows(document, wire.shape, builder.firstNames);
	const rows = mapRows(shape, wire.fieldNames);
	builder.release();
	if (parser === 'scan') lastList.reader = reader;
	return {
		rows,
		path: shape.path,
		empty: shape.kind === 'empty',
		fileName,
		...(options.keepOriginal ? { xmlBytes, zipBytes } : {}),
	};
}
