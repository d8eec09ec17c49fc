// How long the OCCTO trigger's calls and polls may take, and how many detail calls one poll makes.
/** Longest one OCCTO call may take (the whole call, answer included). */
export const CALL_TIMEOUT_MS = 60_000;
/** Detail calls (BA13B007 error details, BA13B102 plans) one poll may make; the rest wait for the next poll. */
export const MAX_DETAIL_CALLS_PER_POLL = 10;
/** Time kept for what a poll does besides its calls: the ledger, markers, decoding, emitting. */
export const POLL_MARGIN_MS = 2 * 60_000;
/**
 * Longest a poll may hold the overlap guard: its list call and every detail call it may make, each at most
 * CALL_TIMEOUT_MS, plus the margin (13 minutes). A poll also stops making detail calls when the next one
 * could end past the lease (deferring them), so even a slow store cannot make it outlive its lease.
 */
export const POLL_LEASE_MS = CALL_TIMEOUT_MS * (1 + MAX_DETAIL_CALLS_PER_POLL) + POLL_MARGIN_MS;
/** Kept free before the end of n8n's own poll budget (n8n 2.x abandons a poll that outlives it). */
export const ENGINE_BUDGET_MARGIN_MS = 30_000;
