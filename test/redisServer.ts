// A real redis-server (Debian package redis-server) on a free 127.0.0.1 port, for the ledger tests and the
// bench. Nothing is persisted: no RDB, no AOF, its working directory is a fresh temporary folder.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface RedisServer {
	port: number;
	url: string;
	stop(): Promise<void>;
}

/** The redis-server binary, or undefined when it is not installed (the lead's CI installs it). */
export function redisServerBinary(): string | undefined {
	const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
	const binary = found.stdout.trim();
	return found.status === 0 && binary ? binary : undefined;
}

export async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

export async function startRedisServer(extraArgs: string[] = [], port?: number): Promise<RedisServer> {
	const binary = redisServerBinary();
	if (!binary) throw new Error('redis-server is not installed (apt-get install -y redis-server)');
	const listenPort = port ?? (await freePort());
	const dir = mkdtempSync(path.join(tmpdir(), 'occto-redis-'));
	const child: ChildProcess = spawn(
		binary,
		['--port', String(listenPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extraArgs],
		{ stdio: ['ignore', 'pipe', 'pipe'] },
	);
	let output = '';
	await new Promise<void>((resolve, reject) => {
		const onData = (chunk: Buffer) => {
			output += chunk.toString();
			if (output.includes('Ready to accept connections')) resolve();
		};
		child.stdout?.on('data', onData);
		child.stderr?.on('data', onData);
		child.once('exit', (code) => reject(new Error(`redis-server exited (${code}) before it was ready:\n${output}`)));
	});
	child.stdout?.removeAllListeners('data');
	child.stderr?.removeAllListeners('data');
	child.stdout?.resume();
	child.stderr?.resume();
	return {
		port: listenPort,
		url: `redis://127.0.0.1:${listenPort}`,
		async stop() {
			if (child.exitCode === null) {
				const exited = new Promise((resolve) => child.once('exit', resolve));
				child.kill('SIGKILL');
				await exited;
			}
			rmSync(dir, { recursive: true, force: true });
		},
	};
}
