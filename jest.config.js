/** Tests run on the machine's Node 20 through n8n-core's real WorkflowExecute (see test/harness.ts). */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
	cacheDirectory: '<rootDir>/node_modules/.cache/jest',
	testTimeout: 60000,
	maxWorkers: 2,
	setupFiles: ['<rootDir>/test/setupEnv.ts'],
};
