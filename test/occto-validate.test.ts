// Outage Plan → Validate and Register's "Validate Before Sending", through n8n-core's real WorkflowExecute.
// The OCCTO simulator (a real HTTPS server) runs throughout so every check can assert it was never called.
import path from 'node:path';
import { readFileSync } from 'node:fs';

import * as iconv from 'iconv-lite';
import type { ICredentialDataDecryptedObject, IDataObject, INode, INodeExecutionData } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { OcctoWebApi } from '../credentials/OcctoWebApi.credentials';
import { OcctoOutagePlan } from '../nodes/OcctoOutagePlan/OcctoOutagePlan.node';
import { MAX_PLAN_BYTES } from '../nodes/occtoApi';
import type { OcctoSimulator } from '../simulators/occto/server';
import { startOcctoSimulator } from '../simulators/occto/server';
import { CredentialStore, chain, errorOf, outputOf, runWorkflow } from './harness';
import { simulatorCredential, validPlanXml } from './occto-fixtures';
import { occtoNode, setCallsUsed } from './occtoRunner';

const TYPE = 'n8n-nodes-occto-anpi.occtoOutagePlan';
const USER = 'U0000001';
const XSD_DIR = path.join(__dirname, 'fixtures', 'xsd');
const OCCTO_XSD = path.join(XSD_DIR, 'occto');
let sim: OcctoSimulator;
let requestsBefore = 0;

beforeAll(async () => {
	// n8n reads only allowed folders (N8N_RESTRICT_FILE_ACCESS_TO); the test schema folder is one of them
	process.env.N8N_RESTRICT_FILE_ACCESS_TO = XSD_DIR;
	sim = await startOcctoSimulator({ statusDelayMs: 100, seedPlans: 1 });
});
afterAll(async () => {
	await sim.close();
});
beforeEach(async () => {
	sim.setCallCount(USER, 0);
	await setCallsUsed(USER, 0);
	requestsBefore = sim.requests.length;
});

/** No request reached OCCTO and no call was counted: what every validation must cost. */
function expectNoCall() {
	expect(sim.requests.length).toBe(requestsBefore);
	expect(sim.getCallCount(USER)).toBe(0);
}

async function run(parameters: IDataObject, input?: INodeExecutionData[], credentialFields: IDataObject = {}) {
	const { nodes, connections } = chain([occtoNode('OCCTO', parameters)]);
	const credential = { ...simulatorCredential(sim), ...credentialFields } as ICredentialDataDecryptedObject;
	const store = new CredentialStore({ occtoWebApi: new OcctoWebApi() }, { occtoWebApi: credential });
	return await runWorkflow({ nodes, connections, nodeTypes: { [TYPE]: new OcctoOutagePlan() }, credentials: store, input });
}

interface Problem {
	line: number;
	column?: number;
	path: string;
	rule: string;
	message: string;
	fix: string;
	severity: 'error' | 'warning';
	basis: string;
	assumption?: number;
}

const SPEC = { severity: 'error', basis: 'specification' } as const;
const assumed = (assumption: number) => ({ severity: 'warning', basis: 'assumption', assumption }) as const;

async function validate(xml: string, extra: IDataObject = {}, input?: INodeExecutionData[]) {
	const result = await run({ resource: 'outagePlan', operation: 'validate', planSource: 'xml', planXml: xml, ...extra }, input);
	const error = errorOf(result, 'OCCTO');
	if (error) throw error;
	const [json] = outputOf(result, 'OCCTO');
	return json as IDataObject & { valid: boolean; problems: Problem[]; problemCount: number; errorCount: number; warningCount: number };
}

const BODY = 'SBD-MSG/JPMGRP/JPTRM';
const swap = (from: string, to: string, xml = validPlanXml({ messageId: 'TEST0001' })) => {
	expect(xml).toContain(from);
	return xml.replace(from, to);
};

describe('Outage Plan → Validate: no OCCTO call, one entry per problem', () => {
	it('a valid plan passes, with zero calls and zero quota', async () => {
		const report = await validate(validPlanXml());
		expect(report).toEqual(
			expect.objectContaining({ valid: true, problems: [], problemCount: 0, errorCount: 0, warningCount: 0, encoding: 'Shift_JIS', schemaFiles: [] }),
		);
		expect(report.sizeBytes).toBe(iconv.encode(validPlanXml(), 'cp932').length);
		expect(report.summary).toMatch(/passed every check/);
		expectNoCall();
	});

	// each rule, each with a plan that breaks only it: rule, line, path, a fix, and what it rests on — only the
	// specification makes an error; an ASSUMPTION of mapping.ts (numbered) is a warning
	const cases: Array<[string, string, Partial<Omit<Problem, 'fix'>> & { rule: string; severity: string; fix?: unknown }]> = [
		['empty', '   \n ', { rule: 'empty', line: 1, ...SPEC }],
		['well-formed', '<SBD-MSG>\n  <JPMGRP>\n    <JPMGH></JPTRM>', { rule: 'well-formed', line: 3, path: 'SBD-MSG/JPMGRP/JPMGH', ...SPEC }],
		['no-dtd', '<!DOCTYPE SBD-MSG [<!ENTITY x "y">]>\n<SBD-MSG/>', { rule: 'no-dtd', line: 1, ...SPEC }],
		['envelope: root', '<OTHER><JPMGRP/></OTHER>', { rule: 'envelope', line: 1, path: 'OTHER', ...SPEC }],
		['envelope: header', swap('<JPMGH><JPC03>3A</JPC03><JPC11>3AS1</JPC11><JPC21>TEST0001</JPC21></JPMGH>', ''), { rule: 'envelope', line: 3, path: 'SBD-MSG/JPMGRP/JPMGH', ...assumed(12) }],
		['business protocol: BPID', swap('<JPC11>3AS1</JPC11>', '<JPC11>3BS2</JPC11>'), { rule: 'business-protocol', line: 4, path: 'SBD-MSG/JPMGRP/JPMGH/JPC11', ...assumed(9) }],
		['business protocol: 情報区分コード', swap('<JP00002>0001</JP00002>', '<JP00002>0002</JP00002>'), { rule: 'business-protocol', line: 6, path: `${BODY}/JP00002`, ...assumed(12) }],
		['required code missing', validPlanXml({ senderCode: null }), { rule: 'required-code', line: 5, path: `${BODY}/JP06110`, ...assumed(12) }],
		['required code empty', validPlanXml({ recipientCode: '' }), { rule: 'required-code', line: 9, path: `${BODY}/JP06358`, ...assumed(12) }],
		['date: not a calendar date', validPlanXml({ targetDate: '20261340' }), { rule: 'date', line: 10, path: `${BODY}/JP06116`, ...assumed(10) }],
		['date: wrong form', swap('<STR_DATE>20261201</STR_DATE>', '<STR_DATE>2026-12-01</STR_DATE>'), { rule: 'date', line: 12, path: `${BODY}/OUTAGE_ITEM/STR_DATE`, fix: expect.stringMatching(/^Write it as 20261201 \(YYYYMMDD, Japan time\)\. /), ...assumed(10) }],
		['Shift_JIS', validPlanXml({ facility: '𠮷野家発電所' }), { rule: 'shift-jis', line: 12, column: 33, path: `${BODY}/OUTAGE_ITEM/FACILITY_NM`, ...SPEC }],
	];
	it.each(cases)('%s: reported with its rule, place, fix, severity and basis, and no call', async (_name, xml, expected) => {
		const report = await validate(xml);
		const isError = expected.severity === 'error';
		expect(report.valid).toBe(!isError);
		expect([report.errorCount, report.warningCount]).toEqual(isError ? [1, 0] : [0, 1]);
		expect(report.problems).toHaveLength(1);
		expect(report.problems[0]).toEqual(expect.objectContaining(expected));
		expect(report.problems[0].message.length).toBeGreaterThan(10);
		expect(report.problems[0].fix.length).toBeGreaterThan(10);
		expect(report.summary).toMatch(isError ? /^1 error; the first error, at line/ : /^No errors; registering it costs one call\. 1 warning where the plan differs from the node's assumptions/);
		if (!isError) expect(report.problems[0].fix).toMatch(/not OCCTO's specification/);
		expectNoCall();
	});

	it('the credential-less Required Plan Values option turns the assumed header checks into the user\'s own errors', async () => {
		// a header that carries the business protocol elsewhere: only warnings by default…
		const foreign = swap('<JPMGH><JPC03>3A</JPC03><JPC11>3AS1</JPC11>', '<JPMGH><JPC03>ES</JPC03><JPC05>3A</JPC05><JPC11>S1</JPC11>');
		const byDefault = await validate(foreign);
		expect(byDefault).toEqual(expect.objectContaining({ valid: true, errorCount: 0, warningCount: 2 }));
		expect(byDefault.problems.map((p) => [p.path.split('/').pop(), p.severity, p.basis, p.assumption])).toEqual([
			['JPC03', 'warning', 'assumption', 9],
			['JPC11', 'warning', 'assumption', 9],
		]);
		// …and with the real layout configured, it passes, while a plan that breaks it is refused
		const layout = { requiredPlanValues: 'JPMGRP/JPMGH/JPC05 = 3A\nJPC11 = S1' };
		expect(await validate(foreign, { options: layout })).toEqual(expect.objectContaining({ valid: true, problemCount: 0 }));
		const wrong = await validate(swap('<JPC05>3A</JPC05>', '<JPC05>3B</JPC05>', foreign), { options: layout });
		expect(wrong.valid).toBe(false);
		expect(wrong.problems).toEqual([
			expect.objectContaining({ rule: 'configured', severity: 'error', basis: 'credential', path: 'SBD-MSG/JPMGRP/JPMGH/JPC05', message: '<JPC05> is "3B", not 3A as the credential\'s Advanced Settings → Required Plan Values requires' }),
		]);
		const missing = await validate(validPlanXml(), { options: layout });
		expect(missing.problems.map((p) => [p.rule, p.path])).toEqual([
			['configured', 'SBD-MSG/JPMGRP/JPMGH/JPC05'], // absent
			['configured', 'SBD-MSG/JPMGRP/JPMGH/JPC11'], // 3AS1, not S1
		]);
		expectNoCall();
	});

	it('size: a plan larger than the limit is reported (and still checked for the rest)', async () => {
		const item = '<OUTAGE_ITEM><FACILITY_NM>○○発電所1号機</FACILITY_NM><STR_DATE>20261201</STR_DATE></OUTAGE_ITEM>\n';
		const copies = Math.ceil(MAX_PLAN_BYTES / iconv.encode(item, 'cp932').length) + 10;
		const big = swap('</JPTRM>', `${item.repeat(copies)}</JPTRM>`);
		const report = await validate(big);
		expect(report.problems.map((p) => p.rule)).toEqual(['size']);
		expect(report.problems[0].message).toMatch(/MB in Shift_JIS, more than the 10 MB/);
		expectNoCall();
	});

	it('names each character Shift_JIS lacks with its line and column, counting characters as an editor does', async () => {
		const report = await validate(validPlanXml({ facility: 'A😀髙𠮷〜' }));
		expect(report.problems.map((p) => [p.rule, p.line, p.column, p.message.match(/"(.+?)"/)?.[1]])).toEqual([
			['shift-jis', 12, 34, '😀'],
			['shift-jis', 12, 36, '𠮷'],
			['shift-jis', 12, 37, '〜'],
		]);
		expect(report.problems[1].fix).toContain('吉');
		expect(report.problems[2].fix).toContain('～'); // the WAVE DASH's CP932 look-alike
		expect(report.problems[0].message).toContain('U+1F600');
	});

	it('accepts characters only CP932 has (髙, ①, 﨑, Ⅲ) in Shift_JIS, and anything in UTF-8', async () => {
		expect((await validate(validPlanXml({ facility: '髙﨑変電所①Ⅲ' }))).valid).toBe(true);
		const utf8 = await validate(validPlanXml({ facility: '𠮷野家😀' }), { encoding: 'UTF-8' });
		expect(utf8).toEqual(expect.objectContaining({ valid: true, encoding: 'UTF-8' }));
		expectNoCall();
	});

	it('lists every problem of a plan at once, in document order', async () => {
		const xml = swap('<JPC11>3AS1</JPC11>', '<JPC11>3A</JPC11>', validPlanXml({ senderCode: null, targetDate: '2026/12/01', facility: '鷗' }));
		const report = await validate(xml);
		expect(report.problems.map((p) => `${p.line} ${p.rule} ${p.path.split('/').pop()} ${p.severity}`)).toEqual([
			'4 business-protocol JPC11 warning',
			'5 required-code JP06110 warning',
			'10 date JP06116 warning',
			'12 shift-jis FACILITY_NM error',
		]);
		expect([report.problemCount, report.errorCount, report.warningCount]).toEqual([4, 1, 3]);
		expect(report.problems[3].fix).toContain('鴎');
	});

	it('counts lines of pasted text with blank lines before the XML declaration', async () => {
		const report = await validate(`\n\n${validPlanXml({ targetDate: '20260230' })}`);
		expect(report.problems).toEqual([expect.objectContaining({ rule: 'date', line: 12, path: `${BODY}/JP06116` })]);
	});

	it('reads the same plan sources as Register: a Shift_JIS binary file, and fields (reported, not refused)', async () => {
		const sjis = iconv.encode(validPlanXml({ facility: '髙﨑変電所' }).replace('UTF-8', 'Shift_JIS'), 'cp932');
		const input = [{ json: {}, binary: { plan: { data: sjis.toString('base64'), mimeType: 'application/xml', fileName: 'plan.xml' } } }];
		const binary = await validate('', { planSource: 'binary', binaryPropertyName: 'plan' }, input);
		expect(binary.valid).toBe(true);

		const fields = await validate('', {
			planSource: 'json',
			senderCode: '={{ $json.missing }}', // mapped from data that lacks it
			recipientCode: 'OCCTO',
			targetDate: 'next tuesday',
			planData: { OUTAGE_ITEM: { FACILITY_NM: '○○発電所', STR_DATE: '20261301' } },
		});
		expect(fields.problems.map((p) => `${p.rule} ${p.path}`)).toEqual([
			`required-code ${BODY}/JP06110`,
			`date ${BODY}/JP06116`,
			`date ${BODY}/OUTAGE_ITEM/STR_DATE`,
		]);
		const good = await validate('', { planSource: 'json', senderCode: 'S0001', recipientCode: 'OCCTO', targetDate: '2026-12-01' });
		expect(good.valid).toBe(true);
		expectNoCall();
	});
});

describe("Validate with OCCTO's XSD (a test schema standing in for OCCTO's)", () => {
	const xsdBinaries = () => {
		const binary: INodeExecutionData['binary'] = {};
		for (const name of ['outage-plan.xsd', 'common-types.xsd']) {
			binary[name.replace(/[-.]/g, '_')] = {
				data: readFileSync(path.join(OCCTO_XSD, name)).toString('base64'),
				mimeType: 'application/xml',
				fileName: name,
			};
		}
		return [{ json: {}, binary }];
	};
	const schemaBreaker = swap('<JP06110>S0001</JP06110>', '<JP06110>s-1</JP06110>', validPlanXml({ facility: 'あ'.repeat(41) }));

	it('from binary fields: a valid plan passes; one the schema refuses gets one problem per schema error', async () => {
		const pass = await validate(validPlanXml(), { options: { xsdBinaryFields: '*' } }, xsdBinaries());
		expect(pass).toEqual(expect.objectContaining({ valid: true, schemaFiles: ['outage-plan.xsd', 'common-types.xsd'] }));
		expect(pass.summary).toContain("OCCTO's schema (outage-plan.xsd)");

		const fail = await validate(schemaBreaker, { options: { xsdBinaryFields: 'outage_plan_xsd, common_types_xsd' } }, xsdBinaries());
		expect(fail.valid).toBe(false);
		expect(fail.problems.map((p) => `${p.line} ${p.rule} ${p.path}`)).toEqual([
			`7 xsd ${BODY}/JP06110`,
			`12 xsd ${BODY}/OUTAGE_ITEM/FACILITY_NM`,
		]);
		expect(fail.problems[0].message).toMatch(/OCCTO's schema: Element 'JP06110'.*pattern/);
		expect(fail.problems[0].fix).toMatch(/outage-plan\.xsd/);
		expectNoCall();
	});

	it('from a folder: element order and unknown elements are caught; the certain checks still run', async () => {
		const options = { xsdFolder: OCCTO_XSD };
		expect((await validate(validPlanXml(), { options })).valid).toBe(true);
		const misplaced = swap('<PLAN_DIVISION>1</PLAN_DIVISION>', '<PLAN_DIVISION>1</PLAN_DIVISION><REMARKS>x</REMARKS>', validPlanXml({ targetDate: '20261399' }));
		const report = await validate(misplaced, { options });
		expect(report.problems.map((p) => `${p.rule} ${p.path.split('/').pop()}`)).toEqual(['date JP06116', 'xsd REMARKS']);
		expect(report.problems[1].message).toMatch(/REMARKS.*not expected/);
		expectNoCall();
	});

	it('refuses unusable schema input before anything else, naming the option and the fix', async () => {
		const failure = async (options: IDataObject, input?: INodeExecutionData[]) => {
			const result = await run({ resource: 'outagePlan', operation: 'validate', planSource: 'xml', planXml: validPlanXml(), options }, input);
			const error = errorOf(result, 'OCCTO');
			expect(error).toBeDefined();
			return `${error!.message} | ${error!.description}`;
		};
		expect(await failure({ xsdFolder: path.join(XSD_DIR, 'broken') })).toMatch(/could not be used.*NoSuchType/);
		expect(await failure({ xsdFolder: XSD_DIR })).toMatch(/Several XSD files could be the main schema.*Main XSD File/);
		expect(await failure({ xsdFolder: XSD_DIR, xsdMainFile: 'nope.xsd' })).toMatch(/"Main XSD File" nope.xsd is not among/);
		expect(await failure({ xsdFolder: path.join(XSD_DIR, 'missing') })).toMatch(/"XSD Folder Path" .* cannot be read/);
		expect(await failure({ xsdFolder: __dirname })).toMatch(/not allowed to read.*N8N_RESTRICT_FILE_ACCESS_TO/);
		expect(await failure({ xsdBinaryFields: '*' })).toMatch(/No input binary field holds an \.xsd file/);
		expectNoCall();
	});

	it('takes the main schema by name when several are given', async () => {
		const report = await validate(validPlanXml(), { options: { xsdFolder: XSD_DIR, xsdMainFile: 'outage-plan.xsd' } });
		expect(report.valid).toBe(true);
		expect(report.schemaFiles).toEqual(expect.arrayContaining(['occto/outage-plan.xsd', 'occto/common-types.xsd']));
	});
});

describe('Register → Validate Before Sending', () => {
	const register = (extra: IDataObject) => run({ resource: 'outagePlan', operation: 'register', planSource: 'xml', ...extra });

	it('is on by default: a plan with an error is not sent, costs no call, and the error lists every problem', async () => {
		const result = await register({ planXml: validPlanXml({ senderCode: null, targetDate: '20261340', facility: '𠮷野家発電所' }) });
		const error = errorOf(result, 'OCCTO')!;
		expect(error.message).toMatch(/^The plan XML cannot be sent: the character "𠮷" .* cannot be written in Shift_JIS \(CP932\) \(and 2 more problems\)$/);
		expect(error.description).toContain(`line 5:5, ${BODY}/JP06110 [required-code, warning: ASSUMPTION 12 in mapping.ts]`);
		expect(error.description).toContain(`line 10:7, ${BODY}/JP06116 [date, warning: ASSUMPTION 10 in mapping.ts]`);
		expect(error.description).toContain(`${BODY}/OUTAGE_ITEM/FACILITY_NM [shift-jis, error: specification]`);
		expect(error.description).toMatch(/no OCCTO call was used/);
		expectNoCall();
	});

	it('a plan with a foreign header layout registers with the defaults: one call, warnings on the item and as a hint', async () => {
		const foreign = swap('<JPMGH><JPC03>3A</JPC03><JPC11>3AS1</JPC11>', '<JPMGH><JPC03>ES</JPC03><JPC05>3A</JPC05><JPC11>S1</JPC11>');
		const result = await register({ planXml: foreign });
		expect(errorOf(result, 'OCCTO')).toBeUndefined();
		const [receipt] = outputOf(result, 'OCCTO') as Array<IDataObject & { warnings: Problem[] }>;
		expect(receipt.occtoReceptionNo).toMatch(/^\d{10}$/);
		expect(receipt.validated).toBe(true);
		expect(receipt.warnings.map((w) => [w.path.split('/').pop(), w.severity, w.basis, w.assumption])).toEqual([
			['JPC03', 'warning', 'assumption', 9],
			['JPC11', 'warning', 'assumption', 9],
		]);
		const hints = (result.data.resultData.runData.OCCTO[0] as { hints?: Array<{ message: string }> }).hints ?? [];
		expect(hints.map((hint) => hint.message).join('\n')).toMatch(/Plan check warning at line 4 .*<JPC03> \(BPID版\) is "ES", not 3A \[warning: ASSUMPTION 9 in mapping.ts\] \(and 1 more/);
		expect(sim.requests.length).toBe(requestsBefore + 1);
	});

	it("the credential's Required Plan Values are enforced as errors before sending", async () => {
		const credential = { advancedSettings: true, requiredPlanValues: 'JPMGRP/JPMGH/JPC05 = 3A' };
		const refused = await run({ resource: 'outagePlan', operation: 'register', planSource: 'xml', planXml: validPlanXml() }, undefined, credential);
		expect(errorOf(refused, 'OCCTO')?.message).toBe('The plan XML cannot be sent: the plan lacks <JPC05>, which the credential\'s Advanced Settings → Required Plan Values requires to be "3A"');
		expectNoCall();
		// a message ID of its own: the same plan as the test before would be a repeat, not sent again
		const foreign = swap('<JPMGH><JPC03>3A</JPC03><JPC11>3AS1</JPC11><JPC21>TEST0001', '<JPMGH><JPC03>ES</JPC03><JPC05>3A</JPC05><JPC11>S1</JPC11><JPC21>TEST0002');
		const [sent] = outputOf(await run({ resource: 'outagePlan', operation: 'register', planSource: 'xml', planXml: foreign }, undefined, credential), 'OCCTO');
		expect(sent).toEqual(expect.objectContaining({ validated: true, warnings: [] }));
		expect(sim.requests.length).toBe(requestsBefore + 1);
	});

	it('a passing plan is sent once and says validated: true', async () => {
		const [receipt] = outputOf(await register({ planXml: validPlanXml({ facility: '髙﨑変電所①' }) }), 'OCCTO');
		expect(receipt).toEqual(expect.objectContaining({ validated: true, encoding: 'Shift_JIS' }));
		expect(receipt.occtoReceptionNo).toMatch(/^\d{10}$/);
		expect(sim.requests.length).toBe(requestsBefore + 1);
	});

	it("checks OCCTO's XSD when configured, and can be turned off to send a plan as it is", async () => {
		const refused = await register({ planXml: swap('<JP06110>S0001</JP06110>', '<JP06110>s0001</JP06110>'), options: { xsdFolder: OCCTO_XSD } });
		expect(errorOf(refused, 'OCCTO')?.message).toMatch(/cannot be sent: OCCTO's schema: Element 'JP06110'/);
		expectNoCall();

		const [sent] = outputOf(await register({ planXml: validPlanXml({ targetDate: '20261340' }), options: { validateBeforeSending: false } }), 'OCCTO');
		expect(sent).toEqual(expect.objectContaining({ validated: false }));
		expect(sim.requests.length).toBe(requestsBefore + 1);
	});
});

describe('without a credential', () => {
	it('Validate runs on a node that has no OCCTO credential (the credential is hidden for it)', async () => {
		const bare: INode = { ...occtoNode('OCCTO', { resource: 'outagePlan', operation: 'validate', planSource: 'xml', planXml: validPlanXml() }), credentials: undefined };
		const { nodes, connections } = chain([bare]);
		const result = await runWorkflow({ nodes, connections, nodeTypes: { [TYPE]: new OcctoOutagePlan() }, credentials: new CredentialStore({}, {}) });
		expect(outputOf(result, 'OCCTO')[0].valid).toBe(true);
		expectNoCall();
		// and the editor neither shows nor demands the credential for Validate, but does for every other operation
		const type = new OcctoOutagePlan();
		const [credential] = type.description.credentials!;
		const shown = (operation: string) =>
			NodeHelpers.displayParameter({ resource: 'outagePlan', operation }, credential, { typeVersion: 1 }, type.description);
		expect([shown('validate'), shown('register'), shown('getMany')]).toEqual([false, true, true]);
	});
});

describe('as an AI-agent tool', () => {
	it('Validate says what it checks, that it costs no call, and what it returns', () => {
		const operation = new OcctoOutagePlan().description.properties.find(
			(p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes('outagePlan'),
		);
		const option = (operation?.options as Array<{ value: string; description: string }>).find((o) => o.value === 'validate');
		expect(option?.description).toMatch(/without calling OCCTO \(no call, no quota\)/);
		expect(option?.description).toMatch(/line, element path, rule and fix/);
	});
});
