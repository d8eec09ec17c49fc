// What a plan check reports: one entry per problem, each placed (line, element path) and with its fix.

/** Which check found a problem. Stable names: users and AI agents may branch on them. */
export type PlanRule =
	| 'empty'
	| 'well-formed'
	| 'no-dtd'
	| 'envelope'
	| 'business-protocol'
	| 'required-code'
	| 'repeated'
	| 'date'
	| 'shift-jis'
	| 'size'
	| 'xsd'
	| 'configured';

/**
 * What a rule rests on. Only the published specification (and what the user configured or supplied: the
 * credential's Required Plan Values, OCCTO's XSD) may block a plan; an ASSUMPTION in mapping.ts only warns.
 */
export type PlanBasis = 'specification' | 'assumption' | 'credential' | 'schema';
export type PlanSeverity = 'error' | 'warning';

export interface ProblemBasis {
	severity: PlanSeverity;
	basis: PlanBasis;
	/** The ASSUMPTION's number in nodes/occtoApi/mapping.ts, where basis is 'assumption'. */
	assumption?: number;
}

export const SPECIFICATION: ProblemBasis = { severity: 'error', basis: 'specification' };
export const CONFIGURED: ProblemBasis = { severity: 'error', basis: 'credential' };
export const SCHEMA: ProblemBasis = { severity: 'error', basis: 'schema' };
export const assumption = (number: number): ProblemBasis => ({ severity: 'warning', basis: 'assumption', assumption: number });

export interface PlanProblem extends ProblemBasis {
	/** 1-based line in the plan XML (for Fields (JSON) plans: in the XML the node built from the fields). */
	line: number;
	/** 1-based column in characters, where the check knows it. */
	column?: number;
	/** Slash-separated element path, e.g. SBD-MSG/JPMGRP/JPTRM/JP06116. */
	path: string;
	rule: PlanRule;
	message: string;
	fix: string;
}

export interface PlanValidation {
	/** No errors: Register would send it. Warnings (assumptions) do not make a plan invalid. */
	valid: boolean;
	errorCount: number;
	warningCount: number;
	/** At most MAX_REPORTED_PROBLEMS entries; problemCount is the full number. */
	problems: PlanProblem[];
	problemCount: number;
	/** The plan's size in bytes in the chosen encoding (as Register would send it). */
	sizeBytes: number;
	/** Names of the XSD files used, empty when no schema was given. */
	schemaFiles: string[];
}

/** A plan with thousands of copies of one bad character would otherwise yield thousands of entries. */
export const MAX_REPORTED_PROBLEMS = 100;
