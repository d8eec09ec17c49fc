// Errors raised after a write may have left: the write may have been carried out, so it must be remembered as
// "unknown" and reported as "may have been registered / sent", never retried and never "try again".
const uncertain = new WeakSet<object>();

/** Marks an error raised once a write may have reached the API. */
export function maybeSent<T extends object>(error: T): T {
	uncertain.add(error);
	return error;
}

export function mayHaveBeenSent(error: unknown): boolean {
	return typeof error === 'object' && error !== null && uncertain.has(error);
}
