// A NODE_OPTIONS=--require preload for `n8n execute` (e2e/clean-exit.test.mjs, diagnosis of issue 21 item 7):
// writes to EXIT_PROBE_FILE, as JSON lines, what is still alive when the process exits: the active handles
// and requests (type, and for timers where they were created, for sockets their addresses), every worker
// thread started and whether it had ended, and who called process.exit. Nothing here changes behaviour.
'use strict';
const fs = require('node:fs');
const { isMainThread, threadId } = require('node:worker_threads');

const file = process.env.EXIT_PROBE_FILE;
const OURS = /n8n-nodes-occto-anpi|\/work\/main\/dist|xmllint-wasm|ioredis|iconv-lite/;

if (file) {
	const started = Date.now();
	const write = (record) => {
		try {
			fs.appendFileSync(file, `${JSON.stringify({ pid: process.pid, thread: threadId, ms: Date.now() - started, ...record })}\n`);
		} catch {
			// the probe must never break the process it watches
		}
	};
	const stackOf = () => (new Error().stack ?? '').split('\n').slice(2, 14).map((line) => line.trim());
	const ourFrames = (stack) => stack.filter((line) => OURS.test(line));

	// timers and workers created from our package's code, with where they were made
	const origins = new WeakMap();
	const ourTimers = new Set();
	// EXIT_PROBE_ALL_TIMERS=1: every timer is tracked with where it was made (diagnosis only: costs a stack per timer)
	const ALL = process.env.EXIT_PROBE_ALL_TIMERS === '1';
	const allTimers = new Set();
	for (const name of ['setTimeout', 'setInterval', 'setImmediate']) {
		const original = globalThis[name];
		globalThis[name] = function probed(...args) {
			const handle = original.apply(this, args);
			const stack = stackOf();
			if (ALL && handle && typeof handle === 'object') {
				origins.set(handle, { kind: name, stack: stack.filter((line) => !line.includes('exit-probe.cjs')).slice(0, 4) });
				allTimers.add(handle);
			}
			if (ourFrames(stack).length && handle && typeof handle === 'object') {
				origins.set(handle, { kind: name, stack: ourFrames(stack) });
				ourTimers.add(handle);
			}
			return handle;
		};
		Object.defineProperty(globalThis[name], 'name', { value: name });
	}
	const workers = [];
	const workerThreads = require('node:worker_threads');
	const OriginalWorker = workerThreads.Worker;
	workerThreads.Worker = class ProbedWorker extends OriginalWorker {
		constructor(...args) {
			super(...args);
			const entry = { script: String(args[0]), created: Date.now() - started, stack: stackOf().slice(0, 6), ended: undefined, exitCode: undefined };
			workers.push(entry);
			this.once('exit', (code) => {
				entry.ended = Date.now() - started;
				entry.exitCode = code;
			});
		}
	};

	const describe = (handle) => {
		const type = handle?.constructor?.name ?? typeof handle;
		const out = { type };
		if (origins.has(handle)) out.origin = origins.get(handle);
		if (type === 'Timeout') {
			out.refed = typeof handle.hasRef === 'function' ? handle.hasRef() : undefined;
			out.ms = handle._idleTimeout;
			out.repeat = handle._repeat;
			out.fn = handle._onTimeout?.name || String(handle._onTimeout).slice(0, 120);
		}
		if (type === 'Socket' || type === 'TLSSocket' || type === 'Server') {
			try {
				out.local = `${handle.localAddress ?? ''}:${handle.localPort ?? ''}`;
				out.remote = `${handle.remoteAddress ?? ''}:${handle.remotePort ?? ''}`;
				out.fd = handle._handle?.fd;
				out.destroyed = handle.destroyed;
				if (type === 'Server') out.address = handle.address();
			} catch {
				// ignore
			}
		}
		if (type === 'ChildProcess') out.spawnargs = handle.spawnargs?.slice(0, 4);
		return out;
	};
	const snapshot = (event, extra = {}) => {
		const handles = (process._getActiveHandles?.() ?? []).map(describe);
		const requests = (process._getActiveRequests?.() ?? []).map((r) => r?.constructor?.name ?? typeof r);
		write({
			event,
			main: isMainThread,
			resources: process.getActiveResourcesInfo?.(),
			handles,
			requests,
			// timers are not in _getActiveHandles: ours are tracked here, those not yet fired or cleared
			ourTimers: [...ourTimers].filter((t) => !t._destroyed).map(describe),
			...(ALL ? { allTimers: [...allTimers].filter((t) => !t._destroyed).map(describe) } : {}),
			workers: workers.map(({ script, created, ended, exitCode, stack }) => ({ script, created, ended, exitCode, stack })),
			...extra,
		});
	};

	write({ event: 'start', main: isMainThread, argv: process.argv.slice(1, 4), node: process.version });
	const originalExit = process.exit;
	process.exit = function probedExit(code) {
		snapshot('process.exit', { code, caller: stackOf().slice(0, 8) });
		return originalExit.call(this, code);
	};
	process.on('beforeExit', (code) => snapshot('beforeExit', { code }));
	process.on('exit', (code) => snapshot('exit', { code }));
}
