// The first poll after activation finds everything already there. By default it only remembers it, so
// activating a workflow does not replay history; "Emit Existing on First Run" emits it instead.
import type { IDataObject, IPollFunctions } from 'n8n-workflow';

/**
 * The Emit Existing setting. The NTT trigger has it as a parameter, the OCCTO trigger in its Options; both
 * places are read so saved workflows of either keep working.
 */
export function emitsExisting(ctx: IPollFunctions): boolean {
	if (ctx.getNodeParameter('emitExisting', false)) return true;
	return (ctx.getNodeParameter('options', {}) as IDataObject).emitExisting === true;
}

/** Whether this poll only remembers what it finds: nothing was remembered before and Emit Existing is off. */
export function onlyRemembers(ctx: IPollFunctions, remembered: unknown): boolean {
	return remembered === undefined && !emitsExisting(ctx);
}
