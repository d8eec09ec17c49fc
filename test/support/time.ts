// Waiting in tests (and in the bench, which compiles this file into dist/test/support).

/** Resolves after `ms` milliseconds. */
export const sleep = async (ms: number): Promise<void> => await new Promise<void>((resolve) => setTimeout(resolve, ms));
