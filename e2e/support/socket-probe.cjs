// A NODE_OPTIONS=--require preload for the Sandbox e2e (e2e/sandbox.test.mjs): writes to SOCKET_PROBE_FILE, as
// JSON lines, every TCP connection the process starts (TLS and HTTP ride on these): where to, and whether this
// package's code is on the stack that started it. Nothing here changes behaviour.
'use strict';
const fs = require('node:fs');
const net = require('node:net');

const file = process.env.SOCKET_PROBE_FILE;
const OURS = /n8n-nodes-occto-anpi/;

if (file) {
	const connect = net.Socket.prototype.connect;
	net.Socket.prototype.connect = function probedConnect(...args) {
		try {
			const limit = Error.stackTraceLimit;
			Error.stackTraceLimit = 200;
			const stack = new Error().stack ?? '';
			Error.stackTraceLimit = limit;
			const first = Array.isArray(args[0]) ? args[0][0] : args[0];
			const options = typeof first === 'object' && first !== null ? first : { port: first, host: typeof args[1] === 'string' ? args[1] : undefined };
			const record = { pid: process.pid, host: options.host ?? (options.path ? undefined : 'localhost'), port: options.port, path: options.path, ours: OURS.test(stack) };
			if (record.ours) record.stack = stack.split('\n').slice(1, 30).map((line) => line.trim());
			fs.appendFileSync(file, `${JSON.stringify(record)}\n`);
		} catch {
			// the probe must never break the process it watches
		}
		return connect.apply(this, args);
	};
}
