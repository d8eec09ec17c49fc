// Where the Redis store connects: a Redis URL of the user's own, or the Redis n8n itself uses in queue mode,
// read from the same environment variables n8n reads (@n8n/config ScalingModeConfig, n8n 2.41:
// QUEUE_BULL_REDIS_HOST/_PORT/_DB/_USERNAME/_PASSWORD/_TLS/_TLS_SERVERNAME/_TLS_VALIDATE_CERTIFICATE/
// _CLUSTER_NODES, QUEUE_BULL_PREFIX, each also as <NAME>_FILE like n8n allows).
import { readFileSync } from 'node:fs';

import type { RedisTarget } from './redisStore';
import type { StoreWording } from './types';
import { capitalized, orOtherChoice } from './types';

/** n8n's own reading of an environment variable: the value, or the content of the file <NAME>_FILE names. */
function readEnv(env: NodeJS.ProcessEnv, name: string): string | undefined {
	const value = env[name] ?? (env[`${name}_FILE`] ? readFileSync(env[`${name}_FILE`] as string, 'utf8').trim() : undefined);
	return value?.trim().replace(/^(['"])(.*)\1$/, '$2');
}

function envBoolean(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
	const value = readEnv(env, name)?.toLowerCase();
	if (value === 'true' || value === '1') return true;
	if (value === 'false' || value === '0') return false;
	return fallback;
}

function envNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
	const value = readEnv(env, name);
	if (value === undefined || value === '') return fallback;
	const number = Number(value);
	return Number.isNaN(number) ? fallback : number;
}

/** n8n runs in queue mode (main or webhook process with EXECUTIONS_MODE=queue, or an `n8n worker`). */
export function isQueueMode(env: NodeJS.ProcessEnv, argv: string[] = process.argv): boolean {
	if (readEnv(env, 'EXECUTIONS_MODE') === 'queue') return true;
	const command = argv[2];
	return command === 'worker' || command === 'webhook';
}

/** Keeps apart the shared state of n8n instances using one Redis, as n8n keeps their queues apart. */
function stateNamespace(env: NodeJS.ProcessEnv): string {
	return readEnv(env, 'QUEUE_BULL_PREFIX') || 'bull';
}

/** The Redis n8n itself uses in queue mode. */
export function n8nQueueRedis(env: NodeJS.ProcessEnv, wording: StoreWording): RedisTarget {
	const host = readEnv(env, 'QUEUE_BULL_REDIS_HOST') || 'localhost';
	const port = envNumber(env, 'QUEUE_BULL_REDIS_PORT', 6379);
	const options: RedisTarget['options'] = {
		host,
		port,
		db: envNumber(env, 'QUEUE_BULL_REDIS_DB', 0),
		username: readEnv(env, 'QUEUE_BULL_REDIS_USERNAME') || undefined,
		password: readEnv(env, 'QUEUE_BULL_REDIS_PASSWORD') || undefined,
	};
	if (envBoolean(env, 'QUEUE_BULL_REDIS_TLS', false)) {
		options.tls = {
			servername: readEnv(env, 'QUEUE_BULL_REDIS_TLS_SERVERNAME') || undefined,
			rejectUnauthorized: envBoolean(env, 'QUEUE_BULL_REDIS_TLS_VALIDATE_CERTIFICATE', true),
		};
	}
	const clusterNodes = (readEnv(env, 'QUEUE_BULL_REDIS_CLUSTER_NODES') ?? '')
		.split(',')
		.map((entry) => entry.trim())
		.filter(Boolean)
		.map((entry) => {
			const [nodeHost, nodePort] = entry.split(':');
			return { host: nodeHost, port: Number(nodePort || 6379) };
		});
	return {
		label: clusterNodes.length ? `cluster ${clusterNodes.map((n) => `${n.host}:${n.port}`).join(',')}` : `${host}:${port}`,
		options,
		clusterNodes: clusterNodes.length ? clusterNodes : undefined,
		stateNamespace: stateNamespace(env),
		subject: wording.subject,
		hint: `n8n runs in queue mode, so ${wording.subject} lives in the Redis n8n uses (QUEUE_BULL_REDIS_* settings). Check that this Redis is running and reachable from every n8n process${orOtherChoice(wording)}.`,
	};
}

/** A Redis URL of the user's own: redis://[user:password@]host[:port][/db], or rediss:// for TLS. */
export function redisFromUrl(url: string, env: NodeJS.ProcessEnv, wording: StoreWording): RedisTarget {
	let parsed: URL;
	try {
		parsed = new URL(url.trim());
	} catch {
		parsed = new URL('invalid:');
	}
	if ((parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') || !parsed.hostname) {
		throw new RangeError(
			`${capitalized(wording.urlField)} must look like redis://host:6379/0 (or rediss:// for TLS, with user:password@ before the host when needed)`,
		);
	}
	const db = parsed.pathname.replace(/^\//, '');
	if (db !== '' && !/^\d+$/.test(db)) {
		throw new RangeError(`The database in ${wording.urlField} must be a number (like /0), not "/${db}"`);
	}
	const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
	const port = Number(parsed.port || 6379);
	const options: RedisTarget['options'] = {
		host,
		port,
		db: Number(db || 0),
		username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
		password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
	};
	if (parsed.protocol === 'rediss:') options.tls = { servername: host };
	return {
		label: `${parsed.hostname}:${port}`,
		options,
		stateNamespace: stateNamespace(env),
		subject: wording.subject,
		hint: `Check ${wording.urlSetting} and that this Redis is running and reachable from every n8n process.`,
	};
}
