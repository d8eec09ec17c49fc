// Bench only: emits `count` items shaped like the OCCTO Outage Plan node's Get Many output (the same fields,
// one shared certificate and quota object), built in a plain loop. What n8n costs for 50,000 items beyond
// any node's own work: the floor of bench table 2.
'use strict';

class BenchFloor {
	description = {
		displayName: 'Bench Floor',
		name: 'benchFloor',
		group: ['transform'],
		version: 1,
		description: 'Emits N ready-made items (bench only)',
		defaults: { name: 'Bench Floor' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [{ displayName: 'Count', name: 'count', type: 'number', default: 1000 }],
	};

	async execute() {
		// the bench sets the size in the environment of each n8n process (expressions may not read it)
		const count = Number(process.env.BENCH_FLOOR_COUNT) || this.getNodeParameter('count', 0);
		const certificate = { subject: 'CN=U0000001, O=Simulator', expiresAt: '2028-12-01T00:00:00.000Z', daysLeft: 730 };
		const quota = { used: 1, limit: 1000, remaining: 999, resetsAt: '2026-12-02T15:00:00.000Z', store: 'file' };
		const items = new Array(count);
		for (let i = 0; i < count; i++) {
			items[i] = {
				json: {
					planDivision: String((i % 4) + 1),
					occtoReceptionNo: String(2000000001 + i),
					planName: `○○発電所${(i % 9) + 1}号機 定期点検 第${i + 1}回`,
					status: '2',
					statusName: '受付完了',
					submittedAt: '20261124093000',
					lastUpdatedAt: '20261124094000',
					rowElement: 'OUTAGE_PLAN_INFO',
					certificate,
					quota,
				},
				pairedItem: { item: 0 },
			};
		}
		return [items];
	}
}

module.exports = { BenchFloor };
