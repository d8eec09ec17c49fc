// NTT Anpi Trigger, New Answers with an empty Thread ID, between rounds: whatever the gateway answers for
// "no round is open" (HTTP 404, an API error about the thread, an empty list), a poll is quiet; when a round
// opens, every answer of it arrives once — but none given before the trigger was activated (Emit Existing
// off). Driven through n8n-core's PollContext (test/pollHarness.ts).
import type { IDataObject } from 'n8n-workflow';

import { NttComApi } from '../credentials/NttComApi.credentials';
import { ANPI_PATHS } from '../nodes/nttAnpiApi';
import { jstMinute } from '../nodes/shared/japanTime';
import { NttAnpiTrigger } from '../nodes/NttAnpiTrigger/NttAnpiTrigger.node';
import type { AnpiSimulator, NoOpenRoundAnswer } from '../simulators/anpi/server';
import { startAnpiSimulator } from '../simulators/anpi/server';
import { CredentialStore } from './harness';
import { Poller } from './pollHarness';
import { nttCredential } from './support/anpi';
import { nodeOf } from './support/nodes';

const ANSWERS = ['01', '01', '01', '01'];
const user = (i: number) => `usr${String(i).padStart(6, '0')}`;

let sim: AnpiSimulator;
let store: CredentialStore;

function newAnswersTrigger(parameters: IDataObject = {}): Poller {
	const all = { pollTimes: { item: [{ mode: 'everyMinute' }] }, event: 'newAnswers', tid: '', ...parameters };
	const node = nodeOf('n8n-nodes-occto-anpi.nttAnpiTrigger', 'New answers', all, { nttComApi: { id: '1', name: 'NTT' } }, { id: 'rounds' });
	return new Poller(node, new NttAnpiTrigger(), store);
}

const statusCalls = () => sim.requests.filter((r) => r.path === ANPI_PATHS.status).length;
const usersOf = (events: IDataObject[] | null) => (events ?? []).map((e) => [e.tid, e.usrcd]).sort();

beforeEach(async () => {
	sim = await startAnpiSimulator({ users: 60, answeredShare: 0, seedOpenRound: false });
	store = new CredentialStore(
		{ nttComApi: new NttComApi() },
		{ nttComApi: nttCredential(sim.url) },
	);
});
afterEach(async () => {
	await sim.close();
});

describe.each<NoOpenRoundAnswer>(['404', 'errorCode', 'emptyList', 'default'])('no open round answered as "%s"', (style) => {
	beforeEach(() => sim.answerNoOpenRound(style));

	it('polls are quiet between rounds; each round that opens is followed from its beginning, nothing lost or repeated', async () => {
		const trigger = newAnswersTrigger();
		// activation and the polls after it: no round is open
		for (let i = 0; i < 3; i++) {
			const before = statusCalls();
			expect(await trigger.poll()).toBeNull();
			expect(statusCalls() - before).toBe(1); // one call, not retried
		}
		expect(await trigger.poll('manual')).toBeNull(); // the editor's test run too

		// a disaster: a round opens and people answer before the next poll
		const first = sim.openRound('地震発生');
		for (let i = 1; i <= 3; i++) sim.answer(first, user(i), ANSWERS);
		expect(usersOf(await trigger.poll())).toEqual([1, 2, 3].map((i) => [first, user(i)]));
		sim.answer(first, user(4), ANSWERS);
		expect(usersOf(await trigger.poll())).toEqual([[first, user(4)]]);
		expect(await trigger.poll()).toBeNull();

		// the round is closed: quiet again, for as long as it takes
		sim.closeRound(first);
		expect(await trigger.poll()).toBeNull();
		expect(await trigger.poll()).toBeNull();

		// the next round: its answers from its beginning, the earlier round's never again
		const second = sim.openRound('台風接近');
		sim.answer(second, user(1), ANSWERS);
		sim.answer(second, user(7), ANSWERS);
		expect(usersOf(await trigger.poll())).toEqual([
			[second, user(1)],
			[second, user(7)],
		]);
		expect(await trigger.poll()).toBeNull();
	});

	it('a round open at activation is remembered; after it closes, the next round arrives whole', async () => {
		const open = sim.openRound();
		sim.answer(open, user(1), ANSWERS);
		const trigger = newAnswersTrigger();
		expect(await trigger.poll()).toBeNull(); // first poll: remembers what is there
		sim.answer(open, user(2), ANSWERS);
		expect(usersOf(await trigger.poll())).toEqual([[open, user(2)]]);
		sim.closeRound(open, '2');
		expect(await trigger.poll()).toBeNull();
		const next = sim.openRound();
		sim.answer(next, user(3), ANSWERS);
		expect(usersOf(await trigger.poll())).toEqual([[next, user(3)]]);
	});
});

describe('what stays an error', () => {
	it('a Thread ID that does not exist (HTTP 404) still fails: only the open round may be absent', async () => {
		await expect(newAnswersTrigger({ tid: '0999999' }).poll()).rejects.toThrow(/HTTP 404|Thread not found|SIM000404/);
	});

	it('other failures of Get Status without tid still fail, API errors about something else included', async () => {
		sim.openRound();
		const trigger = newAnswersTrigger();
		sim.failNext(500, { body: '{"fault":{"faultstring":"internal"}}', path: ANPI_PATHS.status });
		await expect(trigger.poll()).rejects.toThrow(/HTTP 500/);
		sim.failNext(400, {
			body: JSON.stringify({ errorCode: 'E00000042', errorMessage: '入力値が不正です', moreInfo: null, errorDetails: ['limit: 5000を超えています'] }),
			path: ANPI_PATHS.status,
		});
		await expect(trigger.poll()).rejects.toThrow(/E00000042/);
		expect(await trigger.poll()).toBeNull(); // and the place is intact after them
	});

	it('a round seen before is not left on a failed poll between rounds', async () => {
		const open = sim.openRound();
		const trigger = newAnswersTrigger();
		expect(await trigger.poll()).toBeNull();
		sim.answer(open, user(5), ANSWERS);
		sim.answerNoOpenRound('emptyList');
		// the gateway says "no round" once by mistake while the round is still open
		sim.failNext(404, { body: '', path: ANPI_PATHS.status });
		expect(await trigger.poll()).toBeNull();
		expect(usersOf(await trigger.poll())).toEqual([[open, user(5)]]);
		expect(await trigger.poll()).toBeNull();
	});
});

describe('a round that opens holding answers from before activation (Emit Existing off)', () => {
	const OLD = 300;
	const yesterday = () => jstMinute(new Date(Date.now() - 86_400_000));
	beforeEach(async () => {
		await sim.close();
		sim = await startAnpiSimulator({ users: OLD + 10, answeredShare: 0, seedOpenRound: false });
		store = new CredentialStore({ nttComApi: new NttComApi() }, { nttComApi: nttCredential(sim.url) });
	});

	/** Opens a round holding OLD answers registered yesterday, then 5 people answer now. */
	function roundWithOldAnswers(): { tid: string; fresh: string[] } {
		const tid = sim.openRound('前日からの訓練');
		for (let i = 1; i <= OLD; i++) sim.answer(tid, user(i), ANSWERS, yesterday());
		const fresh = [1, 2, 3, 4, 5].map((i) => user(OLD + i));
		for (const usrcd of fresh) sim.answer(tid, usrcd, ANSWERS);
		return { tid, fresh };
	}

	it('only the answers given after activation are emitted (5 of 5, not 305), once', async () => {
		const trigger = newAnswersTrigger();
		expect(await trigger.poll()).toBeNull(); // activation, no round open
		expect(await trigger.poll()).toBeNull();
		const { tid, fresh } = roundWithOldAnswers();
		expect(usersOf(await trigger.poll())).toEqual(fresh.map((usrcd) => [tid, usrcd]));
		expect(await trigger.poll()).toBeNull();
		sim.answer(tid, user(OLD + 6), ANSWERS);
		expect(usersOf(await trigger.poll())).toEqual([[tid, user(OLD + 6)]]);
	});

	it('a cursor kept before the activation time was: bounded by the poll before, not the round start', async () => {
		const trigger = newAnswersTrigger();
		trigger.staticData['node:New answers'] = { tid: '' }; // between rounds, as an earlier version left it
		const { tid, fresh } = roundWithOldAnswers();
		expect(usersOf(await trigger.poll())).toEqual(fresh.map((usrcd) => [tid, usrcd]));
	});

	it('Emit Existing on: the round arrives whole, from its start', async () => {
		const trigger = newAnswersTrigger({ emitExisting: true });
		expect(await trigger.poll()).toBeNull();
		roundWithOldAnswers();
		expect(await trigger.poll()).toHaveLength(OLD + 5);
	});
});
