// OCCTO 作業停止計画 WebAPI simulator: a real HTTPS server on 127.0.0.1 that requires a client certificate,
// following the contract in shared/specs/occto-outage-plan.md and the wire facts in
// nodes/occtoApi/mapping.ts (the same file the node uses, so both change together). What OCCTO answers
// comes from the package's responder (nodes/occtoApi/sandbox/responder.ts, the Sandbox's too); this
// file adds the wire: TLS with a client certificate, login, the daily count, wire profiles, faults, admin.
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { constants as zlibConstants, crc32, deflateRawSync } from 'node:zlib';

import JSZip from 'jszip';

import type { XmlEncoding } from '../../nodes/shared/codecs';
import { buildXml, encodeXml, encodeXmlZipBase64 } from '../../nodes/shared/codecs';
import type { HttpAnswer } from '../../nodes/shared/http/answer';
import { jstDate } from '../../nodes/shared/japanTime';
import { MemoryBook } from '../../nodes/shared/sandbox/book';
import type { OcctoApiId } from '../../nodes/occtoApi';
import {
	answerEncodingFor,
	answerFileName,
	DAILY_CALL_LIMIT,
	emptyOcctoBook,
	LIST_ROOT,
	OCCTO_APIS,
	OcctoResponder,
	OUTAGE_PLAN_ROW,
	PARAM,
	QUOTA_EXCEEDED_TEXT,
	RESULT_CODES,
	statusAt,
	SUBMISSION_STATUS,
	wireAnswer,
} from '../../nodes/occtoApi';
import type { OcctoSimulatorCerts } from './certs';
import { loadOrCreateCerts } from './certs';
import type { OcctoProfile, OcctoProfileName } from './profiles';
import { OCCTO_PROFILES } from './profiles';

export type { OcctoSimulatorCerts } from './certs';

export type OcctoFault =
	| 'html503'
	| 'slow'
	| 'reset'
	| 'truncatedBase64'
	| 'corruptZip'
	| 'zipBomb'
	| 'utf8Answer'
	| 'resetAfterRegister';

export interface OcctoSimulatorOptions {
	port?: number;
	adminPort?: number;
	users?: Record<string, string>;
	statusDelayMs?: number;
	seedPlans?: number;
	certDir?: string;
	encoding?: XmlEncoding;
	/** Wire profile (simulators/occto/profiles.ts); default "standard". */
	profile?: OcctoProfileName;
}

export interface OcctoSimulator {
	url: string;
	profile: OcctoProfile;
	adminUrl?: string;
	certs: OcctoSimulatorCerts;
	setCallCount(userId: string, count: number): void;
	getCallCount(userId: string): number;
	setClock(now: Date | undefined): void;
	setFault(fault: OcctoFault | undefined, options?: { delayMs?: number }): void;
	/** Test hook: answer this API with the given XML document (zipped as usual) instead of the real list; undefined clears it. */
	setAnswerOverride(apiId: OcctoApiId, xml: string | undefined): void;
	requests: Array<{ apiId: string; userId?: string; at: Date }>;
	submissions(): Array<{ receptionNo: string; status: string }>;
	close(): Promise<void>;
}

const DEFAULT_USERS = { U0000001: 'sim-password-1', U0000002: 'sim-password-2' };

function parseForm(body: Buffer): Record<string, string> {
	return Object.fromEntries(new URLSearchParams(body.toString('utf8')));
}

/** Minimal multipart/form-data reader: text fields as strings, file parts as bytes. */
function parseMultipart(body: Buffer, boundary: string): { fields: Record<string, string>; files: Record<string, Buffer> } {
	const fields: Record<string, string> = {};
	const files: Record<string, Buffer> = {};
	const delimiter = Buffer.from(`--${boundary}`);
	let start = body.indexOf(delimiter);
	while (start !== -1) {
		const next = body.indexOf(delimiter, start + delimiter.length);
		if (next === -1) break;
		const part = body.subarray(start + delimiter.length + 2, next - 2); // skip CRLF after delimiter and before next
		const headerEnd = part.indexOf('\r\n\r\n');
		if (headerEnd !== -1) {
			const headers = part.subarray(0, headerEnd).toString('utf8');
			const content = part.subarray(headerEnd + 4);
			const name = /name="([^"]*)"/.exec(headers)?.[1];
			if (name !== undefined) {
				if (/filename="/.test(headers)) files[name] = content;
				else fields[name] = content.toString('utf8');
			}
		}
		start = next;
	}
	return { fields, files };
}

/**
 * A zip bomb: one valid entry (real CRC-32) that inflates to 1 GiB of zeros, built in milliseconds with
 * little memory: one sync-flushed raw-deflate segment of 1 MiB of zeros (its back-references stay inside
 * the segment, and it ends on a byte boundary) repeated 1024 times, then an empty final block.
 */
const ZIP_BOMB_SIZE = 1024 * 1024 * 1024;
let zipBombCache: Promise<string> | undefined;
async function zipBombBase64(): Promise<string> {
	zipBombCache ??= Promise.resolve().then(() => {
		const zeros = Buffer.alloc(1024 * 1024);
		const repeats = ZIP_BOMB_SIZE / zeros.length;
		const segment = deflateRawSync(zeros, { level: 9, finishFlush: zlibConstants.Z_FULL_FLUSH });
		let crc = 0;
		for (let i = 0; i < repeats; i++) crc = crc32(zeros, crc);
		const segments: Buffer[] = new Array<Buffer>(repeats).fill(segment);
		const compressed = Buffer.concat([...segments, Buffer.from([0x03, 0x00])]);
		const name = Buffer.from('BA13B103_bomb.xml');
		const local = Buffer.alloc(30);
		local.writeUInt32LE(0x04034b50, 0);
		local.writeUInt16LE(20, 4);
		local.writeUInt16LE(8, 8); // deflate
		local.writeUInt32LE(crc >>> 0, 14);
		local.writeUInt32LE(compressed.length, 18);
		local.writeUInt32LE(ZIP_BOMB_SIZE >>> 0, 22);
		local.writeUInt16LE(name.length, 26);
		const central = Buffer.alloc(46);
		central.writeUInt32LE(0x02014b50, 0);
		central.writeUInt16LE(20, 4);
		central.writeUInt16LE(20, 6);
		central.writeUInt16LE(8, 10);
		central.writeUInt32LE(crc >>> 0, 16);
		central.writeUInt32LE(compressed.length, 20);
		central.writeUInt32LE(ZIP_BOMB_SIZE >>> 0, 24);
		central.writeUInt16LE(name.length, 28);
		central.writeUInt32LE(0, 42);
		const centralOffset = local.length + name.length + compressed.length;
		const end = Buffer.alloc(22);
		end.writeUInt32LE(0x06054b50, 0);
		end.writeUInt16LE(1, 8);
		end.writeUInt16LE(1, 10);
		end.writeUInt32LE(central.length + name.length, 12);
		end.writeUInt32LE(centralOffset, 16);
		return Buffer.concat([local, name, compressed, central, name, end]).toString('base64');
	});
	return await zipBombCache;
}

const FAULTS: readonly OcctoFault[] = ['html503', 'slow', 'reset', 'truncatedBase64', 'corruptZip', 'zipBomb', 'utf8Answer', 'resetAfterRegister'];

export async function startOcctoSimulator(options: OcctoSimulatorOptions = {}): Promise<OcctoSimulator> {
	// a throwaway cert folder is removed again on close; a given one (npm start's .runtime/) is kept for reuse
	const ownCertDir = options.certDir === undefined ? mkdtempSync(path.join(tmpdir(), 'occto-sim-')) : undefined;
	const certs = loadOrCreateCerts(options.certDir ?? ownCertDir!);
	const users: Record<string, string> = options.users ?? DEFAULT_USERS;
	const statusDelayMs = options.statusDelayMs ?? 300;
	const seedPlans = options.seedPlans ?? 3;
	const encoding: XmlEncoding = options.encoding ?? 'Shift_JIS';
	const profile = OCCTO_PROFILES[options.profile ?? 'standard'];
	const calls = new Map<string, { day: string; count: number }>();
	const book = new MemoryBook(emptyOcctoBook());
	const requests: OcctoSimulator['requests'] = [];
	let clock: Date | undefined;
	let fault: OcctoFault | undefined;
	let faultDelayMs = 5000;
	const answerOverrides = new Map<OcctoApiId, string>();
	const answerCache = new Map<string, string>();
	let answerSerial = 0;
	const now = () => clock ?? new Date();
	// OCCTO's answers come from the package's own responder (the Sandbox's too); this file adds the wire around it
	const responder = new OcctoResponder(book, {
		statusDelayMs,
		seedPlans,
		clock: now,
		rows: profile.rows,
		listFieldNames: profile.listFieldNames,
	});
	/** Changes whenever a submission is added or settles, so cached list answers are never stale. */
	const bookVersion = () =>
		`${book.state.submissions.length}:${book.state.submissions.filter((s) => statusAt(s, now(), statusDelayMs) !== SUBMISSION_STATUS.receiving).length}`;

	const countFor = (userId: string) => {
		const day = jstDate(now());
		let entry = calls.get(userId);
		if (!entry || entry.day !== day) {
			entry = { day, count: 0 };
			calls.set(userId, entry);
		}
		return entry;
	};

	const apiFor = (urlPath: string): OcctoApiId | undefined => {
		const clean = urlPath.split('?')[0].replace(/\/+$/, '');
		const api = Object.values(OCCTO_APIS).find((a) => profile.paths[a.id] === clean || (profile.lenientPaths && clean.endsWith(`/${a.id}`)));
		return api?.id;
	};

	const write = (res: http.ServerResponse, answer: HttpAnswer<Buffer>) => {
		res.writeHead(answer.statusCode, answer.headers as http.OutgoingHttpHeaders);
		res.end(answer.body);
	};
	const wireOptions = (apiId: OcctoApiId, preferred: XmlEncoding) => ({
		resultCodeHeader: profile.resultCodeHeader,
		encoding: preferred,
		fileName: answerFileName(apiId, now(), ++answerSerial),
	});
	const sendError = async (res: http.ServerResponse, code: string, message: string) =>
		write(res, await wireAnswer('BA13B006', { resultCode: code, message }, wireOptions('BA13B006', encoding)));

	const html = (res: http.ServerResponse, status: number, title: string) => {
		res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
		res.end(`<!DOCTYPE html><html><head><title>${status} ${title}</title></head><body><h1>${title}</h1><p>只今メンテナンス中です。しばらくしてから再度アクセスしてください。</p></body></html>`);
	};

	const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const body = Buffer.concat(chunks);
		const apiId = apiFor(req.url ?? '/');
		if (req.method !== 'POST' || !apiId) return html(res, req.method !== 'POST' ? 405 : 404, req.method !== 'POST' ? 'Method Not Allowed' : 'Not Found');
		const contentType = req.headers['content-type'] ?? '';
		let form: Record<string, string>;
		let file: Buffer | undefined;
		const boundary = /boundary=([^;]+)/.exec(contentType)?.[1];
		if (contentType.startsWith('multipart/form-data') && boundary) {
			const parsed = parseMultipart(body, boundary.replace(/"/g, ''));
			form = parsed.fields;
			file = parsed.files[profile.filePart];
		} else form = parseForm(body);
		const userId = form[PARAM.userId];
		requests.push({ apiId, userId, at: now() });

		// every call counts, failed ones included
		if (userId) {
			const entry = countFor(userId);
			entry.count++;
			if (entry.count > DAILY_CALL_LIMIT) return sendError(res, profile.quotaExceededCode, QUOTA_EXCEEDED_TEXT);
		}
		if (fault === 'slow') await new Promise((resolve) => setTimeout(resolve, faultDelayMs));
		if (fault === 'html503') return html(res, 503, 'Service Unavailable');
		if (fault === 'reset') return req.socket.destroy();
		if (!userId || users[userId] === undefined || users[userId] !== form[PARAM.password]) {
			return sendError(res, RESULT_CODES.authError, 'ユーザIDまたはパスワードが正しくありません');
		}
		const peer = (req.socket as TLSSocket).getPeerCertificate();
		if (peer?.subject?.CN !== userId) {
			return sendError(res, RESULT_CODES.certificateUserMismatch, 'クライアント証明書とユーザIDが一致しません');
		}
		// a large seeded list takes seconds to build and zip: the same question with nothing changed gets the same answer
		const cacheKey =
			OCCTO_APIS[apiId].answersZip && !fault && !answerOverrides.has(apiId) && apiId !== 'BA13B007'
				? `${apiId}|${userId}|${JSON.stringify(form)}|${bookVersion()}|${jstDate(now())}`
				: undefined;
		const cached = cacheKey ? answerCache.get(cacheKey) : undefined;
		if (cached) {
			res.writeHead(200, { [profile.resultCodeHeader]: RESULT_CODES.ok, 'content-type': 'text/plain; charset=US-ASCII' });
			return res.end(cached);
		}
		let xml: string;
		const override = answerOverrides.get(apiId);
		if (override !== undefined) xml = override;
		else {
			const reply = await responder.answer({ apiId, form, file, userId });
			if (!('xml' in reply)) return await sendError(res, reply.resultCode, reply.message);
			xml = reply.xml;
		}
		if (fault === 'resetAfterRegister' && apiId === 'BA13B101') return req.socket.destroy();
		const preferred: XmlEncoding = fault === 'utf8Answer' ? 'UTF-8' : encoding;
		if (!OCCTO_APIS[apiId].answersZip) return write(res, await wireAnswer(apiId, { resultCode: RESULT_CODES.ok, xml }, wireOptions(apiId, preferred)));
		let base64: string;
		if (fault === 'zipBomb') base64 = await zipBombBase64();
		else if (fault === 'corruptZip') base64 = Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(64, 0x5a)]).toString('base64');
		else {
			const options = wireOptions(apiId, preferred);
			base64 = profile.dataDescriptors
				? await streamedZipBase64(options.fileName, encodeXml(xml, answerEncodingFor(xml, preferred)))
				: (await wireAnswer(apiId, { resultCode: RESULT_CODES.ok, xml }, options)).body.toString('latin1');
			if (fault === 'truncatedBase64') base64 = base64.slice(0, Math.floor(base64.length / 2) + 1);
		}
		if (profile.wrapBase64) base64 = base64.replace(/.{76}/g, '$&\r\n');
		if (cacheKey) {
			answerCache.clear(); // one answer kept: enough for repeated identical calls, bounded memory
			answerCache.set(cacheKey, base64);
		}
		res.writeHead(200, { [profile.resultCodeHeader]: RESULT_CODES.ok, 'content-type': 'text/plain; charset=US-ASCII' });
		res.end(base64);
	};

	const server = https.createServer(
		{ key: certs.serverKeyPem, cert: certs.serverCertPem, ca: [certs.caPem], requestCert: true, rejectUnauthorized: true },
		(req, res) => {
			handle(req, res).catch(() => {
				if (!res.headersSent) sendError(res, RESULT_CODES.systemError, 'システムエラーが発生しました').catch(() => res.end());
				else res.end();
			});
		},
	);
	server.on('tlsClientError', () => {}); // rejected handshakes are expected in tests
	await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', () => resolve()));

	const simulator: OcctoSimulator = {
		url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
		profile,
		certs,
		requests,
		setCallCount: (userId, count) => {
			countFor(userId).count = count;
		},
		getCallCount: (userId) => countFor(userId).count,
		setClock: (date) => {
			clock = date;
		},
		setFault: (next, faultOptions) => {
			fault = next;
			faultDelayMs = faultOptions?.delayMs ?? 5000;
		},
		setAnswerOverride: (apiId, xml) => {
			if (xml === undefined) answerOverrides.delete(apiId);
			else answerOverrides.set(apiId, xml);
		},
		submissions: () => book.state.submissions.map((s) => ({ receptionNo: s.receptionNo, status: statusAt(s, now(), statusDelayMs).name })),
		close: async () => {
			if (ownCertDir) rmSync(ownCertDir, { recursive: true, force: true });
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
			if (admin) {
				admin.closeAllConnections();
				await new Promise<void>((resolve) => admin!.close(() => resolve()));
			}
		},
	};

	let admin: http.Server | undefined;
	if (options.adminPort !== undefined) {
		admin = http.createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (c: Buffer) => chunks.push(c));
			req.on('end', () => {
				const url = new URL(req.url ?? '/', 'http://127.0.0.1');
				const reply = (status: number, data: unknown) => {
					res.writeHead(status, { 'content-type': 'application/json' });
					res.end(JSON.stringify(data));
				};
				let body: Record<string, unknown> = {};
				try {
					if (chunks.length) body = (JSON.parse(Buffer.concat(chunks).toString('utf8')) ?? {}) as Record<string, unknown>;
				} catch {
					return reply(400, { error: 'the body is not JSON' });
				}
				if (req.method === 'POST' && url.pathname === '/fault' && body.fault != null && !FAULTS.includes(body.fault as OcctoFault)) {
					return reply(400, { error: `unknown fault "${String(body.fault)}"; one of ${FAULTS.join(', ')} or null` });
				}
				if (req.method === 'POST' && url.pathname === '/clock' && body.now != null && Number.isNaN(new Date(String(body.now)).getTime())) {
					return reply(400, { error: 'now must be an ISO date-time or null' });
				}
				if (req.method === 'POST' && url.pathname === '/calls') {
					simulator.setCallCount(String(body.userId), Number(body.count));
					return reply(200, { userId: body.userId, count: simulator.getCallCount(String(body.userId)) });
				}
				if (req.method === 'GET' && url.pathname === '/calls') {
					const userId = url.searchParams.get('userId') ?? '';
					return reply(200, { userId, count: simulator.getCallCount(userId) });
				}
				if (req.method === 'POST' && url.pathname === '/clock') {
					simulator.setClock(body.now ? new Date(String(body.now)) : undefined);
					return reply(200, { now: now().toISOString() });
				}
				if (req.method === 'POST' && url.pathname === '/fault') {
					simulator.setFault((body.fault as OcctoFault) ?? undefined, { delayMs: body.delayMs as number | undefined });
					return reply(200, { fault: fault ?? null });
				}
				if (req.method === 'GET' && url.pathname === '/submissions') return reply(200, simulator.submissions());
				if (req.method === 'POST' && url.pathname === '/reset') {
					calls.clear();
					clock = undefined;
					fault = undefined;
					return reply(200, { reset: true });
				}
				return reply(404, { error: 'unknown admin endpoint' });
			});
		});
		await new Promise<void>((resolve) => admin!.listen(options.adminPort, '127.0.0.1', () => resolve()));
		simulator.adminUrl = `http://127.0.0.1:${(admin.address() as AddressInfo).port}`;
	}
	return simulator;
}

/** A ZIP whose entry sizes follow the data in a data descriptor, as streaming ZIP writers (Java's) produce. */
async function streamedZipBase64(fileName: string, data: Buffer): Promise<string> {
	const archive = new JSZip();
	archive.file(fileName, data, { date: new Date(Date.UTC(2024, 0, 1)) });
	const bytes = await archive.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', streamFiles: true });
	return bytes.toString('base64');
}

/** For tests and benchmarks that want an answer without a server. */
export async function encodeListAnswer(rows: object[], rowElement = OUTAGE_PLAN_ROW, encodingName: XmlEncoding = 'Shift_JIS') {
	return await encodeXmlZipBase64('list.xml', buildXml({ [LIST_ROOT]: { [rowElement]: rows } }), encodingName);
}
