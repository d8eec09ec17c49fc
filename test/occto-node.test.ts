// The OCCTO Outage Plan node through n8n-core's real WorkflowExecute, over real mutual TLS to the
// simulator (a real HTTPS server on 127.0.0.1).
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { OcctoSimulator } from '../simulators/occto/server';
import { startOcctoSimulator } from '../simulators/occto/server';
import { expectNoSecrets, hintsOf, itemsOf, outputOf } from './harness';
import { badPlanXml, validPlanXml } from './occto-fixtures';
import { occtoNode, occtoRunner, planList, setCallsUsed } from './occtoRunner';
import { sleep } from './support/time';

const USER = 'U0000001';
let sim: OcctoSimulator;
const { credential, secrets, run, failing } = occtoRunner(() => sim);
const node = occtoNode;

// Every test runs against both wire profiles of the simulator (simulators/occto/profiles.ts); the node is
// configured for the "alt" one only through its credential.
describe.each(['standard', 'alt'] as const)('wire profile "%s"', (profileName) => {
	beforeAll(async () => {
		sim = await startOcctoSimulator({ statusDelayMs: 100, seedPlans: 5, profile: profileName });
	});
	afterAll(async () => {
		await sim.close();
	});
	beforeEach(async () => {
		sim.setFault(undefined);
		sim.setCallCount(USER, 0);
		await setCallsUsed(USER, 0);
	});

	describe('OCCTO Outage Plan — operations', () => {
		it('Outage Plan → Get Many lists plans, one item each, with certificate and quota on every item', async () => {
			const result = await run([node('List', planList)]);
			const items = itemsOf(result, 'List');
			expect(items.length).toBeGreaterThanOrEqual(5);
			const first = items[0].json;
			expect(first.occtoReceptionNo).toMatch(/^\d{10}$/);
			expect(first.planDivision).toBeDefined();
			expect(JSON.stringify(items.map((i) => i.json))).toMatch(/発電所/);
			expect(first.certificate).toEqual(expect.objectContaining({ subject: expect.stringContaining(`CN=${USER}`) }));
			expect((first.certificate as IDataObject).daysLeft).toBeGreaterThan(30);
			expect(first.quota).toEqual({ used: 1, limit: 1000, remaining: 999, resetsAt: expect.stringMatching(/T15:00:00.000Z$/), store: 'file' });
			expect(items.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
			expect(hintsOf(result, 'List')).toEqual([]);
		});

		it('Limit trims the list without extra calls', async () => {
			const result = await run([node('List', { ...planList, returnAll: false, limit: 2 })]);
			expect(outputOf(result, 'List')).toHaveLength(2);
			expect(sim.getCallCount(USER)).toBe(1);
		});

		it('list → get chained by expressions in one workflow gives each plan as JSON', async () => {
			const result = await run([
				node('List', { ...planList, returnAll: false, limit: 2 }),
				node('Get', { resource: 'outagePlan', operation: 'get' }), // defaults map {{ $json.planDivision }} / {{ $json.occtoReceptionNo }}
			]);
			const listed = outputOf(result, 'List');
			const plans = itemsOf(result, 'Get');
			expect(plans).toHaveLength(2);
			expect(plans.map((p) => p.json.occtoReceptionNo)).toEqual(listed.map((l) => l.occtoReceptionNo));
			expect(plans[1].pairedItem).toEqual({ item: 1 });
			const plan = plans[0].json.plan as IDataObject;
			expect(plan['SBD-MSG']).toEqual(expect.objectContaining({ JPMGRP: expect.any(Object) }));
			expect(plans.map((p) => (p.json.quota as IDataObject).used)).toEqual([2, 3]);
		});

		it('Attach Original Files adds the XML and ZIP as binary', async () => {
			const result = await run([node('List', { ...planList, options: { attachOriginal: true } })]);
			const [item] = itemsOf(result, 'List');
			expect(item.binary?.xml?.mimeType).toBe('application/xml');
			expect(item.binary?.zip?.mimeType).toBe('application/zip');
		});

		it('register → status → accepted; JSON plans are wrapped in the SBD-MSG envelope and sent as UTF-8 on request', async () => {
			const registered = await run([
				node('Register XML', { resource: 'outagePlan', operation: 'register', planSource: 'xml', planXml: validPlanXml() }),
			]);
			const [receipt] = outputOf(registered, 'Register XML');
			expect(receipt.occtoReceptionNo).toMatch(/^\d{10}$/);
			expect(receipt.statusName).toBe('受付中');
			expect(receipt.encoding).toBe('Shift_JIS');

			const json = await run([
				node('Register JSON', {
					resource: 'outagePlan',
					operation: 'register',
					planSource: 'json',
					senderCode: 'S0001',
					senderName: '試験電力株式会社',
					recipientCode: 'OCCTO',
					targetDate: '2026-12-01T09:00:00+09:00',
					planDivision: '2',
					planData: { OUTAGE_ITEM: [{ FACILITY_NM: '髙﨑変電所 1号変圧器', STR_DATE: '20261201' }] },
					encoding: 'UTF-8',
				}),
			]);
			const [jsonReceipt] = outputOf(json, 'Register JSON');
			expect(jsonReceipt.encoding).toBe('UTF-8');
			await sleep(300);

			const status = await run([
				node('Status', { resource: 'submission', operation: 'getMany', returnAll: true, filters: {} }),
			]);
			const rows = outputOf(status, 'Status');
			const byNo = new Map(rows.map((row) => [row.occtoReceptionNo, row]));
			expect(byNo.get(receipt.occtoReceptionNo as string)?.statusName).toBe('受付完了');
			expect(byNo.get(jsonReceipt.occtoReceptionNo as string)?.statusName).toBe('受付完了');

			const fetched = await run([
				node('Get', { resource: 'outagePlan', operation: 'get', planDivision: '2', occtoReceptionNo: jsonReceipt.occtoReceptionNo }),
			]);
			const plan = JSON.stringify(outputOf(fetched, 'Get')[0].plan);
			expect(plan).toContain('髙﨑変電所 1号変圧器');
			expect(plan).toContain('20261201');
		});

		it('register a bad plan → 提出エラー in Submission Get Many → Get Error Details names the element', async () => {
			const registered = await run([
				// local validation would refuse this plan (no JP06110); turned off to see OCCTO's own 提出エラー
				node('Register', { resource: 'outagePlan', operation: 'register', planSource: 'xml', planXml: badPlanXml(), options: { validateBeforeSending: false } }),
			]);
			const [receipt] = outputOf(registered, 'Register');
			await sleep(300);
			const result = await run([
				node('Errors Only', {
					resource: 'submission',
					operation: 'getMany',
					returnAll: true,
					filters: { status: '9', occtoReceptionNo: receipt.occtoReceptionNo },
				}),
				node('Why', { resource: 'submission', operation: 'getErrorDetails' }),
			]);
			expect(outputOf(result, 'Errors Only')).toEqual([expect.objectContaining({ statusName: '提出エラー' })]);
			const details = outputOf(result, 'Why');
			expect(details.length).toBeGreaterThanOrEqual(1);
			expect(details[0]).toEqual(expect.objectContaining({ occtoReceptionNo: receipt.occtoReceptionNo, errorElement: 'JP06110' }));
			expect(String(details[0].errorMessage)).toContain('JP06110');
		});

		it('registers from an input binary file', async () => {
			const input: INodeExecutionData[] = [
				{ json: {}, binary: { data: { data: Buffer.from(validPlanXml(), 'utf8').toString('base64'), mimeType: 'application/xml', fileName: 'plan.xml' } } },
			];
			const result = await run([node('Register', { resource: 'outagePlan', operation: 'register', planSource: 'binary', binaryPropertyName: 'data' })], { input });
			expect(outputOf(result, 'Register')[0].occtoReceptionNo).toMatch(/^\d{10}$/);
		});

		(profileName === 'standard' ? it : it.skip)('honours path overrides from the credential', async () => {
			const cred = credential({ overridePaths: true, pathBA13B103: '/custom/prefix/BA13B103' });
			const result = await run([node('List', planList)], { credential: cred });
			expect(outputOf(result, 'List').length).toBeGreaterThan(0);
		});

		it('works with a PEM certificate and an encrypted key with a passphrase', async () => {
			const cred = credential({
				bundleFormat: 'pem',
				certificatePem: sim.certs.clientCertPem,
				privateKeyPem: sim.certs.clientKeyEncryptedPem,
				privateKeyPassphrase: sim.certs.keyPassphrase,
			});
			const result = await run([node('List', planList)], { credential: cred });
			expect(outputOf(result, 'List').length).toBeGreaterThan(0);
		});

		it('reads UTF-8 answers as well as Shift_JIS ones', async () => {
			sim.setFault('utf8Answer');
			const result = await run([node('List', planList)]);
			expect(JSON.stringify(outputOf(result, 'List'))).toMatch(/発電所/);
		});

		it('warns with a node hint when the certificate expires within 30 days', async () => {
			const result = await run([node('List', { ...planList, returnAll: false, limit: 1 })], {
				credential: credential({ pfxBase64: sim.certs.expiringP12Base64 }),
			});
			const [item] = outputOf(result, 'List');
			expect((item.certificate as IDataObject).daysLeft).toBeLessThanOrEqual(10);
			expect(hintsOf(result, 'List').map((h) => h.message).join(' ')).toMatch(/expires in \d+ days/);
		});
	});

	describe('OCCTO Outage Plan — failures', () => {
		it('no client certificate: refused before any call', async () => {
			const before = sim.requests.length;
			const error = await failing(planList, credential({ pfxBase64: '' }));
			expect(error.message).toMatch(/No client certificate/);
			expect(sim.requests.length).toBe(before);
		});

		it('wrong passphrase: says so, before any call', async () => {
			const error = await failing(planList, credential({ pfxPassphrase: 'not the passphrase' }));
			expect(error.message).toMatch(/passphrase does not open/);
		});

		it('a key that does not match the certificate', async () => {
			const error = await failing(
				planList,
				credential({ bundleFormat: 'pem', certificatePem: sim.certs.clientCertPem, privateKeyPem: sim.certs.mismatchedKeyPem }),
			);
			expect(error.message).toMatch(/does not match/);
		});

		it('a certificate the server does not trust: handshake rejected', async () => {
			const error = await failing(planList, credential({ pfxBase64: sim.certs.untrustedP12Base64 }));
			expect(error.message).toMatch(/TLS handshake with OCCTO failed|closed the connection .* without an answer/);
			expect(error.description).toMatch(/client certificate/);
		});

		it("verifies the server's certificate by default; Ignore TLS Errors turns that off", async () => {
			const pemWithoutCa = credential({
				bundleFormat: 'pem',
				certificatePem: sim.certs.clientCertPem,
				privateKeyPem: sim.certs.clientKeyPem,
				caPem: '',
			});
			const error = await failing(planList, pemWithoutCa);
			expect(error.message).toMatch(/Could not verify OCCTO's server certificate/);
			expect(error.description).toMatch(/CA Certificate/);
			const insecure = await run([node('List', planList)], { credential: { ...pemWithoutCa, ignoreTlsErrors: true } });
			expect(outputOf(insecure, 'List').length).toBeGreaterThan(0);
		});

		it('wrong password: NodeApiError with the result code and message', async () => {
			const error = await failing(planList, credential({ password: 'wrong-password' }));
			expect(error.message).toMatch(/1001/);
			expect(error.description).toMatch(/User ID/);
			expect(JSON.stringify(error)).not.toContain('wrong-password');
		});

		it('call 1001 gets OCCTO’s quota error, then the ledger refuses without calling', async () => {
			sim.setCallCount(USER, 1000); // another process used the day's calls
			const error = await failing({ ...planList, options: { stopBefore: 1000 } });
			expect(error.message).toBe('OCCTO daily API call limit (1000) exceeded');
			expect(error.description).toContain('API上限回数を超えています');
			const before = sim.requests.length;
			const again = await failing({ ...planList, options: { stopBefore: 1000 } });
			expect(again.message).toBe('OCCTO daily API call limit (1000) exceeded');
			expect(sim.requests.length).toBe(before);
		});

		it('the 1000th call passes and the 1001st is the quota error', async () => {
			sim.setCallCount(USER, 999);
			await setCallsUsed(USER, 999);
			const ok = await run([node('List', { ...planList, options: { stopBefore: 1000 } })]);
			expect(outputOf(ok, 'List')[0].quota).toEqual(expect.objectContaining({ used: 1000 }));
			const error = await failing({ ...planList, options: { stopBefore: 1000 } });
			expect(error.message).toBe('OCCTO daily API call limit (1000) exceeded');
		});

		it('the stop-before threshold (default 950) stops earlier, without calling', async () => {
			await setCallsUsed(USER, 950);
			const before = sim.requests.length;
			const error = await failing(planList);
			expect(error.message).toMatch(/Stopped before calling OCCTO: 950 of 1000/);
			expect(sim.requests.length).toBe(before);
			const allowed = await run([node('List', { ...planList, options: { stopBefore: 960 } })]);
			expect(outputOf(allowed, 'List').length).toBeGreaterThan(0);
		});

		it('an HTML 503 page is reported as such, never decoded', async () => {
			sim.setFault('html503');
			const error = await failing(planList);
			expect(error.message).toMatch(/HTTP 503/);
			expect((error as { httpCode?: string }).httpCode).toBe('503');
			expect(error.description).not.toMatch(/<html|<body/i);
		});

		it('corrupt ZIP and truncated Base64 give a clear "could not decode"', async () => {
			sim.setFault('corruptZip');
			expect((await failing(planList)).message).toMatch(/Could not decode OCCTO's answer .*ZIP/);
			sim.setFault('truncatedBase64');
			expect((await failing(planList)).message).toMatch(/Could not decode OCCTO's answer .*Base64/);
		});

		it('a ZIP bomb is rejected without exhausting memory', async () => {
			sim.setFault('zipBomb');
			const before = process.memoryUsage().rss;
			const error = await failing({ ...planList, options: { maxDecompressedMb: 50 } });
			expect(error.message).toMatch(/past the limit/);
			expect(process.memoryUsage().rss - before).toBeLessThan(300 * 1024 * 1024);
		});

		it('a connection dropped after register says the plan may have been registered', async () => {
			sim.setFault('resetAfterRegister');
			const error = await failing({ resource: 'outagePlan', operation: 'register', planSource: 'xml', planXml: validPlanXml() });
			expect(error.message).toMatch(/may have been registered/);
			expect(error.description).toMatch(/Submission → Get Many/);
		});

		it('a register that times out says the plan may have been registered (never retried)', async () => {
			sim.setFault('slow', { delayMs: 2500 });
			const before = sim.requests.length;
			const error = await failing({
				resource: 'outagePlan',
				operation: 'register',
				planSource: 'xml',
				planXml: validPlanXml(),
				options: { timeoutSeconds: 1 },
			});
			expect(error.message).toMatch(/timeout.*may have been registered/);
			expect(sim.requests.length).toBe(before + 1);
		});

		it('bad parameters are refused before any call', async () => {
			const before = sim.requests.length;
			expect((await failing({ resource: 'outagePlan', operation: 'register', planSource: 'xml', planXml: '<SBD-MSG><oops>' })).message).toMatch(
				/cannot be sent.*not well-formed/,
			);
			expect((await failing({ resource: 'outagePlan', operation: 'register', planSource: 'xml', planXml: '<OTHER/>' })).message).toMatch(
				/lacks <SBD-MSG>/,
			);
			expect((await failing({ resource: 'outagePlan', operation: 'get', planDivision: '={{ $json.missing }}', occtoReceptionNo: '1000000001' })).message).toMatch(
				/"Plan Division" is empty/,
			);
			expect((await failing({ resource: 'outagePlan', operation: 'get', planDivision: '1', occtoReceptionNo: '12ab' })).message).toMatch(
				/10 digits/,
			);
			expect(
				(await failing({ ...planList, filters: { from: '2026-12-31', to: '2026-01-01' } })).message,
			).toMatch(/after "To Date"/);
			expect(sim.requests.length).toBe(before);
		});

		it('continueOnFail yields one error item per failing input item', async () => {
			const listed = outputOf(await run([node('List', { ...planList, returnAll: false, limit: 1 })]), 'List');
			const input = [
				{ json: { planDivision: listed[0].planDivision, occtoReceptionNo: listed[0].occtoReceptionNo } },
				{ json: { planDivision: '1', occtoReceptionNo: 'abc' } },
				{ json: { planDivision: '1', occtoReceptionNo: '9999999999' } },
			];
			const result = await run([node('Get', { resource: 'outagePlan', operation: 'get' }, { onError: 'continueRegularOutput' })], {
				input,
				credential: credential(),
			});
			const items = itemsOf(result, 'Get');
			expect(items).toHaveLength(3);
			expect(items[0].json.plan).toBeDefined();
			expect(items[1].json.error).toMatch(/10 digits/);
			expect(items[2].json.error).toMatch(/2002/);
			expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
			expectNoSecrets(JSON.stringify(result), secrets());
		});
	});
});
