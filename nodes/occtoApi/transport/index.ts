// All HTTP to OCCTO goes through this folder; the operations and triggers import from here only.
//   connection.ts  credential → connection (user ID, URLs, certificate, wire settings, call ledger)
//   request.ts     quota guard, building and sending one call, decoding its answer
//   answer.ts      judging an answer (status, result code, quota, error text in any charset)
//   errors.ts      mapping failures to NodeApiError / NodeOperationError
// The credential's Test button is in ../methods/credentialTest.ts; activity markers in ../activityMarkers.ts.
export type { OcctoConnection } from './connection';
export { CREDENTIAL_TYPE, certificateHints, getOcctoConnection } from './connection';
export type { OcctoCallOptions, OcctoDocumentAnswer, OcctoListAnswer } from './request';
export { callOcctoDocument, callOcctoList } from './request';
export { apiLabel } from './errors';
