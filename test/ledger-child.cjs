// A separate OS process that spends OCCTO calls through the ledger, for the cross-process tests in
// ledger.test.ts (protocol: raceChild.cjs). Job: { setting, env, userId, count, stopBefore, parallel };
// answers { allowed, refused, store }.
const { serveRace } = require('./raceChild.cjs');
const { openLedger, closeRedisClients } = require('../nodes/occtoApi/callLedger/index.ts');

serveRace(async (job) => {
	const { ledger } = await openLedger(job.setting, job.env, { argv: [] });
	return { attempt: async () => (await ledger.reserve(job.userId, job.stopBefore)).allowed, info: { store: ledger.store } };
}, closeRedisClients);
