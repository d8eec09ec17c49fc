// What a plan check reports: one entry per problem, each placed (line, element path) and with its fix.

/** Which check found a problem. Stable names: users and AI agents may branch on them. */
export type PlanRule =
	| 'empty'
	| 'well-formed'
	| 'no-dtd'
	| 'envelope'
	| 'business-protocol'
	| 'required-code'
	| 'date'
	| 'shift-jis'
	| 'size'
	| 'xsd';

export interface PlanProblem {
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
	valid: boolean;
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
