// The credentials' Environment (Production / Sandbox) and what every sandbox run shows: `sandbox: true` on each
// item and a hint in the node panel. A sandbox credential answers from the package's in-process responders
// (nodes/*/sandbox), through the same code as production past the wire, and opens no socket.
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

export type Environment = 'production' | 'sandbox';

export function isSandbox(credential: { environment?: unknown } | undefined): boolean {
	return credential?.environment === 'sandbox';
}

/** The credential's first field. Existing credentials have none saved and stay Production. */
export function environmentProperty(service: string, sandboxDescription: string): INodeProperties {
	return {
		displayName: 'Environment',
		name: 'environment',
		type: 'options',
		options: [
			{ name: 'Production', value: 'production', description: `The real ${service}` },
			{ name: 'Sandbox', value: 'sandbox', description: sandboxDescription },
		],
		default: 'production',
	};
}

/** A credential field shown for Production only (secrets, hosts, certificates). */
export function productionOnly(property: INodeProperties): INodeProperties {
	return { ...property, displayOptions: { ...property.displayOptions, show: { ...property.displayOptions?.show, environment: ['production'] } } };
}

/** A credential field shown for Sandbox only. */
export function sandboxOnly(property: INodeProperties): INodeProperties {
	return { ...property, displayOptions: { ...property.displayOptions, show: { ...property.displayOptions?.show, environment: ['sandbox'] } } };
}

/** Marks a sandbox run's items (in place: lists can be long) and says so in the node panel. */
export function markSandboxRun(ctx: IExecuteFunctions, items: INodeExecutionData[], service: string): void {
	for (const item of items) item.json.sandbox = true;
	ctx.addExecutionHints({
		message: `Sandbox credential: these answers come from the built-in ${service} sandbox inside n8n; nothing was sent to ${service}. Switch the credential's Environment to Production to use the real service.`,
		type: 'info',
		location: 'outputPane',
	});
}

/** Whether the node's credential of this type is a sandbox one (false when the node has none, e.g. Validate). */
export async function usesSandbox(ctx: IExecuteFunctions, credentialType: string): Promise<boolean> {
	try {
		return isSandbox(await ctx.getCredentials(credentialType));
	} catch {
		return false;
	}
}
