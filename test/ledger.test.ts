// The OCCTO call ledger (nodes/occtoApi/callLedger over nodes/shared/state): the same contract for
// memory, file and redis, day rollover at 00:00 Japan time, exact counts across OS processes (file store) and
// under a race (a real redis-server on a free port), and clear errors when a store cannot be used.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';

import {
	closeRedisClients,
	LedgerUnavailableError,
	openLedger,
} from '../nodes/occtoApi';
import type { LedgerSetting, OpenedLedger } from '../nodes/occtoApi';
import { runInProcesses as runChildren } from './forkedChildren';
import { describeIfRedis, useRedisServer } from './redisFixture';
import { startRedisServer } from './redisServer';
import type { RedisServer } from './redisServer';

const CHILD = path.join(__dirname, 'ledger-child.cjs');
const DAY_MS = 24 * 60 * 60 * 1000;

class FakeClock {
	constructor(public now = new Date('2026-11-24T10:00:00+09:00')) {}
	readonly clock = () => this.now;
	set(iso: string) {
		this.now = new Date(iso);
	}
}

let userCounter = 0;
/** Memory counts are process-wide: every test uses user IDs of its own. */
const newUser = () => `U${String(++userCounter).padStart(7, '0')}-${process.pid}`;

const temporaryFolders: string[] = [];
function userFolder(): string {
	const dir = mkdtempSync(path.join(tmpdir(), 'occto-ledger-test-'));
	temporaryFolders.push(dir);
	return dir;
}

afterAll(async () => {
	await closeRedisClients();
	for (const dir of temporaryFolders) rmSync(dir, { recursive: true, force: true });
});

interface ChildJob {
	setting: LedgerSetting;
	env: NodeJS.ProcessEnv;
	userId: string;
	count: number;
	stopBefore: number;
	parallel?: boolean;
}
interface ChildResult {
	allowed: number;
	refused: number;
	store: string;
	error?: string;
}

/** Starts one OS process per job, lets them all get ready, then starts them together. */
async function runInProcesses(jobs: ChildJob[]): Promise<ChildResult[]> {
	return await runChildren<ChildJob, ChildResult>(CHILD, jobs);
}

type StoreFactory = (clock: FakeClock) => Promise<OpenedLedger>;

/** The contract every store keeps. */
function contract(name: 'memory' | 'file' | 'redis', open: () => StoreFactory) {
	describe(`${name} store: the ledger contract`, () => {
		test('reserve counts one call, read shows it, with limit, day and reset time', async () => {
			const clock = new FakeClock(new Date('2026-11-24T10:00:00+09:00'));
			const { ledger } = await open()(clock);
			const user = newUser();
			expect(ledger.store).toBe(name);
			expect(await ledger.read(user)).toEqual({ used: 0, limit: 1000, resetsAt: '2026-11-24T15:00:00.000Z', day: '20261124', store: name });
			const first = await ledger.reserve(user, 950);
			expect(first).toEqual({ allowed: true, reading: { used: 1, limit: 1000, resetsAt: '2026-11-24T15:00:00.000Z', day: '20261124', store: name } });
			await ledger.reserve(user, 950);
			expect((await ledger.read(user)).used).toBe(2);
			expect((await ledger.read(newUser())).used).toBe(0); // per user ID
		});

		test('Stop Before: allowed up to it, then refused without counting', async () => {
			const clock = new FakeClock();
			const { ledger } = await open()(clock);
			const user = newUser();
			expect((await ledger.set(user, 949)).used).toBe(949);
			const last = await ledger.reserve(user, 950);
			expect(last.allowed).toBe(true);
			expect(last.reading.used).toBe(950);
			const refused = await ledger.reserve(user, 950);
			expect(refused).toMatchObject({ allowed: false, refusedBy: 'stopBefore', reading: { used: 950 } });
			expect((await ledger.read(user)).used).toBe(950);
			// a higher Stop Before (urgent work) may still spend the rest
			expect((await ledger.reserve(user, 1000)).allowed).toBe(true);
		});

		test('the daily limit of 1000 holds whatever Stop Before says', async () => {
			const clock = new FakeClock();
			const { ledger } = await open()(clock);
			const user = newUser();
			await ledger.set(user, 999);
			expect((await ledger.reserve(user, 5000)).reading.used).toBe(1000);
			expect(await ledger.reserve(user, 5000)).toMatchObject({ allowed: false, refusedBy: 'dailyLimit', reading: { used: 1000 } });
		});

		test('markExhausted raises the count to 1000 and never lowers it', async () => {
			const clock = new FakeClock();
			const { ledger } = await open()(clock);
			const user = newUser();
			await ledger.reserve(user, 950);
			expect((await ledger.markExhausted(user)).used).toBe(1000);
			expect(await ledger.reserve(user, 950)).toMatchObject({ allowed: false, refusedBy: 'dailyLimit' });
			const other = newUser();
			await ledger.set(other, 1003);
			expect((await ledger.markExhausted(other)).used).toBe(1003);
		});

		test('set aligns the count in both directions; bad figures are refused', async () => {
			const clock = new FakeClock();
			const { ledger } = await open()(clock);
			const user = newUser();
			await ledger.set(user, 700);
			expect((await ledger.set(user, 25)).used).toBe(25);
			expect((await ledger.read(user)).used).toBe(25);
			await expect(ledger.set(user, -1)).rejects.toThrow('whole number of 0 or more');
			await expect(ledger.set(user, 2.5)).rejects.toThrow('whole number of 0 or more');
			await expect(ledger.reserve(user, Number.NaN)).rejects.toThrow('"Stop Before Call Count"');
			await expect(ledger.read('')).rejects.toThrow('"User ID"');
			expect((await ledger.read(user)).used).toBe(25);
		});

		test('the day rolls over at 00:00 Japan time', async () => {
			const clock = new FakeClock(new Date('2026-11-24T23:59:59.999+09:00'));
			const { ledger } = await open()(clock);
			const user = newUser();
			await ledger.reserve(user, 950);
			await ledger.reserve(user, 950);
			expect(await ledger.read(user)).toMatchObject({ used: 2, day: '20261124', resetsAt: '2026-11-24T15:00:00.000Z' });
			clock.set('2026-11-25T00:00:00.000+09:00'); // = 2026-11-24T15:00:00Z
			expect(await ledger.read(user)).toMatchObject({ used: 0, day: '20261125', resetsAt: '2026-11-25T15:00:00.000Z' });
			expect((await ledger.reserve(user, 950)).reading).toMatchObject({ used: 1, day: '20261125' });
			// an exhausted day does not carry over either
			await ledger.markExhausted(user);
			clock.set('2026-11-26T00:00:00.000+09:00');
			expect((await ledger.reserve(user, 950)).reading).toMatchObject({ used: 1, day: '20261126' });
		});

		test('shared state: get, set, setIfAbsent (a lock), delete', async () => {
			const clock = new FakeClock();
			const { state } = await open()(clock);
			const key = `cursor-${newUser()}`;
			expect(await state.get(key)).toBeUndefined();
			await state.set(key, 'a');
			expect(await state.get(key)).toBe('a');
			expect(await state.setIfAbsent(key, 'b', 60_000)).toBe(false);
			expect(await state.get(key)).toBe('a');
			await state.delete(key);
			expect(await state.get(key)).toBeUndefined();
			expect(await state.setIfAbsent(key, 'c', 60_000)).toBe(true);
			expect(await state.setIfAbsent(key, 'd', 60_000)).toBe(false);
			expect(await state.get(key)).toBe('c');
		});
	});
}

const memoryFactory: StoreFactory = async (clock) => await openLedger({ mode: 'memory' }, {}, { clock: clock.clock, argv: [] });

contract('memory', () => memoryFactory);

let fileFolder = '';
contract('file', () => {
	fileFolder ||= userFolder();
	return async (clock) => await openLedger({ mode: 'file' }, { N8N_USER_FOLDER: fileFolder }, { clock: clock.clock, argv: [] });
});

describe('memory and file shared state expire with the injected clock', () => {
	test.each([
		['memory', (clock: FakeClock) => memoryFactory(clock)],
		['file', async (clock: FakeClock) => await openLedger({ mode: 'file' }, { N8N_USER_FOLDER: userFolder() }, { clock: clock.clock, argv: [] })],
	])('%s', async (_name, open) => {
		const clock = new FakeClock();
		const { state } = await open(clock);
		const key = `lock-${newUser()}`;
		expect(await state.setIfAbsent(key, 'worker-1', 30_000)).toBe(true);
		clock.set(new Date(clock.now.getTime() + 29_999).toISOString());
		expect(await state.setIfAbsent(key, 'worker-2', 30_000)).toBe(false);
		clock.set(new Date(clock.now.getTime() + 1).toISOString());
		expect(await state.get(key)).toBeUndefined();
		expect(await state.setIfAbsent(key, 'worker-2', 30_000)).toBe(true);
		expect(await state.get(key)).toBe('worker-2');
		await state.set(`${key}-token`, 'tok', 1000);
		clock.set(new Date(clock.now.getTime() + 1000).toISOString());
		expect(await state.get(`${key}-token`)).toBeUndefined();
	});
});

describe('file store', () => {
	test('lives in <N8N_USER_FOLDER>/.n8n/occto-ledger and survives a restart (a new ledger reads the same count)', async () => {
		const folder = userFolder();
		const clock = new FakeClock();
		const user = newUser();
		const first = await openLedger({ mode: 'file' }, { N8N_USER_FOLDER: folder }, { clock: clock.clock, argv: [] });
		for (let i = 0; i < 7; i++) await first.ledger.reserve(user, 950);
		const file = path.join(folder, '.n8n', 'occto-ledger', 'calls.json');
		expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ days: { '20261124': { [user]: 7 } } });
		const afterRestart = await openLedger({ mode: 'file' }, { N8N_USER_FOLDER: folder }, { clock: clock.clock, argv: [] });
		expect((await afterRestart.ledger.read(user)).used).toBe(7);
		expect(existsSync(`${file}.lock`)).toBe(false);
	});

	test('its folder and files are readable by their owner only (they name OCCTO user IDs)', async () => {
		const folder = userFolder();
		const { ledger, state } = await openLedger({ mode: 'file' }, { N8N_USER_FOLDER: folder }, { argv: [] });
		await ledger.reserve(newUser(), 950);
		await state.set('occto:registered:U0000001', '1', 60_000);
		const dir = path.join(folder, '.n8n', 'occto-ledger');
		expect(statSync(dir).mode & 0o777).toBe(0o700);
		const files = readdirSync(dir);
		expect(files).toContain('calls.json');
		for (const file of files) expect([file, statSync(path.join(dir, file)).mode & 0o777]).toEqual([file, 0o600]);
	});

	test('keeps only today and yesterday in the file', async () => {
		const folder = userFolder();
		const clock = new FakeClock(new Date('2026-11-20T12:00:00+09:00'));
		const { ledger } = await openLedger({ mode: 'file' }, { N8N_USER_FOLDER: folder }, { clock: clock.clock, argv: [] });
		const user = newUser();
		for (const day of ['20', '21', '22']) {
			clock.set(`2026-11-${day}T12:00:00+09:00`);
			await ledger.reserve(user, 950);
		}
		const file = path.join(folder, '.n8n', 'occto-ledger', 'calls.json');
		expect(Object.keys((JSON.parse(readFileSync(file, 'utf8')) as { days: object }).days).sort()).toEqual(['20261121', '20261122']);
	});

	test('two OS processes spending calls at once count exactly, and Stop Before holds across them', async () => {
		const folder = userFolder();
		const user = newUser();
		const job: ChildJob = { setting: { mode: 'file' }, env: { N8N_USER_FOLDER: folder }, userId: user, count: 150, stopBefore: 1000 };
		const round1 = await runInProcesses([job, job]);
		expect(round1.map((r) => r.allowed)).toEqual([150, 150]);
		const { ledger } = await openLedger({ mode: 'file' }, { N8N_USER_FOLDER: folder }, { argv: [] });
		expect((await ledger.read(user)).used).toBe(300);
		// both race for the last 100 calls before Stop Before 400
		const round2 = await runInProcesses([{ ...job, count: 80, stopBefore: 400 }, { ...job, count: 80, stopBefore: 400 }]);
		expect(round2.reduce((sum, r) => sum + r.allowed, 0)).toBe(100);
		expect(round2.reduce((sum, r) => sum + r.refused, 0)).toBe(60);
		expect((await ledger.read(user)).used).toBe(400);
	});

	test('a lock left by a process that died is broken, not waited on forever', async () => {
		const folder = userFolder();
		const { ledger } = await openLedger({ mode: 'file' }, { N8N_USER_FOLDER: folder }, { argv: [] });
		const user = newUser();
		await ledger.reserve(user, 950);
		const lock = path.join(folder, '.n8n', 'occto-ledger', 'calls.json.lock');
		writeFileSync(lock, 'otherhost:99999:dead');
		const longAgo = new Date(Date.now() - 60_000);
		utimesSync(lock, longAgo, longAgo);
		expect((await ledger.reserve(user, 950)).reading.used).toBe(2);
		expect(existsSync(lock)).toBe(false);
	});

	test('a damaged file is an error naming the file, never an empty count', async () => {
		const folder = userFolder();
		const { ledger } = await openLedger({ mode: 'file' }, { N8N_USER_FOLDER: folder }, { argv: [] });
		const user = newUser();
		await ledger.reserve(user, 950);
		const file = path.join(folder, '.n8n', 'occto-ledger', 'calls.json');
		writeFileSync(file, '{"days": {"2026');
		const failure = ledger.reserve(user, 950);
		await expect(failure).rejects.toBeInstanceOf(LedgerUnavailableError);
		await expect(failure).rejects.toThrow(`The OCCTO call ledger file ${file} is damaged`);
		await expect(ledger.read(user)).rejects.toThrow('is damaged');
	});

	test('automatic without queue mode uses the file store', async () => {
		const folder = userFolder();
		const { ledger } = await openLedger({ mode: 'automatic' }, { N8N_USER_FOLDER: folder }, { argv: [] });
		expect(ledger.store).toBe('file');
		expect((await ledger.reserve(newUser(), 950)).reading.store).toBe('file');
	});

	test('folder not writable: automatic falls back to this process and says why; "file" refuses', async () => {
		const blocker = path.join(userFolder(), 'a-file');
		writeFileSync(blocker, 'not a folder'); // a user folder below a regular file cannot be created, even by root
		const { ledger } = await openLedger({ mode: 'automatic' }, { N8N_USER_FOLDER: blocker }, { argv: [] });
		expect(ledger.store).toBe('memory');
		const reading = (await ledger.reserve(newUser(), 950)).reading;
		expect(reading.store).toBe('memory');
		expect(reading.fallbackReason).toContain(`${path.join(blocker, '.n8n', 'occto-ledger')} is not writable (ENOTDIR)`);
		expect(reading.fallbackReason).toContain('Counting in this n8n process only');
		const refused = openLedger({ mode: 'file' }, { N8N_USER_FOLDER: blocker }, { argv: [] });
		await expect(refused).rejects.toBeInstanceOf(LedgerUnavailableError);
		await expect(refused).rejects.toThrow('The OCCTO call ledger cannot be kept in a file');
	});

	test('memory chosen on purpose carries no fallback reason', async () => {
		const { ledger } = await openLedger({ mode: 'memory' }, {}, { argv: [] });
		expect((await ledger.read(newUser())).fallbackReason).toBeUndefined();
	});
});

describeIfRedis('the Redis ledger tests')('redis store (a real redis-server)', () => {
	let server: RedisServer;
	let inspect: Redis;
	useRedisServer((started) => ({ server, inspect } = started));

	contract('redis', () => async (clock) => await openLedger({ mode: 'redis', url: server.url }, {}, { clock: clock.clock, argv: [] }));

	test('keys carry the user ID and the Japan-time day and expire a day after that day ends', async () => {
		const clock = new FakeClock(new Date('2026-11-24T18:00:00+09:00'));
		const { ledger } = await openLedger({ mode: 'redis', url: server.url }, {}, { clock: clock.clock, argv: [] });
		const user = newUser();
		await ledger.reserve(user, 950);
		const key = `n8n-nodes-occto-anpi:calls:20261124:${user}`;
		expect(await inspect.get(key)).toBe('1');
		const expected = 6 * 60 * 60 * 1000 + DAY_MS; // to 00:00 JST, plus one day
		const ttl = await inspect.pttl(key);
		expect(ttl).toBeLessThanOrEqual(expected);
		expect(ttl).toBeGreaterThan(expected - 60_000);
		await ledger.set(user, 5);
		expect(await inspect.pttl(key)).toBeGreaterThan(expected - 60_000);
		await ledger.markExhausted(user);
		expect(await inspect.pttl(key)).toBeGreaterThan(expected - 60_000);
	});

	test('50 concurrent reserves at 940 with Stop Before 950: exactly 10 pass', async () => {
		const { ledger } = await openLedger({ mode: 'redis', url: server.url }, {}, { argv: [] });
		const user = newUser();
		await ledger.set(user, 940);
		const results = await Promise.all(Array.from({ length: 50 }, async () => await ledger.reserve(user, 950)));
		expect(results.filter((r) => r.allowed)).toHaveLength(10);
		expect(results.filter((r) => r.refusedBy === 'stopBefore')).toHaveLength(40);
		expect((await ledger.read(user)).used).toBe(950);
	});

	test('two OS processes racing at 940 with Stop Before 950: exactly 10 pass', async () => {
		const { ledger } = await openLedger({ mode: 'redis', url: server.url }, {}, { argv: [] });
		const user = newUser();
		await ledger.set(user, 940);
		const job: ChildJob = { setting: { mode: 'redis', url: server.url }, env: {}, userId: user, count: 25, stopBefore: 950, parallel: true };
		const results = await runInProcesses([job, job]);
		expect(results.map((r) => r.store)).toEqual(['redis', 'redis']);
		expect(results.reduce((sum, r) => sum + r.allowed, 0)).toBe(10);
		expect((await ledger.read(user)).used).toBe(950);
	});

	test('automatic in queue mode uses the Redis n8n uses (QUEUE_BULL_REDIS_*), also for an `n8n worker` process', async () => {
		const env = { EXECUTIONS_MODE: 'queue', QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: String(server.port), QUEUE_BULL_REDIS_DB: '3' };
		const { ledger, state } = await openLedger({ mode: 'automatic' }, env, { argv: [] });
		expect(ledger.store).toBe('redis');
		const user = newUser();
		await ledger.reserve(user, 950);
		await state.set('marker', 'x');
		const db3 = new Redis({ host: '127.0.0.1', port: server.port, db: 3 });
		try {
			expect(await db3.keys(`*${user}`)).toHaveLength(1);
			expect(await db3.get('n8n-nodes-occto-anpi:state:bull:marker')).toBe('x');
		} finally {
			db3.disconnect();
		}
		const worker = await openLedger({ mode: 'automatic' }, { ...env, EXECUTIONS_MODE: undefined }, { argv: ['node', 'n8n', 'worker'] });
		expect(worker.ledger.store).toBe('redis');
		expect((await worker.ledger.read(user)).used).toBe(1);
	});

	test('shared state: setIfAbsent is one winner among many; keys are kept apart per QUEUE_BULL_PREFIX', async () => {
		const a = await openLedger({ mode: 'redis', url: server.url }, { QUEUE_BULL_PREFIX: 'instance-a' }, { argv: [] });
		const b = await openLedger({ mode: 'redis', url: server.url }, { QUEUE_BULL_PREFIX: 'instance-b' }, { argv: [] });
		const key = `poll-lock-${newUser()}`;
		const wins = await Promise.all(Array.from({ length: 20 }, async (_, i) => await a.state.setIfAbsent(key, `w${i}`, 60_000)));
		expect(wins.filter(Boolean)).toHaveLength(1);
		expect(await b.state.get(key)).toBeUndefined();
		expect(await b.state.setIfAbsent(key, 'b', 60_000)).toBe(true);
		const ttl = await inspect.pttl(`n8n-nodes-occto-anpi:state:instance-a:${key}`);
		expect(ttl).toBeGreaterThan(0);
		expect(ttl).toBeLessThanOrEqual(60_000);
	});

	describe('with a password', () => {
		let secured: RedisServer;
		const password = 'redis-pass-for-ledger-test';
		let passwordFile = '';
		beforeAll(async () => {
			secured = await startRedisServer(['--requirepass', password]);
			passwordFile = path.join(userFolder(), 'redis-password');
			writeFileSync(passwordFile, `${password}\n`);
		});
		afterAll(async () => {
			await closeRedisClients(); // before the server goes, so no client is left reconnecting to it
			await secured?.stop();
		});

		test('QUEUE_BULL_REDIS_PASSWORD and QUEUE_BULL_REDIS_PASSWORD_FILE are read as n8n reads them', async () => {
			const base = { EXECUTIONS_MODE: 'queue', QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: String(secured.port) };
			const direct = await openLedger({ mode: 'automatic' }, { ...base, QUEUE_BULL_REDIS_PASSWORD: password }, { argv: [] });
			const user = newUser();
			await direct.ledger.reserve(user, 950);
			const fromFile = await openLedger({ mode: 'automatic' }, { ...base, QUEUE_BULL_REDIS_PASSWORD_FILE: passwordFile }, { argv: [] });
			expect((await fromFile.ledger.read(user)).used).toBe(1);
			const url = await openLedger({ mode: 'redis', url: `redis://:${encodeURIComponent(password)}@127.0.0.1:${secured.port}/0` }, {}, { argv: [] });
			expect((await url.ledger.read(user)).used).toBe(1);
		});

		test('a wrong password is an error naming host:port, not the password', async () => {
			const attempt = openLedger({ mode: 'redis', url: `redis://:wrong-secret-value@127.0.0.1:${secured.port}` }, {}, { argv: [] });
			await expect(attempt).rejects.toBeInstanceOf(LedgerUnavailableError);
			const error = (await attempt.catch((e: LedgerUnavailableError) => e)) as LedgerUnavailableError;
			expect(error.message).toContain(`at 127.0.0.1:${secured.port}`);
			expect(error.message).toMatch(/WRONGPASS|invalid password/);
			expect(`${error.message} ${error.description}`).not.toContain('wrong-secret-value');
			const noPassword = openLedger({ mode: 'automatic' }, { EXECUTIONS_MODE: 'queue', QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: String(secured.port) }, { argv: [] });
			await expect(noPassword).rejects.toThrow('NOAUTH');
		});
	});

	test('Redis going away after it worked: the next reserve fails with a clear error, and works again once Redis is back', async () => {
		const transient = await startRedisServer();
		const url = transient.url;
		const { ledger } = await openLedger({ mode: 'redis', url }, {}, { argv: [] });
		const user = newUser();
		await ledger.reserve(user, 950);
		await transient.stop();
		const failure = ledger.reserve(user, 950);
		await expect(failure).rejects.toBeInstanceOf(LedgerUnavailableError);
		await expect(failure).rejects.toThrow(`Cannot use the Redis for the OCCTO call ledger at 127.0.0.1:${transient.port}`);
		const back = await startRedisServer([], transient.port);
		try {
			const reopened = await openLedger({ mode: 'redis', url }, {}, { argv: [] });
			expect((await reopened.ledger.reserve(user, 950)).reading.used).toBe(1); // a fresh, empty Redis
		} finally {
			await closeRedisClients();
			await back.stop();
		}
	});
});

describe('unreachable or wrong Redis settings are errors, never a silent switch', () => {
	test('"redis" mode with nothing listening names host:port', async () => {
		const attempt = openLedger({ mode: 'redis', url: 'redis://user:some-password@127.0.0.1:1/0' }, {}, { argv: [] });
		await expect(attempt).rejects.toBeInstanceOf(LedgerUnavailableError);
		await expect(attempt).rejects.toThrow('Cannot use the Redis for the OCCTO call ledger at 127.0.0.1:1: connect ECONNREFUSED');
		const error = (await attempt.catch((e: LedgerUnavailableError) => e)) as LedgerUnavailableError;
		expect(error.description).toContain('"Redis URL"');
		expect(`${error.message} ${error.description}`).not.toContain('some-password');
	});

	test('automatic in queue mode with n8n\'s Redis down does not fall back to the file store', async () => {
		const attempt = openLedger(
			{ mode: 'automatic' },
			{ EXECUTIONS_MODE: 'queue', QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: '1', N8N_USER_FOLDER: userFolder() },
			{ argv: [] },
		);
		await expect(attempt).rejects.toThrow('Cannot use the Redis for the OCCTO call ledger at 127.0.0.1:1');
		const error = (await attempt.catch((e: LedgerUnavailableError) => e)) as LedgerUnavailableError;
		expect(error.description).toContain('QUEUE_BULL_REDIS_*');
	});

	test('a server that accepts but never answers is an error too, not a hang', async () => {
		const sockets: net.Socket[] = [];
		const silent = net.createServer((socket) => sockets.push(socket));
		await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
		const { port } = silent.address() as net.AddressInfo;
		try {
			await expect(openLedger({ mode: 'redis', url: `redis://127.0.0.1:${port}` }, {}, { argv: [] })).rejects.toThrow(
				`Cannot use the Redis for the OCCTO call ledger at 127.0.0.1:${port}: no answer within 2 s`,
			);
		} finally {
			for (const socket of sockets) socket.destroy();
			silent.close();
		}
	});

	test('a malformed Redis URL names the field and the form', async () => {
		await expect(openLedger({ mode: 'redis', url: 'localhost:6379' }, {}, { argv: [] })).rejects.toThrow('The "Redis URL" of the ledger must look like redis://host:6379/0');
		await expect(openLedger({ mode: 'redis', url: 'redis://127.0.0.1:6379/zero' }, {}, { argv: [] })).rejects.toThrow('must be a number');
	});
});
