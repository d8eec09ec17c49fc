/**
 * The same tests on the n8n 1.x line: n8n-core and n8n-workflow (ours and n8n-core's own imports alike) resolve
 * to the 1.x packages that n8n 1.123.81 ships (npm aliases n8n-core-v1 / n8n-workflow-v1 in devDependencies),
 * and N8N_VERSION says 1.123.81, so the nodes take their 1.x paths (the legacy helper for TLS options).
 * Runs the fault suite, the n8n-line tests, the abort-on-timeout, NTT-trigger-between-rounds, Sandbox, write-once and answer-size-cap tests: `npx jest -c jest.line1.config.js [test/faults/…]`.
 */
const base = require('./jest.config.js');

module.exports = {
	...base,
	displayName: 'n8n 1.123',
	testMatch: [
		'<rootDir>/test/faults/**/*.faults.test.ts',
		'<rootDir>/test/n8n-line.test.ts',
		'<rootDir>/test/abort-on-timeout.test.ts',
		'<rootDir>/test/anpi-trigger-rounds.test.ts',
		'<rootDir>/test/sandbox.test.ts',
		'<rootDir>/test/write-once.test.ts',
		'<rootDir>/test/answer-size-cap.test.ts',
	],
	moduleNameMapper: {
		'^n8n-core$': '<rootDir>/node_modules/n8n-core-v1',
		'^n8n-core/(.*)$': '<rootDir>/node_modules/n8n-core-v1/$1',
		'^n8n-workflow$': '<rootDir>/node_modules/n8n-workflow-v1',
		'^n8n-workflow/(.*)$': '<rootDir>/node_modules/n8n-workflow-v1/$1',
	},
	setupFiles: [...base.setupFiles, '<rootDir>/test/setupLine1.ts'],
	cacheDirectory: '<rootDir>/node_modules/.cache/jest-line1',
	// n8n-core 1.x leaves a handle open once loaded (the 2.x run exits on its own); without this the run never ends
	forceExit: true,
};
