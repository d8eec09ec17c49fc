// The Redis store: the ledger every n8n process (main, workers, webhook processes) shares in queue mode,
// in the Redis n8n itself uses, or in a Redis of the user's own. Check-and-reserve is one Lua script, so
// Redis runs it atomically: two workers racing at 949 with Stop Before 950 cannot both pass. Keys expire a
// day after their Japan-time day ends. Connection problems are errors, never a silent switch to another
// store (that would undercount).
import { Cluster, Redis } from 'ioredis';
import type { ClusterNode, RedisOptions } from 'ioredis';

import type { CallLedger, Clock, QuotaReading, Reservation, SharedState } from './types';
import { checkStopBefore, checkUsed, checkUserId, keyLifetimeMs, LedgerUnavailableError, readingOf } from './types';
import { jstDate } from '../../shared/japanTime';
import { DAILY_CALL_LIMIT } from '../mapping';

const CONNECT_TIMEOUT_MS = 2_000;
const COMMAND_TIMEOUT_MS = 2_000;
/** After a connection that worked drops, this many quick reconnect attempts, then the client is given up. */
const RECONNECT_ATTEMPTS = 3;
const NAMESPACE = 'n8n-nodes-occto-anpi';

/** Where to connect: ioredis options plus what error messages may name (host:port, never a password). */
export interface RedisTarget {
	label: string;
	options: RedisOptions;
	clusterNodes?: ClusterNode[];
	/** Separates the shared state of n8n instances that share one Redis (their QUEUE_BULL_PREFIX). */
	stateNamespace: string;
	/** What the user should check when it fails. */
	hint: string;
}

type Client = (Redis | Cluster) & LedgerCommands;

interface Connection {
	client: Client;
	/** The last error the client reported (e.g. ECONNREFUSED), added to command failures that only say "closed". */
	lastError?: string;
}

const RESERVE_SCRIPT = `
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used >= tonumber(ARGV[2]) then return {0, used, 2} end
if used >= tonumber(ARGV[1]) then return {0, used, 1} end
used = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {1, used, 0}`;

const RAISE_SCRIPT = `
local used = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), tonumber(ARGV[1]))
redis.call('SET', KEYS[1], used, 'PX', ARGV[2])
return used`;

interface LedgerCommands {
	occtoReserve(key: string, stopBefore: number, limit: number, ttlMs: number): Promise<[number, number, number]>;
	occtoRaise(key: string, atLeast: number, ttlMs: number): Promise<number>;
}

/** One client per connection target per process, shared by every node execution. */
const clients = new Map<string, Promise<Connection>>();

function scrub(text: string, target: RedisTarget): string {
	const password = target.options.password;
	return password && password.length >= 3 ? text.split(password).join('[redacted]') : text;
}

function unreachable(target: RedisTarget, reason: string): LedgerUnavailableError {
	return new LedgerUnavailableError(
		`Cannot use the Redis for the OCCTO call ledger at ${target.label}: ${scrub(reason, target)}`,
		target.hint,
		'redis',
	);
}

async function connect(target: RedisTarget): Promise<Connection> {
	let connected = false;
	const errors: string[] = [];
	const retryStrategy = (times: number) => (connected && times <= RECONNECT_ATTEMPTS ? 100 * times : null);
	const options: RedisOptions = {
		...target.options,
		lazyConnect: true,
		enableReadyCheck: false, // as n8n does; the PING below is the check
		connectTimeout: CONNECT_TIMEOUT_MS,
		disconnectTimeout: 500, // a server that never closes its side is cut off soon after we give up on it
		commandTimeout: COMMAND_TIMEOUT_MS,
		maxRetriesPerRequest: 1,
		retryStrategy,
	};
	const client = (
		target.clusterNodes
			? new Cluster(target.clusterNodes, { redisOptions: options, lazyConnect: true, clusterRetryStrategy: retryStrategy })
			: new Redis(options)
	) as Client;
	const connection: Connection = { client };
	// errors surface through the commands that fail; this keeps them out of the console
	client.on('error', (error: Error) => {
		if (connected) connection.lastError = error.message;
		else errors.push(error.message);
	});
	client.defineCommand('occtoReserve', { numberOfKeys: 1, lua: RESERVE_SCRIPT });
	client.defineCommand('occtoRaise', { numberOfKeys: 1, lua: RAISE_SCRIPT });
	// connecting, AUTH, SELECT and one PING must all be done within CONNECT_TIMEOUT_MS, whatever the server does
	const handshake = (async () => {
		await client.connect();
		// the AUTH and SELECT answers arrive before this one: a failure among them is in `errors` by now
		await client.ping();
	})();
	let timer: NodeJS.Timeout | undefined;
	const deadline = new Promise<never>((_resolve, reject) => {
		timer = setTimeout(() => reject(new Error(`no answer within ${CONNECT_TIMEOUT_MS / 1000} s`)), CONNECT_TIMEOUT_MS);
	});
	try {
		await Promise.race([handshake, deadline]);
	} catch (error) {
		errors.push((error as Error).message);
		handshake.catch(() => undefined); // settles after the client is disconnected below
	} finally {
		clearTimeout(timer);
	}
	const fatal = errors.find((message) => message !== 'Connection is closed.') ?? errors[0];
	if (fatal !== undefined) {
		// (disconnecting a client that has already ended would leave ioredis's disconnect timer running)
		if (client.status !== 'end') client.disconnect();
		throw unreachable(target, fatal);
	}
	connected = true;
	return connection;
}

async function connectionFor(target: RedisTarget): Promise<Connection> {
	const key = JSON.stringify([target.options, target.clusterNodes]);
	let pending = clients.get(key);
	if (!pending) {
		const created = connect(target);
		pending = created;
		clients.set(key, created);
		const forget = () => {
			if (clients.get(key) === created) clients.delete(key);
		};
		created.then(({ client }) => client.once('end', forget), forget);
	}
	return await pending;
}

/** Quits every Redis client this process opened (tests, benchmarks, shutdown). */
export async function closeRedisClients(): Promise<void> {
	const pending = [...clients.values()];
	clients.clear();
	await Promise.all(
		pending.map(async (promise) => {
			try {
				await (await promise).client.quit();
			} catch {
				// never connected, or already gone
			}
		}),
	);
}

/** Runs one command; any failure becomes an error naming host:port. */
async function run<T>(target: RedisTarget, command: (client: Client) => Promise<T>): Promise<T> {
	const connection = await connectionFor(target);
	try {
		return await command(connection.client);
	} catch (error) {
		const message = (error as Error).message;
		const cause = connection.lastError;
		throw unreachable(target, cause && !message.includes(cause) ? `${message} (${cause})` : message);
	}
}

export async function openRedisStores(target: RedisTarget, clock: Clock): Promise<{ ledger: RedisLedger; state: RedisState }> {
	await connectionFor(target); // connect now, so a wrong setting fails before any OCCTO call
	return { ledger: new RedisLedger(target, clock), state: new RedisState(target) };
}

export class RedisLedger implements CallLedger {
	readonly store = 'redis' as const;

	constructor(
		private readonly target: RedisTarget,
		private readonly clock: Clock,
	) {}

	/** The key of userId's count on the Japan-time day of `now`. */
	key(userId: string, now: Date): string {
		checkUserId(userId);
		return `${NAMESPACE}:calls:${jstDate(now)}:${userId}`;
	}

	async reserve(userId: string, stopBefore: number): Promise<Reservation> {
		checkStopBefore(stopBefore);
		const now = this.clock();
		const key = this.key(userId, now);
		const [allowed, used, refusal] = await run(this.target, async (client) =>
			await client.occtoReserve(key, stopBefore, DAILY_CALL_LIMIT, keyLifetimeMs(now)),
		);
		const reservation: Reservation = { allowed: allowed === 1, reading: readingOf(Number(used), now, 'redis') };
		if (refusal === 1) reservation.refusedBy = 'stopBefore';
		if (refusal === 2) reservation.refusedBy = 'dailyLimit';
		return reservation;
	}

	async read(userId: string): Promise<QuotaReading> {
		const now = this.clock();
		const key = this.key(userId, now);
		const value = await run(this.target, async (client) => await client.get(key));
		return readingOf(Number(value ?? 0), now, 'redis');
	}

	async set(userId: string, used: number): Promise<QuotaReading> {
		checkUsed(used);
		const now = this.clock();
		const key = this.key(userId, now);
		await run(this.target, async (client) => await client.set(key, String(used), 'PX', keyLifetimeMs(now)));
		return readingOf(used, now, 'redis');
	}

	async markExhausted(userId: string): Promise<QuotaReading> {
		const now = this.clock();
		const key = this.key(userId, now);
		const used = await run(this.target, async (client) => await client.occtoRaise(key, DAILY_CALL_LIMIT, keyLifetimeMs(now)));
		return readingOf(Number(used), now, 'redis');
	}
}

/** Expiry here is Redis's own (its clock), not the injectable clock. */
export class RedisState implements SharedState {
	constructor(private readonly target: RedisTarget) {}

	private key(key: string): string {
		return `${NAMESPACE}:state:${this.target.stateNamespace}:${key}`;
	}

	async get(key: string): Promise<string | undefined> {
		return (await run(this.target, async (client) => await client.get(this.key(key)))) ?? undefined;
	}

	async set(key: string, value: string, ttlMs?: number): Promise<void> {
		await run(this.target, async (client) =>
			ttlMs === undefined ? await client.set(this.key(key), value) : await client.set(this.key(key), value, 'PX', Math.max(1, Math.ceil(ttlMs))),
		);
	}

	async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
		const answer = await run(this.target, async (client) => await client.set(this.key(key), value, 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX'));
		return answer === 'OK';
	}

	async delete(key: string): Promise<void> {
		await run(this.target, async (client) => await client.del(this.key(key)));
	}
}
