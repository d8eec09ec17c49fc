// The n8n version the package believes it runs in (nodes/shared/n8nLine.ts), set by tests.
import { forgetN8nVersion } from '../../nodes/shared/n8nLine';

/** N8N_VERSION when the test file was loaded: what `onN8n(savedVersion)` puts back. */
export const savedVersion = process.env.N8N_VERSION;

/** Makes the package read `version` as the n8n version from now on (undefined: none known). */
export function onN8n(version: string | undefined): void {
	if (version === undefined) delete process.env.N8N_VERSION;
	else process.env.N8N_VERSION = version;
	forgetN8nVersion();
}
