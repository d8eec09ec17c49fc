// Register after the plan was sent: whatever goes wrong once OCCTO has it (a success code with a receipt we
// cannot read, no result code, an HTTP error from a front end, a connection that breaks while the receipt
// streams) says the plan may have been registered — never "try again", never only "wrong path" — counts exactly
// one call, and marks the registration so adaptive triggers follow it.
import type { IDataObject } from 'n8n-workflow';

import { OCCTO_APIS, openLedger, readMarker, RESULT_CODE_HEADER, setMarker } from '../../nodes/occtoApi';
import type { OcctoSimulator } from '../../simulators/occto/server';
import { errorOf } from '../harness';
import { validPlanXml } from '../occto-fixtures';
import { occtoNode, occtoRunner } from '../occtoRunner';
import type { FaultAction, FaultProxy } from './faultProxy';
import { FaultSuite, useOcctoBehindProxy } from './faultKit';

jest.setTimeout(60_000);

const USER = 'U0000001';
const suite = new FaultSuite('occto-receipt');
let sim: OcctoSimulator;
let proxy: FaultProxy;
const runner = occtoRunner(() => sim);
const REGISTER_PATH = OCCTO_APIS.BA13B101.defaultPath;
const register = { resource: 'outagePlan', operation: 'register', planSource: 'xml', planXml: validPlanXml() };
// each test registers a plan of its own: a plan already sent is remembered and not sent again
beforeEach(() => {
	register.planXml = validPlanXml();
});
const success = { [RESULT_CODE_HEADER]: '0000' };

async function stores() {
	return await openLedger({ mode: 'automatic' });
}

async function registerThrough(action: FaultAction | undefined, parameters: IDataObject = register) {
	if (action) proxy.addRule({ path: REGISTER_PATH, action });
	const { ledger, state } = await stores();
	await setMarker(state, 'registered', USER, 1); // long ago
	const ledgerBefore = (await ledger.read(USER)).used;
	const [simBefore, proxyBefore] = [sim.requests.length, proxy.requests.length];
	const result = await runner.run([occtoNode('OCCTO', parameters)], { credential: runner.credential({ baseUrl: proxy.url }) });
	const error = errorOf(result, 'OCCTO');
	suite.see(result, error?.message, error?.description);
	return {
		error,
		proxyCalls: proxy.requests.length - proxyBefore,
		simCalls: sim.requests.length - simBefore,
		ledgerCalls: (await ledger.read(USER)).used - ledgerBefore,
		marked: (await readMarker(state, 'registered', USER)) > 1,
	};
}

useOcctoBehindProxy(suite, { statusDelayMs: 50 }, USER, (started) => ({ sim, proxy } = started));
beforeAll(() => {
	suite.captureLogs();
});
beforeEach(() => {
	sim.setAnswerOverride('BA13B101', undefined);
});

const MAY = /may have been registered/;
const CHECK_FIRST = /run Submission → Get Many \(作業停止計画受付ファイル一覧取得, BA13B006\) and check whether it is listed before registering it again\. Nothing was retried, and a re-run will not send this plan again unless "Send Even If Sent Before" is on\./;

describe('Register: a success code, then a receipt that cannot be read', () => {
	it.each<[string, FaultAction, RegExp]>([
		['undecodable bytes', { kind: 'respond', status: 200, headers: success, body: Buffer.from([0x00, 0xff, 0x13, 0x37, 0x80]) }, /What arrived: /],
		['an HTML page', { kind: 'respond', status: 200, headers: { ...success, 'Content-Type': 'text/html' }, body: '<html><body><p>受付しました</p><p>OK</p></body></html>' }, /root element <html>.*"List Root Elements"/],
		['an empty body', { kind: 'respond', status: 200, headers: success, body: '' }, /What arrived: /],
	])('%s → "may have been registered", one call, marker set', async (name, action, arrived) => {
		const r = await registerThrough(action);
		expect(r.error?.message).toMatch(/^OCCTO answered 作業停止計画登録 \(BA13B101\) with the success code 0000, but its receipt cannot be read: the plan may have been registered$/);
		expect(r.error?.description).toMatch(CHECK_FIRST);
		expect(r.error?.description).toMatch(arrived);
		expect(`${r.error?.message} ${r.error?.description}`).not.toMatch(/try again/i);
		expect([r.proxyCalls, r.ledgerCalls, r.marked]).toEqual([1, 1, true]);
		suite.figure(`occto: register, success code + ${name}`, { faults: 1, calls: r.proxyCalls });
	});

	it('a readable receipt without a row → the same advice, one call at OCCTO, marker set', async () => {
		sim.setAnswerOverride('BA13B101', '<?xml version="1.0" encoding="UTF-8"?><SBD-MSG></SBD-MSG>');
		const r = await registerThrough(undefined);
		expect(r.error?.message).toMatch(/receipt holds no row instead of one: the plan may have been registered$/);
		expect(r.error?.description).toMatch(CHECK_FIRST);
		expect([r.simCalls, r.ledgerCalls, r.marked]).toEqual([1, 1, true]);
	});
});

describe('Register: other failures after sending', () => {
	it('the connection breaks while the receipt streams → "may have been registered", one call, marker set', async () => {
		const submissions = sim.submissions().length;
		const r = await registerThrough({ kind: 'resetMidAnswer', fraction: 0.5 });
		expect(r.error?.message).toMatch(MAY);
		expect(`${r.error?.message} ${r.error?.description}`).not.toMatch(/try again/i);
		expect([r.simCalls, r.ledgerCalls, r.marked]).toEqual([1, 1, true]);
		expect(sim.submissions().length).toBe(submissions + 1); // the warning was true
		suite.figure('occto: register, reset while the receipt streams', { faults: 1, calls: r.simCalls });
	});

	it.each<[string, FaultAction]>([
		['HTTP 502 from a front end', { kind: 'respond', status: 502, headers: { 'Content-Type': 'text/html' }, body: '<html><body>Bad Gateway</body></html>' }],
		['HTTP 200 without a result code', { kind: 'respond', status: 200, headers: { 'Content-Type': 'text/html' }, body: '<html><body>Login</body></html>' }],
	])('%s → the plan may have been registered, never "try again", one call, marker set', async (name, action) => {
		const r = await registerThrough(action);
		expect(r.error?.description).toMatch(CHECK_FIRST);
		expect(`${r.error?.message} ${r.error?.description}`).not.toMatch(/try again/i);
		expect([r.proxyCalls, r.ledgerCalls, r.marked]).toEqual([1, 1, true]);
		suite.figure(`occto: register, ${name}`, { faults: 1, calls: r.proxyCalls });
	});

	it('a result code that refuses the plan → no "may have been registered", no marker', async () => {
		const r = await registerThrough({ kind: 'respond', status: 200, headers: { [RESULT_CODE_HEADER]: '3001' }, body: 'XMLの形式が不正です' });
		expect(r.error?.message).toMatch(/rejected 作業停止計画登録 \(BA13B101\) with result code 3001/);
		expect(r.error?.message).not.toMatch(MAY);
		expect([r.proxyCalls, r.ledgerCalls, r.marked]).toEqual([1, 1, false]);
	});
});

describe('secrets', () => {
	it('no secret appears in any output, error or log line of these cases', () => {
		expect(suite.finish().found).toEqual([]);
	});
});
