// Where OCCTO's XSD comes from in n8n: input binary fields, or a folder on the n8n server. The panel
// fields are shared by Validate and Register ("Validate Before Sending").
import { opendir, stat } from 'node:fs/promises';
import path from 'node:path';

import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { DecodeError, decodeXmlBytes } from '../../shared/codecs';
import type { PlanSchema, SchemaFile } from './xsd';
import { PlanSchemaError, chooseMainSchema } from './xsd';

const MAX_SCHEMA_FILES = 200;
const MAX_SCHEMA_BYTES = 20 * 1024 * 1024;
/** A schema folder is small: the walk stops at the first of these limits (a path such as / is refused at once). */
const MAX_FOLDER_DEPTH = 4;
const MAX_FOLDER_ENTRIES = 1000;

/** Too deep or too many entries: the folder is not OCCTO's schema set. */
class FolderTooLarge extends Error {}

/** Relative paths of the .xsd files under the folder, breadth first, without following symbolic links to folders. */
async function listXsdFiles(root: string): Promise<string[]> {
	const found: string[] = [];
	const queue: Array<{ relative: string; depth: number }> = [{ relative: '', depth: 0 }];
	let entries = 0;
	for (let next = queue.shift(); next; next = queue.shift()) {
		for await (const entry of await opendir(path.join(root, next.relative))) {
			if (++entries > MAX_FOLDER_ENTRIES) throw new FolderTooLarge(`more than ${MAX_FOLDER_ENTRIES} files and folders`);
			const relative = path.join(next.relative, entry.name);
			if (entry.isDirectory()) {
				if (next.depth >= MAX_FOLDER_DEPTH) throw new FolderTooLarge(`folders more than ${MAX_FOLDER_DEPTH} levels deep`);
				queue.push({ relative, depth: next.depth + 1 });
			} else if (/\.xsd$/i.test(entry.name)) found.push(relative);
		}
	}
	return found.sort();
}

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
	// one answer for a path that is missing, not a folder or unreadable: the error must not tell which
	const unreadable = () => refuse(`"XSD Folder Path" ${folder} cannot be read`, 'Check that the folder exists on the n8n server and that n8n may read it.');
	const notAllowed = () => refuse(`n8n is not allowed to read "XSD Folder Path" ${folder}`, 'Put the schema files under a folder n8n may read (by default ~/.n8n-files; see N8N_RESTRICT_FILE_ACCESS_TO).');
	// checked before anything is read, on the path as given when it cannot be resolved
	type Resolved = Awaited<ReturnType<IExecuteFunctions['helpers']['resolvePath']>>;
	const resolved = await this.helpers.resolvePath(folder).catch(() => path.resolve(folder) as Resolved);
	if (this.helpers.isFilePathBlocked(resolved)) throw notAllowed();
	let entries: string[];
	try {
		entries = await listXsdFiles(resolved);
	} catch (error) {
		if (!(error instanceof FolderTooLarge)) throw unreadable();
		throw refuse(`"XSD Folder Path" ${folder} holds ${error.message}`, 'Point it at the folder of OCCTO\'s outage-plan schema only.');
	}
	if (!entries.length) throw refuse(`"XSD Folder Path" ${folder} holds no .xsd file`, 'Copy OCCTO\'s schema files (.xsd) into the folder.');
	if (entries.length > MAX_SCHEMA_FILES) throw refuse(`"XSD Folder Path" ${folder} holds more than ${MAX_SCHEMA_FILES} .xsd files`, 'Point it at the folder of OCCTO\'s outage-plan schema only.');
	const files: SchemaFile[] = [];
	for (const entry of entries) {
		const name = entry.split(path.sep).join('/');
		const cannotRead = () => refuse(`The XSD file ${name} in "XSD Folder Path" cannot be read`, 'Give n8n read access to OCCTO\'s schema files, or remove the file.');
		const file = await this.helpers.resolvePath(path.join(resolved, entry)).catch(() => undefined);
		if (!file) throw cannotRead();
		if (this.helpers.isFilePathBlocked(file)) throw notAllowed();
		// the size before the bytes: a huge file is refused without being read
		const size = await stat(file).then((info) => info.size, () => undefined);
		if (size === undefined) throw cannotRead();
		const tooLarge = () => refuse(`The XSD file ${name} is larger than 20 MB`, 'Point "XSD Folder Path" at OCCTO\'s schema files only.');
		if (size > MAX_SCHEMA_BYTES) throw tooLarge();
		let bytes: Buffer;
		try {
			// n8n's own reader: honours the allowed folders and refuses symbolic links out of them
			bytes = await this.helpers.binaryToBuffer(await this.helpers.createReadStream(file));
		} catch {
			throw cannotRead();
		}
		if (bytes.length > MAX_SCHEMA_BYTES) throw tooLarge(); // grown since
		files.push(decodeSchema.call(this, itemIndex, name, bytes));
	}
	return files;
}
