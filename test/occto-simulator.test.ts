// The OCCTO simulator itself, over raw TLS: it must behave like the contract says, since the node's
// tests trust it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import forge from 'node-forge';

import { DecodeError, encodeXml, toArray } from '../nodes/shared/codecs';
import { decodeBase64ZipXml } from '../nodes/shared/zipXmlStream';
import type { XmlObject } from '../nodes/shared/codecs';
import {
	ERROR_DETAIL_ROW,
	LIST_ROOT,
	OCCTO_APIS,
	OUTAGE_PLAN_ROW,
	PARAM,
	QUOTA_EXCEEDED_TEXT,
	RECEPTION_NO_PATTERN,
	REGISTER_ANSWER,
	RESULT_CODES,
	SUBMISSION_ROW,
	SUBMISSION_STATUS,
} from '../nodes/occtoApi';
import type { OcctoSimulator } from '../simulators/occto/server';
import { startOcctoSimulator } from '../simulators/occto/server';
import type { OcctoAnswer, OcctoTls } from './occto-fixtures';
import { badPlanXml, occtoPost, p12Tls, validPlanXml } from './occto-fixtures';
import { sleep } from './support/time';

const STATUS_DELAY = 150;
const USER = 'U0000001';
const PASSWORD = 'sim-password-1';
const login = { [PARAM.userId]: USER, [PARAM.password]: PASSWORD };

let sim: OcctoSimulator;
let certDir: string;
beforeAll(async () => {
	certDir = mkdtempSync(path.join(tmpdir(), 'occto-sim-test-'));
	sim = await startOcctoSimulator({ adminPort: 0, statusDelayMs: STATUS_DELAY, certDir });
});
afterAll(async () => {
	await sim.close();
});
afterEach(() => {
	sim.setFault(undefined);
	sim.setClock(undefined);
	sim.setCallCount(USER, 0);
	sim.setCallCount('U0000002', 0);
});

const client = (): OcctoTls => p12Tls(sim.certs, sim.certs.clientP12Base64);
const call = (api: string, fields: Record<string, string> = {}, tls: OcctoTls = client()) =>
	occtoPost(sim.url, api, { ...login, ...fields }, tls);
const register = (xml: string, encoding: 'Shift_JIS' | 'UTF-8' = 'Shift_JIS') =>
	occtoPost(sim.url, 'BA13B101', login, client(), { file: { data: encodeXml(xml, encoding), fileName: 'plan.xml' } });

async function decoded(answer: OcctoAnswer) {
	expect(answer.resultCode).toBe(RESULT_CODES.ok);
	return await decodeBase64ZipXml(answer.body.toString('latin1'));
}
const rows = (document: XmlObject, row: string) => toArray((document[LIST_ROOT] as XmlObject | '')?.[row as never]) as XmlObject[];

async function registerAndSettle(xml: string): Promise<string> {
	const answer = await register(xml);
	expect(answer.resultCode).toBe(RESULT_CODES.ok);
	const receptionNo = /<OCCTO_RECEPTION_NO>(\d+)<\/OCCTO_RECEPTION_NO>/.exec(answer.text)?.[1] ?? '';
	await sleep(STATUS_DELAY + 100);
	return receptionNo;
}

describe('OCCTO simulator: TLS', () => {
	it('refuses a connection without a client certificate (no HTTP answer at all)', async () => {
		await expect(call('BA13B103', {}, { ca: sim.certs.caPem })).rejects.toThrow(/socket hang up|ECONNRESET|certificate|alert/i);
	});

	it('refuses a client certificate from another CA', async () => {
		await expect(call('BA13B103', {}, p12Tls(sim.certs, sim.certs.untrustedP12Base64))).rejects.toThrow(
			/socket hang up|ECONNRESET|certificate|alert|unknown ca/i,
		);
	});

	it('accepts PEM with an encrypted key, and a server certificate for 127.0.0.1', async () => {
		const tls = { ca: sim.certs.caPem, cert: sim.certs.clientCertPem, key: sim.certs.clientKeyEncryptedPem, passphrase: sim.certs.keyPassphrase };
		expect(sim.certs.keyPassphrase).toContain(' ');
		expect((await call('BA13B103', {}, tls)).resultCode).toBe(RESULT_CODES.ok);
	});

	it('issues the test certificates the contract lists', async () => {
		const read = (b64: string) => {
			const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(forge.util.decode64(b64)), sim.certs.p12Passphrase);
			return p12.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag]!.map((bag) => bag.cert!);
		};
		const days = (cert: forge.pki.Certificate) => (cert.validity.notAfter.getTime() - Date.now()) / 86_400_000;
		const cn = (cert: forge.pki.Certificate) => cert.subject.getField('CN')?.value as string;
		const expiring = read(sim.certs.expiringP12Base64).find((cert) => cn(cert) === USER)!;
		expect(days(expiring)).toBeGreaterThan(9);
		expect(days(expiring)).toBeLessThanOrEqual(10);
		expect(read(sim.certs.otherUserP12Base64).map(cn)).toContain('U0000002');
		expect(cn(forge.pki.certificateFromPem(sim.certs.clientCertPem))).toBe(USER);
		const mismatched = forge.pki.privateKeyFromPem(sim.certs.mismatchedKeyPem) as forge.pki.rsa.PrivateKey;
		const certKey = forge.pki.certificateFromPem(sim.certs.clientCertPem).publicKey as forge.pki.rsa.PublicKey;
		expect(mismatched.n.equals(certKey.n)).toBe(false);
		// a second simulator on the same cert dir reuses the CA
		const again = await startOcctoSimulator({ certDir });
		try {
			expect(again.certs.caPem).toBe(sim.certs.caPem);
			expect((await occtoPost(again.url, 'BA13B103', login, client())).resultCode).toBe(RESULT_CODES.ok);
		} finally {
			await again.close();
		}
	});
});

describe('OCCTO simulator: answers', () => {
	it('answers a Base64 ZIP of Shift_JIS XML with resultcode 0000', async () => {
		const answer = await call('BA13B103');
		expect(answer.status).toBe(200);
		expect(answer.headers['content-type']).toBe('text/plain; charset=US-ASCII');
		const result = await decoded(answer);
		expect(result.fileName).toMatch(/^BA13B103_\d{8}_\d{6}\.xml$/);
		expect(result.xmlBytes.subarray(0, 50).toString('latin1')).toContain('encoding="Shift_JIS"');
		expect(result.xml).toContain('発電所');
		const plans = rows(result.document, OUTAGE_PLAN_ROW);
		expect(plans).toHaveLength(3);
		for (const plan of plans) {
			expect(plan.OCCTO_RECEPTION_NO).toMatch(RECEPTION_NO_PATTERN);
			expect(plan.SBMIT_DAYTIME).toMatch(/^\d{14}$/);
			expect(plan.STAT_NM).toBe(SUBMISSION_STATUS.accepted.name);
		}
	});

	it('BA13B103 → BA13B102: a seeded plan comes back as an SBD-MSG document', async () => {
		const [first] = rows((await decoded(await call('BA13B103'))).document, OUTAGE_PLAN_ROW);
		const plan = await decoded(
			await call('BA13B102', { [PARAM.planDivision]: String(first.PLAN_DIVISION), [PARAM.receptionNo]: String(first.OCCTO_RECEPTION_NO) }),
		);
		expect(plan.fileName).toMatch(/^BA13B102_/);
		expect(((plan.document['SBD-MSG'] as XmlObject).JPMGRP as XmlObject).JPTRM).toBeDefined();
	});

	it('filters the list by plandivision and date, and refuses malformed dates (2001)', async () => {
		const division2 = rows((await decoded(await call('BA13B103', { [PARAM.planDivision]: '2' }))).document, OUTAGE_PLAN_ROW);
		expect(division2.every((row) => row.PLAN_DIVISION === '2')).toBe(true);
		const none = await decoded(await call('BA13B103', { [PARAM.from]: '20990101' }));
		expect(rows(none.document, OUTAGE_PLAN_ROW)).toHaveLength(0);
		const bad = await call('BA13B103', { [PARAM.from]: '2026-01-01' });
		expect(bad.resultCode).toBe(RESULT_CODES.parameterError);
		expect(bad.text).toContain(PARAM.from);
	});

	it('checks parameters (2001) and unknown receipt numbers (2002)', async () => {
		const missing = await call('BA13B102', { [PARAM.receptionNo]: '2000000001' });
		expect(missing.resultCode).toBe(RESULT_CODES.parameterError);
		expect(missing.headers['content-type']).toBe('text/plain; charset=Shift_JIS');
		expect(missing.text).toContain(PARAM.planDivision);
		expect((await call('BA13B102', { [PARAM.planDivision]: '1', [PARAM.receptionNo]: '12ab' })).resultCode).toBe(RESULT_CODES.parameterError);
		expect((await call('BA13B102', { [PARAM.planDivision]: '1', [PARAM.receptionNo]: '9999999999' })).resultCode).toBe(RESULT_CODES.notFound);
		expect((await call('BA13B007', { [PARAM.receptionNo]: '9999999999' })).resultCode).toBe(RESULT_CODES.notFound);
	});

	it('routes any path ending in the API id; other methods get a 405 HTML page', async () => {
		expect((await call('/my/proxy/BA13B103')).resultCode).toBe(RESULT_CODES.ok);
		const get = await occtoPost(sim.url, 'BA13B103', login, client(), { method: 'GET' });
		expect(get.status).toBe(405);
		expect(get.headers['content-type']).toMatch(/^text\/html/);
		expect(get.resultCode).toBeUndefined();
	});
});

describe('OCCTO simulator: authentication and quota', () => {
	it('checks the password (1001) and that the certificate belongs to the user (1002)', async () => {
		const wrong = await call('BA13B103', { [PARAM.password]: 'nope' });
		expect(wrong.resultCode).toBe(RESULT_CODES.authError);
		expect(wrong.text).toBe('ユーザIDまたはパスワードが正しくありません');
		expect((await call('BA13B103', { [PARAM.userId]: 'U0000002', [PARAM.password]: 'sim-password-2' })).resultCode).toBe(
			RESULT_CODES.certificateUserMismatch,
		);
		const other = p12Tls(sim.certs, sim.certs.otherUserP12Base64);
		expect((await call('BA13B103', { [PARAM.userId]: 'U0000002', [PARAM.password]: 'sim-password-2' }, other)).resultCode).toBe(RESULT_CODES.ok);
	});

	it('call 1000 passes, call 1001 gets 9001 with the quota text; failed calls count too', async () => {
		sim.setCallCount(USER, 998);
		expect((await call('BA13B103', { [PARAM.password]: 'nope' })).resultCode).toBe(RESULT_CODES.authError);
		expect(sim.getCallCount(USER)).toBe(999);
		expect((await call('BA13B103')).resultCode).toBe(RESULT_CODES.ok);
		const over = await call('BA13B006');
		expect(over.resultCode).toBe(RESULT_CODES.quotaExceeded);
		expect(over.text).toBe(QUOTA_EXCEEDED_TEXT);
		expect(sim.getCallCount(USER)).toBe(1001);
		expect(sim.getCallCount('U0000002')).toBe(0);
	});

	it('the count resets at 00:00 JST', async () => {
		sim.setClock(new Date('2026-11-24T14:59:58Z')); // 23:59:58 JST
		sim.setCallCount(USER, 1000);
		expect((await call('BA13B103')).resultCode).toBe(RESULT_CODES.quotaExceeded);
		sim.setClock(new Date('2026-11-24T15:00:01Z')); // 00:00:01 JST next day
		expect(sim.getCallCount(USER)).toBe(0);
		expect((await call('BA13B103')).resultCode).toBe(RESULT_CODES.ok);
		expect(sim.getCallCount(USER)).toBe(1);
	});

	it('the admin API sets and reads counts, faults and the clock, and never logs passwords', async () => {
		const admin = (pathName: string, body?: unknown) =>
			fetch(`${sim.adminUrl}${pathName}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
		expect(await (await admin('/calls', { userId: USER, count: 1000 })).json()).toEqual({ userId: USER, count: 1000 });
		expect((await call('BA13B103')).resultCode).toBe(RESULT_CODES.quotaExceeded);
		expect(await (await admin(`/calls?userId=${USER}`)).json()).toEqual({ userId: USER, count: 1001 });
		expect((await admin('/fault', { fault: 'nonsense' })).status).toBe(400);
		expect((await admin('/fault', { fault: 'html503' })).status).toBe(200);
		expect((await admin('/clock', { now: '2026-11-24T00:00:00Z' })).status).toBe(200);
		expect((await admin('/reset', {})).status).toBe(200);
		expect(sim.getCallCount(USER)).toBe(0);
		expect((await call('BA13B103')).resultCode).toBe(RESULT_CODES.ok);
		expect(Array.isArray(await (await admin('/submissions')).json())).toBe(true);
		expect(JSON.stringify(sim.requests)).not.toContain(PASSWORD);
		expect(sim.requests.at(-1)).toMatchObject({ apiId: 'BA13B103', userId: USER });
	});
});

describe('OCCTO simulator: register and submission status', () => {
	it('register → 受付中 → 受付完了; the plan then appears in BA13B103 and BA13B102', async () => {
		const answer = await register(validPlanXml({ planDivision: '2', facility: '髙﨑発電所１号機' }));
		expect(answer.resultCode).toBe(RESULT_CODES.ok);
		expect(answer.headers['content-type']).toBe('application/xml; charset=Shift_JIS');
		expect(answer.text).toContain('encoding="Shift_JIS"');
		expect(answer.text).toContain(`<${REGISTER_ANSWER.row}>`);
		expect(answer.text).toContain(`<STAT_NM>${SUBMISSION_STATUS.receiving.name}</STAT_NM>`);
		expect(answer.text).toContain('<PLAN_DIVISION>2</PLAN_DIVISION>');
		const receptionNo = /<OCCTO_RECEPTION_NO>(\d+)<\/OCCTO_RECEPTION_NO>/.exec(answer.text)![1];
		expect(receptionNo).toMatch(RECEPTION_NO_PATTERN);

		const statusOf = async () =>
			rows((await decoded(await call('BA13B006'))).document, SUBMISSION_ROW).find((row) => row.OCCTO_RECEPTION_NO === receptionNo);
		expect((await statusOf())?.STAT_NM).toBe(SUBMISSION_STATUS.receiving.name);
		await sleep(STATUS_DELAY + 100);
		const settled = await statusOf();
		expect(settled).toMatchObject({ STAT: SUBMISSION_STATUS.accepted.code, STAT_NM: SUBMISSION_STATUS.accepted.name });
		expect(settled?.SBMIT_DAYTIME).toMatch(/^\d{14}$/);
		expect(sim.submissions().find((s) => s.receptionNo === receptionNo)?.status).toBe(SUBMISSION_STATUS.accepted.name);

		const listed = rows((await decoded(await call('BA13B103', { [PARAM.planDivision]: '2' }))).document, OUTAGE_PLAN_ROW);
		expect(listed.map((row) => row.OCCTO_RECEPTION_NO)).toContain(receptionNo);
		const plan = await decoded(await call('BA13B102', { [PARAM.planDivision]: '2', [PARAM.receptionNo]: receptionNo }));
		expect(plan.xml).toContain('髙﨑発電所１号機');
		const noError = await call('BA13B007', { [PARAM.receptionNo]: receptionNo });
		expect(noError.resultCode).toBe(RESULT_CODES.notFound);
		expect(noError.text).toContain('提出エラーではない');
	});

	it('a bad plan → 提出エラー, and BA13B007 names the element', async () => {
		const receptionNo = await registerAndSettle(badPlanXml());
		const status = rows((await decoded(await call('BA13B006'))).document, SUBMISSION_ROW).find(
			(row) => row.OCCTO_RECEPTION_NO === receptionNo,
		);
		expect(status?.STAT_NM).toBe(SUBMISSION_STATUS.error.name);
		const errors = rows((await decoded(await call('BA13B007', { [PARAM.receptionNo]: receptionNo }))).document, ERROR_DETAIL_ROW);
		expect(errors).toEqual([
			{ OCCTO_RECEPTION_NO: receptionNo, ERR_CD: 'E0101', ERR_MSG: '必須項目(JP06110)が設定されていません', ERR_ELEM: 'JP06110' },
		]);
		const listed = rows((await decoded(await call('BA13B103'))).document, OUTAGE_PLAN_ROW);
		expect(listed.map((row) => row.OCCTO_RECEPTION_NO)).not.toContain(receptionNo);
	});

	it('an invalid 対象年月日 is a 提出エラー too; UTF-8 uploads are read', async () => {
		const answer = await register(validPlanXml({ targetDate: '20261340' }), 'UTF-8');
		const receptionNo = /<OCCTO_RECEPTION_NO>(\d+)</.exec(answer.text)![1];
		await sleep(STATUS_DELAY + 100);
		const errors = rows((await decoded(await call('BA13B007', { [PARAM.receptionNo]: receptionNo }))).document, ERROR_DETAIL_ROW);
		expect(errors[0]).toMatchObject({ ERR_ELEM: 'JP06116' });
	});

	it('refuses broken XML synchronously with 3001, and a missing file part with 2001', async () => {
		for (const [xml, hint] of [
			['<SBD-MSG><JPMGRP></SBD-MSG>', /形式|well-formed/],
			['<!DOCTYPE x [<!ENTITY a "b">]><SBD-MSG/>', /DTD/],
			['<SBD-MSG><JPMGRP><JPMGH/></JPMGRP></SBD-MSG>', /JPTRM/],
		] as const) {
			const answer = await register(xml, 'UTF-8');
			expect(answer.resultCode).toBe(RESULT_CODES.xmlValidationError);
			expect(answer.text).toMatch(hint);
		}
		const noFile = await call('BA13B101');
		expect(noFile.resultCode).toBe(RESULT_CODES.parameterError);
		expect(noFile.text).toContain(PARAM.file);
	});

	it('BA13B006 lists only this user\'s submissions', async () => {
		const other = p12Tls(sim.certs, sim.certs.otherUserP12Base64);
		const answer = await call('BA13B006', { [PARAM.userId]: 'U0000002', [PARAM.password]: 'sim-password-2' }, other);
		const result = await decoded(answer);
		expect(rows(result.document, SUBMISSION_ROW)).toHaveLength(0);
		expect(result.xml).toMatch(/<SBD-MSG\s*(\/>|><\/SBD-MSG>)/);
	});
});

describe('OCCTO simulator: faults', () => {
	it('html503: a 503 HTML page without resultcode (and the call still counts)', async () => {
		sim.setFault('html503');
		const answer = await call('BA13B103');
		expect(answer.status).toBe(503);
		expect(answer.headers['content-type']).toMatch(/^text\/html/);
		expect(answer.resultCode).toBeUndefined();
		expect(sim.getCallCount(USER)).toBe(1);
	});

	it('reset: the connection drops without an answer', async () => {
		sim.setFault('reset');
		await expect(call('BA13B103')).rejects.toThrow(/socket hang up|ECONNRESET/i);
	});

	it('slow: waits delayMs before answering', async () => {
		sim.setFault('slow', { delayMs: 300 });
		const started = Date.now();
		expect((await call('BA13B103')).resultCode).toBe(RESULT_CODES.ok);
		expect(Date.now() - started).toBeGreaterThanOrEqual(290);
	});

	it('truncatedBase64, corruptZip and zipBomb each fail at their own decoding stage', async () => {
		const stageOf = async (fault: 'truncatedBase64' | 'corruptZip' | 'zipBomb') => {
			sim.setFault(fault);
			const answer = await call('BA13B103');
			expect(answer.resultCode).toBe(RESULT_CODES.ok);
			const error = await decodeBase64ZipXml(answer.body.toString('latin1')).catch((e: unknown) => e);
			expect(error).toBeInstanceOf(DecodeError);
			return { stage: (error as DecodeError).stage, length: answer.body.length };
		};
		const truncated = await stageOf('truncatedBase64');
		expect(truncated.stage).toBe('base64');
		expect(truncated.length % 4).not.toBe(0);
		expect((await stageOf('corruptZip')).stage).toBe('zip');
		const bomb = await stageOf('zipBomb');
		expect(bomb.stage).toBe('limit');
		expect(bomb.length).toBeLessThan(4 * 1024 * 1024);
	});

	it('utf8Answer: the XML comes in UTF-8, Japanese intact', async () => {
		sim.setFault('utf8Answer');
		const result = await decoded(await call('BA13B103'));
		expect(result.xmlBytes.subarray(0, 50).toString('latin1')).toContain('encoding="UTF-8"');
		expect(result.xml).toContain('発電所');
	});

	it('resetAfterRegister: the plan IS registered, but no answer comes', async () => {
		const before = sim.submissions().length;
		sim.setFault('resetAfterRegister');
		await expect(register(validPlanXml())).rejects.toThrow(/socket hang up|ECONNRESET/i);
		expect(sim.submissions()).toHaveLength(before + 1);
		expect(sim.submissions().at(-1)?.status).toBe(SUBMISSION_STATUS.receiving.name);
		// other APIs answer normally under this fault
		expect((await call('BA13B006')).resultCode).toBe(RESULT_CODES.ok);
	});
});

describe('OCCTO simulator: scale', () => {
	it('seeds many plans for benchmarks and still lists them', async () => {
		const big = await startOcctoSimulator({ seedPlans: 5000, certDir });
		try {
			const result = await decoded(await occtoPost(big.url, OCCTO_APIS.BA13B103.defaultPath, login, client()));
			const plans = rows(result.document, OUTAGE_PLAN_ROW);
			expect(plans).toHaveLength(5000);
			expect(new Set(plans.map((plan) => plan.OCCTO_RECEPTION_NO)).size).toBe(5000);
		} finally {
			await big.close();
		}
	});
});
