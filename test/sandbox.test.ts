// Sandbox credentials (Environment "Sandbox") through n8n-core's real WorkflowExecute and PollContext: the whole
// tour of both APIs — credential tests, Register → 受付中 → 受付完了 / 提出エラー with details, Get Many, both
// OCCTO triggers, NTT Create → Send → answers arriving → the New Answers trigger — with no socket opened by any
// of it (every TCP connect in this process is recorded), and a sandbox ledger that leaves production counts alone.
import net from 'node:net';
import tls from 'node:tls';

import type { Redis } from 'ioredis';
import type { ICredentialTestFunctions, IDataObject, INode } from 'n8n-workflow';

import { NttComApi } from '../credentials/NttComApi.credentials';
import { OcctoWebApi } from '../credentials/OcctoWebApi.credentials';
import { NttAnpi } from '../nodes/NttAnpi/NttAnpi.node';
import { testNttCredential } from '../nodes/nttAnpiApi';
import { NttAnpiTrigger } from '../nodes/NttAnpiTrigger/NttAnpiTrigger.node';
import { OcctoOutagePlan } from '../nodes/OcctoOutagePlan/OcctoOutagePlan.node';
import { openLedger, SANDBOX_STATUS_DELAY_MS, SANDBOX_USER_ID, testOcctoCredential } from '../nodes/occtoApi';
import { OcctoOutagePlanTrigger } from '../nodes/OcctoOutagePlanTrigger/OcctoOutagePlanTrigger.node';
import { clock } from '../nodes/shared/clock';
import { CredentialStore, chain, errorOf, hintsOf, itemsOf, outputOf, runWorkflow } from './harness';
import { validPlanXml } from './occto-fixtures';
import { occtoNode, setCallsUsed } from './occtoRunner';
import { Poller } from './pollHarness';
import { describeIfRedis, useRedisServer } from './redisFixture';
import { nodeOf, triggerNode } from './support/nodes';

const OCCTO_TYPE = 'n8n-nodes-occto-anpi.occtoOutagePlan';
const NTT_TYPE = 'n8n-nodes-occto-anpi.nttAnpi';
const every5Minutes = { item: [{ mode: 'everyX', value: 5, unit: 'minutes' }] };

// every TCP (and so TLS and HTTP) connection this process starts: its port, and where it was started from
const connects: Array<{ port: number; stack: string }> = [];
const portOf = (args: unknown[]) => {
	const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
	return Number(typeof first === 'object' && first !== null ? (first as { port?: unknown }).port : first);
};
const originalConnect = net.Socket.prototype.connect;
const originalTlsConnect = tls.connect;
beforeAll(() => {
	net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
		connects.push({ port: portOf(args), stack: new Error('socket opened').stack ?? '' });
		return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
	} as typeof net.Socket.prototype.connect;
	(tls as { connect: unknown }).connect = (...args: unknown[]) => {
		connects.push({ port: portOf(args), stack: new Error('TLS socket opened').stack ?? '' });
		return (originalTlsConnect as (...a: unknown[]) => tls.TLSSocket)(...args);
	};
});
afterAll(() => {
	net.Socket.prototype.connect = originalConnect;
	(tls as { connect: unknown }).connect = originalTlsConnect;
	clock.now = () => Date.now();
});

let offsetMs = 0;
beforeEach(() => {
	clock.now = () => Date.now() + offsetMs;
});
const later = (ms: number) => {
	offsetMs += ms;
};

// what a user saves: Environment Sandbox and nothing else (no user ID, password, certificate, client ID or secret)
const occtoSandbox = { environment: 'sandbox' };
const nttSandbox = { environment: 'sandbox' };
const credentials = () => new CredentialStore({ occtoWebApi: new OcctoWebApi(), nttComApi: new NttComApi() }, { occtoWebApi: { ...occtoSandbox }, nttComApi: { ...nttSandbox } });
const nodeTypes = { [OCCTO_TYPE]: new OcctoOutagePlan(), [NTT_TYPE]: new NttAnpi() };

async function run(nodes: INode[]) {
	const { nodes: all, connections } = chain(nodes);
	return await runWorkflow({ nodes: all, connections, nodeTypes, credentials: credentials() });
}
const occto = async (parameters: IDataObject) => await run([occtoNode('OCCTO', parameters)]);
const ntt = async (parameters: IDataObject) => await run([nodeOf(NTT_TYPE, 'NTT', { resource: 'safetyConfirmation', ...parameters }, { nttComApi: { id: 'n1', name: 'NTT' } })]);
const register = async (planXml: string) => {
	const result = await occto({ resource: 'outagePlan', operation: 'register', planSource: 'xml', planXml });
	expect(errorOf(result, 'OCCTO')).toBeUndefined();
	return outputOf(result, 'OCCTO')[0];
};
const submissions = async () => outputOf(await occto({ resource: 'submission', operation: 'getMany', returnAll: true }), 'OCCTO');
const occtoPoller = (parameters: IDataObject) =>
	new Poller(
		triggerNode('n8n-nodes-occto-anpi.occtoOutagePlanTrigger', { pollTimes: every5Minutes, ...parameters }, { occtoWebApi: { id: '1', name: 'OCCTO' } }),
		new OcctoOutagePlanTrigger(),
		credentials(),
	);
const nttPoller = (parameters: IDataObject) =>
	new Poller(
		triggerNode('n8n-nodes-occto-anpi.nttAnpiTrigger', { pollTimes: every5Minutes, ...parameters }, { nttComApi: { id: 'n1', name: 'NTT' } }),
		new NttAnpiTrigger(),
		credentials(),
	);

describe('Sandbox credentials', () => {
	it('(the probe itself sees a socket being opened)', async () => {
		const socket = net.connect({ host: '127.0.0.1', port: 9 });
		await new Promise((resolve) => socket.once('error', resolve).once('connect', resolve));
		socket.destroy();
		expect(connects).toHaveLength(1);
		connects.length = 0;
	});

	it('pass their credential test with "Sandbox: no network"', async () => {
		const noHelpers = {} as ICredentialTestFunctions; // a sandbox test may not use any
		const occtoResult = await testOcctoCredential.call(noHelpers, { id: '1', name: 'OCCTO', type: 'occtoWebApi', data: occtoSandbox });
		const nttResult = await testNttCredential.call(noHelpers, { id: '2', name: 'NTT', type: 'nttComApi', data: nttSandbox });
		expect(occtoResult).toEqual({ status: 'OK', message: expect.stringMatching(/^Sandbox: no network\./) });
		expect(nttResult).toEqual({ status: 'OK', message: expect.stringMatching(/^Sandbox: no network\./) });
	});

	it('ask for no secret: login, certificate, host and client fields are shown for Production only', () => {
		const shownInSandbox = (properties: OcctoWebApi['properties']) =>
			properties.filter((p) => !p.displayOptions?.show?.environment || p.displayOptions.show.environment.includes('sandbox')).map((p) => p.name);
		const occtoFields = shownInSandbox(new OcctoWebApi().properties);
		const nttFields = shownInSandbox(new NttComApi().properties);
		for (const secret of ['userId', 'password', 'pfxBase64', 'pfxPassphrase', 'certificatePem', 'privateKeyPem', 'privateKeyPassphrase', 'baseUrl']) expect(occtoFields).not.toContain(secret);
		for (const secret of ['clientId', 'clientSecret', 'host', 'customUrl']) expect(nttFields).not.toContain(secret);
		expect(occtoFields).toEqual(expect.arrayContaining(['environment', 'sandboxNotice']));
		expect(nttFields).toEqual(expect.arrayContaining(['environment', 'sandboxNotice']));
	});

	it('OCCTO: Register → 受付中 → 受付完了, and 提出エラー with details for a plan whose 対象年月日 is not a date; both triggers fire', async () => {
		const statusTrigger = occtoPoller({ event: 'submissionStatusChanged' });
		const planTrigger = occtoPoller({ event: 'planChanged', options: { fetchPlans: true } });
		expect(await statusTrigger.poll()).toBeNull(); // first poll: remembers, emits nothing old
		expect(await planTrigger.poll()).toBeNull();

		const good = await register(validPlanXml({ facility: '髙﨑変電所 1号変圧器' }));
		const bad = await register(validPlanXml({ targetDate: '20260230' }));
		expect(good).toEqual(expect.objectContaining({ sandbox: true, status: '1', statusName: '受付中' }));
		expect(bad.warnings).toEqual(expect.arrayContaining([expect.objectContaining({ path: expect.stringContaining('JP06116'), severity: 'warning' })])); // a warning, sent anyway

		const receiving = await submissions();
		expect(receiving.filter((s) => [good.occtoReceptionNo, bad.occtoReceptionNo].includes(s.occtoReceptionNo)).map((s) => s.statusName)).toEqual(['受付中', '受付中']);
		expect(receiving.every((s) => s.sandbox === true)).toBe(true);
		const firstEvents = (await statusTrigger.poll()) ?? [];
		expect(firstEvents.map((e) => e.statusName)).toEqual(['受付中', '受付中']);

		later(SANDBOX_STATUS_DELAY_MS + 1000); // OCCTO's processing is over
		const settledEvents = (await statusTrigger.poll()) ?? [];
		expect(settledEvents.map((e) => [e.occtoReceptionNo, e.statusName])).toEqual([
			[good.occtoReceptionNo, '受付完了'],
			[bad.occtoReceptionNo, '提出エラー'],
		]);
		expect(settledEvents.every((e) => e.sandbox === true)).toBe(true);
		expect(settledEvents[1].errors).toEqual([expect.objectContaining({ errorCode: 'E0201', errorElement: 'JP06116', errorMessage: '対象年月日(JP06116)の日付が不正です' })]);

		const details = outputOf(await occto({ resource: 'submission', operation: 'getErrorDetails', occtoReceptionNo: bad.occtoReceptionNo }), 'OCCTO');
		expect(details[0]).toEqual(expect.objectContaining({ errorCode: 'E0201', sandbox: true }));

		const plans = outputOf(await occto({ resource: 'outagePlan', operation: 'getMany', returnAll: true }), 'OCCTO');
		expect(plans.map((p) => p.occtoReceptionNo)).toContain(good.occtoReceptionNo);
		expect(plans.map((p) => p.occtoReceptionNo)).not.toContain(bad.occtoReceptionNo);
		expect(plans.some((p) => String(p.planName).includes('発電所'))).toBe(true); // Japanese intact through Shift_JIS
		const planEvents = (await planTrigger.poll()) ?? [];
		expect(planEvents.map((e) => e.occtoReceptionNo)).toEqual([good.occtoReceptionNo]);
		expect(JSON.stringify(planEvents[0].plan)).toContain('髙﨑変電所 1号変圧器');
		expect(connects).toEqual([]);
	});

	it('OCCTO: counts in a sandbox ledger of its own; a production user ID keeps its count', async () => {
		await setCallsUsed('U0000001', 7);
		const before = await (await openLedger({ mode: 'automatic' }, process.env, { counter: 'sandbox-calls' })).ledger.read(SANDBOX_USER_ID);
		const result = await occto({ resource: 'submission', operation: 'getMany', returnAll: true });
		const quota = itemsOf(result, 'OCCTO')[0]?.json.quota as IDataObject | undefined;
		expect(quota?.used).toBe(before.used + 1);
		expect((await (await openLedger({ mode: 'automatic' })).ledger.read('U0000001')).used).toBe(7);
		expect(hintsOf(result, 'OCCTO').map((h) => h.message).join(' ')).toMatch(/Sandbox credential/);
		expect(connects).toEqual([]);
	});

	it('NTT: Create → Send → answers arrive over the following minutes and the New Answers trigger emits them', async () => {
		const trigger = nttPoller({ event: 'newAnswers' });
		const created = outputOf(await ntt({ operation: 'create', title: '訓練: 地震発生', text: '安否を回答してください。', startDate: new Date(clock.now()).toISOString() }), 'NTT')[0];
		expect(created).toEqual(expect.objectContaining({ sandbox: true, tid: expect.stringMatching(/^\d{7}$/) }));
		const sent = outputOf(await ntt({ operation: 'send', tid: created.tid, sendKind: '0', target: 'everyone' }), 'NTT')[0];
		expect(sent).toEqual(expect.objectContaining({ sandbox: true, targetCount: 50 }));
		expect(await trigger.poll()).toBeNull(); // first poll: nothing yet, remembers where it is
		later(3 * 60_000);
		const early = (await trigger.poll()) ?? [];
		later(5 * 60_000);
		const rest = (await trigger.poll()) ?? [];
		const answered = [...early, ...rest];
		expect(early.length).toBeGreaterThan(0);
		expect(rest.length).toBeGreaterThan(0); // they keep arriving
		expect(new Set(answered.map((a) => a.usrcd)).size).toBe(answered.length);
		expect(answered.length).toBe(30); // 60 % of the 50 people
		expect(answered.every((a) => a.sandbox === true && a.tid === created.tid)).toBe(true);
		expect(String(answered[0].staffsei)).toMatch(/[\u3040-\u9fff]/); // Japanese names intact
		const status = outputOf(await ntt({ operation: 'getStatus', tid: created.tid }), 'NTT')[0];
		expect(status.sandbox).toBe(true);
		expect(connects).toEqual([]);
	});
});

describeIfRedis('the Sandbox in queue mode')('Sandbox credentials in queue mode', () => {
	let inspect: Redis;
	let redisPort = 0;
	useRedisServer(({ server, inspect: client }) => {
		inspect = client;
		redisPort = server.port;
	});
	const saved = { ...process.env };
	beforeAll(() => {
		Object.assign(process.env, { EXECUTIONS_MODE: 'queue', QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: String(redisPort), QUEUE_BULL_REDIS_DB: '5' });
	});
	afterAll(() => {
		for (const key of ['EXECUTIONS_MODE', 'QUEUE_BULL_REDIS_HOST', 'QUEUE_BULL_REDIS_PORT', 'QUEUE_BULL_REDIS_DB']) {
			if (saved[key] === undefined) delete process.env[key];
			else process.env[key] = saved[key];
		}
	});

	it("keeps plans and rounds in n8n's Redis, where every worker reads them; its only connections are to that Redis", async () => {
		connects.length = 0;
		const { occtoReceptionNo } = await register(validPlanXml({ facility: 'キュー発電所' }));
		const created = outputOf(await ntt({ operation: 'create', title: 'キューモード訓練', text: '回答してください。', startDate: '' }), 'NTT')[0];
		await inspect.select(5);
		const stored = async (name: string) => {
			const key = (await inspect.keys(`*${name}:book`))[0];
			return key ? await inspect.get(key) : undefined;
		};
		expect(await stored('occto-sandbox')).toContain(String(occtoReceptionNo));
		expect(await stored('ntt-sandbox')).toContain(String(created.tid));
		// what another worker would read: the same submission, through the node
		expect((await submissions()).map((s) => s.occtoReceptionNo)).toContain(occtoReceptionNo);
		expect(connects.length).toBeGreaterThan(0);
		expect(connects.filter((c) => c.port !== redisPort)).toEqual([]);
	});
});
