// The NTT token shared by n8n processes in queue mode, against a real redis-server: twenty executions
// starting together fetch one token; a refused token is renewed once; the token is stored encrypted.
import { createHash } from 'node:crypto';

import { closeRedisClients, openLedger } from '../nodes/OcctoOutagePlan/callLedger';
import type { SharedState } from '../nodes/shared/state';
import type { CachedToken } from '../nodes/NttAnpi/transport/tokenCache';
import { sharedToken, tokenStateFor } from '../nodes/NttAnpi/transport/tokenCache';
import type { RedisServer } from './redisServer';
import { redisServerBinary, startRedisServer } from './redisServer';
import { SharedStatePollLockStore } from '../nodes/shared/trigger/sharedPollLocks';

const haveRedis = redisServerBinary() !== undefined;
if (!haveRedis) console.warn('redis-server is not installed: the shared token cache tests are skipped (apt-get install -y redis-server)');
const describeWithRedis = haveRedis ? describe : describe.skip;

describeWithRedis('NTT token shared through Redis', () => {
	let redis: RedisServer;
	let state: SharedState;
	let fetches = 0;
	const fetchToken = async (): Promise<CachedToken> => {
		fetches++;
		await new Promise((resolve) => setTimeout(resolve, 200));
		return { accessToken: `token-${fetches}-not-real`, validUntil: Date.now() + 3_600_000 };
	};
	beforeAll(async () => {
		redis = await startRedisServer();
		state = (await openLedger({ mode: 'redis', url: redis.url })).state;
	});
	afterAll(async () => {
		await closeRedisClients();
		await redis.stop();
	});

	it('twenty concurrent renewals fetch one token, and every caller gets it', async () => {
		fetches = 0;
		const tokens = await Promise.all(Array.from({ length: 20 }, async () => await sharedToken(state, 'client-a', undefined, fetchToken, 'key-1')));
		expect(fetches).toBe(1);
		expect(new Set(tokens.map((t) => t.accessToken))).toEqual(new Set(['token-1-not-real']));
		const stored = await state.get(`ntt-token:${createHash('sha256').update('client-a').digest('hex').slice(0, 32)}`);
		expect(stored).toBeDefined();
		expect(stored).not.toContain('token-1'); // encrypted with n8n's key
	});

	it('a refused token is renewed once for all, and the stored value is not the token in clear', async () => {
		const [first] = await Promise.all([sharedToken(state, 'client-b', undefined, fetchToken, 'key-1')]);
		const before = fetches;
		const renewed = await Promise.all(Array.from({ length: 10 }, async () => await sharedToken(state, 'client-b', first.accessToken, fetchToken, 'key-1')));
		expect(fetches - before).toBe(1);
		expect(new Set(renewed.map((t) => t.accessToken)).size).toBe(1);
		expect(renewed[0].accessToken).not.toBe(first.accessToken);
	});

	it('the poll-overlap lock in Redis holds across processes: a second holder is refused until the first releases', async () => {
		const main = new SharedStatePollLockStore(state);
		const other = new SharedStatePollLockStore((await openLedger({ mode: 'redis', url: redis.url })).state);
		const first = await main.tryAcquire('wf1:node1', 10_000);
		expect('token' in first).toBe(true);
		const second = await other.tryAcquire('wf1:node1', 10_000);
		expect(second).toEqual({ heldSince: expect.any(Number) });
		await other.release('wf1:node1', 'not-the-holder');
		expect('token' in (await other.tryAcquire('wf1:node1', 10_000))).toBe(false);
		await main.release('wf1:node1', (first as { token: string }).token);
		expect('token' in (await other.tryAcquire('wf1:node1', 10_000))).toBe(true);
	});

	it('another encryption key cannot read the shared token: it fetches its own', async () => {
		await sharedToken(state, 'client-c', undefined, fetchToken, 'key-1');
		const before = fetches;
		await sharedToken(state, 'client-c', undefined, fetchToken, 'key-2');
		expect(fetches - before).toBe(1);
	});
});

describe('NTT token cache outside queue mode', () => {
	it('is not used: n8n keeps the token in the credential for its one process', async () => {
		expect(await tokenStateFor({ N8N_ENCRYPTION_KEY: 'x' })).toBeUndefined();
		expect(await tokenStateFor({ EXECUTIONS_MODE: 'queue' })).toBeUndefined(); // no key to encrypt with
	});
});
