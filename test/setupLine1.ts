// jest.line1.config.js: the tests run as on n8n 1.123.81 (n8n-core / n8n-workflow are mapped to the 1.x packages
// there; this names the n8n version, which nodes/shared/n8nLine.ts reads from N8N_VERSION outside an n8n process).
export const LINE1_N8N_VERSION = '1.123.81';
process.env.N8N_VERSION = LINE1_N8N_VERSION;
process.env.N8N_TEST_LINE = '1';
