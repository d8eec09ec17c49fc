// Each test file counts OCCTO calls in a ledger of its own: a fresh n8n user folder (the file store lives
// there), so files running in parallel never share a count.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

process.env.N8N_USER_FOLDER = mkdtempSync(path.join(tmpdir(), 'occto-jest-'));
