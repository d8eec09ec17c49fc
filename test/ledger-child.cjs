// A separate OS process that spends OCCTO calls through the ledger, for the cross-process tests in
// ledger.test.ts. It loads the package's TypeScript source directly (transpiled on load by the TypeScript
// compiler the project already uses), so it needs no build. Protocol over the fork IPC channel:
//   parent → { setting, env, userId, count, stopBefore, parallel }   child → { ready: true }
//   parent → 'go'                                                     child → { allowed, refused, store }
const fs = require('node:fs');
const ts = require('typescript');

require.extensions['.ts'] = (module, filename) => {
	const source = fs.readFileSync(filename, 'utf8');
	const { outputText } = ts.transpileModule(source, {
		fileName: filename,
		compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2021, esModuleInterop: true },
	});
	module._compile(outputText, filename);
};

const { openLedger, closeRedisClients } = require('../nodes/OcctoOutagePlan/ledger/index.ts');

process.once('message', async (job) => {
	try {
		const { ledger } = await openLedger(job.setting, job.env, { argv: [] });
		process.send({ ready: true });
		await new Promise((resolve) => process.once('message', resolve));
		let allowed = 0;
		let refused = 0;
		const one = async () => {
			const reservation = await ledger.reserve(job.userId, job.stopBefore);
			if (reservation.allowed) allowed++;
			else refused++;
		};
		if (job.parallel) {
			await Promise.all(Array.from({ length: job.count }, one));
		} else {
			for (let i = 0; i < job.count; i++) await one();
		}
		process.send({ allowed, refused, store: ledger.store });
	} catch (error) {
		process.send({ error: String(error && error.message) });
	} finally {
		await closeRedisClients();
		process.disconnect();
	}
});
