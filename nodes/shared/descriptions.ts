// Panel fields every list operation of both nodes shows the same way.
import type { INodeProperties } from 'n8n-workflow';

/** n8n's Return All / Limit pair; `hint` says how the API pages, where it does. */
export function returnAllAndLimit(hint?: string): INodeProperties[] {
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			...(hint ? { hint } : {}),
			displayOptions: { show: { returnAll: [false] } },
		},
	];
}
