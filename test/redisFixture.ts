// A real redis-server for a describe block of the store tests (see redisServer.ts), skipped with a warning
// where redis-server is not installed.
import { Redis } from 'ioredis';

import { closeRedisClients } from '../nodes/shared/state';
import type { RedisServer } from './redisServer';
import { redisServerBinary, startRedisServer } from './redisServer';

/** describe where redis-server is installed; otherwise describe.skip, saying what is skipped. */
export function describeIfRedis(skipped: string): jest.Describe {
	if (redisServerBinary() !== undefined) return describe;
	// eslint-disable-next-line no-console
	console.warn(`SKIPPED ${skipped}: redis-server is not installed (apt-get install -y redis-server).`);
	return describe.skip;
}

/**
 * In a describe: starts a redis-server before its tests and hands it over with a client that looks into it;
 * after them, closes that client and this process's store clients, then stops the server.
 */
export function useRedisServer(started: (fixture: { server: RedisServer; inspect: Redis }) => void): void {
	let server: RedisServer | undefined;
	let inspect: Redis | undefined;
	beforeAll(async () => {
		server = await startRedisServer();
		inspect = new Redis({ host: '127.0.0.1', port: server.port, lazyConnect: true });
		await inspect.connect();
		started({ server, inspect });
	});
	afterAll(async () => {
		inspect?.disconnect();
		await closeRedisClients();
		await server?.stop();
	});
}
