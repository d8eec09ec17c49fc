// The Redis store: the state every n8n process (main, workers, webhook processes) shares in queue mode, in
// the Redis n8n itself uses, or in a Redis of the user's own. A counter's check-and-reserve is one Lua
// script, so Redis runs it atomically: two workers racing for the last unit below a limit cannot both pass.
// Connection problems are errors, never a silent switch to another store (a count kept elsewhere would
// undercount).
import { Cluster, Redis } from 'ioredis';
import type { ClusterNode, RedisOptions } from 'ioredis';

import { redact } from '../redaction';
import type { CounterKey, CounterRule, SharedCounter, SharedState, SharedStore } from './types';
import { checkCounterName, checkRule, checkWholeNumber, StoreUnavailableError } from './types';

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
	/** What the store keeps, in the caller's words (for errors). */
	subject: string;
	/** What the user should check when it fails. */
	hint: string;
}

type Client = (Redis | Cluster) & CounterCommands;

interface Connection {
	client: Client;
	/** The last error the client reported (e.g. ECONNREFUSED), added to command failures that only say "closed". */
	lastError?: string;
}

/** KEYS[1] the count; ARGV[1] its lifetime (ms), ARGV[2..] the limits it must stay below. → {allowed 0|1, count} */
const RESERVE_SCRIPT = `
local value = tonumber(redis.call('GET', KEYS[1]) or '0')
for i = 2, #ARGV do
  if value >= tonumber(ARGV[i]) then return {0, value} end
end
value = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return {1, value}`;

/** KEYS[1] the count; ARGV[1] the least it must be, ARGV[2] its lifetime (ms). → the count */
const RAISE_SCRIPT = `
local value = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), tonumber(ARGV[1]))
redis.call('SET', KEYS[1], value, 'PX', ARGV[2])
return value`;

/** KEYS[1] the entry; ARGV[1] the value it must still have to be deleted. → 1 deleted, 0 not */
const DELETE_IF_EQUALS_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

interface CounterCommands {
	counterReserve(key: string, ttlMs: number, ...below: number[]): Promise<[number, number]>;
	counterRaise(key: string, atLeast: number, ttlMs: number): Promise<number>;
	stateDeleteIfEquals(key: string, value: string): Promise<number>;
}

/** A lifetime Redis accepts (PX wants a whole number of at least 1). */
const px = (ttlMs: number) => Math.max(1, Math.ceil(ttlMs));

/** One client per connection target per process, shared by every node execution. */
const clients = new Map<string, Promise<Connection>>();

function unreachable(target: RedisTarget, reason: string): StoreUnavailableError {
	return new StoreUnavailableError(
		`Cannot use the Redis for ${target.subject} at ${target.label}: ${redact(reason, [target.options.password])}`,
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
	client.defineCommand('counterReserve', { numberOfKeys: 1, lua: RESERVE_SCRIPT });
	client.defineCommand('counterRaise', { numberOfKeys: 1, lua: RAISE_SCRIPT });
	client.defineCommand('stateDeleteIfEquals', { numberOfKeys: 1, lua: DELETE_IF_EQUALS_SCRIPT });
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

/** Counter keys are not kept apart per n8n instance: what they count (a quota) belongs to the world outside. */
export class RedisCounter implements SharedCounter {
	constructor(
		private readonly target: RedisTarget,
		private readonly counterName: string,
	) {
		checkCounterName(counterName);
	}

	key({ day, name }: CounterKey): string {
		return `${NAMESPACE}:${this.counterName}:${day}:${name}`;
	}

	async reserve(key: CounterKey, rule: CounterRule): Promise<{ allowed: boolean; value: number }> {
		checkRule(rule);
		const [allowed, value] = await run(this.target, async (client) => await client.counterReserve(this.key(key), px(rule.ttlMs), ...rule.below));
		return { allowed: allowed === 1, value: Number(value) };
	}

	async read(key: CounterKey): Promise<number> {
		return Number((await run(this.target, async (client) => await client.get(this.key(key)))) ?? 0);
	}

	async set(key: CounterKey, value: number, ttlMs: number): Promise<number> {
		checkWholeNumber(value, 'A count');
		await run(this.target, async (client) => await client.set(this.key(key), String(value), 'PX', px(ttlMs)));
		return value;
	}

	async raise(key: CounterKey, atLeast: number, ttlMs: number): Promise<number> {
		checkWholeNumber(atLeast, 'A count');
		return Number(await run(this.target, async (client) => await client.counterRaise(this.key(key), atLeast, px(ttlMs))));
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
			ttlMs === undefined ? await client.set(this.key(key), value) : await client.set(this.key(key), value, 'PX', px(ttlMs)),
		);
	}

	async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
		const answer = await run(this.target, async (client) => await client.set(this.key(key), value, 'PX', px(ttlMs), 'NX'));
		return answer === 'OK';
	}

	async delete(key: string): Promise<void> {
		await run(this.target, async (client) => await client.del(this.key(key)));
	}

	async deleteIfEquals(key: string, value: string): Promise<boolean> {
		return (await run(this.target, async (client) => await client.stateDeleteIfEquals(this.key(key), value))) === 1;
	}

	describeKey(key: string): string {
		return `Redis key ${this.key(key)} at ${this.target.label}`;
	}
}

export class RedisStore implements SharedStore {
	readonly backend = 'redis' as const;
	readonly state: RedisState;

	constructor(private readonly target: RedisTarget) {
		this.state = new RedisState(target);
	}

	counter(name: string): SharedCounter {
		return new RedisCounter(this.target, name);
	}
}

/** Connects now, so a wrong setting fails before the store is first used. */
export async function openRedisStore(target: RedisTarget): Promise<RedisStore> {
	await connectionFor(target);
	return new RedisStore(target);
}
