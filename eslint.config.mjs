// n8n's community-node rules (the non-cloud set: this package has runtime dependencies, see README
// "Why runtime dependencies"). Only the shipped package code is linted with them; tests, simulators,
// benchmarks and scripts are development tools that never load inside n8n.
import { configWithoutCloudSupport } from '@n8n/node-cli/eslint';

export default [
	{ ignores: ['dist/**', 'test/**', 'simulators/**', 'bench/**', 'scripts/**', 'examples/**', 'e2e/**', 'docs/**', '*.js', '*.mjs'] },
	...configWithoutCloudSupport,
	{
		files: ['package.json'],
		rules: {
			// Deliberate: fast-xml-parser, jszip and iconv-lite decode OCCTO's Base64 ZIP Shift_JIS answers safely.
			'@n8n/community-nodes/no-runtime-dependencies': 'off',
		},
	},
];
