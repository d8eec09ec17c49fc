// The poll-overlap guard (nodes/shared/trigger/pollGuard.ts) and the NTT Anpi Trigger on a stalled gateway: polls
// started on schedule (every second here) while one poll is stalled, as n8n 1.x and 2.x's legacy scheduler
// start them, against the real simulator with people answering all the time. Short times stand in for a
// 1-minute schedule and a 150 s stall; nothing here asserts a duration.
import type { IDataObject } from 'n8n-workflow';

import { NttComApi } from '../credentials/NttComApi.credentials';
import { ANPI_PATHS } from '../nodes/nttAnpiApi';
import { NttAnpiTrigger } from '../nodes/NttAnpiTrigger/NttAnpiTrigger.node';
import type { PollLockStore } from '../nodes/shared/trigger/pollGuard';
import { MemoryPollLockStore, setPollLockStore } from '../nodes/shared/trigger/pollGuard';
import type { AnpiSimulator } from '../simulators/anpi/server';
import { startAnpiSimulator } from '../simulators/anpi/server';
import { CredentialStore } from './harness';
import { Poller } from './pollHarness';
import { nttCredential } from './support/anpi';
import { coreLogger } from './support/logger';
import { nodeOf } from './support/nodes';
import { sleep } from './support/time';

jest.setTimeout(60_000);

describe('MemoryPollLockStore', () => {
	it('lets one holder in per key, releases only for the holder, and lets a lapsed lease go', async () => {
		const store = new MemoryPollLockStore();
		const first = await store.tryAcquire('wf:node', 60_000);
		expect(first).toEqual({ token: expect.any(String) });
		expect(await store.tryAcquire('wf:node', 60_000)).toEqual({ heldSince: expect.any(Number) });
		expect(await store.tryAcquire('wf:other', 60_000)).toEqual({ token: expect.any(String) }); // other trigger
		await store.release('wf:node', 'not-the-holder');
		expect(await store.tryAcquire('wf:node', 60_000)).toEqual({ heldSince: expect.any(Number) });
		await store.release('wf:node', (first as { token: string }).token);
		const second = await store.tryAcquire('wf:node', 0); // a lease of 0 ms lapses at once
		expect(second).toEqual({ token: expect.any(String) });
		expect(await store.tryAcquire('wf:node', 60_000)).toEqual({ token: expect.any(String) });
	});
});

describe('NTT Anpi Trigger — slow polls never double or lose answers', () => {
	const TID = '0000003';
	let sim: AnpiSimulator;
	let store: CredentialStore;
	let nextUser = 1;
	beforeAll(async () => {
		sim = await startAnpiSimulator({ users: 400, answeredShare: 0, asyncDelayMs: 50 });
	});
	afterAll(async () => {
		await sim.close();
	});
	beforeEach(() => {
		sim.clearStalls();
		store = new CredentialStore({ nttComApi: new NttComApi() }, { nttComApi: nttCredential(sim.url) });
	});

	const trigger = (id: string, options: IDataObject = { timeout: 5 }) => {
		const parameters = { pollTimes: { item: [{ mode: 'everyMinute' }] }, event: 'newAnswers', tid: TID, options };
		const node = nodeOf('n8n-nodes-occto-anpi.nttAnpiTrigger', 'NTT Anpi Trigger', parameters, { nttComApi: { id: '1', name: 'NTT' } }, { id });
		return new Poller(node, new NttAnpiTrigger(), store);
	};

	/** People answer every 150 ms until stopped; returns the users who answered. */
	function answering() {
		const answered: string[] = [];
		const timer = setInterval(() => {
			const usrcd = `usr${String(nextUser++).padStart(6, '0')}`;
			sim.answer(TID, usrcd, ['01', '01', '01', '01']);
			answered.push(usrcd);
		}, 150);
		return { answered, stop: () => clearInterval(timer) };
	}

	/**
	 * Starts a poll every second without waiting for the previous one (as n8n's scheduler does), stalls
	 * the status call of the third poll for 3 s, then waits for every poll and sweeps once more.
	 */
	async function scheduleWithStall(poller: Poller) {
		await poller.poll(); // activation: remembers what is there
		const people = answering();
		const emitted: IDataObject[] = [];
		const running: Array<Promise<void>> = [];
		const statusCallsBefore = sim.requests.filter((r) => r.path === ANPI_PATHS.status).length;
		const ticks = 8;
		for (let tick = 0; tick < ticks; tick++) {
			if (tick === 2) sim.stall({ path: ANPI_PATHS.status, action: 'hang', forMs: 3000 });
			running.push(poller.poll().then((items) => void emitted.push(...(items ?? []))));
			await sleep(1000);
		}
		people.stop();
		await Promise.all(running);
		emitted.push(...((await poller.poll()) ?? [])); // a last poll after everyone answered
		const statusCalls = sim.requests.filter((r) => r.path === ANPI_PATHS.status).length - statusCallsBefore;
		const times = new Map<string, number>();
		for (const item of emitted) times.set(String(item.usrcd), (times.get(String(item.usrcd)) ?? 0) + 1);
		return { answered: people.answered, times, statusCalls, polls: ticks + 1 };
	}

	it('a poll stalled for 3 s with polls every second: every answer emitted exactly once, overlapping polls make no call', async () => {
		const logger = coreLogger();
		const warn = jest.spyOn(logger, 'warn');
		try {
			const { answered, times, statusCalls, polls } = await scheduleWithStall(trigger('guarded'));
			expect(answered.length).toBeGreaterThan(30);
			expect([...times.keys()].sort()).toEqual([...answered].sort()); // none lost
			expect([...times.values()].every((n) => n === 1)).toBe(true); // none twice
			const skipped = warn.mock.calls.filter(([message]) => /the previous poll is still running/.test(String(message)));
			expect(skipped.length).toBeGreaterThanOrEqual(2); // the polls of the two ticks inside the stall
			expect(statusCalls).toBe(polls - skipped.length); // a skipped poll made no call
			expect(String(skipped[0][0])).toMatch(/^NTT Anpi Trigger "NTT Anpi Trigger": the previous poll is still running \(started \d+ s ago\), so this poll made no call and emitted nothing/);
			expect(skipped[0][1]).toEqual({ workflowId: 'poll-test', nodeId: 'guarded' });
		} finally {
			warn.mockRestore();
		}
	});

	it('without the guard the same schedule emits answers twice (why the guard exists)', async () => {
		const noGuard: PollLockStore = { tryAcquire: async () => ({ token: 'always' }), release: async () => {} };
		const previous = setPollLockStore(noGuard);
		try {
			const { answered, times } = await scheduleWithStall(trigger('unguarded'));
			expect([...times.keys()].sort()).toEqual([...answered].sort());
			expect([...times.values()].some((n) => n > 1)).toBe(true);
		} finally {
			setPollLockStore(previous);
		}
	});

	it('a poll that fails on a gateway that never answers leaves the cursor where it was; the next poll emits each answer once', async () => {
		const poller = trigger('failing', { timeout: 1 });
		await poller.poll();
		const cursorBefore = JSON.parse(JSON.stringify(poller.staticData)) as IDataObject;
		const late = ['usr000390', 'usr000391', 'usr000392'];
		for (const usrcd of late) sim.answer(TID, usrcd, ['02', '01', '01', '01']);
		sim.stall({ path: ANPI_PATHS.status, action: 'hang', count: Number.POSITIVE_INFINITY });
		await expect(poller.poll()).rejects.toThrow('Get Status (安否確認API(状況確認)) timed out (no answer within 1 s) after 4 attempts');
		expect(poller.staticData).toEqual(cursorBefore);
		sim.clearStalls();
		const items = (await poller.poll()) ?? [];
		expect(items.map((item) => item.usrcd).sort()).toEqual(late);
		expect((await poller.poll()) ?? []).toEqual([]);
		// and the guard was released by the failed poll (otherwise these polls would have been skipped)
	});

	it('a test run from the editor is never held back by the guard and never moves the cursor', async () => {
		const poller = trigger('manual');
		await poller.poll();
		sim.stall({ path: ANPI_PATHS.status, action: 'hang', forMs: 1500 });
		const active = poller.poll(); // holds the guard while its call is stalled
		await sleep(300);
		const sample = await poller.poll('manual'); // a skipped poll would give null
		expect(sample?.length).toBeGreaterThan(0);
		await active;
		const cursor = JSON.parse(JSON.stringify(poller.staticData)) as IDataObject;
		sim.answer(TID, 'usr000399', ['01', '01', '01', '01']);
		expect((await poller.poll('manual'))?.length).toBeGreaterThan(0);
		expect(poller.staticData).toEqual(cursor);
	});
});
