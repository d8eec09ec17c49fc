// Outage-plan XML builders shared by the simulator, node and trigger tests.
import type { IncomingHttpHeaders } from 'node:http';
import https from 'node:https';

import * as iconv from 'iconv-lite';

import type { OcctoApiId } from '../nodes/occtoApi';
import { OCCTO_APIS, RESULT_CODE_HEADER } from '../nodes/occtoApi';
import type { OcctoProfile } from '../simulators/occto/profiles';
import { profileCredentialFields } from '../simulators/occto/profiles';
import { sleep } from './support/time';

export interface PlanOverrides {
	senderCode?: string | null;
	recipientCode?: string | null;
	targetDate?: string | null;
	planDivision?: string;
	facility?: string;
	/** The header's message ID (JPC21); unique per call by default, as every real plan's is. */
	messageId?: string;
}

let planCount = 0;

export function validPlanXml(overrides: PlanOverrides = {}): string {
	const field = (tag: string, value: string | null | undefined, fallback: string) =>
		value === null ? '' : `<${tag}>${value ?? fallback}</${tag}>`;
	return `<?xml version="1.0" encoding="UTF-8"?>
<SBD-MSG>
  <JPMGRP>
    <JPMGH><JPC03>3A</JPC03><JPC11>3AS1</JPC11><JPC21>${overrides.messageId ?? `TEST${String(++planCount).padStart(4, '0')}`}</JPC21></JPMGH>
    <JPTRM>
      <JP00002>0001</JP00002>
      ${field('JP06110', overrides.senderCode, 'S0001')}
      <JP06111>試験電力株式会社</JP06111>
      ${field('JP06358', overrides.recipientCode, 'OCCTO')}
      ${field('JP06116', overrides.targetDate, '20261201')}
      <PLAN_DIVISION>${overrides.planDivision ?? '1'}</PLAN_DIVISION>
      <OUTAGE_ITEM><FACILITY_NM>${overrides.facility ?? '○○発電所1号機'}</FACILITY_NM><STR_DATE>20261201</STR_DATE><END_DATE>20261205</END_DATE></OUTAGE_ITEM>
    </JPTRM>
  </JPMGRP>
</SBD-MSG>`;
}

/** Well-formed, accepted for processing, then 提出エラー: the sender code (JP06110) is missing. */
export function badPlanXml(): string {
	return validPlanXml({ senderCode: null });
}

// ---- raw HTTPS client helpers for tests that talk to the OCCTO simulator without the node ----

/** TLS material for one request: a PKCS#12 bundle or PEM cert + key; `ca` is the simulator's CA. */
export interface OcctoTls {
	pfx?: Buffer;
	passphrase?: string;
	cert?: string;
	key?: string;
	ca?: string;
}

export interface OcctoAnswer {
	status: number;
	headers: IncomingHttpHeaders;
	resultCode?: string;
	body: Buffer;
	/** The body as text: Shift_JIS (CP932) unless the content-type names UTF-8 or US-ASCII. */
	text: string;
}

export interface OcctoFileField {
	data: Buffer;
	fileName?: string;
	contentType?: string;
}

/** multipart/form-data with text fields and (optionally) one file part. */
export function multipartBody(
	fields: Record<string, string>,
	file?: { field: string } & OcctoFileField,
): { body: Buffer; contentType: string } {
	const boundary = `----occtoTest${Date.now().toString(16)}${Math.random().toString(16).slice(2)}`;
	const parts: Buffer[] = [];
	for (const [name, value] of Object.entries(fields)) {
		parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
	}
	if (file) {
		parts.push(
			Buffer.from(
				`--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.fileName ?? 'plan.xml'}"\r\n` +
					`Content-Type: ${file.contentType ?? 'application/xml'}\r\n\r\n`,
			),
			file.data,
			Buffer.from('\r\n'),
		);
	}
	parts.push(Buffer.from(`--${boundary}--\r\n`));
	return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/**
 * One raw HTTPS call to the simulator (no connection reuse). `api` is an API id (its default path) or a
 * path. Form fields go form-urlencoded, or multipart when `file` is given (the file part is PARAM.file
 * unless `file.field` says otherwise). Rejects on TLS/socket failures: there is no HTTP answer then.
 */
export async function occtoPost(
	baseUrl: string,
	api: OcctoApiId | string,
	fields: Record<string, string>,
	tls: OcctoTls,
	options: { file?: OcctoFileField & { field?: string }; method?: string; timeoutMs?: number } = {},
): Promise<OcctoAnswer> {
	const apiPath = api in OCCTO_APIS ? OCCTO_APIS[api as OcctoApiId].defaultPath : api;
	const { body, contentType } = options.file
		? multipartBody(fields, { field: options.file.field ?? 'file', ...options.file })
		: { body: Buffer.from(new URLSearchParams(fields).toString()), contentType: 'application/x-www-form-urlencoded' };
	return await new Promise<OcctoAnswer>((resolve, reject) => {
		const request = https.request(
			`${baseUrl}${apiPath}`,
			{
				method: options.method ?? 'POST',
				agent: false,
				...tls,
				headers: { 'content-type': contentType, 'content-length': String(body.length) },
				timeout: options.timeoutMs ?? 10000,
			},
			(response) => {
				const chunks: Buffer[] = [];
				response.on('data', (chunk: Buffer) => chunks.push(chunk));
				response.on('error', reject);
				response.on('end', () => {
					const bytes = Buffer.concat(chunks);
					const type = String(response.headers['content-type'] ?? '');
					const text = /charset=(utf-8|us-ascii)/i.test(type) ? bytes.toString('utf8') : iconv.decode(bytes, 'cp932');
					const code = response.headers[RESULT_CODE_HEADER];
					resolve({
						status: response.statusCode ?? 0,
						headers: response.headers,
						resultCode: typeof code === 'string' ? code : undefined,
						body: bytes,
						text,
					});
				});
			},
		);
		request.on('timeout', () => request.destroy(new Error('request timed out')));
		request.on('error', reject);
		request.end(body);
	});
}

/** TLS options for the simulator's PKCS#12 bundles ({ caPem, p12Passphrase, …P12Base64 } from sim.certs). */
export function p12Tls(certs: { caPem: string; p12Passphrase: string }, p12Base64: string): OcctoTls {
	return { ca: certs.caPem, pfx: Buffer.from(p12Base64, 'base64'), passphrase: certs.p12Passphrase };
}

/** The n8n credential (OCCTO WebAPI) for the simulator's user U0000001 with its PKCS#12 certificate. */
export function simulatorCredential(
	sim: { url: string; certs: { clientP12Base64: string; p12Passphrase: string; caPem: string }; profile?: OcctoProfile },
	overrides: Record<string, string | boolean> = {},
): Record<string, string | boolean> {
	return {
		...(sim.profile ? profileCredentialFields(sim.profile) : {}),
		userId: 'U0000001',
		password: 'sim-password-1',
		bundleFormat: 'pkcs12',
		pfxBase64: sim.certs.clientP12Base64,
		pfxPassphrase: sim.certs.p12Passphrase,
		caPem: sim.certs.caPem,
		ignoreTlsErrors: false,
		baseUrl: sim.url,
		...overrides,
	};
}

interface SimulatorSubmissions {
	url: string;
	certs: { clientP12Base64: string; p12Passphrase: string; caPem: string };
	profile: OcctoProfile;
	submissions(): Array<{ status: string }>;
}

/** Registers `xml` straight at the simulator (user U0000001, the simulator's own wire profile); its reception number. */
export async function registerAtSimulator(sim: SimulatorSubmissions, xml: string): Promise<string> {
	const answer = await occtoPost(sim.url, sim.profile.paths.BA13B101, { userid: 'U0000001', password: 'sim-password-1' }, p12Tls(sim.certs, sim.certs.clientP12Base64), {
		file: { field: sim.profile.filePart, fileName: 'plan.xml', data: Buffer.from(xml) },
	});
	const receipt = /<OCCTO_RECEPTION_NO>(\d+)</.exec(answer.body.toString('latin1'))?.[1];
	if (!receipt) throw new Error(`the simulator gave no reception number: ${answer.body.toString('latin1').slice(0, 500)}`);
	return receipt;
}

/** Waits (10 s at most) until the simulator has checked every submission (none left 受付中): no timing guess under load. */
export async function submissionsSettled(sim: Pick<SimulatorSubmissions, 'submissions'>): Promise<void> {
	for (let i = 0; i < 200 && sim.submissions().some((submission) => submission.status === '受付中'); i++) await sleep(50);
}
