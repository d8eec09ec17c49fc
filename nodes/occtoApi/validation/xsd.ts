// Validation against OCCTO's XML schema (XSD), when the user has it, with libxml2 compiled to WebAssembly
// (xmllint-wasm: no native build, runs in a worker thread, reads nothing but the files handed to it).
import type { validateXML } from 'xmllint-wasm';

import type { ScannedPlan } from './scan';
import type { PlanProblem } from './types';
import { SCHEMA } from './types';

export interface SchemaFile {
	/** Relative path as given (binary file name, or path under the folder); includes resolve against it. */
	name: string;
	text: string;
}

export interface PlanSchema {
	main: SchemaFile;
	others: SchemaFile[];
}

/** A schema that cannot be used: bad input, reported before any call with what to do. */
export class PlanSchemaError extends Error {
	constructor(
		message: string,
		readonly fix: string,
	) {
		super(message);
		this.name = 'PlanSchemaError';
	}
}

const PLAN_FILE = 'plan.xml';
// libxml2 holds the whole plan as a tree; 1 GiB of WebAssembly memory is plenty for the 10 MB plan limit.
const MAX_MEMORY_PAGES = 16384;

const referenced = (text: string) =>
	[...text.matchAll(/<(?:\w+:)?(?:include|import|redefine|override)\b[^>]*?schemaLocation\s*=\s*["']([^"']+)["']/g)].map(
		(m) => m[1].split('/').pop()!,
	);
const baseName = (name: string) => name.split(/[\\/]/).pop()!;

/**
 * Picks the schema to validate against: the named one, else the only file that no other file includes or
 * imports (OCCTO's set has one main schema and the files it pulls in).
 */
export function chooseMainSchema(files: SchemaFile[], mainName?: string): PlanSchema {
	if (!files.length) throw new PlanSchemaError('No XSD file was found', 'Give the .xsd files in "XSD Binary Fields" or "XSD Folder Path".');
	let main: SchemaFile | undefined;
	if (mainName) {
		main = files.find((file) => file.name === mainName) ?? files.find((file) => baseName(file.name) === baseName(mainName));
		if (!main) {
			throw new PlanSchemaError(
				`"Main XSD File" ${mainName} is not among the XSD files (${files.map((f) => f.name).join(', ')})`,
				'Type the file name of the main schema exactly as it is in the folder or binary field, or leave the option empty.',
			);
		}
	} else {
		const pulledIn = new Set(files.flatMap((file) => referenced(file.text)));
		const candidates = files.filter((file) => !pulledIn.has(baseName(file.name)));
		if (candidates.length !== 1) {
			throw new PlanSchemaError(
				candidates.length
					? `Several XSD files could be the main schema: ${candidates.map((f) => f.name).join(', ')}`
					: 'Every XSD file is included by another one, so none is the main schema',
				'Set the option "Main XSD File" to the file name of the schema the plan must follow.',
			);
		}
		main = candidates[0];
	}
	return { main, others: files.filter((file) => file !== main) };
}

/** xmllint reads files as UTF-8: the texts are already decoded, so their declarations must say so too. */
const asUtf8 = (text: string) => text.replace(/^(\uFEFF?\s*<\?xml[^>]*?encoding\s*=\s*["'])[^"']*/, '$1UTF-8').replace(/^\uFEFF/, '');

export async function xsdProblems(xml: string, scan: ScannedPlan, schema: PlanSchema): Promise<PlanProblem[]> {
	let result: Awaited<ReturnType<typeof validateXML>> | undefined;
	let failure = '';
	try {
		// loaded only when a schema is given: the WebAssembly module is large
		result = await (await import('xmllint-wasm')).validateXML({
			xml: [{ fileName: PLAN_FILE, contents: asUtf8(xml) }],
			schema: [{ fileName: schema.main.name, contents: asUtf8(schema.main.text) }],
			preload: schema.others.map((file) => ({ fileName: file.name, contents: asUtf8(file.text) })),
			maxMemoryPages: MAX_MEMORY_PAGES,
		});
	} catch (error) {
		// xmllint ends with a code other than "invalid" when the schema itself does not compile
		failure = String((error as Error).message).split('\n').find((line) => line.trim()) ?? String(error);
	}
	if (!result) {
		throw new PlanSchemaError(
			`The XSD ${schema.main.name} could not be used: ${failure.trim()}`,
			'Give the complete, unchanged set of OCCTO\'s schema files (every file the main schema includes or imports).',
		);
	}
	if (result.valid) return [];
	const problems: PlanProblem[] = [];
	for (const error of result.errors) {
		if (!error.loc && /fails to validate|validates$/.test(error.message)) continue;
		if (error.loc && error.loc.fileName !== PLAN_FILE) {
			if (/warning/i.test(error.message)) continue;
			throw new PlanSchemaError(`The XSD ${error.loc.fileName} could not be used: ${error.message}`, 'Give OCCTO\'s schema files unchanged.');
		}
		const line = error.loc?.lineNumber ?? 1;
		const message = error.message.replace(/^Schemas validity error\s*:\s*/, '');
		const named = /^Element '(?:\{[^}]*\})?([^']+)'/.exec(message)?.[1];
		problems.push({
			line,
			path: pathAtLine(scan, line, named),
			rule: 'xsd',
			message: `OCCTO's schema: ${message}`,
			fix: fixFor(message, schema.main.name),
			...SCHEMA,
		});
	}
	return problems;
}

/** The element xmllint names, started at or before its line (the last such), else the last one started there. */
function pathAtLine(scan: ScannedPlan, line: number, name: string | undefined): string {
	let fallback = '';
	for (const element of scan.elements) {
		if (element.line > line) break;
		if (!name || element.name === name) fallback = element.path;
	}
	return fallback || scan.elements[0]?.path || '';
}

function fixFor(message: string, schemaName: string): string {
	if (/Missing child element/.test(message)) return `Add the element the schema expects (named in the message), in the order ${schemaName} gives.`;
	if (/is not expected|not allowed/.test(message)) return `Remove the element or move it to where ${schemaName} allows it (the message lists what is expected there).`;
	if (/facet|atomic type|not a valid value/.test(message)) return `Change the value so it has the type, length or pattern ${schemaName} requires (named in the message).`;
	if (/attribute/i.test(message)) return `Correct the attribute as ${schemaName} requires.`;
	return `Correct the element as ${schemaName} requires.`;
}
