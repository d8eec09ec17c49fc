// Checks an outage plan locally, before it spends one of the day's 1000 OCCTO calls: what is certain
// without OCCTO's schema (rules.ts), Shift_JIS encodability and size, and OCCTO's XSD when the user has it.
import type { XmlEncoding } from '../../shared/codecs';
import { MAX_PLAN_BYTES } from '../mapping';
import { structureProblems } from './rules';
import { elementAt, scanPlan } from './scan';
import { codePointName, findUnencodable } from './shiftJis';
import type { PlanProblem, PlanValidation } from './types';
import { MAX_REPORTED_PROBLEMS } from './types';
import type { PlanSchema } from './xsd';
import { xsdProblems } from './xsd';

export type { PlanProblem, PlanRule, PlanValidation } from './types';
export type { PlanSchema, SchemaFile } from './xsd';
export { PlanSchemaError, chooseMainSchema } from './xsd';

export interface ValidateOptions {
	/** Encoding the plan will be sent in; Shift_JIS adds the encodability check. */
	encoding: XmlEncoding;
	schema?: PlanSchema;
}

export async function validatePlan(xml: string, options: ValidateOptions): Promise<PlanValidation> {
	const problems: PlanProblem[] = [];
	let extra = 0; // problems found but not listed (see MAX_REPORTED_PROBLEMS)
	const schemaFiles = options.schema ? [options.schema.main, ...options.schema.others].map((file) => file.name) : [];
	// Shift_JIS: one pass finds the characters it lacks and counts the bytes
	const shiftJis = options.encoding === 'Shift_JIS' ? findUnencodable(xml, MAX_REPORTED_PROBLEMS) : undefined;
	const sizeBytes = shiftJis ? shiftJis.bytes : Buffer.byteLength(xml, 'utf8');
	const done = (): PlanValidation => {
		problems.sort((a, b) => a.line - b.line || (a.column ?? 0) - (b.column ?? 0));
		const listed = problems.slice(0, MAX_REPORTED_PROBLEMS);
		const problemCount = problems.length + extra;
		return { valid: problemCount === 0, problems: listed, problemCount, sizeBytes, schemaFiles };
	};

	if (!xml.trim()) {
		problems.push({ line: 1, path: '', rule: 'empty', message: 'The plan XML is empty', fix: 'Paste the outage-plan XML, or map it from an earlier node.' });
		return done();
	}
	if (sizeBytes > MAX_PLAN_BYTES) {
		problems.push({
			line: 1,
			path: '',
			rule: 'size',
			message: `The plan is ${mb(sizeBytes)} MB in ${options.encoding}, more than the ${mb(MAX_PLAN_BYTES)} MB a plan file may have`,
			fix: 'Split the plan into several smaller plans and register each one.',
		});
	}

	const scan = scanPlan(xml);
	if (scan.error) {
		const open = [...scan.elements].reverse().find((element) => element.end === Infinity);
		problems.push({
			line: scan.error.line,
			column: scan.error.column,
			path: scan.error.path ?? open?.path ?? '',
			rule: scan.error.dtd ? 'no-dtd' : 'well-formed',
			message: scan.error.dtd
				? 'The XML contains a DTD (<!DOCTYPE …>), which is refused for safety'
				: `The XML is not well-formed: ${scan.error.message}`,
			fix: scan.error.dtd
				? 'Remove the <!DOCTYPE …> declaration; outage plans need none.'
				: 'Correct the XML at this place (later checks ran only on what could be read before it).',
		});
	} else {
		problems.push(...structureProblems(scan));
	}

	if (shiftJis) {
		const { found, count } = shiftJis;
		extra += count - found.length;
		for (const place of found) {
			const name = codePointName(place.character);
			problems.push({
				line: place.line,
				column: place.column,
				path: elementAt(scan.elements, place.offset)?.path ?? '',
				rule: 'shift-jis',
				message: `The character "${place.character}" (${name}) cannot be written in Shift_JIS (CP932)`,
				fix: place.suggestion
					? `Replace it with "${place.suggestion}", which Shift_JIS has and which reads the same.`
					: 'Replace it with a character Shift_JIS has (for a rare kanji, its common form), or set "Encoding" to UTF-8 if OCCTO accepts UTF-8 from you.',
			});
		}
	}

	// the schema adds nothing useful to a plan that is not even XML
	if (options.schema && !scan.error) problems.push(...(await xsdProblems(xml, scan, options.schema)));
	return done();
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1).replace(/\.0$/, '');

/** One line per problem, for error descriptions: "line 12, SBD-MSG/…/JP06116: message. Fix: …". */
export function describeProblems(validation: PlanValidation): string {
	const lines = validation.problems.map(
		(p) => `line ${p.line}${p.column ? `:${p.column}` : ''}${p.path ? `, ${p.path}` : ''} [${p.rule}]: ${p.message}. Fix: ${p.fix}`,
	);
	const more = validation.problemCount - validation.problems.length;
	if (more > 0) lines.push(`… and ${more} more`);
	return lines.join('\n');
}

/** A one-sentence verdict, for people and AI agents reading the output. */
export function summarize(validation: PlanValidation): string {
	if (validation.valid) {
		return `The plan passed every check${validation.schemaFiles.length ? `, OCCTO's schema (${validation.schemaFiles[0]}) included` : ''}; registering it costs one call.`;
	}
	const first = validation.problems[0];
	const count = validation.problemCount;
	return `${count} problem${count === 1 ? '' : 's'}; the first, at line ${first.line}${first.path ? ` (${first.path})` : ''}: ${first.message}. Fix: ${first.fix}`;
}
