// The NTT token shared by n8n processes in queue mode, against a real redis-server: twenty executions
// starting together fetch one token; a refused token is renewed once; the token is stored encrypted; a
// credential with the same client ID and another secret never gets it.
import { Redis } from 'ioredis';

import { NttComApi } from '../credentials/NttComApi.credentials';
import { NttAnpi } from '../nodes/NttAnpi/NttAnpi.node';
import { closeRedisClients, openLedger } from '../nodes/occtoApi';
import type { SharedState } from '../nodes/shared/state';
import type { CachedToken, TokenClient } from '../nodes/nttAnpiApi';
import { sharedToken, tokenCacheKey, tokenStateFor } from '../nodes/nttAnpiApi';
import type { AnpiSimulator } from '../simulators/anpi/server';
import { startAnpiSimulator } from '../simulators/anpi/server';
import { CredentialStore, errorOf, expectNoSecrets, outputOf, runWorkflow } from './harness';
import type { RedisServer } from './redisServer';
import { redisServerBinary, startRedisServer } from './redisServer';
import { SharedStatePollLockStore } from '../nodes/shared/trigger/sharedPollLocks';
import { nttCredential, SIM_CLIENT } from './support/anpi';
import { nodeOf } from './support/nodes';

const client = (id: string, secret = `${id}-secret`): TokenClient => ({ identity: `http://gateway|${id}`, secret });

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
		const tokens = await Promise.all(Array.from({ length: 20 }, async () => await sharedToken(state, client('client-a'), undefined, fetchToken, 'key-1')));
		expect(fetches).toBe(1);
		expect(new Set(tokens.map((t) => t.accessToken))).toEqual(new Set(['token-1-not-real']));
		const stored = await state.get(tokenCacheKey(client('client-a'), 'key-1'));
		expect(stored).toBeDefined();
		expect(stored).not.toContain('token-1'); // encrypted with n8n's key
	});

	it('a refused token is renewed once for all, and the stored value is not the token in clear', async () => {
		const [first] = await Promise.all([sharedToken(state, client('client-b'), undefined, fetchToken, 'key-1')]);
		const before = fetches;
		const renewed = await Promise.all(Array.from({ length: 10 }, async () => await sharedToken(state, client('client-b'), first.accessToken, fetchToken, 'key-1')));
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
		await sharedToken(state, client('client-c'), undefined, fetchToken, 'key-1');
		const before = fetches;
		await sharedToken(state, client('client-c'), undefined, fetchToken, 'key-2');
		expect(fetches - before).toBe(1);
	});

	it('the same client ID with another secret finds no token and opens none: it fetches its own', async () => {
		await sharedToken(state, client('client-d', 'right'), undefined, fetchToken, 'key-1');
		const before = fetches;
		const other = await sharedToken(state, client('client-d', 'wrong'), undefined, fetchToken, 'key-1');
		expect(fetches - before).toBe(1);
		expect(tokenCacheKey(client('client-d', 'wrong'), 'key-1')).not.toBe(tokenCacheKey(client('client-d', 'right'), 'key-1'));
		// and the right secret still gets the first token, not the other one
		expect((await sharedToken(state, client('client-d', 'right'), undefined, fetchToken, 'key-1')).accessToken).not.toBe(other.accessToken);
		expect(fetches - before).toBe(1);
	});
});

describeWithRedis('NTT credentials in queue mode sharing one Redis', () => {
	const TYPE = 'n8n-nodes-occto-anpi.nttAnpi';
	const WRONG_SECRET = 'someone-elses-guess-not-real';
	let redis: RedisServer;
	let sim: AnpiSimulator;
	const saved = { ...process.env };
	const queueEnv = ['EXECUTIONS_MODE', 'QUEUE_BULL_REDIS_HOST', 'QUEUE_BULL_REDIS_PORT', 'N8N_ENCRYPTION_KEY'];
	beforeAll(async () => {
		redis = await startRedisServer();
		sim = await startAnpiSimulator({ users: 3 });
		Object.assign(process.env, { EXECUTIONS_MODE: 'queue', QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: String(redis.port), N8N_ENCRYPTION_KEY: 'test-encryption-key-not-real' });
	});
	afterAll(async () => {
		for (const key of queueEnv) {
			if (saved[key] === undefined) delete process.env[key];
			else process.env[key] = saved[key];
		}
		await sim.close();
		await closeRedisClients();
		await redis.stop();
	});

	// each credential as its own worker would hold it: its own saved fields, no token yet
	const listRounds = async (secret: string) =>
		await runWorkflow({
			nodes: [nodeOf(TYPE, 'NTT', { resource: 'safetyConfirmation', operation: 'getMany', returnAll: true }, { nttComApi: { id: 'n1', name: 'NTT' } })],
			connections: {},
			nodeTypes: { [TYPE]: new NttAnpi() },
			credentials: new CredentialStore({ nttComApi: new NttComApi() }, { nttComApi: nttCredential(sim.url, { clientSecret: secret }) }),
		});

	it("a wrong secret with the right client ID does not get the cached token: it asks the gateway itself and is refused", async () => {
		const good = await listRounds(SIM_CLIENT.clientSecret);
		expect(errorOf(good, 'NTT')).toBeUndefined();
		expect(outputOf(good, 'NTT').length).toBeGreaterThan(0);
		const tokenCalls = sim.tokenCalls;

		const wrong = await listRounds(WRONG_SECRET);
		// the gateway's own refusal of its token call (the simulator checks the secret), and no token issued
		expect(errorOf(wrong, 'NTT')?.message).toMatch(/refused the Client ID \/ Client Secret \(Invalid client identifier\)/);
		expect(sim.tokenCalls).toBe(tokenCalls);
		expect(sim.requests.filter((r) => r.authorization === 'valid')).toHaveLength(1); // only the first credential's list call

		const inspect = new Redis({ host: '127.0.0.1', port: redis.port });
		try {
			const keys = await inspect.keys('*');
			expect(keys.some((key) => key.includes('ntt-token:v2:'))).toBe(true);
			const stored = [...keys, ...(await Promise.all(keys.map(async (key) => (await inspect.get(key)) ?? '')))].join('\n');
			expectNoSecrets(stored, [SIM_CLIENT.clientSecret, WRONG_SECRET]);
			expect(stored).not.toContain(SIM_CLIENT.clientId); // nor the client ID in clear
		} finally {
			inspect.disconnect();
		}
	});
});

describe('NTT token cache outside queue mode', () => {
	it('is not used: n8n keeps the token in the credential for its one process', async () => {
		expect(await tokenStateFor({ N8N_ENCRYPTION_KEY: 'x' })).toBeUndefined();
		expect(await tokenStateFor({ EXECUTIONS_MODE: 'queue' })).toBeUndefined(); // no key to encrypt with
	});
});
