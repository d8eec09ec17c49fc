// Where OCCTO's XSD comes from in n8n: input binary fields, or a folder on the n8n server. The panel
// fields are shared by Validate and Register ("Validate Before Sending").
import { readdir } from 'node:fs/promises';
import path from 'node:path';

import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { DecodeError, decodeXmlBytes } from '../../shared/codecs';
import type { PlanSchema, SchemaFile } from './xsd';
import { PlanSchemaError, chooseMainSchema } from './xsd';

const MAX_SCHEMA_FILES = 200;
const MAX_SCHEMA_BYTES = 20 * 1024 * 1024;

export const schemaOptions: INodeProperties[] = [
	{
		displayName: 'XSD Binary Fields',
		name: 'xsdBinaryFields',
		type: 'string',
		default: '',
		placeholder: 'e.g. xsd, xsd_1 (or *)',
		description:
			'Input binary fields holding OCCTO\'s XML schema files (.xsd), separated by commas; * takes every binary field whose file name ends in .xsd. The plan is then also checked against the schema.',
	},
	{
		displayName: 'XSD Folder Path',
		name: 'xsdFolder',
		type: 'string',
		default: '',
		placeholder: '/home/node/.n8n-files/occto-xsd',
		description:
			'Folder on the n8n server holding OCCTO\'s .xsd files (subfolders included). n8n must be allowed to read it: by default only ~/.n8n-files (see N8N_RESTRICT_FILE_ACCESS_TO).',
	},
	{
		displayName: 'Main XSD File',
		name: 'xsdMainFile',
		type: 'string',
		default: '',
		placeholder: 'e.g. outage-plan.xsd',
		description:
			'The schema the plan must follow, when several .xsd files are given; by default the one that no other file includes or imports',
	},
];

/** The schema set from the options, or undefined when none is configured. Errors name the field and fix. */
export async function readPlanSchema(this: IExecuteFunctions, itemIndex: number, options: IDataObject): Promise<PlanSchema | undefined> {
	const fields = String(options.xsdBinaryFields ?? '').trim();
	const folder = String(options.xsdFolder ?? '').trim();
	if (!fields && !folder) return undefined;
	const files: SchemaFile[] = [];
	if (fields) files.push(...(await fromBinaryFields.call(this, itemIndex, fields)));
	if (folder) files.push(...(await fromFolder.call(this, itemIndex, folder)));
	try {
		return chooseMainSchema(files, String(options.xsdMainFile ?? '').trim() || undefined);
	} catch (error) {
		throw schemaError(this, itemIndex, error as Error);
	}
}

/** A schema that cannot be used becomes bad input naming the fix; anything else stays an error of this item. */
export function schemaError(ctx: IExecuteFunctions, itemIndex: number, error: Error): NodeOperationError {
	if (error instanceof PlanSchemaError) return new NodeOperationError(ctx.getNode(), error.message, { itemIndex, description: error.fix });
	return new NodeOperationError(ctx.getNode(), error, { itemIndex });
}

function decodeSchema(this: IExecuteFunctions, itemIndex: number, name: string, bytes: Buffer): SchemaFile {
	try {
		return { name, text: decodeXmlBytes(bytes) };
	} catch (error) {
		throw new NodeOperationError(this.getNode(), `The XSD file ${name} could not be read as text`, {
			itemIndex,
			description: error instanceof DecodeError ? error.message : 'Give the schema file as OCCTO delivered it.',
		});
	}
}

async function fromBinaryFields(this: IExecuteFunctions, itemIndex: number, fields: string): Promise<SchemaFile[]> {
	const binary = this.getInputData()[itemIndex]?.binary ?? {};
	const names =
		fields === '*'
			? Object.keys(binary).filter((key) => /\.xsd$/i.test(binary[key].fileName ?? ''))
			: fields.split(',').map((name) => name.trim()).filter(Boolean);
	if (!names.length) {
		throw new NodeOperationError(this.getNode(), 'No input binary field holds an .xsd file', {
			itemIndex,
			description: 'Read the schema files into this item first (Read/Write Files from Disk, then Aggregate with "Include Binaries"), or name the fields in "XSD Binary Fields".',
		});
	}
	const files: SchemaFile[] = [];
	for (const field of names) {
		const data = this.helpers.assertBinaryData(itemIndex, field);
		const bytes = await this.helpers.getBinaryDataBuffer(itemIndex, field);
		files.push(decodeSchema.call(this, itemIndex, data.fileName ?? `${field}.xsd`, bytes));
	}
	return files;
}

async function fromFolder(this: IExecuteFunctions, itemIndex: number, folder: string): Promise<SchemaFile[]> {
	const refuse = (message: string, description: string) => new NodeOperationError(this.getNode(), message, { itemIndex, description });
	let resolved: Awaited<ReturnType<IExecuteFunctions['helpers']['resolvePath']>>;
	let entries: string[];
	try {
		resolved = await this.helpers.resolvePath(folder);
		entries = (await readdir(resolved, { recursive: true })).filter((name) => /\.xsd$/i.test(name)).sort();
	} catch (error) {
		throw refuse(`"XSD Folder Path" ${folder} cannot be read`, `Check that the folder exists on the n8n server (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
	}
	if (this.helpers.isFilePathBlocked(resolved)) {
		throw refuse(`n8n is not allowed to read "XSD Folder Path" ${folder}`, 'Put the schema files under a folder n8n may read (by default ~/.n8n-files; see N8N_RESTRICT_FILE_ACCESS_TO).');
	}
	if (!entries.length) throw refuse(`"XSD Folder Path" ${folder} holds no .xsd file`, 'Copy OCCTO\'s schema files (.xsd) into the folder.');
	if (entries.length > MAX_SCHEMA_FILES) throw refuse(`"XSD Folder Path" ${folder} holds more than ${MAX_SCHEMA_FILES} .xsd files`, 'Point it at the folder of OCCTO\'s outage-plan schema only.');
	const files: SchemaFile[] = [];
	for (const entry of entries) {
		const file = await this.helpers.resolvePath(path.join(resolved, entry));
		// n8n's own reader: honours the allowed folders and refuses symbolic links out of them
		const bytes = await this.helpers.binaryToBuffer(await this.helpers.createReadStream(file));
		if (bytes.length > MAX_SCHEMA_BYTES) throw refuse(`The XSD file ${entry} is larger than 20 MB`, 'Point "XSD Folder Path" at OCCTO\'s schema files only.');
		files.push(decodeSchema.call(this, itemIndex, entry.split(path.sep).join('/'), bytes));
	}
	return files;
}
