// n8n's community-node rules (the non-cloud set: this package has runtime dependencies, see README
// "Why runtime dependencies") on the shipped package code; tests, scripts and examples are development tools
// that never load inside n8n. One more rule holds the house together (ARCHITECTURE.md): each API's client is
// entered through its index only, and a node's actions/ through its own node only — for the simulators and the
// bench too, which are linted for that rule alone.
import { configWithoutCloudSupport } from '@n8n/node-cli/eslint';

const TOOLS = ['simulators/**', 'bench/**'];

/** Each client folder: only its index.ts may be imported from outside it. */
const CLIENTS = ['nttAnpiApi', 'occtoApi'];
/** Each action node: its actions/ are its own. */
const ACTION_NODES = ['NttAnpi', 'OcctoOutagePlan'];

const oneDoorPerApi = {
	'no-restricted-imports': [
		'error',
		{
			patterns: [
				...CLIENTS.map((client) => ({
					group: [`**/${client}/*`, `**/${client}/**`],
					message: `Import the ${client} client through its index ('…/${client}'), never a file inside it (ARCHITECTURE.md).`,
				})),
				...ACTION_NODES.map((node) => ({
					group: [`**/${node}/actions`, `**/${node}/actions/**`],
					message: `${node}/actions/ belongs to the ${node} node's panel: move what others need into its API client (ARCHITECTURE.md).`,
				})),
			],
		},
	],
};

const typescriptBase = configWithoutCloudSupport.find((config) => config.name === 'typescript-eslint/base');

export default [
	{ ignores: ['dist/**', 'test/**', 'scripts/**', 'examples/**', 'e2e/**', 'docs/**', '*.js', '*.mjs'] },
	...configWithoutCloudSupport.map((config) => (config.files ? { ...config, ignores: [...(config.ignores ?? []), ...TOOLS] } : config)),
	{
		files: ['package.json'],
		rules: {
			// Deliberate: fast-xml-parser, jszip and iconv-lite decode OCCTO's Base64 ZIP Shift_JIS answers safely.
			'@n8n/community-nodes/no-runtime-dependencies': 'off',
		},
	},
	{ files: ['nodes/**/*.ts', 'credentials/**/*.ts'], rules: oneDoorPerApi },
	{ files: TOOLS.map((tools) => `${tools}/*.ts`), languageOptions: typescriptBase.languageOptions, plugins: typescriptBase.plugins, rules: oneDoorPerApi },
];
