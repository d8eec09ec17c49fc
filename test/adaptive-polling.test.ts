// Adaptive polling of the OCCTO trigger against the simulator: calls only while something can have changed.
import type { IDataObject } from 'n8n-workflow';

import { OcctoWebApi } from '../credentials/OcctoWebApi.credentials';
import { OcctoOutagePlanTrigger } from '../nodes/OcctoOutagePlanTrigger/OcctoOutagePlanTrigger.node';
import { clock as sharedClock } from '../nodes/shared/clock';
import { decideCall, estimateCalls, isActive, parseActiveHours } from '../nodes/OcctoOutagePlanTrigger/adaptivePolling';
import type { OcctoSimulator } from '../simulators/occto/server';
import { startOcctoSimulator } from '../simulators/occto/server';
import { CredentialStore, outputOf } from './harness';
import { badPlanXml, simulatorCredential, submissionsSettled, validPlanXml } from './occto-fixtures';
import { occtoNode, occtoRunner, setCallsUsed } from './occtoRunner';
import { Poller } from './pollHarness';
import { triggerNode } from './support/nodes';

const every5Minutes = { item: [{ mode: 'everyX', value: 5, unit: 'minutes' }] };
const MINUTE = 60_000;
// 2026-11-25 10:00 Japan time
const MORNING = Date.parse('2026-11-25T01:00:00Z');

let sim: OcctoSimulator;
let clock = MORNING;
const { run } = occtoRunner(() => sim);
const callsAtSimulator = (api: string) => sim.requests.filter((r) => r.apiId === api).length;

function trigger(parameters: IDataObject, staticData?: IDataObject): Poller {
	const node = triggerNode('n8n-nodes-occto-anpi.occtoOutagePlanTrigger', { pollTimes: every5Minutes, ...parameters }, { occtoWebApi: { id: '1', name: 'OCCTO' } }, { typeVersion: 2 });
	const store = new CredentialStore({ occtoWebApi: new OcctoWebApi() }, { occtoWebApi: simulatorCredential(sim) });
	const poller = new Poller(node, new OcctoOutagePlanTrigger(), store);
	if (staticData) Object.assign(poller.staticData, JSON.parse(JSON.stringify(staticData)));
	return poller;
}

/** One poll, `minutes` after the previous one on the trigger's clock. */
async function pollAfter(poller: Poller, minutes: number) {
	clock += minutes * MINUTE;
	return await poller.poll();
}

/** A Register through the node, a second after the last poll (as it happens between polls). */
const register = async (xml = validPlanXml()) => {
	clock += 1000;
	return await registerNow(xml);
};
const registerNow = async (xml: string) =>
	outputOf(await run([occtoNode('Register', { resource: 'outagePlan', operation: 'register', planSource: 'xml', planXml: xml, options: { validateBeforeSending: false } })]), 'Register')[0];

/** Waits until OCCTO (the simulator) has finished processing every submission. */
async function settled() {
	await submissionsSettled(sim);
}

beforeAll(async () => {
	sim = await startOcctoSimulator({ statusDelayMs: 400, seedPlans: 2 });
	sharedClock.now = () => clock;
});
afterAll(async () => {
	await sim.close();
});
// each test starts a day later, so markers left by an earlier test are older than anything it does
let day = 0;
beforeEach(async () => {
	day++;
	clock = MORNING + day * 86_400_000;
	await setCallsUsed('U0000001', 0);
});

describe('adaptive polling rules', () => {
	it('reads Active Hours in Japan time, across midnight too, and refuses nonsense', () => {
		const day = parseActiveHours('08:00-20:00');
		expect(isActive(day, Date.parse('2026-11-25T00:00:00Z'))).toBe(true); // 09:00 JST
		expect(isActive(day, Date.parse('2026-11-25T12:00:00Z'))).toBe(false); // 21:00 JST
		const night = parseActiveHours('22:00〜06:00');
		expect(isActive(night, Date.parse('2026-11-25T14:00:00Z'))).toBe(true); // 23:00 JST
		expect(() => parseActiveHours('8 to 20')).toThrow(/08:00-20:00/);
		expect(parseActiveHours('')).toBeUndefined();
	});

	it('estimates what the settings spend: one call per quiet interval in the active hours, never above the budget', () => {
		expect(estimateCalls(288, 60, undefined, 500)).toEqual({ quiet: 24, worstCase: 288 });
		expect(estimateCalls(288, 60, parseActiveHours('08:00-20:00'), 100)).toEqual({ quiet: 12, worstCase: 100 });
	});

	it('stops at the daily budget whatever is pending', () => {
		const state = { lastCallAt: MORNING, calls: { day: '20261125', count: 50 } };
		expect(decideCall({ now: MORNING + MINUTE, state, pending: true, markedAt: 0, quietMs: 3_600_000, activeHours: undefined, dailyBudget: 50 })).toEqual(
			expect.objectContaining({ call: false, reason: expect.stringMatching(/Daily Call Budget of 50/) }),
		);
	});
});

describe('OCCTO trigger, adaptive (version 2 default)', () => {
	it('nothing pending: calls only once per quiet interval', async () => {
		const poller = trigger({ event: 'submissionStatusChanged', quietIntervalMinutes: 60 });
		const before = callsAtSimulator('BA13B006');
		await poller.poll(); // first poll: remembers what is there
		for (let i = 0; i < 11; i++) await pollAfter(poller, 5); // the rest of the hour: no calls
		expect(callsAtSimulator('BA13B006') - before).toBe(1);
		await pollAfter(poller, 5); // 60 minutes after the last call
		expect(callsAtSimulator('BA13B006') - before).toBe(2);
	});

	it('a Register in another workflow makes the next poll call; a pending submission is followed at every poll until final', async () => {
		const poller = trigger({ event: 'submissionStatusChanged' });
		await poller.poll();
		await pollAfter(poller, 5);
		const before = callsAtSimulator('BA13B006');
		const receipt = await register(badPlanXml());
		const first = await pollAfter(poller, 5);
		expect(callsAtSimulator('BA13B006') - before).toBe(1);
		expect(first?.map((e) => [e.occtoReceptionNo, e.statusName])).toEqual([[receipt.occtoReceptionNo, '受付中']]);
		await settled(); // OCCTO finishes processing
		const second = await pollAfter(poller, 5); // pending: called again
		expect(second?.map((e) => e.statusName)).toEqual(['提出エラー']);
		expect(callsAtSimulator('BA13B006') - before).toBe(2);
		await pollAfter(poller, 5); // final now: quiet again
		expect(callsAtSimulator('BA13B006') - before).toBe(2);
	});

	it('a restart in the middle of a pending submission keeps following it', async () => {
		const poller = trigger({ event: 'submissionStatusChanged' });
		await poller.poll();
		const receipt = await register();
		await pollAfter(poller, 5); // sees it 受付中
		const restarted = trigger({ event: 'submissionStatusChanged' }, poller.staticData); // static data survives a restart
		await settled();
		const events = await pollAfter(restarted, 5);
		expect(events?.map((e) => [e.occtoReceptionNo, e.statusName])).toEqual([[receipt.occtoReceptionNo, '受付完了']]);
	});

	it('outside Active Hours: no calls unless a submission is pending', async () => {
		clock = Date.parse('2026-11-25T12:00:00Z') + day * 86_400_000; // 21:00 JST
		const poller = trigger({ event: 'submissionStatusChanged', quietIntervalMinutes: 15, options: { activeHours: '08:00-20:00' } });
		await poller.poll(); // first poll always calls
		const before = callsAtSimulator('BA13B006');
		for (let i = 0; i < 12; i++) await pollAfter(poller, 5); // an hour, past the quiet interval
		expect(callsAtSimulator('BA13B006') - before).toBe(0);
		const receipt = await register();
		const events = await pollAfter(poller, 5); // a registration is followed even at night
		expect(events?.[0].occtoReceptionNo).toBe(receipt.occtoReceptionNo);
	});

	it('two triggers on one credential: the plan trigger calls after the status trigger saw an acceptance', async () => {
		const status = trigger({ event: 'submissionStatusChanged' });
		const plans = trigger({ event: 'planChanged' });
		await status.poll();
		await plans.poll();
		const before = callsAtSimulator('BA13B103');
		await pollAfter(plans, 5);
		expect(callsAtSimulator('BA13B103') - before).toBe(0);
		const receipt = await register(validPlanXml({ facility: '北港連系線' }));
		await pollAfter(status, 0); // 受付中
		await settled();
		await pollAfter(status, 5); // 受付完了 → marks the plan list as changed
		const events = await pollAfter(plans, 0);
		expect(callsAtSimulator('BA13B103') - before).toBe(1);
		expect(events?.map((e) => e.occtoReceptionNo)).toContain(receipt.occtoReceptionNo);
	});

	it('the editor\'s test run shows what the settings will spend a day', async () => {
		const sample = await trigger({ event: 'submissionStatusChanged', options: { activeHours: '08:00-20:00' } }).poll('manual');
		expect(sample?.[0].estimatedCallsPerDay).toEqual({ pollingMode: 'adaptive', quietDay: 12, atMost: 288, pollsPerDay: 288 });
	});

	it('a quiet interval that alone exceeds the budget is refused before any call', async () => {
		const before = sim.requests.length;
		const poller = trigger({ event: 'submissionStatusChanged', quietIntervalMinutes: 5, dailyBudget: 100 });
		await expect(poller.poll()).rejects.toThrow(/Quiet Interval of 5 minutes alone spends 288 OCCTO calls a day, more than the daily budget of 100/);
		expect(sim.requests.length).toBe(before);
	});
});
