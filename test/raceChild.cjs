// What the forked processes of the race tests share (test/forkedChildren.ts starts them): they load the
// package's TypeScript source directly (transpiled on load by the TypeScript compiler the project already
// uses), so they need no build, and they answer one job over the fork IPC channel:
//   parent → job                                    child → { ready: true } (or { error })
//   parent → 'go'   child attempts job.count times  child → { allowed, refused, ...what open() said }
// job.parallel: all attempts at once, else one after another.
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

/**
 * open(job) → { attempt: async () => boolean (allowed?), info: object sent back with the counts };
 * close() runs when the job is done (Redis clients).
 */
exports.serveRace = (open, close) => {
	process.once('message', async (job) => {
		try {
			const { attempt, info } = await open(job);
			process.send({ ready: true });
			await new Promise((resolve) => process.once('message', resolve));
			let allowed = 0;
			let refused = 0;
			const one = async () => {
				if (await attempt()) allowed++;
				else refused++;
			};
			if (job.parallel) await Promise.all(Array.from({ length: job.count }, one));
			else for (let i = 0; i < job.count; i++) await one();
			process.send({ allowed, refused, ...info });
		} catch (error) {
			process.send({ error: String(error && error.message) });
		} finally {
			await close();
			process.disconnect();
		}
	});
};
