// Output items of the safety-confirmation operations, with the API usage they report.
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/** useCount / contractCount of an answer, and the user's usage warning applied to them. */
export function usageOf(this: IExecuteFunctions, answer: IDataObject, itemIndex: number): { useCount: number; contractCount: number } {
	const useCount = Number(answer.useCount);
	const contractCount = Number(answer.contractCount);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const warning = (options.usageWarning as IDataObject | undefined)?.warning as IDataObject | undefined;
	if (warning && contractCount > 0 && Number.isFinite(useCount)) {
		const percent = Number(warning.percent ?? 80);
		const used = (useCount / contractCount) * 100;
		if (used >= percent) {
			const message = `NTT Anpi API usage is at ${used.toFixed(1)}% of the contract (${useCount} of ${contractCount} calls), past your warning level of ${percent}%`;
			if (warning.onExceed === 'error') {
				throw new NodeOperationError(this.getNode(), message, {
					itemIndex,
					description: 'The call itself was made. Raise the warning level or the contract to go on.',
				});
			}
			this.addExecutionHints({ message, type: 'warning', location: 'outputPane' });
		}
	}
	return { useCount, contractCount };
}

export function items(rows: IDataObject[], itemIndex: number): INodeExecutionData[] {
	return rows.map((json) => ({ json, pairedItem: { item: itemIndex } }));
}
