// `npm run simulator:occto`: the OCCTO simulator on fixed ports, with certificates kept in .runtime/.
import { writeFileSync } from 'node:fs';
import path from 'node:path';

import type { OcctoProfileName } from './profiles';
import { OCCTO_PROFILES, profileCredentialFields } from './profiles';
import { startOcctoSimulator } from './server';

function flag(name: string, fallback: string): string {
	const index = process.argv.indexOf(`--${name}`);
	return index > -1 && process.argv[index + 1] ? process.argv[index + 1] : fallback;
}

async function main() {
	if (!(flag('profile', 'standard') in OCCTO_PROFILES)) {
		console.error(`--profile must be one of ${Object.keys(OCCTO_PROFILES).join(', ')}`);
		process.exit(2);
	}
	const root = path.resolve(__dirname, '..', '..', '..');
	const certDir = path.resolve(flag('cert-dir', path.join(root, '.runtime', 'occto-certs')));
	const simulator = await startOcctoSimulator({
		port: Number(flag('port', '8443')),
		adminPort: Number(flag('admin-port', '8444')),
		certDir,
		seedPlans: Number(flag('seed-plans', '12')),
		statusDelayMs: Number(flag('status-delay', '3000')),
		profile: flag('profile', 'standard') as OcctoProfileName,
	});
	// what tooling needs to build an n8n credential for the simulator (test-only values)
	const credential = {
		userId: 'U0000001',
		password: 'sim-password-1',
		bundleFormat: 'pkcs12',
		pfxBase64: simulator.certs.clientP12Base64,
		pfxPassphrase: simulator.certs.p12Passphrase,
		caPem: simulator.certs.caPem,
		baseUrl: simulator.url,
		ignoreTlsErrors: false,
		overridePaths: false,
		...profileCredentialFields(simulator.profile),
	};
	writeFileSync(path.join(certDir, 'credentials.json'), JSON.stringify(credential, null, 2), { mode: 0o600 });
	console.log(`OCCTO simulator (test only, wire profile "${simulator.profile.name}") listening on ${simulator.url}`);
	console.log(`  admin API:    ${simulator.adminUrl}  (POST /calls {userId,count}, POST /fault {fault}, POST /clock {now}, GET /submissions, POST /reset)`);
	console.log(`  certificates: ${certDir}  (ca.pem, client.pem, client.key, client-encrypted.key, client.p12, client.p12.b64)`);
	console.log(`  users:        U0000001 / sim-password-1, U0000002 / sim-password-2  (client certificate CN must match)`);
	console.log(`  p12 passphrase: "${simulator.certs.p12Passphrase}"   n8n credential fields: ${path.join(certDir, 'credentials.json')}`);
	const stop = () => {
		void simulator.close().then(() => process.exit(0));
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
