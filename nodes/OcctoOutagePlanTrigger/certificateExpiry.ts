// The "Client Certificate Expiring" event: once a Japan-time day, while the client certificate has fewer
// days left than set. It reads the certificate from the credential and makes no OCCTO call.
import type { INodeExecutionData, INodeProperties, IPollFunctions } from 'n8n-workflow';

import { jstDate } from '../shared/japanTime';
import { onCursorCopy } from '../shared/trigger/cursorCopy';
import { isTestRun } from '../shared/trigger/testRun';
import { getOcctoConnection } from '../occtoApi';

export const daysLeftField: INodeProperties = {
	displayName: 'Days Left',
	name: 'daysLeft',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 30,
	description: 'Fire while the certificate has fewer days left than this',
	displayOptions: { show: { event: ['certificateExpiring'] } },
};

interface WarnedCursor {
	/** Japan-time day the certificate warning last fired. */
	warnedOn?: string;
}

/** One warning item when it is due (a test run: always, cursor unmoved); otherwise null. */
export async function pollCertificateExpiry(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const { certificate } = await getOcctoConnection.call(this);
	const threshold = this.getNodeParameter('daysLeft', 30) as number;
	const testRun = isTestRun(this);
	if (certificate.daysLeft >= threshold && !testRun) return null;
	return await onCursorCopy<WarnedCursor, INodeExecutionData[][] | null>(this, async (cursor) => {
		const today = jstDate(new Date());
		if (!testRun) {
			if (cursor.warnedOn === today) return null;
			cursor.warnedOn = today;
		}
		const message =
			certificate.daysLeft < 0
				? `The OCCTO client certificate expired ${-certificate.daysLeft} days ago; OCCTO refuses every call until it is renewed.`
				: `The OCCTO client certificate expires in ${certificate.daysLeft} days (${certificate.expiresAt}). Renew it with OCCTO and update the credential.`;
		return [[{ json: { ...certificate, threshold, message } }]];
	});
}
