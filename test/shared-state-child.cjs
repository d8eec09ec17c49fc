// A separate OS process that counts through a shared store's counter, for the cross-process tests in
// shared-state.test.ts (protocol: raceChild.cjs). Job: { setting, env, folder, counter, key, below, count, parallel };
// answers { allowed, refused, backend }.
const { serveRace } = require('./raceChild.cjs');
const { openSharedStore, closeRedisClients } = require('../nodes/shared/state/index.ts');

serveRace(async (job) => {
	const store = await openSharedStore(job.setting, job.env, { folder: job.folder, argv: [] });
	const counter = store.counter(job.counter);
	return { attempt: async () => (await counter.reserve(job.key, { below: job.below, ttlMs: 60_000 })).allowed, info: { backend: store.backend } };
}, closeRedisClients);
