// A simulated day of the OCCTO trigger polling every 5 minutes, against the simulator: how many of the
// 1000 daily calls it spends, next to what a generic Schedule + HTTP Request workflow would spend.
import type { IDataObject } from 'n8n-workflow';

import { OcctoWebApi } from '../credentials/OcctoWebApi.credentials';
import { OcctoOutagePlanTrigger } from '../nodes/OcctoOutagePlanTrigger/OcctoOutagePlanTrigger.node';
import { startOcctoSimulator } from '../simulators/occto/server';
import { CredentialStore } from '../test/harness';
import { badPlanXml, occtoPost, p12Tls, simulatorCredential, validPlanXml } from '../test/occto-fixtures';
import { Poller } from '../test/pollHarness';

export interface QuotaDayResult {
	polls: number;
	submissions: number;
	errorSubmissions: number;
	plans: number;
	triggerCalls: number;
	eventsEmitted: number;
	genericListOnlyCalls: number;
	genericListAndGetCalls: number;
}

export async function quotaDay(): Promise<QuotaDayResult> {
	const polls = 288; // every 5 minutes for 24 hours
	const submissions = 24; // about one outage plan an hour during a busy day
	const sim = await startOcctoSimulator({ statusDelayMs: 0, seedPlans: 40 });
	try {
		const store = new CredentialStore(
			{ occtoWebApi: new OcctoWebApi() },
			{ occtoWebApi: simulatorCredential(sim, { ledger: 'memory' }) }, // a fresh count for this simulated day
		);
		const trigger = new Poller(
			{
				id: 't',
				name: 'Trigger',
				type: 'occto.trigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: { event: 'submissionStatusChanged', pollTimes: { item: [{ mode: 'everyX', value: 5, unit: 'minutes' }] } },
				credentials: { occtoWebApi: { id: '1', name: 'OCCTO' } },
			},
			new OcctoOutagePlanTrigger(),
			store,
		);
		const tls = p12Tls(sim.certs, sim.certs.clientP12Base64);
		let events = 0;
		let errors = 0;
		const before = sim.requests.length;
		for (let poll = 0; poll < polls; poll++) {
			if (poll % (polls / submissions) === 3) {
				const bad = poll % 60 === 3; // one in five submissions fails validation
				if (bad) errors++;
				await occtoPost(sim.url, 'BA13B101', { userid: 'U0000001', password: 'sim-password-1' }, tls, {
					file: { fileName: 'plan.xml', data: Buffer.from(bad ? badPlanXml() : validPlanXml()) },
				});
			}
			const emitted = (await trigger.poll()) as IDataObject[] | null;
			events += emitted?.length ?? 0;
		}
		// registering is the user's own work, not the trigger's: count only the trigger's calls
		const triggerCalls = sim.requests.slice(before).filter((r) => r.apiId !== 'BA13B101').length;
		const plans = 40 + submissions - errors;
		return {
			polls,
			submissions,
			errorSubmissions: errors,
			plans,
			triggerCalls,
			eventsEmitted: events,
			genericListOnlyCalls: polls, // list every poll, no detail calls
			genericListAndGetCalls: polls * (1 + plans),
		};
	} finally {
		await sim.close();
	}
}
