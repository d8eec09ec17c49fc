// A fault proxy on 127.0.0.1 in front of a simulator, for the faults a simulator's own switches cannot
// make: a TCP reset (RST) after the request reached the server, a reset in the middle of the answer, a
// server that accepts and never answers, an answer that drips in slowly, a front end that answers by itself
// (an HTML page, a 500 from the token endpoint, an empty body with a result code).
//
// For TLS it terminates the client's connection with the server certificate it is given (mutual TLS: the
// client certificate is checked against the CA) and opens its own mutual-TLS connection to the simulator,
// so it sees the HTTP in between and can cut a connection at an exact point. Faults are applied on the
// client's raw TCP socket, so a reset is a real RST.
import { X509Certificate } from 'node:crypto';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';

export type FaultAction =
	/** forward both ways */
	| { kind: 'pass' }
	/** forward the request; when the server starts answering, reset the client's connection */
	| { kind: 'resetAfterRequest' }
	/** forward the request and the head plus `fraction` (default 0.5) of the answer's body, then reset */
	| { kind: 'resetMidAnswer'; fraction?: number }
	/** read the request (and forward it when `forward`), never answer; the connection stays open */
	| { kind: 'neverAnswer'; forward?: boolean }
	/** forward the request; send the answer `chunkBytes` at a time, one chunk every `everyMs` */
	| { kind: 'drip'; chunkBytes: number; everyMs: number }
	/** answer by itself (the request is read, not forwarded) */
	| { kind: 'respond'; status: number; headers?: Record<string, string>; body?: string | Buffer };

export interface FaultRule {
	method?: string;
	/** the request path starts with this */
	path?: string;
	/** let this many matching requests pass first */
	skip?: number;
	/** how many matching requests get the fault (default 1; Infinity until cleared) */
	count?: number;
	action: FaultAction;
}

export interface RandomFaults {
	/** share of requests that get a fault, 0..1 */
	rate: number;
	seed: number;
	faults: FaultAction[];
	/** only requests whose path starts with this */
	path?: string;
}

export interface ProxiedRequest {
	method: string;
	path: string;
	fault: FaultAction['kind'];
	at: number;
}

export interface FaultProxyOptions {
	/** the simulator's port on 127.0.0.1 */
	targetPort: number;
	/** terminate TLS (mutual) and connect to the simulator with the client certificate given */
	tls?: {
		server: { cert: string; key: string; ca: string };
		upstream: { ca: string; pfx: Buffer; passphrase: string };
	};
}

export interface FaultProxy {
	url: string;
	port: number;
	/** every request the proxy read, with the fault it got */
	requests: ProxiedRequest[];
	/** connections accepted while "accept and never answer" was on */
	blackholed: number;
	/** faults applied (rules, random faults and blackholed connections) */
	readonly injected: number;
	/** bearer tokens seen in requests, for the secret scan */
	tokens: Set<string>;
	addRule(rule: FaultRule): void;
	setRandom(random: RandomFaults | undefined): void;
	/** accept connections and never read or answer them (no TLS handshake either) */
	setBlackhole(on: boolean): void;
	/** the certificate shown to clients from now on (an expired or wrong-host one); undefined restores */
	setServerCertificate(pair: { cert: string; key: string } | undefined): void;
	/** called when the server's whole answer to a request has arrived, before the client gets its end */
	onAnswered?: (request: ProxiedRequest) => void;
	clear(): void;
	close(): Promise<void>;
}

const HEAD_END = Buffer.from('\r\n\r\n');

/** A small seeded generator, so a "random" fault day is the same on every run. */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

interface Head {
	method: string;
	path: string;
	headers: Array<[string, string]>;
	bodyLength: number | 'chunked';
}

function parseHead(bytes: Buffer): Head {
	const lines = bytes.toString('latin1').split('\r\n');
	const [method = '', path = ''] = lines[0].split(' ');
	const headers = lines.slice(1).filter(Boolean).map((line): [string, string] => {
		const colon = line.indexOf(':');
		return [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
	});
	const value = (name: string) => headers.find(([key]) => key.toLowerCase() === name)?.[1];
	const chunked = /chunked/i.test(value('transfer-encoding') ?? '');
	return { method, path, headers, bodyLength: chunked ? 'chunked' : Number(value('content-length') ?? 0) };
}

/** The request head as forwarded: one request per connection, so every answer ends with the connection. */
function forwardedHead(head: Head): Buffer {
	const kept = head.headers.filter(([key]) => !/^(connection|keep-alive)$/i.test(key));
	return Buffer.from(`${head.method} ${head.path} HTTP/1.1\r\n${[...kept, ['Connection', 'close']].map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`, 'latin1');
}

function bodyComplete(head: Head, body: Buffer): boolean {
	if (head.bodyLength === 'chunked') return body.subarray(-5).toString('latin1') === '0\r\n\r\n';
	return body.length >= head.bodyLength;
}

function contentLengthOf(answer: Buffer): { headLength: number; bodyLength: number } | undefined {
	const end = answer.indexOf(HEAD_END);
	if (end < 0) return undefined;
	const length = /\r\ncontent-length:\s*(\d+)/i.exec(answer.subarray(0, end).toString('latin1'))?.[1];
	return { headLength: end + 4, bodyLength: length === undefined ? answer.length - end - 4 : Number(length) };
}

function rawResponse(action: Extract<FaultAction, { kind: 'respond' }>): Buffer {
	const body = Buffer.isBuffer(action.body) ? action.body : Buffer.from(action.body ?? '', 'utf8');
	const headers = { ...action.headers, 'Content-Length': String(body.length), Connection: 'close' };
	const head = `HTTP/1.1 ${action.status} Fault\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`;
	return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
	const rules: Array<FaultRule & { skip: number; count: number }> = [];
	const sockets = new Set<net.Socket>();
	const timers = new Set<NodeJS.Timeout>();
	let random: (RandomFaults & { next: () => number }) | undefined;
	let blackhole = false;
	let injected = 0;
	// a TLSSocket made by hand (not by tls.Server) does not judge the client certificate itself
	const ca = options.tls ? new X509Certificate(options.tls.server.ca) : undefined;
	const signedByCa = (secure: tls.TLSSocket) => {
		const raw = secure.getPeerCertificate()?.raw;
		if (!raw || !ca) return false;
		const peer = new X509Certificate(raw);
		const now = Date.now();
		const inDate = Date.parse(peer.validFrom) <= now && now <= Date.parse(peer.validTo);
		return inDate && peer.checkIssued(ca) && peer.verify(ca.publicKey);
	};
	const defaultContext = options.tls ? tls.createSecureContext(options.tls.server) : undefined;
	let serverContext = defaultContext;

	const chooseFault = (method: string, path: string): FaultAction => {
		const rule = rules.find((r) => (!r.method || r.method === method) && (!r.path || path.startsWith(r.path)));
		if (rule) {
			if (rule.skip > 0) {
				rule.skip--;
				return { kind: 'pass' };
			}
			if (--rule.count <= 0) rules.splice(rules.indexOf(rule), 1);
			return rule.action;
		}
		if (random && (!random.path || path.startsWith(random.path)) && random.next() < random.rate) {
			return random.faults[Math.floor(random.next() * random.faults.length)];
		}
		return { kind: 'pass' };
	};

	const later = (ms: number, action: () => void) => {
		const timer = setTimeout(() => {
			timers.delete(timer);
			action();
		}, ms);
		timers.add(timer);
	};

	const connectUpstream = (): Duplex => {
		const upstream = options.tls
			? tls.connect({ host: '127.0.0.1', port: options.targetPort, ...options.tls.upstream })
			: net.connect({ host: '127.0.0.1', port: options.targetPort });
		upstream.on('error', () => {});
		return upstream;
	};

	/** One request on a connection whose TLS (if any) is set up: read it, apply its fault, answer or not. */
	const serve = (raw: net.Socket, client: Duplex) => {
		let buffered = Buffer.alloc(0);
		let head: Head | undefined;
		let request: ProxiedRequest | undefined;
		let action: FaultAction = { kind: 'pass' };
		let upstream: Duplex | undefined;
		let answered = false;
		const reset = () => {
			upstream?.destroy();
			if (!raw.destroyed) raw.resetAndDestroy();
		};
		// the whole request has arrived: a front end that answers by itself does so now
		const onRequestDone = () => {
			if (answered) return;
			answered = true;
			if (action.kind === 'respond') client.end(rawResponse(action));
		};
		const relay = () => {
			upstream = connectUpstream();
			upstream.write(forwardedHead(head!));
			const chunks: Buffer[] = [];
			let received = 0;
			let cut = false;
			upstream.on('data', (chunk: Buffer) => {
				if (cut) return;
				chunks.push(chunk);
				received += chunk.length;
				if (action.kind === 'resetAfterRequest') {
					cut = true;
					reset();
				} else if (action.kind === 'resetMidAnswer') {
					const sizes = contentLengthOf(Buffer.concat(chunks));
					if (!sizes) return;
					const allowed = sizes.headLength + Math.floor(sizes.bodyLength * (action.fraction ?? 0.5));
					if (received >= allowed) {
						cut = true;
						client.write(Buffer.concat(chunks).subarray(0, allowed), () => later(50, reset));
					}
				}
			});
			upstream.on('end', () => {
				if (cut) return;
				const answer = Buffer.concat(chunks);
				proxy.onAnswered?.(request!);
				if (action.kind === 'neverAnswer') return; // the server's answer is lost
				if (action.kind === 'drip') {
					const { chunkBytes, everyMs } = action;
					let offset = 0;
					const step = () => {
						if (raw.destroyed) return;
						const piece = answer.subarray(offset, offset + chunkBytes);
						offset += chunkBytes;
						if (offset >= answer.length) client.end(piece);
						else {
							client.write(piece);
							later(everyMs, step);
						}
					};
					step();
					return;
				}
				if (action.kind === 'resetMidAnswer') {
					// no content-length seen: half of what came
					client.write(answer.subarray(0, Math.floor(answer.length / 2)), () => later(50, reset));
					return;
				}
				client.end(answer);
			});
		};
		client.on('data', (chunk: Buffer) => {
			if (head) {
				buffered = Buffer.concat([buffered, chunk]);
				upstream?.write(chunk);
				if (bodyComplete(head, buffered)) onRequestDone();
				return;
			}
			buffered = Buffer.concat([buffered, chunk]);
			const end = buffered.indexOf(HEAD_END);
			if (end < 0) return;
			head = parseHead(buffered.subarray(0, end));
			buffered = buffered.subarray(end + 4);
			action = chooseFault(head.method, head.path);
			if (action.kind !== 'pass') injected++;
			request = { method: head.method, path: head.path, fault: action.kind, at: Date.now() };
			proxy.requests.push(request);
			const authorization = head.headers.find(([key]) => key.toLowerCase() === 'authorization')?.[1];
			const bearer = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
			if (bearer) proxy.tokens.add(bearer);
			const forwards = action.kind !== 'respond' && !(action.kind === 'neverAnswer' && !action.forward);
			if (forwards) relay();
			if (forwards && buffered.length) upstream!.write(buffered);
			if (bodyComplete(head, buffered)) onRequestDone();
		});
	};

	const server = net.createServer((raw) => {
		sockets.add(raw);
		raw.on('close', () => sockets.delete(raw));
		raw.on('error', () => {});
		if (blackhole) {
			proxy.blackholed++;
			injected++;
			return; // accepted; nothing is ever read or sent
		}
		if (!serverContext) {
			serve(raw, raw);
			return;
		}
		const secure = new tls.TLSSocket(raw, { isServer: true, secureContext: serverContext, requestCert: true });
		secure.on('error', () => raw.destroy());
		secure.on('secure', () => {
			if (signedByCa(secure)) serve(raw, secure);
			else raw.destroy(); // a client certificate the CA did not sign, or out of date
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
	const port = (server.address() as AddressInfo).port;

	const proxy: FaultProxy = {
		url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
		port,
		requests: [],
		blackholed: 0,
		get injected() {
			return injected;
		},
		tokens: new Set(),
		addRule: (rule) => {
			rules.push({ ...rule, skip: rule.skip ?? 0, count: rule.count ?? 1 });
		},
		setRandom: (next) => {
			random = next ? { ...next, next: seededRandom(next.seed) } : undefined;
		},
		setBlackhole: (on) => {
			blackhole = on;
		},
		setServerCertificate: (pair) => {
			serverContext = pair && options.tls ? tls.createSecureContext({ ...pair, ca: options.tls.server.ca }) : defaultContext;
		},
		clear: () => {
			rules.length = 0;
			random = undefined;
			blackhole = false;
			serverContext = defaultContext;
			proxy.onAnswered = undefined;
		},
		close: async () => {
			for (const timer of timers) clearTimeout(timer);
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
	return proxy;
}
