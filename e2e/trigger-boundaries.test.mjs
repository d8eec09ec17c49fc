// End-to-end in the real n8n server, on each n8n line, two trigger boundaries side by side in one n8n:
// - OCCTO Submission Status Changed whose first poll sees one 受付中 row beside a field that always holds 1
//   (the simulator's list answer set by its test hook): that field is not taken for the status code, so
//   受付完了 and 提出エラー are emitted when they come.
// - NTT Anpi New Answers (no Thread ID, Emit Existing off) activated between rounds: a round opens already
//   holding 300 answers from before activation, then 5 people answer: exactly those 5 are emitted, once.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { N8N_LINE, ROOT, anpiCredentials, freePort, importIntoN8n, occtoCredentialData, recordNode, sleep, startCollector, startN8n, stopN8n, submissionStatusTrigger, newAnswersTrigger, triggeredWorkflow, until } from './lib.mjs';

const require = createRequire(import.meta.url);
const { startOcctoSimulator } = require(path.join(ROOT, 'dist/simulators/occto/server.js'));
const { startAnpiSimulator } = require(path.join(ROOT, 'dist/simulators/anpi/server.js'));
const { badPlanXml, registerAtSimulator, validPlanXml } = require(path.join(ROOT, 'dist/test/occto-fixtures.js'));
const { jstMinute } = require(path.join(ROOT, 'dist/nodes/shared/japanTime.js'));

const home = mkdtempSync(path.join(tmpdir(), 'n8n-e2e-trigger-boundaries-'));
const env = { ...process.env, N8N_USER_FOLDER: home, GENERIC_TIMEZONE: 'UTC' };
const OCCTO_WORKFLOW = 'e2eOcctoBoundary1';
const ANPI_WORKFLOW = 'e2eAnpiBoundary01';
const STATUS_PATH = '/v1/anpi/confirm/safety-status/';
const OLD_ANSWERS = 300;
const ANSWERS = ['01', '01', '01', '01'];
const user = (i) => `usr${String(i).padStart(6, '0')}`;

let occto;
let anpi;
let good;
let bad;
let server;
const collectors = [];
const submissions = [];
const answers = [];

/** A BA13B006 answer of rows with no status code: receipt number, a count that is always 1, the status name. */
const submissionList = (...rows) =>
	`<SBD-MSG>${rows.map(([no, status]) => `<SUBMISSION_INFO><UKETSUKE_NO>${no}</UKETSUKE_NO><KENSU>1</KENSU><JOTAI_NM>${status}</JOTAI_NM></SUBMISSION_INFO>`).join('')}</SBD-MSG>`;
const occtoCalls = (api) => occto.requests.filter((r) => r.apiId === api).length;
const anpiPolls = () => anpi.requests.filter((r) => r.path === STATUS_PATH).length;

/** Waits for the next poll `count()` sees to have begun, then lets it finish its work. */
async function nextPoll(count, what) {
	const seen = count();
	await until(() => count() > seen, 150_000, what);
	await sleep(3_000);
}

before(async () => {
	occto = await startOcctoSimulator({ certDir: path.join(home, 'occto-certs'), seedPlans: 0, statusDelayMs: 200, profile: 'renamed' });
	// two submissions, settled at the simulator (the error details of `bad` exist); the first poll lists one, 受付中
	good = await registerAtSimulator(occto, validPlanXml());
	bad = await registerAtSimulator(occto, badPlanXml());
	await sleep(1_000);
	occto.setAnswerOverride('BA13B006', submissionList([good, '受付中']));
	anpi = await startAnpiSimulator({ users: OLD_ANSWERS + 10, answeredShare: 0, seedOpenRound: false, asyncDelayMs: 100 });
	for (const into of [submissions, answers]) collectors.push(await startCollector(into));
	env.N8N_RUNNERS_BROKER_PORT = String(await freePort());
	env.N8N_PORT = String(await freePort());
	const occtoWorkflow = triggeredWorkflow(
		OCCTO_WORKFLOW,
		'e2e: OCCTO submissions beside a field holding 1',
		submissionStatusTrigger('boundary-occto-trigger'),
		recordNode(
			'boundary-occto-record',
			collectors[0],
			'={{ JSON.stringify({ occtoReceptionNo: $json.occtoReceptionNo, status: $json.status, statusName: $json.statusName, previous: $json.previous, errors: ($json.errors || []).length }) }}',
		),
	);
	const anpiWorkflow = triggeredWorkflow(
		ANPI_WORKFLOW,
		'e2e: new answers of a round opened with old answers',
		newAnswersTrigger('boundary-anpi-trigger'),
		recordNode('boundary-anpi-record', collectors[1], '={{ JSON.stringify({ tid: $json.tid, usrcd: $json.usrcd }) }}'),
	);
	const credentials = [{ id: 'occtoSimulator01', name: 'OCCTO simulator', type: 'occtoWebApi', data: occtoCredentialData(occto) }, ...anpiCredentials(anpi.url)];
	await importIntoN8n(env, home, { credentials, workflows: [occtoWorkflow, anpiWorkflow], activate: [OCCTO_WORKFLOW, ANPI_WORKFLOW] });
	server = await startN8n(env);
});

after(async () => {
	await stopN8n(server);
	await occto?.close();
	await anpi?.close();
	for (const collector of collectors) collector.close();
	rmSync(home, { recursive: true, force: true });
});

describe(`n8n ${N8N_LINE}.x: trigger boundaries`, { concurrency: 2 }, () => {
	test('OCCTO: the first poll sees one 受付中 beside a field holding 1; 受付完了 and 提出エラー are emitted when they come', { timeout: 600_000 }, async () => {
		await until(() => occtoCalls('BA13B006') > 0, 120_000, 'the activation poll');
		await sleep(3_000);
		assert.deepEqual(submissions, [], 'the first sight of a submission is remembered, not emitted');

		occto.setAnswerOverride('BA13B006', submissionList([good, '受付完了'], [bad, '受付中']));
		await until(() => submissions.length >= 2, 150_000, '受付完了 of the first and the second submission');
		occto.setAnswerOverride('BA13B006', submissionList([good, '受付完了'], [bad, '提出エラー']));
		await until(() => submissions.length >= 3, 150_000, '提出エラー of the second');
		await nextPoll(() => occtoCalls('BA13B006'), 'one more poll');
		assert.deepEqual(
			submissions.map((e) => [e.occtoReceptionNo, e.status, e.statusName, e.previous, e.errors > 0]),
			[
				[good, '2', '受付完了', '受付中', false],
				[bad, '1', '受付中', null, false],
				[bad, '9', '提出エラー', '受付中', true],
			],
		);
		assert.equal(occtoCalls('BA13B007'), 1, 'one error-detail call for the one 提出エラー');
		console.log(`n8n ${N8N_LINE}.x OCCTO: ${occtoCalls('BA13B006')} list polls, ${submissions.length} events`);
	});

	test(`NTT Anpi: a round opens holding ${OLD_ANSWERS} answers from before activation, then 5 answer: exactly 5 events`, { timeout: 600_000 }, async () => {
		await until(() => anpiPolls() > 0, 120_000, 'the activation poll');
		await sleep(3_000);
		const tid = anpi.openRound('前日からの訓練');
		const yesterday = jstMinute(new Date(Date.now() - 86_400_000));
		for (let i = 1; i <= OLD_ANSWERS; i++) anpi.answer(tid, user(i), ANSWERS, yesterday);
		await nextPoll(anpiPolls, 'the poll that first sees the round');
		assert.deepEqual(answers, [], 'the answers given before activation are not emitted');

		const fresh = [1, 2, 3, 4, 5].map((i) => user(OLD_ANSWERS + i));
		for (const usrcd of fresh) anpi.answer(tid, usrcd, ANSWERS);
		await until(() => answers.length >= fresh.length, 150_000, 'the 5 new answers');
		await nextPoll(anpiPolls, 'one more poll');
		assert.deepEqual(answers.map((a) => `${a.tid}/${a.usrcd}`).sort(), fresh.map((usrcd) => `${tid}/${usrcd}`), 'the 5 new answers, once each, nothing else');
		console.log(`n8n ${N8N_LINE}.x Anpi: ${anpiPolls()} status polls, ${answers.length} answers received`);
	});
});
