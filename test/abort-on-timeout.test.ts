// A call that runs out of Timeout is abandoned for real: its request is aborted and the server sees the
// connection closed, instead of the answer downloading on unseen. Plain servers on 127.0.0.1 start a 100 MB
// answer and drip it (fast enough that no idle timeout fires); the nodes run through n8n-core's real
// WorkflowExecute / PollContext: OCCTO over real TLS with a client certificate, on n8n 2.x's httpRequest and
// on the legacy request helper that n8n 1.x uses for it (which takes no abort signal), and NTT on httpRequest.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { NttComApi } from '../credentials/NttComApi.credentials';
import { GRANT_PATH } from '../nodes/nttAnpiApi';
import { NttAnpi } from '../nodes/NttAnpi/NttAnpi.node';
import { NttAnpiTrigger } from '../nodes/NttAnpiTrigger/NttAnpiTrigger.node';
import { CallTimedOut, withinMs } from '../nodes/shared/http/deadline';
import { tlsRoute } from '../nodes/shared/n8nLine';
import type { OcctoSimulatorCerts } from '../simulators/occto/certs';
import type { OcctoSimulator } from '../simulators/occto/server';
import { loadOrCreateCerts } from '../simulators/occto/certs';
import { CredentialStore, chain, errorOf, runWorkflow } from './harness';
import { simulatorCredential } from './occto-fixtures';
import { occtoNode, occtoRunner, planList, setCallsUsed } from './occtoRunner';
import { Poller } from './pollHarness';
import { nttCredential } from './support/anpi';
import { onN8n, savedVersion } from './support/n8nVersion';
import { nodeOf, triggerNode } from './support/nodes';
import { sleep } from './support/time';

const ANSWER_BYTES = 100 * 1024 * 1024;
const DRIP = Buffer.alloc(16 * 1024, 'x');
/** How soon after the node's Timeout the server must see the connection closed. */
const CLOSED_WITHIN_MS = 1000;

interface Answer {
	path: string;
	startedAt: number;
	closedAt?: number;
	bytes: number;
}

interface DripServer {
	url: string;
	answers: Answer[];
	close(): Promise<void>;
}

/**
 * Answers every request (but NTT's token call) with the head of a 100 MB answer and then 16 KB every 50 ms,
 * until the client goes away; records when each answer's connection closed.
 */
async function startDripServer(tls?: https.ServerOptions): Promise<DripServer> {
	const answers: Answer[] = [];
	const timers = new Set<NodeJS.Timeout>();
	const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
		req.resume();
		if (req.url?.startsWith(GRANT_PATH)) {
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ accessToken: 'drip-token', tokenType: 'BearerToken', expiresIn: '3599', scope: '', issuedAt: String(Date.now()) }));
			return;
		}
		const answer: Answer = { path: req.url ?? '', startedAt: Date.now(), bytes: 0 };
		answers.push(answer);
		res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(ANSWER_BYTES), resultcode: '0' });
		res.write('{"drip":"');
		const timer = setInterval(() => {
			if (res.destroyed || answer.bytes + DRIP.length > ANSWER_BYTES - 16) return;
			res.write(DRIP);
			answer.bytes += DRIP.length;
		}, 50);
		timers.add(timer);
		req.socket.once('close', () => {
			answer.closedAt = Date.now();
			clearInterval(timer);
			timers.delete(timer);
		});
	};
	const server = tls ? https.createServer(tls, listener) : http.createServer(listener);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
	return {
		url: `${tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`,
		answers,
		close: async () => {
			for (const timer of timers) clearInterval(timer);
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

/** Waits until every answer's connection is closed (or `ms` passed), so a lingering download shows as one. */
async function settled(server: DripServer, ms = 3000): Promise<void> {
	const end = Date.now() + ms;
	while (Date.now() < end && server.answers.some((a) => a.closedAt === undefined)) await sleep(50);
}

/** Each answer's connection was closed by the client within CLOSED_WITHIN_MS after its Timeout. */
function expectAbandonedInTime(server: DripServer, timeoutMs: number, attempts: number) {
	expect(server.answers).toHaveLength(attempts);
	for (const answer of server.answers) {
		expect(answer.closedAt).toBeDefined();
		expect(answer.closedAt! - answer.startedAt).toBeLessThan(timeoutMs + CLOSED_WITHIN_MS);
		expect(answer.bytes).toBeLessThan(ANSWER_BYTES / 10); // the download stopped early
	}
}

afterEach(() => onN8n(savedVersion));

describe('withinMs', () => {
	it('aborts the signal it gave the work when the time is up, and ends with CallTimedOut', async () => {
		let seen: AbortSignal | undefined;
		const never = async (signal: AbortSignal) => {
			seen = signal;
			return await new Promise<string>(() => {});
		};
		await expect(withinMs(never, 50)).rejects.toBeInstanceOf(CallTimedOut);
		expect(seen?.aborted).toBe(true);
		expect(seen?.reason).toBeInstanceOf(CallTimedOut);
	});

	it('leaves the signal alone when the work ends in time', async () => {
		let seen: AbortSignal | undefined;
		expect(await withinMs(async (signal) => ((seen = signal), 'done'), 1000)).toBe('done');
		expect(seen?.aborted).toBe(false);
	});
});

describe('OCCTO over mutual TLS: a dripping answer is cut off at Timeout', () => {
	let certs: OcctoSimulatorCerts;
	let server: DripServer;
	const occto = () => ({ url: server.url, certs });
	const { run } = occtoRunner(occto as unknown as () => OcctoSimulator);
	beforeAll(async () => {
		certs = loadOrCreateCerts(mkdtempSync(path.join(tmpdir(), 'occto-abort-')));
		server = await startDripServer({ key: certs.serverKeyPem, cert: certs.serverCertPem, ca: [certs.caPem], requestCert: true, rejectUnauthorized: true });
	});
	afterAll(async () => {
		await server.close();
	});
	beforeEach(async () => {
		server.answers.length = 0;
		await setCallsUsed('U0000001', 0);
	});

	// under jest.line1.config.js n8n-core is 1.x, whose httpRequest drops the client certificate: legacy only
	const lines: Array<[string, string]> = process.env.N8N_TEST_LINE === '1' ? [['1.123.81', 'legacyRequest']] : [['2.41.1', 'httpRequest'], ['1.123.81', 'legacyRequest']];
	it.each(lines)('on n8n %s (%s)', async (version, route) => {
		onN8n(version);
		expect(tlsRoute({ helpers: { requestWithAuthentication: () => undefined }, getNode: () => occtoNode('List', planList) }, 'x')).toBe(route);
		const started = Date.now();
		const result = await run([occtoNode('OCCTO', { ...planList, options: { timeoutSeconds: 1 } })], { credential: simulatorCredential(occto()) });
		expect(errorOf(result, 'OCCTO')?.message).toMatch(/time|no answer/i);
		expect(Date.now() - started).toBeLessThan(1000 + CLOSED_WITHIN_MS * 2);
		await settled(server);
		expectAbandonedInTime(server, 1000, 1);
	});
});

describe('NTT Anpi: a dripping answer is cut off at Timeout', () => {
	let server: DripServer;
	let store: CredentialStore;
	beforeAll(async () => {
		server = await startDripServer();
	});
	afterAll(async () => {
		await server.close();
	});
	beforeEach(() => {
		server.answers.length = 0;
		store = new CredentialStore(
			{ nttComApi: new NttComApi() },
			{ nttComApi: nttCredential(server.url) },
		);
	});

	it('in a node run (a write: one attempt)', async () => {
		const parameters = { resource: 'safetyConfirmation', operation: 'complete', tid: '0000003', options: { timeout: 1 } };
		const node = nodeOf('n8n-nodes-occto-anpi.nttAnpi', 'Anpi', parameters, { nttComApi: { id: '1', name: 'NTT' } });
		const { nodes, connections } = chain([node]);
		const result = await runWorkflow({ nodes, connections, nodeTypes: { [node.type]: new NttAnpi() }, credentials: store });
		expect(errorOf(result, 'Anpi')?.message).toMatch(/timed out .* may have been sent/);
		await settled(server);
		expectAbandonedInTime(server, 1000, 1);
	});

	it('in a trigger poll (a read: every retry cut off in turn)', async () => {
		const parameters: IDataObject = { pollTimes: { item: [{ mode: 'everyMinute' }] }, event: 'newAnswers', tid: '0000003', options: { timeout: 1 } };
		const trigger = new Poller(
			triggerNode('n8n-nodes-occto-anpi.nttAnpiTrigger', parameters, { nttComApi: { id: '1', name: 'NTT' } }),
			new NttAnpiTrigger(),
			store,
		);
		await expect(trigger.poll()).rejects.toThrow(/timed out .* after 4 attempts/);
		await settled(server);
		expectAbandonedInTime(server, 1000, 4);
	});
});
