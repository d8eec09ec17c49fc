// The NTT Com Biz安否確認 API client: everything about its wire — mapping, the gateway calls (token, timeouts,
// retries of reads, errors), paging, the rounds and answers node and trigger read, the shared token cache, the
// write memory's store and the in-process Sandbox. Nodes, triggers, credentials, simulators and the bench import
// this file only (eslint.config.mjs enforces it).
export * from './mapping';
export type { AnpiCall, AnpiOperation } from './transport';
export { READ_RETRIES, anpiRequest, anpiWriteMemory, forEachPage } from './transport';
export type { AnpiContext } from './transport/connection';
export { CREDENTIAL_TYPE, TOKEN_FIELD, anpiBaseUrl, anpiBaseUrlOf } from './transport/connection';
export type { CallLimits } from './transport/limits';
export {
	DEFAULT_DEADLINE_MINUTES,
	DEFAULT_TIMEOUT_SECONDS,
	formatMinutes,
	readTimeoutMs,
	remainingMs,
	runStartedAt,
	timeoutOption,
} from './transport/limits';
export type { CachedToken, TokenClient } from './transport/tokenCache';
export { sharedToken, tokenCacheKey, tokenStateFor } from './transport/tokenCache';
export { answerStateOf, forEachStatusPage, forEachThreadPage, personRow, statusBody, threadOf, threadStateOf } from './rounds';
export { testNttCredential } from './credentialTest';
export type { AnpiBookState, AnpiResponder, AnpiResponderOptions, NoOpenRoundAnswer, ThreadState } from './sandbox/responder';
export { GRANT_ROUTE, createAnpiResponder, initialAnpiBook, seededThread, settleThread, userIndex } from './sandbox/responder';
export { SANDBOX_MAX_ROUNDS, answerFromAnpiSandbox, pruneAnpiBook } from './sandbox';
