// The package's shared store (nodes/shared/state), on its own: the atomic counter every backend (memory, file,
// redis) offers in the same way, exact under a race (in one process, and across OS processes for the file
// store and a real redis-server), the key-value state, errors in the caller's words, and no knowledge of the
// nodes that use it.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';

import type { SharedStore, StoreSetting, StoreWording } from '../nodes/shared/state';
import { closeRedisClients, openQueueState, openSharedStore, StoreUnavailableError } from '../nodes/shared/state';
import { runInProcesses } from './forkedChildren';
import { describeIfRedis, useRedisServer } from './redisFixture';
import type { RedisServer } from './redisServer';

const CHILD = path.join(__dirname, 'shared-state-child.cjs');
const FOLDER = 'shared-state-test';

const temporaryFolders: string[] = [];
function userFolder(): string {
	const dir = mkdtempSync(path.join(tmpdir(), 'shared-state-test-'));
	temporaryFolders.push(dir);
	return dir;
}

afterAll(async () => {
	await closeRedisClients();
	for (const dir of temporaryFolders) rmSync(dir, { recursive: true, force: true });
});

let nameCounter = 0;
/** Memory counters are process-wide: every test counts names of its own. */
const newName = () => `n${++nameCounter}-${process.pid}`;

const DAY = '20261124';
const TTL = 60_000;

type Open = () => Promise<SharedStore>;

function counterContract(backend: 'memory' | 'file' | 'redis', open: () => Open) {
	describe(`${backend}: the counter contract`, () => {
		test('reserve adds one while below every limit, and refuses at the lowest without counting', async () => {
			const store = await open()();
			expect(store.backend).toBe(backend);
			const counter = store.counter('things');
			const key = { day: DAY, name: newName() };
			expect(await counter.read(key)).toBe(0);
			expect(await counter.reserve(key, { below: [3, 5], ttlMs: TTL })).toEqual({ allowed: true, value: 1 });
			expect(await counter.reserve(key, { below: [5, 3], ttlMs: TTL })).toEqual({ allowed: true, value: 2 });
			expect(await counter.reserve(key, { below: [3, 5], ttlMs: TTL })).toEqual({ allowed: true, value: 3 });
			expect(await counter.reserve(key, { below: [5, 3], ttlMs: TTL })).toEqual({ allowed: false, value: 3 });
			expect(await counter.reserve(key, { below: [5], ttlMs: TTL })).toEqual({ allowed: true, value: 4 });
			expect(await counter.reserve(key, { below: [], ttlMs: TTL })).toEqual({ allowed: true, value: 5 }); // no limit
			expect(await counter.reserve(key, { below: [0], ttlMs: TTL })).toEqual({ allowed: false, value: 5 });
			expect(await counter.read(key)).toBe(5);
		});

		test('counts are per name, per day and per counter', async () => {
			const store = await open()();
			const name = newName();
			await store.counter('things').reserve({ day: DAY, name }, { below: [10], ttlMs: TTL });
			expect(await store.counter('things').read({ day: DAY, name })).toBe(1);
			expect(await store.counter('things').read({ day: DAY, name: newName() })).toBe(0);
			expect(await store.counter('things').read({ day: '20261125', name })).toBe(0);
			expect(await store.counter('other-things').read({ day: DAY, name })).toBe(0);
			// a new day starts from 0
			expect(await store.counter('things').reserve({ day: '20261125', name }, { below: [10], ttlMs: TTL })).toEqual({ allowed: true, value: 1 });
		});

		test('set replaces the count both ways; raise never lowers it', async () => {
			const counter = (await open()()).counter('things');
			const key = { day: DAY, name: newName() };
			expect(await counter.set(key, 700, TTL)).toBe(700);
			expect(await counter.set(key, 25, TTL)).toBe(25);
			expect(await counter.raise(key, 1000, TTL)).toBe(1000);
			expect(await counter.raise(key, 10, TTL)).toBe(1000);
			expect(await counter.read(key)).toBe(1000);
			expect(await counter.reserve(key, { below: [1000], ttlMs: TTL })).toEqual({ allowed: false, value: 1000 });
		});

		test('figures that are not whole numbers of 0 or more are refused before anything is counted', async () => {
			const store = await open()();
			const counter = store.counter('things');
			const key = { day: DAY, name: newName() };
			await expect(counter.set(key, -1, TTL)).rejects.toThrow('A count must be a whole number of 0 or more, not -1');
			await expect(counter.raise(key, 2.5, TTL)).rejects.toThrow('whole number of 0 or more');
			await expect(counter.reserve(key, { below: [Number.NaN], ttlMs: TTL })).rejects.toThrow('A counter limit must be');
			expect(() => store.counter('bad/name')).toThrow('A counter name is letters, digits and dashes, not "bad/name"');
			expect(await counter.read(key)).toBe(0);
		});

		test('50 reserves at once with a limit of 10: exactly 10 pass', async () => {
			const counter = (await open()()).counter('things');
			const key = { day: DAY, name: newName() };
			const results = await Promise.all(Array.from({ length: 50 }, async () => await counter.reserve(key, { below: [10], ttlMs: TTL })));
			expect(results.filter((r) => r.allowed)).toHaveLength(10);
			expect(results.filter((r) => r.allowed).map((r) => r.value).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
			expect(results.filter((r) => !r.allowed).every((r) => r.value === 10)).toBe(true);
			expect(await counter.read(key)).toBe(10);
		});

		test('the key-value state: get, set, setIfAbsent (a lock), delete', async () => {
			const { state } = await open()();
			const key = `lock-${newName()}`;
			expect(await state.get(key)).toBeUndefined();
			expect(await state.setIfAbsent(key, 'a', TTL)).toBe(true);
			expect(await state.setIfAbsent(key, 'b', TTL)).toBe(false);
			await state.set(key, 'c');
			expect(await state.get(key)).toBe('c');
			await state.delete(key);
			expect(await state.get(key)).toBeUndefined();
		});
	});
}

const settingOf = (setting: StoreSetting, env: NodeJS.ProcessEnv) => async () => await openSharedStore(setting, env, { folder: FOLDER, argv: [] });

counterContract('memory', () => settingOf({ mode: 'memory' }, {}));

let fileFolder = '';
counterContract('file', () => settingOf({ mode: 'file' }, { N8N_USER_FOLDER: (fileFolder ||= userFolder()) }));

describe('memory', () => {
	test('counters are process-wide: two stores opened apart see one count', async () => {
		const key = { day: DAY, name: newName() };
		await (await openSharedStore({ mode: 'memory' }, {}, { folder: FOLDER })).counter('things').set(key, 7, TTL);
		expect(await (await openSharedStore({ mode: 'memory' }, {}, { folder: FOLDER })).counter('things').read(key)).toBe(7);
	});
});

describe('file', () => {
	test('<N8N_USER_FOLDER>/.n8n/<folder>/<counter>.json holds { days: { day: { name: count } } }, the two latest days only', async () => {
		const folder = userFolder();
		const counter = (await openSharedStore({ mode: 'file' }, { N8N_USER_FOLDER: folder }, { folder: FOLDER })).counter('visits');
		for (const day of ['20261120', '20261121', '20261122']) await counter.reserve({ day, name: 'a' }, { below: [5], ttlMs: TTL });
		await counter.set({ day: '20261122', name: 'b' }, 4, TTL);
		const dir = path.join(folder, '.n8n', FOLDER);
		expect(JSON.parse(readFileSync(path.join(dir, 'visits.json'), 'utf8'))).toEqual({ days: { '20261121': { a: 1 }, '20261122': { a: 1, b: 4 } } });
		// a process whose clock is a day behind still counts in its day, and today's count stays
		await counter.reserve({ day: '20261121', name: 'a' }, { below: [5], ttlMs: TTL });
		expect(await counter.read({ day: '20261122', name: 'a' })).toBe(1);
		expect(await counter.read({ day: '20261121', name: 'a' })).toBe(2);
		expect(readdirSync(dir).sort()).toEqual(['visits.json']);
	});

	test('two OS processes reserving at once count exactly, and the limit holds across them', async () => {
		const folder = userFolder();
		const job = { setting: { mode: 'file' }, env: { N8N_USER_FOLDER: folder }, folder: FOLDER, counter: 'race', key: { day: DAY, name: 'x' }, below: [150], count: 100 };
		const results = await runInProcesses<typeof job, { allowed: number; refused: number; backend: string; error?: string }>(CHILD, [job, job]);
		expect(results.map((r) => r.backend)).toEqual(['file', 'file']);
		expect(results.reduce((sum, r) => sum + r.allowed, 0)).toBe(150);
		expect(results.reduce((sum, r) => sum + r.refused, 0)).toBe(50);
		const store = await openSharedStore({ mode: 'file' }, { N8N_USER_FOLDER: folder }, { folder: FOLDER });
		expect(await store.counter('race').read({ day: DAY, name: 'x' })).toBe(150);
	});

	test('errors speak in the caller\'s words, or in generic ones', async () => {
		const wording: StoreWording = {
			subject: 'the visit book',
			urlField: 'the "Redis URL" of the book',
			urlSetting: 'the "Redis URL" of the book in the Book credential',
			otherChoice: 'choose another "Book" in the Book credential',
			damagedHint: 'Delete it to start the book again.',
		};
		const folder = userFolder();
		const counter = (await openSharedStore({ mode: 'file' }, { N8N_USER_FOLDER: folder }, { folder: FOLDER, wording })).counter('visits');
		const file = path.join(folder, '.n8n', FOLDER, 'visits.json');
		writeFileSync(file, '{"days": {');
		const failure = counter.read({ day: DAY, name: 'a' });
		await expect(failure).rejects.toBeInstanceOf(StoreUnavailableError);
		await expect(failure).rejects.toThrow(`The visit book file ${file} is damaged`);
		await expect(failure).rejects.toMatchObject({ description: 'Delete it to start the book again.', store: 'file' });
		const generic = (await openSharedStore({ mode: 'file' }, { N8N_USER_FOLDER: folder }, { folder: FOLDER })).counter('visits');
		await expect(generic.read({ day: DAY, name: 'a' })).rejects.toThrow(`The shared state file ${file} is damaged`);

		const blocker = path.join(userFolder(), 'a-file');
		writeFileSync(blocker, 'not a folder');
		const refused = openSharedStore({ mode: 'file' }, { N8N_USER_FOLDER: blocker }, { folder: FOLDER, wording });
		await expect(refused).rejects.toThrow('The visit book cannot be kept in a file');
		await expect(refused).rejects.toMatchObject({ description: 'Make the n8n user folder writable (N8N_USER_FOLDER), or choose another "Book" in the Book credential.' });
		const fallback = await openSharedStore({ mode: 'automatic' }, { N8N_USER_FOLDER: blocker }, { folder: FOLDER, argv: [] });
		expect(fallback.backend).toBe('memory');
		expect(fallback.fallbackReason).toContain('is not writable (ENOTDIR)');

		await expect(openSharedStore({ mode: 'redis', url: 'localhost:6379' }, {}, { folder: FOLDER, wording })).rejects.toThrow(
			'The "Redis URL" of the book must look like redis://host:6379/0',
		);
		const unreachable = openSharedStore({ mode: 'redis', url: 'redis://127.0.0.1:1' }, {}, { folder: FOLDER, wording });
		await expect(unreachable).rejects.toThrow('Cannot use the Redis for the visit book at 127.0.0.1:1');
		await expect(unreachable).rejects.toMatchObject({ description: expect.stringContaining('the "Redis URL" of the book in the Book credential') });
	});
});

describe('queue state', () => {
	test('outside queue mode there is nothing to share', async () => {
		expect(await openQueueState({}, [])).toBeUndefined();
	});
});

describe('nodes/shared/state stands on its own', () => {
	test('it imports nothing from the nodes that use it, and names none of them', () => {
		const dir = path.join(__dirname, '..', 'nodes', 'shared', 'state');
		for (const file of readdirSync(dir)) {
			const source = readFileSync(path.join(dir, file), 'utf8');
			expect([file, source.match(/from '\.\.\/\.\.\/(?!shared\/)[^']*'/g)]).toEqual([file, null]);
			expect([file, source.match(/OCCTO|NTT|Anpi|DAILY_CALL_LIMIT/g)]).toEqual([file, null]);
		}
	});
});

describeIfRedis('the Redis shared state tests')('redis (a real redis-server)', () => {
	let server: RedisServer;
	let inspect: Redis;
	useRedisServer((started) => ({ server, inspect } = started));

	counterContract('redis', () => settingOf({ mode: 'redis', url: server.url }, {}));

	test('a count is the key n8n-nodes-occto-anpi:<counter>:<day>:<name>, living ttlMs from each write', async () => {
		const counter = (await openSharedStore({ mode: 'redis', url: server.url }, {}, { folder: FOLDER })).counter('visits');
		const name = newName();
		const key = `n8n-nodes-occto-anpi:visits:${DAY}:${name}`;
		await counter.reserve({ day: DAY, name }, { below: [5], ttlMs: 30_000 });
		expect(await inspect.get(key)).toBe('1');
		expect(await inspect.pttl(key)).toBeGreaterThan(29_000);
		await counter.set({ day: DAY, name }, 3, 50_000);
		expect(await inspect.pttl(key)).toBeGreaterThan(49_000);
		await counter.raise({ day: DAY, name }, 9, 70_000);
		expect(await inspect.get(key)).toBe('9');
		expect(await inspect.pttl(key)).toBeGreaterThan(69_000);
		await counter.reserve({ day: DAY, name }, { below: [5], ttlMs: 1_000 }); // refused: the lifetime is left alone
		expect(await inspect.pttl(key)).toBeGreaterThan(60_000);
	});

	test('two OS processes reserving at once count exactly, and the limit holds across them', async () => {
		const job = { setting: { mode: 'redis', url: server.url }, env: {}, folder: FOLDER, counter: 'race', key: { day: DAY, name: newName() }, below: [30], count: 25, parallel: true };
		const results = await runInProcesses<typeof job, { allowed: number; refused: number; backend: string; error?: string }>(CHILD, [job, job]);
		expect(results.map((r) => r.backend)).toEqual(['redis', 'redis']);
		expect(results.reduce((sum, r) => sum + r.allowed, 0)).toBe(30);
		expect(Number(await inspect.get(`n8n-nodes-occto-anpi:race:${DAY}:${job.key.name}`))).toBe(30);
	});

	test('queue mode: the state lives in the Redis n8n uses, kept apart per QUEUE_BULL_PREFIX', async () => {
		const env = { EXECUTIONS_MODE: 'queue', QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: String(server.port), QUEUE_BULL_PREFIX: 'shared-test' };
		const state = await openQueueState(env, []);
		await state?.set('marker', 'x', TTL);
		expect(await inspect.get('n8n-nodes-occto-anpi:state:shared-test:marker')).toBe('x');
		await expect(openQueueState({ ...env, QUEUE_BULL_REDIS_PORT: '1' }, [])).rejects.toThrow(
			'Cannot use the Redis for the shared state at 127.0.0.1:1',
		);
	});
});
