// The write-once options of Register, Create, Send and Complete, as the node panel shows them.
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

export const DEFAULT_REMEMBER_HOURS = 24;

/** How long a write is remembered: for a window (Register, Create), or within one execution (Send, Complete). */
export type RememberScope = 'window' | 'execution';

export function writeOnceOptions(scope: RememberScope, what: { write: string; done: string; check: string }): INodeProperties[] {
	const sendAgain: INodeProperties = {
		displayName: 'Send Even If Sent Before',
		name: 'sendEvenIfSentBefore',
		type: 'boolean',
		default: false,
		description: `Whether to send ${what.write} although ${
			scope === 'window' ? 'the same one was sent with this credential within "Remember Sends For (Hours)"' : 'it was already sent in this execution (e.g. by an earlier try of Retry On Fail)'
		}. Off: a repeat is not sent; it returns the first answer (with repeatOf), or an error when the first send's outcome is unknown — ${what.check} before turning this on.`,
	};
	if (scope === 'execution') return [sendAgain];
	return [
		{
			displayName: 'Remember Sends For (Hours)',
			name: 'rememberHours',
			type: 'number',
			typeOptions: { minValue: 0.1, numberPrecision: 1 },
			default: DEFAULT_REMEMBER_HOURS,
			description: `How long the same ${what.write} (same credential, same content) is remembered as ${what.done}: within this time a repeat — Retry On Fail, a re-run of the workflow, a second worker — is not sent again`,
		},
		sendAgain,
	];
}

export interface WriteOnceSettings {
	sendAgain: boolean;
	rememberMs: number;
}

export function readWriteOnceOptions(this: IExecuteFunctions, itemIndex: number, scope: RememberScope): WriteOnceSettings {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const hours = options.rememberHours === undefined ? DEFAULT_REMEMBER_HOURS : Number(options.rememberHours);
	if (scope === 'window' && (!Number.isFinite(hours) || hours <= 0)) {
		throw new NodeOperationError(this.getNode(), `"Remember Sends For (Hours)" must be a positive number, not ${String(options.rememberHours)}`, {
			itemIndex,
			description: `Set it in the node's Options, e.g. ${DEFAULT_REMEMBER_HOURS}.`,
		});
	}
	// within one execution: kept long enough for any execution, and keyed by it
	return { sendAgain: options.sendEvenIfSentBefore === true, rememberMs: (scope === 'window' ? hours : DEFAULT_REMEMBER_HOURS) * 3_600_000 };
}
