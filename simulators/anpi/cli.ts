// `npm run simulator:anpi`: the NTT Anpi gateway simulator on a fixed port.
import { startAnpiSimulator } from './server';

function flag(name: string, fallback: string): string {
	const index = process.argv.indexOf(`--${name}`);
	return index > -1 && process.argv[index + 1] ? process.argv[index + 1] : fallback;
}

async function main() {
	const simulator = await startAnpiSimulator({
		port: Number(flag('port', '8480')),
		users: Number(flag('users', '50')),
		tokenLifetimeSeconds: Number(flag('token-lifetime', '3599')),
		asyncDelayMs: Number(flag('async-delay', '2000')),
	});
	console.log(`NTT Anpi simulator (test only) listening on ${simulator.url}`);
	console.log(`  token:   POST ${simulator.url}/v1/oauth/accesstokens  client id "sim-client", secret "sim-secret-not-real" (simulator-only values)`);
	console.log(`  n8n credential "NTT Com API": API Host = Custom URL, Custom URL = ${simulator.url}`);
	console.log(`  threads: ${simulator.threads().map((t) => `${t.tid} (endflg ${t.endflg})`).join(', ')}`);
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
