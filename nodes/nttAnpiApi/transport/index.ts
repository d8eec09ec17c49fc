// All HTTP to the NTT Com API gateway goes through this folder; the operations import from here.
//   connection.ts  credential → base URL (the token is the credential's, shared via tokenCache.ts)
//   request.ts     building and sending one call, bounded waits and retries of reads
//   paging.ts      offset/limit pages of a list
//   answer.ts      judging an attempt: JSON or text of an answer, the kind of a failure without one
//   errors.ts      mapping failures to NodeApiError
//   limits.ts      timeout per call and deadline per run (node and trigger options)
export type { AnpiCall, AnpiOperation } from './request';
export { READ_RETRIES, anpiRequest } from './request';
export { forEachPage } from './paging';
export { anpiWriteMemory } from './writeMemoryStore';
