// OCCTO 作業停止計画 WebAPI simulator: a real HTTPS server on 127.0.0.1 that requires a client certificate,
// following the contract in shared/specs/occto-outage-plan.md and the wire facts in
// nodes/OcctoOutagePlan/mapping.ts (the same file the node uses, so both change together).
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { constants as zlibConstants, crc32, deflateRawSync } from 'node:zlib';

import * as iconv from 'iconv-lite';
import JSZip from 'jszip';

import type { XmlEncoding, XmlObject } from '../../nodes/shared/codecs';
import { DecodeError, buildXml, decodeXmlBytes, encodeXml, encodeXmlZipBase64, hasXmlPath, parseXml } from '../../nodes/shared/codecs';
import { fromJstDigits, jstDate, jstSecond } from '../../nodes/shared/japanTime';
import type { OcctoApiId } from '../../nodes/OcctoOutagePlan/mapping';
import {
	DAILY_CALL_LIMIT,
	ENVELOPE,
	LIST_ROOT,
	OCCTO_APIS,
	OUTAGE_PLAN_ROW,
	PARAM,
	PLAN_DIVISION_ELEMENT,
	QUOTA_EXCEEDED_TEXT,
	RECEPTION_NO_PATTERN,
	REGISTER_ANSWER,
	REQUIRED_BODY_CODES,
	REQUIRED_ENVELOPE_PATHS,
	RESULT_CODES,
	SUBMISSION_STATUS,
} from '../../nodes/OcctoOutagePlan/mapping';
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

interface Submission {
	receptionNo: string;
	userId: string;
	fileName: string;
	planDivision: string;
	xml: string;
	status: { code: string; name: string };
	submittedAt: Date;
	updatedAt: Date;
	errors: Array<{ code: string; message: string; element: string }>;
}

const DEFAULT_USERS = { U0000001: 'sim-password-1', U0000002: 'sim-password-2' };
const FACILITIES = ['○○発電所1号機', '△△水力発電所2号機', '髙﨑変電所 1号変圧器', '□□火力発電所3号機', '北港連系線'];
const WORKS = ['定期点検', '設備更新工事', '保護リレー試験', '送電線張替え'];

class BadRequest extends Error {
	constructor(
		readonly code: string,
		message: string,
	) {
		super(message);
	}
}

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

function planBody(document: XmlObject): Record<string, unknown> {
	const group = (document[ENVELOPE.root] as XmlObject)[ENVELOPE.group] as XmlObject;
	const body = group[ENVELOPE.body];
	return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
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

/** Shift_JIS unless the text holds characters Shift_JIS cannot carry (a plan uploaded as UTF-8): then UTF-8. */
function answerEncodingFor(xml: string, preferred: XmlEncoding): XmlEncoding {
	if (preferred === 'UTF-8') return preferred;
	try {
		encodeXml(xml, preferred);
		return preferred;
	} catch (error) {
		if (error instanceof DecodeError) return 'UTF-8';
		throw error;
	}
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
	const submissions: Submission[] = [];
	const requests: OcctoSimulator['requests'] = [];
	const timers = new Set<NodeJS.Timeout>();
	let clock: Date | undefined;
	let fault: OcctoFault | undefined;
	let faultDelayMs = 5000;
	const answerOverrides = new Map<OcctoApiId, string>();
	const answerCache = new Map<string, string>();
	/** Bumped whenever a submission is added or changes, so cached list answers are never stale. */
	let stateVersion = 0;
	let nextReceptionNo = 1000000001;
	let answerSerial = 0;
	const now = () => clock ?? new Date();

	const countFor = (userId: string) => {
		const day = jstDate(now());
		let entry = calls.get(userId);
		if (!entry || entry.day !== day) {
			entry = { day, count: 0 };
			calls.set(userId, entry);
		}
		return entry;
	};

	const seededPlan = (index: number) => {
		const submitted = new Date(Date.UTC(2026, 0, 5) + index * 3_600_000);
		return {
			PLAN_DIVISION: String((index % 4) + 1),
			OCCTO_RECEPTION_NO: String(2000000001 + index),
			PLAN_NM: `${FACILITIES[index % FACILITIES.length]} ${WORKS[index % WORKS.length]} 第${index + 1}回`,
			STAT: SUBMISSION_STATUS.accepted.code,
			STAT_NM: SUBMISSION_STATUS.accepted.name,
			SBMIT_DAYTIME: jstSecond(submitted),
			LAST_UPD_DAYTIME: jstSecond(new Date(submitted.getTime() + 600_000)),
		};
	};

	const seededPlanXml = (row: ReturnType<typeof seededPlan>) =>
		buildXml({
			[ENVELOPE.root]: {
				[ENVELOPE.group]: {
					[ENVELOPE.header]: { JPC03: '3A', JPC11: '3AS1', JPC21: `SEED${row.OCCTO_RECEPTION_NO}` },
					[ENVELOPE.body]: {
						JP00002: '0001',
						JP06110: 'S0001',
						JP06111: '試験電力株式会社',
						JP06358: 'OCCTO',
						JP06116: row.SBMIT_DAYTIME.slice(0, 8),
						[PLAN_DIVISION_ELEMENT]: row.PLAN_DIVISION,
						OUTAGE_ITEM: { FACILITY_NM: row.PLAN_NM, STR_DATE: row.SBMIT_DAYTIME.slice(0, 8) },
					},
				},
			},
		});

	const inRange = (digits: string, form: Record<string, string>) => {
		const day = digits.slice(0, 8);
		if (form[PARAM.from] && day < form[PARAM.from]) return false;
		if (form[PARAM.to] && day > form[PARAM.to]) return false;
		return true;
	};

	const checkDates = (form: Record<string, string>) => {
		for (const name of [PARAM.from, PARAM.to]) {
			if (form[name] !== undefined && form[name] !== '' && !fromJstDigits(form[name])) {
				throw new BadRequest(RESULT_CODES.parameterError, `パラメータ ${name} の形式が不正です (YYYYMMDD)`);
			}
		}
	};

	const checkReceptionNo = (receptionNo: string) => {
		if (!RECEPTION_NO_PATTERN.test(receptionNo)) {
			throw new BadRequest(RESULT_CODES.parameterError, `パラメータ ${PARAM.receptionNo} の形式が不正です (10桁の数字)`);
		}
	};

	const listXml = (list: keyof OcctoProfile['rows'], listRows: object[]) => {
		const { row, wrapper } = profile.rows[list];
		const names = list === 'plans' || list === 'submissions' ? profile.listFieldNames : undefined;
		const rows = names ? listRows.map((r) => Object.fromEntries(Object.entries(r).map(([name, value]) => [names[name] ?? name, value]))) : listRows;
		if (!rows.length) return buildXml({ [LIST_ROOT]: '' });
		return buildXml({ [LIST_ROOT]: wrapper ? { [wrapper]: { [row]: rows } } : { [row]: rows } });
	};

	const validate = (submission: Submission) => {
		const document = parseXml(submission.xml);
		const body = planBody(document);
		for (const code of REQUIRED_BODY_CODES) {
			if (body[code] === undefined || body[code] === '') {
				submission.errors.push({ code: 'E0101', message: `必須項目(${code})が設定されていません`, element: code });
			}
		}
		const target = body.JP06116;
		if (target !== undefined && (typeof target !== 'string' || !/^\d{8}$/.test(target) || !fromJstDigits(target))) {
			submission.errors.push({ code: 'E0201', message: '対象年月日(JP06116)の日付が不正です', element: 'JP06116' });
		}
		submission.status = submission.errors.length ? SUBMISSION_STATUS.error : SUBMISSION_STATUS.accepted;
		submission.updatedAt = now();
		stateVersion++;
	};

	const handlers: Record<OcctoApiId, (form: Record<string, string>, userId: string, file?: Buffer) => Promise<string> | string> = {
		BA13B101: (_form, userId, file) => {
			if (!file) throw new BadRequest(RESULT_CODES.parameterError, `パラメータ ${PARAM.file} (作業停止計画XML) がありません`);
			let xml: string;
			let document: XmlObject;
			try {
				xml = decodeXmlBytes(file);
				document = parseXml(xml);
			} catch (error) {
				throw new BadRequest(RESULT_CODES.xmlValidationError, `XMLの形式が不正です: ${(error as Error).message}`);
			}
			const missing = REQUIRED_ENVELOPE_PATHS.filter((p) => !hasXmlPath(document, p));
			if (missing.length) throw new BadRequest(RESULT_CODES.xmlValidationError, `XMLに必須の要素がありません: ${missing.join(', ')}`);
			const body = planBody(document);
			const submission: Submission = {
				receptionNo: String(nextReceptionNo++),
				userId,
				fileName: `${userId}_${jstSecond(now())}.xml`,
				planDivision: typeof body[PLAN_DIVISION_ELEMENT] === 'string' ? (body[PLAN_DIVISION_ELEMENT] as string) : '1',
				xml,
				status: SUBMISSION_STATUS.receiving,
				submittedAt: now(),
				updatedAt: now(),
				errors: [],
			};
			submissions.push(submission);
			stateVersion++;
			const timer = setTimeout(() => {
				timers.delete(timer);
				validate(submission);
			}, statusDelayMs);
			timers.add(timer);
			return buildXml({
				[REGISTER_ANSWER.root]: {
					[profile.rows.receipt.row]: {
						OCCTO_RECEPTION_NO: submission.receptionNo,
						PLAN_DIVISION: submission.planDivision,
						STAT: submission.status.code,
						STAT_NM: submission.status.name,
					},
				},
			});
		},
		BA13B006: (form, userId) => {
			checkDates(form);
			const rows = submissions
				.filter((s) => s.userId === userId && inRange(jstSecond(s.submittedAt), form))
				.map((s) => ({
					OCCTO_RECEPTION_NO: s.receptionNo,
					FILE_NM: s.fileName,
					STAT: s.status.code,
					STAT_NM: s.status.name,
					SBMIT_DAYTIME: jstSecond(s.submittedAt),
					LAST_UPD_DAYTIME: jstSecond(s.updatedAt),
				}));
			return listXml('submissions', rows);
		},
		BA13B007: (form, userId) => {
			const receptionNo = form[PARAM.receptionNo];
			if (!receptionNo) throw new BadRequest(RESULT_CODES.parameterError, `パラメータ ${PARAM.receptionNo} がありません`);
			checkReceptionNo(receptionNo);
			const submission = submissions.find((s) => s.receptionNo === receptionNo && s.userId === userId);
			if (!submission) throw new BadRequest(RESULT_CODES.notFound, `受付番号 ${receptionNo} の提出ファイルはありません`);
			if (submission.status !== SUBMISSION_STATUS.error) {
				throw new BadRequest(RESULT_CODES.notFound, `受付番号 ${receptionNo} は提出エラーではないため、受信確認メッセージはありません`);
			}
			return listXml(
				'errors',
				submission.errors.map((e) => ({ OCCTO_RECEPTION_NO: receptionNo, ERR_CD: e.code, ERR_MSG: e.message, ERR_ELEM: e.element })),
			);
		},
		BA13B103: (form, userId) => {
			checkDates(form);
			const rows: object[] = [];
			for (let i = 0; i < seedPlans; i++) {
				const row = seededPlan(i);
				if ((!form[PARAM.planDivision] || row.PLAN_DIVISION === form[PARAM.planDivision]) && inRange(row.SBMIT_DAYTIME, form)) rows.push(row);
			}
			for (const s of submissions) {
				if (s.userId !== userId || s.status !== SUBMISSION_STATUS.accepted) continue;
				if (form[PARAM.planDivision] && s.planDivision !== form[PARAM.planDivision]) continue;
				if (!inRange(jstSecond(s.submittedAt), form)) continue;
				rows.push({
					PLAN_DIVISION: s.planDivision,
					OCCTO_RECEPTION_NO: s.receptionNo,
					PLAN_NM: s.fileName,
					STAT: s.status.code,
					STAT_NM: s.status.name,
					SBMIT_DAYTIME: jstSecond(s.submittedAt),
					LAST_UPD_DAYTIME: jstSecond(s.updatedAt),
				});
			}
			return listXml('plans', rows);
		},
		BA13B102: (form, userId) => {
			const division = form[PARAM.planDivision];
			const receptionNo = form[PARAM.receptionNo];
			if (!division || !receptionNo) {
				throw new BadRequest(RESULT_CODES.parameterError, `パラメータ ${PARAM.planDivision} と ${PARAM.receptionNo} は必須です`);
			}
			checkReceptionNo(receptionNo);
			const submission = submissions.find(
				(s) => s.receptionNo === receptionNo && s.userId === userId && s.planDivision === division && s.status === SUBMISSION_STATUS.accepted,
			);
			if (submission) return submission.xml.replace(/^\s*<\?xml[^>]*\?>\s*/, '');
			const index = Number(receptionNo) - 2000000001;
			if (Number.isInteger(index) && index >= 0 && index < seedPlans) {
				const row = seededPlan(index);
				if (row.PLAN_DIVISION === division) return seededPlanXml(row);
			}
			throw new BadRequest(RESULT_CODES.notFound, `計画区分 ${division} 受付番号 ${receptionNo} の作業停止計画はありません`);
		},
	};

	const apiFor = (urlPath: string): OcctoApiId | undefined => {
		const clean = urlPath.split('?')[0].replace(/\/+$/, '');
		const api = Object.values(OCCTO_APIS).find((a) => profile.paths[a.id] === clean || (profile.lenientPaths && clean.endsWith(`/${a.id}`)));
		return api?.id;
	};

	const sendError = (res: http.ServerResponse, code: string, message: string) => {
		res.writeHead(200, { [profile.resultCodeHeader]: code, 'content-type': 'text/plain; charset=Shift_JIS' });
		res.end(iconv.encode(message, 'cp932'));
	};

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
				? `${apiId}|${userId}|${JSON.stringify(form)}|${stateVersion}|${jstDate(now())}`
				: undefined;
		const cached = cacheKey ? answerCache.get(cacheKey) : undefined;
		if (cached) {
			res.writeHead(200, { [profile.resultCodeHeader]: RESULT_CODES.ok, 'content-type': 'text/plain; charset=US-ASCII' });
			return res.end(cached);
		}
		let xml: string;
		try {
			xml = answerOverrides.get(apiId) ?? (await handlers[apiId](form, userId, file));
		} catch (error) {
			if (error instanceof BadRequest) return sendError(res, error.code, error.message);
			return sendError(res, RESULT_CODES.systemError, 'システムエラーが発生しました');
		}
		if (fault === 'resetAfterRegister' && apiId === 'BA13B101') return req.socket.destroy();
		const answerEncoding: XmlEncoding = answerEncodingFor(xml, fault === 'utf8Answer' ? 'UTF-8' : encoding);
		if (!OCCTO_APIS[apiId].answersZip) {
			res.writeHead(200, { [profile.resultCodeHeader]: RESULT_CODES.ok, 'content-type': `application/xml; charset=${answerEncoding}` });
			return res.end(encodeXml(xml, answerEncoding));
		}
		let base64: string;
		if (fault === 'zipBomb') base64 = await zipBombBase64();
		else if (fault === 'corruptZip') base64 = Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(64, 0x5a)]).toString('base64');
		else {
			const fileName = `${apiId}_${jstDate(now())}_${String(++answerSerial).padStart(6, '0')}.xml`;
			base64 = profile.dataDescriptors
				? await streamedZipBase64(fileName, encodeXml(xml, answerEncoding))
				: await encodeXmlZipBase64(fileName, xml, answerEncoding);
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
				if (!res.headersSent) sendError(res, RESULT_CODES.systemError, 'システムエラーが発生しました');
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
		submissions: () => submissions.map((s) => ({ receptionNo: s.receptionNo, status: s.status.name })),
		close: async () => {
			if (ownCertDir) rmSync(ownCertDir, { recursive: true, force: true });
			for (const timer of timers) clearTimeout(timer);
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
