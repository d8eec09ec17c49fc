// The Sandbox's own store (nodes/shared/sandbox): its own folder, never the production ledger's; bounded however
// many plans and rounds are registered; a lock only its owner releases, so a slow write loses nothing; a damaged
// or unusable store is named as such (which file, what to do) and spends no ledger call.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { NttComApi } from '../credentials/NttComApi.credentials';
import { OcctoWebApi } from '../credentials/OcctoWebApi.credentials';
import { NttAnpi } from '../nodes/NttAnpi/NttAnpi.node';
import { answerFromAnpiSandbox, SANDBOX_MAX_ROUNDS, ANPI_PATHS } from '../nodes/nttAnpiApi';
import { OcctoOutagePlan } from '../nodes/OcctoOutagePlan/OcctoOutagePlan.node';
import {
	answerFromSandbox,
	LEDGER_FOLDER,
	openLedger,
	openOcctoSandbox,
	PARAM as OCCTO_PARAM,
	pruneOcctoBook,
	SANDBOX_MAX_PLANS,
	SANDBOX_USER_ID,
} from '../nodes/occtoApi';
import type { OcctoBookState } from '../nodes/occtoApi';
import { clock } from '../nodes/shared/clock';
import type { SandboxStore } from '../nodes/shared/sandbox/store';
import { SANDBOX_FOLDER } from '../nodes/shared/sandbox/store';
import type { SharedState } from '../nodes/shared/state';
import { openSharedStore, storeDirectory } from '../nodes/shared/state';
import { CredentialStore, errorOf, outputOf, runWorkflow } from './harness';
import { validPlanXml } from './occto-fixtures';
import { occtoNode, OCCTO_TYPE } from './occtoRunner';
import { describeIfRedis, useRedisServer } from './redisFixture';
import { nodeOf } from './support/nodes';

const BOOK = 'occto-sandbox:book';
const node = occtoNode('OCCTO', {});
const sandboxDir = (service: string) => storeDirectory(process.env, path.join(SANDBOX_FOLDER, service));
const sandboxFile = (service: string) => path.join(sandboxDir(service), 'state.json');

afterEach(() => {
	clock.now = () => Date.now();
});

/** One Sandbox Register through the Sandbox's own entry; its receipt number. */
async function register(store: SandboxStore, facility = '○○発電所1号機'): Promise<string> {
	const file = { data: Buffer.from(validPlanXml({ facility }), 'utf8'), fileName: 'plan.xml', contentType: 'application/xml' };
	const answer = await answerFromSandbox(store, 'BA13B101', { [OCCTO_PARAM.file]: file }, node);
	expect(answer.statusCode).toBe(200);
	const book = await readBook(store.state);
	return book.submissions[book.submissions.length - 1].receptionNo;
}

async function readBook(state: SharedState): Promise<OcctoBookState> {
	return JSON.parse((await state.get(BOOK)) ?? '{"submissions":[]}') as OcctoBookState;
}

/** The store as a process with a slow disk sees it: the first write of the book takes `delayMs`. */
class SlowFirstWrite implements SharedState {
	private slowed = false;
	constructor(
		private readonly inner: SharedState,
		private readonly delayMs: number,
	) {}
	get = async (key: string) => await this.inner.get(key);
	setIfAbsent = async (key: string, value: string, ttlMs: number) => await this.inner.setIfAbsent(key, value, ttlMs);
	delete = async (key: string) => await this.inner.delete(key);
	deleteIfEquals = async (key: string, value: string) => await this.inner.deleteIfEquals(key, value);
	describeKey = (key: string) => this.inner.describeKey(key);
	async set(key: string, value: string, ttlMs?: number) {
		if (key === BOOK && !this.slowed) {
			this.slowed = true;
			await new Promise((resolve) => setTimeout(resolve, this.delayMs));
		}
		await this.inner.set(key, value, ttlMs);
	}
}

describe('compare-and-delete: only the holder releases', () => {
	it.each(['memory', 'file'] as const)('%s store', async (mode) => {
		const { state } = await openSharedStore({ mode }, process.env, { folder: 'cas-test' });
		expect(await state.setIfAbsent('lock', 'mine', 10_000)).toBe(true);
		expect(await state.deleteIfEquals('lock', 'someone-else')).toBe(false);
		expect(await state.get('lock')).toBe('mine');
		expect(await state.deleteIfEquals('lock', 'mine')).toBe(true);
		expect(await state.get('lock')).toBeUndefined();
	});
});

describeIfRedis('compare-and-delete in Redis')('compare-and-delete in Redis', () => {
	let url = '';
	useRedisServer(({ server }) => {
		url = server.url;
	});
	it('is one Lua step: a non-holder leaves the lock, the holder removes it', async () => {
		const { state } = await openSharedStore({ mode: 'redis', url }, process.env, { folder: 'unused' });
		expect(await state.setIfAbsent('lock', 'mine', 10_000)).toBe(true);
		expect(await state.deleteIfEquals('lock', 'someone-else')).toBe(false);
		expect(await state.get('lock')).toBe('mine');
		expect(await state.deleteIfEquals('lock', 'mine')).toBe(true);
		expect(await state.get('lock')).toBeUndefined();
	});
});

describe('the OCCTO Sandbox store', () => {
	beforeEach(async () => {
		await (await openOcctoSandbox()).state.delete(BOOK); // each test from an empty book
	});

	it('lives in its own folder: Sandbox Registers never write the production ledger folder', async () => {
		const store = await openOcctoSandbox();
		await register(store);
		expect(existsSync(sandboxFile('occto'))).toBe(true);
		expect(readFileSync(sandboxFile('occto'), 'utf8')).toContain(BOOK);
		const ledgerState = path.join(storeDirectory(process.env, LEDGER_FOLDER), 'state.json');
		expect(existsSync(ledgerState) ? readFileSync(ledgerState, 'utf8') : '').not.toContain(BOOK);
	});

	it('1,000 Registers leave a bounded book: the latest 200 plans, distinct receipt numbers, a small file', async () => {
		const store = await openOcctoSandbox();
		const first = Number(await register(store));
		for (let i = 1; i < 1000; i++) await register(store, `発電所${i}`);
		const book = await readBook(store.state);
		expect(book.submissions).toHaveLength(SANDBOX_MAX_PLANS);
		expect(new Set(book.submissions.map((s) => s.receptionNo)).size).toBe(SANDBOX_MAX_PLANS);
		expect(book.submissions[SANDBOX_MAX_PLANS - 1].receptionNo).toBe(String(first + 999)); // the newest kept, oldest out
		const planBytes = Buffer.byteLength(validPlanXml({ facility: '発電所999' }));
		expect(statSync(sandboxFile('occto')).size).toBeLessThan(SANDBOX_MAX_PLANS * (planBytes + 1024));
	}, 180_000);

	it('drops plans older than 7 days, and keeps the plan XML under ~4 MB however large the plans', async () => {
		const store = await openOcctoSandbox();
		const now = Date.now();
		clock.now = () => now - 8 * 86_400_000;
		await register(store, '古い発電所');
		clock.now = () => now;
		await register(store, '新しい発電所');
		expect((await readBook(store.state)).submissions.map((s) => s.xml.includes('古い発電所') || s.xml.includes('新しい発電所'))).toEqual([true]);

		const big = 'x'.repeat(50_000);
		const book: OcctoBookState = {
			nextReceptionNo: 1,
			submissions: Array.from({ length: 150 }, (_, i) => ({ receptionNo: String(i), userId: SANDBOX_USER_ID, fileName: '', planDivision: '1', xml: big, submittedAt: now, errors: [] })),
		};
		pruneOcctoBook(book, now);
		expect(book.submissions.length).toBeLessThanOrEqual(80);
		expect(book.submissions[book.submissions.length - 1].receptionNo).toBe('149');
	});

	it('one slow write holding the lock and a second Register meanwhile: both plans kept, distinct receipt numbers', async () => {
		const store = await openOcctoSandbox();
		const slow: SandboxStore = { ...store, state: new SlowFirstWrite(store.state, 6_000) }; // longer than the old 5 s lock
		const slowRegister = register(slow, '遅い発電所');
		await new Promise((resolve) => setTimeout(resolve, 300)); // the slow one holds the lock now
		const quick = register(store, '速い発電所');
		await Promise.all([slowRegister, quick]);
		const added = (await readBook(store.state)).submissions;
		expect(added.map((s) => s.xml.includes('遅い発電所') || s.xml.includes('速い発電所'))).toEqual([true, true]);
		expect(new Set(added.map((s) => s.receptionNo)).size).toBe(2);
	}, 30_000);

	it("a lock left by a holder that died is taken over only once the store expired it, and never released by a waiter", async () => {
		const store = await openOcctoSandbox();
		await store.locks.set(`${BOOK}:lock`, 'a-holder-that-died', 1_500);
		const started = Date.now();
		await register(store);
		expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
		expect(await store.locks.get(`${BOOK}:lock`)).toBeUndefined(); // our own lock, released by us
	});
});

describe('a damaged or unusable Sandbox store is named, and spends no ledger call', () => {
	const credentials = () => new CredentialStore({ occtoWebApi: new OcctoWebApi(), nttComApi: new NttComApi() }, { occtoWebApi: { environment: 'sandbox' }, nttComApi: { environment: 'sandbox' } });
	const occto = async (parameters: IDataObject) =>
		await runWorkflow({ nodes: [occtoNode('OCCTO', parameters)], connections: {}, nodeTypes: { [OCCTO_TYPE]: new OcctoOutagePlan() }, credentials: credentials() });
	const registerThroughNode = async () => await occto({ resource: 'outagePlan', operation: 'register', planSource: 'xml', planXml: validPlanXml() });
	const sandboxCalls = async () => (await (await openLedger({ mode: 'automatic' }, process.env, { counter: 'sandbox-calls' })).ledger.read(SANDBOX_USER_ID)).used;

	it('a corrupt book file: Register fails naming the file and what to do; no OCCTO code; the sandbox ledger count is unchanged', async () => {
		const good = await registerThroughNode();
		expect(errorOf(good, 'OCCTO')).toBeUndefined();
		expect(outputOf(good, 'OCCTO')[0].sandbox).toBe(true);
		writeFileSync(sandboxFile('occto'), '{"values": {"sandbox:occto-sandbox:book": {"value": "{\\"nextRecep'); // cut off mid-write
		const calls = await sandboxCalls();
		const error = errorOf(await registerThroughNode(), 'OCCTO');
		expect(error?.name).toBe('NodeOperationError');
		expect(error?.message).toContain(sandboxFile('occto'));
		expect(error?.message).toMatch(/OCCTO Sandbox file .* is damaged/);
		expect(error?.description).toContain(`Delete ${sandboxDir('occto')} to start the OCCTO Sandbox again`);
		expect(`${error?.message} ${error?.description}`).not.toMatch(/9999|OCCTO rejected|try again later/);
		expect(await sandboxCalls()).toBe(calls);
	});

	it('a damaged book entry in a sound file: named with its entry and file, and no call counted', async () => {
		writeFileSync(sandboxFile('occto'), JSON.stringify({ values: { 'sandbox:occto-sandbox:book': { value: '{"nextReceptionNo": "not a book"}' } } }));
		const calls = await sandboxCalls();
		const error = errorOf(await occto({ resource: 'submission', operation: 'getMany', returnAll: true }), 'OCCTO');
		expect(error?.message).toBe(`The OCCTO Sandbox is damaged: entry "sandbox:occto-sandbox:book" of ${sandboxFile('occto')} is not what the Sandbox writes.`);
		expect(error?.description).toContain(`Delete ${sandboxDir('occto')}`);
		expect(await sandboxCalls()).toBe(calls);
		writeFileSync(sandboxFile('occto'), ''); // started again from empty, as the message says
		expect(errorOf(await registerThroughNode(), 'OCCTO')).toBeUndefined();
	});

	it('a Sandbox folder that cannot be written: named, with no call counted', async () => {
		const saved = process.env.N8N_USER_FOLDER;
		process.env.N8N_USER_FOLDER = mkdtempSync(path.join(tmpdir(), 'occto-sandbox-blocked-'));
		try {
			mkdirSync(storeDirectory(process.env, ''), { recursive: true });
			writeFileSync(storeDirectory(process.env, SANDBOX_FOLDER), 'a file where the folder should be');
			const calls = await sandboxCalls();
			const error = errorOf(await registerThroughNode(), 'OCCTO');
			expect(error?.message).toMatch(new RegExp(`^The OCCTO Sandbox cannot be kept in a file: ${sandboxDir('occto').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not writable \\(`));
			expect(error?.message).not.toMatch(/\bE[A-Z]{4,}\b/); // in words: n8n would replace a message naming a code
			expect(await sandboxCalls()).toBe(calls);
		} finally {
			process.env.N8N_USER_FOLDER = saved;
		}
	});

	it('NTT: a corrupt rounds file is named as such, not as a gateway answer', async () => {
		const ntt = async () =>
			await runWorkflow({
				nodes: [nodeOf('n8n-nodes-occto-anpi.nttAnpi', 'NTT', { resource: 'safetyConfirmation', operation: 'getMany', returnAll: true }, { nttComApi: { id: 'n1', name: 'NTT' } })],
				connections: {},
				nodeTypes: { 'n8n-nodes-occto-anpi.nttAnpi': new NttAnpi() },
				credentials: credentials(),
			});
		expect(errorOf(await ntt(), 'NTT')).toBeUndefined();
		writeFileSync(sandboxFile('ntt'), 'not json');
		const error = errorOf(await ntt(), 'NTT');
		expect(error?.message).toMatch(/^The NTT Anpi Sandbox file .* is damaged/);
		expect(error?.message).toContain(sandboxFile('ntt'));
		expect(error?.description).toContain(`Delete ${sandboxDir('ntt')}`);
		writeFileSync(sandboxFile('ntt'), '');
	});
});

describe('the NTT Anpi Sandbox store', () => {
	it(`keeps at most ${SANDBOX_MAX_ROUNDS} rounds, oldest out`, async () => {
		const tids: string[] = [];
		for (let i = 0; i < SANDBOX_MAX_ROUNDS + 30; i++) {
			const answer = await answerFromAnpiSandbox({ method: 'POST', path: ANPI_PATHS.create, body: { title: `訓練${i}`, text: '回答してください。', strdate: '202601010900' } }, node);
			expect(answer.statusCode).toBe(200);
			tids.push(String((answer.body as { tid: string }).tid));
		}
		const state = JSON.parse(readFileSync(sandboxFile('ntt'), 'utf8')) as { values: Record<string, { value: string }> };
		const book = JSON.parse(state.values['sandbox:ntt-sandbox:book'].value) as { threads: Array<{ tid: string }> };
		expect(book.threads.map((t) => t.tid)).toEqual(tids.slice(-SANDBOX_MAX_ROUNDS));
	}, 120_000);
});
