// The house's rule, as the lint of `npm test` enforces it (eslint.config.mjs): each API's client is entered
// through its index only, and a node's actions/ by that node only. A wrong-way import fails the lint.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, '..');

/** The messages of no-restricted-imports for `source` as if it were `file`, by the project's own eslint and config. */
async function restrictedImports(file: string, source: string): Promise<string[]> {
	const run = spawnSync(path.join(ROOT, 'node_modules/.bin/eslint'), ['--format', 'json', '--stdin', '--stdin-filename', file], { cwd: ROOT, input: source, encoding: 'utf8' });
	const [result] = JSON.parse(run.stdout) as Array<{ messages: Array<{ ruleId: string | null; message: string }> }>;
	return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('one door per API', () => {
	it.each([
		['a trigger reaching into a client', 'nodes/NttAnpiTrigger/wrongWay.ts', "import { CREDENTIAL_TYPE } from '../nttAnpiApi/transport/connection';\nexport const x = CREDENTIAL_TYPE;\n", /nttAnpiApi client through its index/],
		['a credential reaching into a client', 'credentials/WrongWay.credentials.ts', "import { LIMITS } from '../nodes/nttAnpiApi/mapping';\nexport const x = LIMITS;\n", /through its index/],
		['a trigger importing a node\'s actions/', 'nodes/OcctoOutagePlanTrigger/wrongWay.ts', "import { readOptions } from '../OcctoOutagePlan/actions/common';\nexport const x = readOptions;\n", /OcctoOutagePlan\/actions\/ belongs to the OcctoOutagePlan node/],
		['a simulator reaching into a client', 'simulators/anpi/wrongWay.ts', "import { userIndex } from '../../nodes/nttAnpiApi/sandbox/people';\nexport const x = userIndex;\n", /through its index/],
	])('%s fails the lint', async (_name, file, source, message) => {
		const messages = await restrictedImports(file, source);
		expect(messages).toEqual([expect.stringMatching(message)]);
	});

	it('the index itself, and a client\'s own files, pass', async () => {
		expect(await restrictedImports('nodes/NttAnpiTrigger/rightWay.ts', "import { CREDENTIAL_TYPE } from '../nttAnpiApi';\nexport const x = CREDENTIAL_TYPE;\n")).toEqual([]);
		expect(await restrictedImports('nodes/nttAnpiApi/rightWay.ts', "import { LIMITS } from './mapping';\nexport const x = LIMITS;\n")).toEqual([]);
	});
});
