// What a user's plan input cannot do (issue 32): Plan Data keys that are not element names or that name the
// fields the panel owns, repeated single elements, XSD folders that are the whole disk or huge files; and the
// credential test when the call ledger fails. Real WorkflowExecute, a real HTTPS simulator counting calls.
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, ftruncateSync, chmodSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { CredentialTestContext } from 'n8n-core';
import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData } from 'n8n-workflow';

import { LEDGER_FOLDER, testOcctoCredential } from '../nodes/occtoApi';
import type { OcctoSimulator } from '../simulators/occto/server';
import { startOcctoSimulator } from '../simulators/occto/server';
import { errorOf, outputOf } from './harness';
import { simulatorCredential, validPlanXml } from './occto-fixtures';
import { occtoNode, occtoRunner, setCallsUsed } from './occtoRunner';

const USER = 'U0000001';
const BODY = 'SBD-MSG/JPMGRP/JPTRM';
const XSD = path.join(__dirname, 'fixtures', 'xsd', 'occto');
const allowed = mkdtempSync(path.join(tmpdir(), 'occto-xsd-allowed-'));
let sim: OcctoSimulator;
let before = 0;
const { run } = occtoRunner(() => sim);

beforeAll(async () => {
	process.env.N8N_RESTRICT_FILE_ACCESS_TO = `${allowed};/`; // "/" too: the walk's limits, not n8n's, must refuse it
	sim = await startOcctoSimulator({ statusDelayMs: 100 });
});
afterAll(async () => {
	await sim.close();
	rmSync(allowed, { recursive: true, force: true });
});
beforeEach(async () => {
	sim.setCallCount(USER, 0);
	await setCallsUsed(USER, 0);
	before = sim.requests.length;
});

const expectNoCall = () => {
	expect(sim.requests.length).toBe(before);
	expect(sim.getCallCount(USER)).toBe(0);
};

const fields = { planSource: 'json', senderCode: 'S0001', recipientCode: 'OCCTO', targetDate: '2026-12-01' };
async function node(parameters: IDataObject, input?: INodeExecutionData[]) {
	const result = await run([occtoNode('OCCTO', { resource: 'outagePlan', ...parameters })], { input });
	const error = errorOf(result, 'OCCTO');
	return { error, output: error ? [] : outputOf(result, 'OCCTO') };
}
const register = (parameters: IDataObject, input?: INodeExecutionData[]) => node({ operation: 'register', ...parameters }, input);
const validate = async (parameters: IDataObject) => {
	const { error, output } = await node({ operation: 'validate', ...parameters });
	if (error) throw error;
	return output[0] as IDataObject & { valid: boolean; problems: Array<IDataObject & { rule: string; path: string; severity: string; basis: string }> };
};

describe('Plan Data keys become element names only when they are names the panel does not own', () => {
	const injected = 'C/><JP06358>OTHER</JP06358><!--';

	it('a key that is not an XML name is refused before any call, naming the key and the item, at any depth', async () => {
		const top = await register({ ...fields, planData: { [injected]: 'x' } });
		expect(top.error?.message).toBe(`"Plan Data (JSON)" of item 0 has the key ${JSON.stringify(injected)}, which is not an XML element name`);
		const nested = await register({ ...fields, planData: { OUTAGE_ITEM: [{ FACILITY_NM: 'a' }, { [injected]: 'x' }] } });
		expect(nested.error?.message).toMatch(/has the key "C\/><JP06358>.*" \(at "OUTAGE_ITEM\[1\]\.C\/>.*"\), which is not an XML element name/);
		// the second item of two: the item is named
		const input = [{ json: { data: { GOOD: 'x' } } }, { json: { data: { '1BAD': 'x' } } }];
		const second = await register({ ...fields, planData: '={{ $json.data }}' }, input);
		expect(second.error?.message).toMatch(/of item 1 has the key "1BAD"/);
		const arrays = await register({ ...fields, planData: { OUTAGE_ITEM: [[{ A: 1 }]] } });
		expect(arrays.error?.message).toMatch(/array directly inside an array at "OUTAGE_ITEM\[0\]"/);
		// Validate refuses it alike (it cannot be turned into a plan to check)
		const validated = await node({ operation: 'validate', ...fields, planData: { [injected]: 'x' } });
		expect(validated.error?.message).toMatch(/has the key "C\/><JP06358>.*", which is not an XML element name/);
		expectNoCall();
	});

	it('Japanese element names, attributes (@name) and text (#text) are fine', async () => {
		const report = await validate({ ...fields, planData: { 設備: { '@kind': 'gen', '#text': '1号機' }, OUTAGE_ITEM: { STR_DATE: '20261201' } } });
		expect(report.valid).toBe(true);
	});

	it('a key naming a field the panel owns (JP06358) is refused, at any depth, unless "Plan Data May Set Header Fields" is on', async () => {
		for (const planData of [{ JP06358: 'OTHER' }, { OUTAGE_ITEM: { JP06358: 'OTHER' } }, { JPMGH: { JPC11: 'X' } }]) {
			const { error } = await register({ ...fields, planData });
			expect(error?.message).toMatch(/has the key "(JP06358|JPMGH)".*which the envelope or a field above owns/);
			expect(error?.description).toMatch(/Plan Data May Set Header Fields/);
		}
		expectNoCall();
		// on: a top-level key replaces the panel's value (one recipient), a nested one makes a second (an error)
		const replaced = await validate({ ...fields, planDataSetsHeaderFields: true, planData: { JP06358: 'OTHER' } });
		expect(replaced.valid).toBe(true);
		const twice = await validate({ ...fields, planDataSetsHeaderFields: true, planData: { OUTAGE_ITEM: { JP06358: 'OTHER' } } });
		expect(twice.valid).toBe(false);
		expect(twice.problems).toEqual([expect.objectContaining({ rule: 'repeated', path: `${BODY}/OUTAGE_ITEM/JP06358`, severity: 'error', basis: 'specification' })]);
		expectNoCall();
	});
});

describe('every occurrence of an element is checked; one the plan carries once may not repeat', () => {
	const twoRecipients = validPlanXml().replace('<JP06358>OCCTO</JP06358>', '<JP06358>OCCTO</JP06358><JP06358>OTHER</JP06358>');

	it('an XML Text plan with two JP06358 fails Validate, and Register refuses it with no call', async () => {
		const report = await validate({ planSource: 'xml', planXml: twoRecipients });
		expect(report.valid).toBe(false);
		expect(report.problems).toEqual([
			expect.objectContaining({ rule: 'repeated', path: `${BODY}/JP06358`, line: 9, severity: 'error', basis: 'specification', message: expect.stringMatching(/^<JP06358> \(提出先事業者コード\) occurs 2 times \(lines 9, 9\)/) }),
		]);
		const { error } = await register({ planSource: 'xml', planXml: twoRecipients });
		expect(error?.message).toMatch(/cannot be sent: <JP06358> .* occurs 2 times/);
		expectNoCall();
	});

	it('Required Plan Values check every occurrence and expect one', async () => {
		const report = await validate({ planSource: 'xml', planXml: twoRecipients, options: { requiredPlanValues: 'JP06358 = OCCTO' } });
		expect(report.problems.map((p) => `${p.rule} ${p.basis} ${p.message}`).sort()).toEqual([
			expect.stringMatching(/^configured credential <JP06358> \(提出先事業者コード\) is "OTHER", not OCCTO/),
			expect.stringMatching(/^repeated credential .*requires it once, with the value OCCTO/),
			expect.stringMatching(/^repeated specification /),
		]);
	});

	it('the assumed protocol checks read every occurrence; a repeated assumed element is a warning', async () => {
		const xml = validPlanXml().replace('<JP00002>0001</JP00002>', '<JP00002>0001</JP00002><PLAN_DIVISION>2</PLAN_DIVISION>');
		const report = await validate({ planSource: 'xml', planXml: xml });
		expect(report.valid).toBe(true);
		expect(report.problems).toEqual([expect.objectContaining({ rule: 'repeated', path: `${BODY}/PLAN_DIVISION`, severity: 'warning', assumption: 6 })]);
		// names of Object.prototype's members are elements like any other
		const inherited = validPlanXml().replace('<JP00002>', '<constructor/><constructor/><toString/><toString/><JP00002>');
		expect((await validate({ planSource: 'xml', planXml: inherited })).problems).toEqual([]);
		const header = validPlanXml().replace('<JPC21>', '<JPC11>3BS2</JPC11><JPC21>');
		const wrong = await validate({ planSource: 'xml', planXml: header });
		expect(wrong.problems.map((p) => `${p.rule} ${p.severity}`).sort()).toEqual(['business-protocol warning', 'repeated error']);
	});
});

describe('XSD Folder Path: bounded, and one answer for what cannot be read', () => {
	const refusal = async (xsdFolder: string) => {
		const { error } = await node({ operation: 'validate', planSource: 'xml', planXml: validPlanXml(), options: { xsdFolder } });
		expect(error).toBeDefined();
		return `${error!.message.replace(xsdFolder, '<folder>')} | ${error!.description}`;
	};

	it('/ is refused at the walk\'s first limit, quickly', async () => {
		const started = Date.now();
		expect(await refusal('/')).toMatch(/"XSD Folder Path" <folder> holds (more than 1000 files and folders|folders more than 4 levels deep)/);
		expect(Date.now() - started).toBeLessThan(5000);
		const deep = path.join(allowed, 'deep', 'a', 'b', 'c', 'd', 'e');
		mkdirSync(deep, { recursive: true });
		expect(await refusal(path.join(allowed, 'deep'))).toMatch(/folders more than 4 levels deep/);
		expectNoCall();
	});

	it('a missing path, a file and an unreadable folder get the same error', async () => {
		const file = path.join(allowed, 'not-a-folder.xsd');
		writeFileSync(file, '<x/>');
		const missing = await refusal(path.join(allowed, 'missing'));
		expect(missing).toBe('"XSD Folder Path" <folder> cannot be read | Check that the folder exists on the n8n server and that n8n may read it.');
		expect(await refusal(path.join(allowed, 'missing', 'deeper'))).toBe(missing);
		expect(await refusal(file)).toBe(missing);
		if (process.getuid?.() !== 0) {
			const locked = path.join(allowed, 'locked');
			mkdirSync(locked);
			chmodSync(locked, 0);
			expect(await refusal(locked)).toBe(missing);
			chmodSync(locked, 0o700);
		}
	});

	it('an XSD file over 20 MB is refused from its size, without being read', async () => {
		const folder = path.join(allowed, 'huge');
		mkdirSync(folder);
		for (const name of ['outage-plan.xsd', 'common-types.xsd']) copyFileSync(path.join(XSD, name), path.join(folder, name));
		const fd = openSync(path.join(folder, 'zz-huge.xsd'), 'w');
		ftruncateSync(fd, 8 * 1024 ** 3); // sparse: 8 GB that reading would take minutes and memory to refuse
		closeSync(fd);
		const started = Date.now();
		expect(await refusal(folder)).toMatch(/^The XSD file zz-huge\.xsd is larger than 20 MB/);
		expect(Date.now() - started).toBeLessThan(5000);
	});
});

describe('OCCTO credential test', () => {
	const credentialTest = async (data: ICredentialDataDecryptedObject) =>
		await testOcctoCredential.call(new CredentialTestContext(), { id: '1', name: 'OCCTO', type: 'occtoWebApi', data });

	it('a call ledger that fails on reserving gives the test\'s own failure message, and sends nothing', async () => {
		const calls = path.join(process.env.N8N_USER_FOLDER!, '.n8n', LEDGER_FOLDER, 'calls.json');
		mkdirSync(path.dirname(calls), { recursive: true });
		writeFileSync(calls, '{ damaged');
		try {
			const result = await credentialTest({ ...simulatorCredential(sim), ledger: 'file' });
			expect(result).toEqual({ status: 'Error', message: expect.stringMatching(/call ledger file .*calls\.json is damaged.*The test was not sent\.$/) });
			expectNoCall();
		} finally {
			rmSync(calls, { force: true });
		}
		expect(await credentialTest({ ...simulatorCredential(sim), ledger: 'file' })).toEqual(expect.objectContaining({ status: 'OK' }));
	});
});
