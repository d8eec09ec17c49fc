// The plan's structure: the SBD-MSG envelope (SPEC), and what the node assumes of its header and body —
// where the business protocol sits (ASSUMPTION 9), the group, header and body elements and the required body
// codes (ASSUMPTION 12), date formats (ASSUMPTION 10). Assumptions only warn; the values a user configured in
// the credential (Required Plan Values) are errors. Every fact comes from ../mapping.ts.
import {
	ASSUMED_SINGLE_PLAN_ELEMENTS,
	BUSINESS_PROTOCOL,
	ENVELOPE,
	PLAN_DATE_ELEMENTS,
	PLAN_ELEMENT_LABELS,
	PLAN_HEADER_PROTOCOL,
	REQUIRED_BODY_CODES,
	SINGLE_PLAN_ELEMENTS,
} from '../mapping';
import type { ScannedElement, ScannedPlan } from './scan';
import type { PlanProblem, ProblemBasis } from './types';
import { CONFIGURED, SPECIFICATION, assumption } from './types';

/** A value the user requires in the plan (credential → Advanced Settings → Required Plan Values). */
export interface RequiredPlanValue {
	/** An element name (anywhere) or a slash-separated path from the root; expected exactly once. */
	element: string;
	value: string;
}

const ENVELOPE_SHAPE = `<${ENVELOPE.root}><${ENVELOPE.group}><${ENVELOPE.header}>…</${ENVELOPE.header}><${ENVELOPE.body}>…</${ENVELOPE.body}></${ENVELOPE.group}></${ENVELOPE.root}>`;
const LAYOUT = assumption(12);
const HEADER_PROTOCOL = assumption(9);
const DATE_FORMAT = assumption(10);
/** What a warning adds to its fix: the node's guess may be wrong, and where to correct it. */
const UNSURE = 'This is the node\'s assumption, not OCCTO\'s specification: if your plans are right as they are, ignore this warning';

/** A table's own entry: element names such as "constructor" are not Object.prototype's members. */
const own = <T>(table: Record<string, T>, name: string): T | undefined => (Object.prototype.hasOwnProperty.call(table, name) ? table[name] : undefined);
const label = (code: string) => (own(PLAN_ELEMENT_LABELS, code) ? `<${code}> (${PLAN_ELEMENT_LABELS[code]})` : `<${code}>`);
const place = (element: ScannedElement) => ({ line: element.line, column: element.column, path: element.path });

export function structureProblems(scan: ScannedPlan, required: readonly RequiredPlanValue[] = []): PlanProblem[] {
	const { elements } = scan;
	const problems: PlanProblem[] = [];
	const root = elements[0];
	if (!root) return problems; // no root element is a well-formedness error, reported as such
	// every child of that name: elements are in document order, so the search ends where the parent does
	const children = (parent: ScannedElement, name: string) => {
		const found: ScannedElement[] = [];
		for (let i = parent.index + 1; i < elements.length && elements[i].start < parent.end; i++) {
			if (elements[i].parent === parent.index && elements[i].name === name) found.push(elements[i]);
		}
		return found;
	};
	const child = (parent: ScannedElement, name: string) => children(parent, name)[0];
	const missing = (parent: ScannedElement, name: string, rule: PlanProblem['rule'], fix: string, basis: ProblemBasis): PlanProblem => ({
		line: parent.line,
		column: parent.column,
		path: `${parent.path}/${name}`,
		rule,
		message: `The plan lacks ${label(name)} inside <${parent.name}>`,
		fix,
		...basis,
	});

	if (root.name !== ENVELOPE.root) {
		problems.push({
			...place(root),
			rule: 'envelope',
			message: `The plan lacks <${ENVELOPE.root}>: its root element is <${root.name}>`,
			fix: `Wrap the plan in the ${ENVELOPE.root} envelope, ${ENVELOPE_SHAPE}, or use Plan Source "Fields (JSON)" and let the node build it.`,
			...SPECIFICATION,
		});
		return problems;
	}
	problems.push(...requiredValueProblems(elements, root, required), ...repeatedProblems(elements));
	const group = child(root, ENVELOPE.group);
	if (!group) {
		problems.push(missing(root, ENVELOPE.group, 'envelope', `Put the header and body inside <${ENVELOPE.group}>: ${ENVELOPE_SHAPE}. ${UNSURE}.`, LAYOUT));
		return problems;
	}
	const header = child(group, ENVELOPE.header);
	const body = child(group, ENVELOPE.body);
	if (!header) problems.push(missing(group, ENVELOPE.header, 'envelope', `Add the header <${ENVELOPE.header}> (with the BPID) before <${ENVELOPE.body}>: ${ENVELOPE_SHAPE}. ${UNSURE}.`, LAYOUT));
	if (!body) problems.push(missing(group, ENVELOPE.body, 'envelope', `Add the plan body <${ENVELOPE.body}> after <${ENVELOPE.header}>: ${ENVELOPE_SHAPE}. ${UNSURE}.`, LAYOUT));

	// the user's own layout replaces the assumed one
	const assumeProtocol = required.length === 0;
	if (header && assumeProtocol) {
		const expected: Array<[string, string]> = [
			[PLAN_HEADER_PROTOCOL.bpidVersionElement, BUSINESS_PROTOCOL.bpidVersion],
			[PLAN_HEADER_PROTOCOL.bpidElement, PLAN_HEADER_PROTOCOL.bpid],
		];
		for (const [code, value] of expected) problems.push(...protocolProblems(header, children(header, code), code, value, missing, HEADER_PROTOCOL));
	}
	if (body) {
		for (const code of REQUIRED_BODY_CODES) {
			const found = children(body, code);
			if (!found.length) {
				problems.push(missing(body, code, 'required-code', `Add ${label(code)} to <${ENVELOPE.body}>; the node assumes every outage plan carries it. ${UNSURE}.`, LAYOUT));
				continue;
			}
			const fix = `Fill in ${label(code)}; the node assumes every outage plan carries it. ${UNSURE}.`;
			for (const element of found.filter((e) => e.text === '')) problems.push({ ...place(element), rule: 'required-code', message: `${label(code)} is empty`, fix, ...LAYOUT });
			if (code === 'JP00002' && assumeProtocol) {
				const filled = found.filter((e) => e.text !== '');
				if (filled.length) problems.push(...protocolProblems(body, filled, code, BUSINESS_PROTOCOL.infoCategoryCode, missing, LAYOUT));
			}
		}
		const prefix = `${body.path}/`;
		for (const element of elements) {
			const format = own(PLAN_DATE_ELEMENTS, element.name);
			if (format && element.path.startsWith(prefix)) {
				const problem = dateProblem(element, format);
				if (problem) problems.push(problem);
			}
		}
	}
	return problems;
}

/** The credential's Required Plan Values: each element present and holding exactly its value (errors). */
function requiredValueProblems(elements: ScannedElement[], root: ScannedElement, required: readonly RequiredPlanValue[]): PlanProblem[] {
	const problems: PlanProblem[] = [];
	const setting = 'the credential\'s Advanced Settings → Required Plan Values';
	for (const { element: wanted, value } of required) {
		const isPath = wanted.includes('/');
		const fullPath = isPath && !wanted.startsWith(`${root.name}/`) ? `${root.name}/${wanted}` : wanted;
		const all = elements.filter((element) => (isPath ? element.path === fullPath : element.name === wanted));
		if (!all.length) {
			problems.push({
				...place(root),
				path: isPath ? fullPath : wanted,
				rule: 'configured',
				message: `The plan lacks ${label(isPath ? wanted.split('/').pop() ?? wanted : wanted)}, which ${setting} requires to be "${value}"`,
				fix: `Add it with the value ${value}, or correct ${setting} if OCCTO's specification says otherwise.`,
				...CONFIGURED,
			});
			continue;
		}
		if (all.length > 1) {
			problems.push(repeated(all, `${setting} requires it once, with the value ${value}`, `Keep one <${all[0].name}> holding ${value}, or correct ${setting} if OCCTO's specification says otherwise.`, CONFIGURED));
		}
		for (const found of all.filter((element) => element.text !== value)) {
			problems.push({
				...place(found),
				rule: 'configured',
				message: `${label(found.name)} is "${found.text}", not ${value} as ${setting} requires`,
				fix: `Set <${found.name}> to ${value}, or correct ${setting} if OCCTO's specification says otherwise.`,
				...CONFIGURED,
			});
		}
	}
	return problems;
}

/** Elements a plan has once (mapping.ts): a second one would make OCCTO or the checks read another value than the first. */
function repeatedProblems(elements: ScannedElement[]): PlanProblem[] {
	const byName = new Map<string, ScannedElement[]>();
	for (const element of elements) {
		if (SINGLE_PLAN_ELEMENTS.includes(element.name) || own(ASSUMED_SINGLE_PLAN_ELEMENTS, element.name) !== undefined) {
			const seen = byName.get(element.name);
			if (seen) seen.push(element);
			else byName.set(element.name, [element]);
		}
	}
	const problems: PlanProblem[] = [];
	for (const [name, all] of byName) {
		if (all.length < 2) continue;
		const spec = SINGLE_PLAN_ELEMENTS.includes(name);
		problems.push(
			repeated(
				all,
				spec ? 'a plan message carries it once' : 'the node assumes a plan carries it once',
				`Keep one ${label(name)} and remove the others${spec ? '' : `. ${UNSURE}`}.`,
				spec ? SPECIFICATION : assumption(ASSUMED_SINGLE_PLAN_ELEMENTS[name]), // own: filtered above
			),
		);
	}
	return problems;
}

/** One problem for an element found more than once, placed at its second occurrence. */
function repeated(all: ScannedElement[], why: string, fix: string, basis: ProblemBasis): PlanProblem {
	const lines = all.map((element) => element.line).join(', ');
	return { ...place(all[1]), rule: 'repeated', message: `${label(all[0].name)} occurs ${all.length} times (lines ${lines}), but ${why}`, fix, ...basis };
}

/** A business-protocol value where the node assumes it sits: present and, every occurrence, exactly the outage plans' code. */
function protocolProblems(
	parent: ScannedElement,
	found: ScannedElement[],
	code: string,
	value: string,
	missing: (parent: ScannedElement, name: string, rule: PlanProblem['rule'], fix: string, basis: ProblemBasis) => PlanProblem,
	basis: ProblemBasis,
): PlanProblem[] {
	const why = `outage plans use BPID版 ${BUSINESS_PROTOCOL.bpidVersion}, 副機関コード ${BUSINESS_PROTOCOL.bpidSubAgency}, 情報区分コード ${BUSINESS_PROTOCOL.infoCategoryCode}`;
	const where = `${UNSURE}; if OCCTO's specification puts the business protocol elsewhere, enter it in the credential's Advanced Settings → Required Plan Values`;
	if (!found.length) return [missing(parent, code, 'business-protocol', `Add <${code}>${value}</${code}> (${why}). ${where}.`, basis)];
	return found
		.filter((element) => element.text !== value)
		.map((element) => ({
			...place(element),
			rule: 'business-protocol' as const,
			message: `${label(code)} is "${element.text}", not ${value}`,
			fix: `Set <${code}> to ${value} (${why}). ${where}.`,
			...basis,
		}));
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Whether digits (YYYYMMDD[HHMM[SS]]) name a real moment: month 1–12, the month's days, 29 Feb only in leap years. */
export function isCalendarDigits(value: string, length: number): boolean {
	if (value.length !== length || !/^\d+$/.test(value)) return false;
	const year = +value.slice(0, 4);
	const month = +value.slice(4, 6);
	const day = +value.slice(6, 8);
	if (month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1]) return false;
	if (month === 2 && day === 29 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))) return false;
	if (length >= 12 && (+value.slice(8, 10) > 23 || +value.slice(10, 12) > 59)) return false;
	return length < 14 || +value.slice(12, 14) <= 59;
}

function dateProblem(element: ScannedElement, format: string): PlanProblem | undefined {
	const value = element.text;
	const digits = format.length;
	if (isCalendarDigits(value, digits)) return undefined;
	const example = '20261201093000'.slice(0, digits);
	const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(value);
	const rewritten = iso ? iso.slice(1).map((part) => part ?? '00').join('').slice(0, digits) : undefined;
	const shapeOk = value.length === digits && /^\d+$/.test(value);
	return {
		...place(element),
		rule: 'date',
		message: value
			? shapeOk
				? `${label(element.name)} "${value}" is not a real calendar date`
				: `${label(element.name)} "${value}" is not a date in the form ${format}`
			: `${label(element.name)} is empty`,
		fix: `${
			rewritten && isCalendarDigits(rewritten, digits)
				? `Write it as ${rewritten} (${format}, Japan time).`
				: `Write a real date as ${format} in Japan time, e.g. ${example}.`
		} The form ${format} is the node's assumption, not OCCTO's specification: if OCCTO takes your form, ignore this warning.`,
		...DATE_FORMAT,
	};
}
