// Checks an outage plan locally, before it spends one of the day's 1000 OCCTO calls: what is certain
// without OCCTO's schema (rules.ts), Shift_JIS encodability and size, and OCCTO's XSD when the user has it.
import type { XmlEncoding } from '../../shared/codecs';
import { MAX_PLAN_BYTES } from '../mapping';
import type { RequiredPlanValue } from './rules';
import { structureProblems } from './rules';
import { elementAt, scanPlan } from './scan';
import { codePointName, findUnencodable } from './shiftJis';
import type { PlanProblem, PlanValidation } from './types';
import { MAX_REPORTED_PROBLEMS, SPECIFICATION, assumption } from './types';
import type { PlanSchema } from './xsd';
import { xsdProblems } from './xsd';

export type { PlanBasis, PlanProblem, PlanRule, PlanSeverity, PlanValidation } from './types';
export type { RequiredPlanValue } from './rules';
export type { PlanSchema, SchemaFile } from './xsd';
export { PlanSchemaError, chooseMainSchema } from './xsd';

export interface ValidateOptions {
	/** Encoding the plan will be sent in; Shift_JIS adds the encodability check. */
	encoding: XmlEncoding;
	schema?: PlanSchema;
	/** Values the user requires (credential → Required Plan Values): errors, replacing the assumed protocol checks. */
	required?: readonly RequiredPlanValue[];
}

export async function validatePlan(xml: string, options: ValidateOptions): Promise<PlanValidation> {
	const problems: PlanProblem[] = [];
	let extra = 0; // Shift_JIS errors found but not listed (see MAX_REPORTED_PROBLEMS)
	const schemaFiles = options.schema ? [options.schema.main, ...options.schema.others].map((file) => file.name) : [];
	// Shift_JIS: one pass finds the characters it lacks and counts the bytes
	const shiftJis = options.encoding === 'Shift_JIS' ? findUnencodable(xml, MAX_REPORTED_PROBLEMS) : undefined;
	const sizeBytes = shiftJis ? shiftJis.bytes : Buffer.byteLength(xml, 'utf8');
	const done = (): PlanValidation => {
		problems.sort((a, b) => a.line - b.line || (a.column ?? 0) - (b.column ?? 0));
		const listed = problems.slice(0, MAX_REPORTED_PROBLEMS);
		const problemCount = problems.length + extra;
		const errorCount = problems.filter((problem) => problem.severity === 'error').length + extra;
		return { valid: errorCount === 0, errorCount, warningCount: problemCount - errorCount, problems: listed, problemCount, sizeBytes, schemaFiles };
	};

	if (!xml.trim()) {
		problems.push({ line: 1, path: '', rule: 'empty', message: 'The plan XML is empty', fix: 'Paste the outage-plan XML, or map it from an earlier node.', ...SPECIFICATION });
		return done();
	}
	if (sizeBytes > MAX_PLAN_BYTES) {
		problems.push({
			line: 1,
			path: '',
			rule: 'size',
			message: `The plan is ${mb(sizeBytes)} MB in ${options.encoding}, more than the ${mb(MAX_PLAN_BYTES)} MB a plan file may have`,
			fix: 'Split the plan into several smaller plans and register each one. The limit is the node\'s assumption, not OCCTO\'s specification: if OCCTO takes larger files from you, ignore this warning.',
			...assumption(11),
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
			...SPECIFICATION,
		});
	} else {
		problems.push(...structureProblems(scan, options.required));
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
				...SPECIFICATION,
			});
		}
	}

	// the schema adds nothing useful to a plan that is not even XML
	if (options.schema && !scan.error) problems.push(...(await xsdProblems(xml, scan, options.schema)));
	return done();
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1).replace(/\.0$/, '');

/** One line per problem, for error descriptions: "line 12, SBD-MSG/…/JP06116 [date, warning: ASSUMPTION 10]: message. Fix: …". */
export function describeProblems(validation: PlanValidation, severity?: PlanProblem['severity']): string {
	const shown = severity ? validation.problems.filter((p) => p.severity === severity) : validation.problems;
	const lines = shown.map((p) => `line ${p.line}${p.column ? `:${p.column}` : ''}${p.path ? `, ${p.path}` : ''} [${p.rule}, ${basisLabel(p)}]: ${p.message}. Fix: ${p.fix}`);
	const total = severity === 'error' ? validation.errorCount : severity === 'warning' ? validation.warningCount : validation.problemCount;
	const more = total - shown.length;
	if (more > 0) lines.push(`… and ${more} more`);
	return lines.join('\n');
}

/** "error: specification", "warning: ASSUMPTION 9 in mapping.ts", "error: credential". */
export function basisLabel(problem: PlanProblem): string {
	const basis = problem.basis === 'assumption' ? `ASSUMPTION ${problem.assumption} in mapping.ts` : problem.basis;
	return `${problem.severity}: ${basis}`;
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/** A one-sentence verdict, for people and AI agents reading the output. */
export function summarize(validation: PlanValidation): string {
	const schema = validation.schemaFiles.length ? `, OCCTO's schema (${validation.schemaFiles[0]}) included` : '';
	if (validation.problemCount === 0) return `The plan passed every check${schema}; registering it costs one call.`;
	if (validation.valid) {
		const first = validation.problems[0];
		return `No errors${schema}; registering it costs one call. ${plural(validation.warningCount, 'warning')} where the plan differs from the node's assumptions (not OCCTO's specification); the first, at line ${first.line}${first.path ? ` (${first.path})` : ''}: ${first.message}.`;
	}
	const first = validation.problems.find((p) => p.severity === 'error') ?? validation.problems[0];
	const warnings = validation.warningCount ? ` and ${plural(validation.warningCount, 'warning')}` : '';
	return `${plural(validation.errorCount, 'error')}${warnings}; the first error, at line ${first.line}${first.path ? ` (${first.path})` : ''}: ${first.message}. Fix: ${first.fix}`;
}
