// The OCCTO 広域機関システム WebAPI client (作業停止計画): everything about its wire — mapping (SPEC / ASSUMPTION
// facts), connection and mutual TLS, requests and the call ledger, answer decoding, errors ("may have been
// registered"), activity markers, plan validation and comparison, the credential test and the in-process
// Sandbox. Nodes, triggers, credentials, simulators and the bench import this file only (eslint.config.mjs).
export { readMarker, setMarker } from './activityMarkers';
export type { LedgerSetting, OpenedLedger } from './callLedger';
export { closeRedisClients, DEFAULT_STOP_BEFORE, LEDGER_FOLDER, LedgerUnavailableError, openLedger } from './callLedger';
export { testOcctoCredential } from './credentialTest';
export type { OcctoApiId } from './mapping';
export { BUSINESS_PROTOCOL, DAILY_CALL_LIMIT, DEFAULT_BASE_URL, ENVELOPE, ERROR_DETAIL_ROW, LIST_ROOT, MAX_PLAN_BYTES, OCCTO_APIS, OUTAGE_PLAN_ROW, PARAM, PLAN_DIVISION_ELEMENT, PLAN_DIVISIONS, PLAN_HEADER_PROTOCOL, QUOTA_EXCEEDED_TEXT, RECEPTION_NO_PATTERN, REGISTER_ANSWER, RESULT_CODE_HEADER, RESULT_CODES, ROW_ELEMENT_KEY, ROW_FIELDS, SUBMISSION_ROW, SUBMISSION_STATUS, WIRE_DEFAULTS } from './mapping';
export type { PlanChange } from './planChanges';
export { PLAN_ITEM_KEYS, planChanges, planDocumentOf } from './planChanges';
export { answerFromSandbox, openOcctoSandbox, pruneOcctoBook, SANDBOX_ADJUST_AFTER_MS, SANDBOX_MAX_PLANS, SANDBOX_STATUS_DELAY_MS, SANDBOX_USER_ID } from './sandbox';
export type { OcctoCallOptions, OcctoConnection, OcctoListAnswer } from './transport';
export { apiLabel, callOcctoDocument, callOcctoList, certificateHints, CREDENTIAL_TYPE, getOcctoConnection } from './transport';
export type { PlanSchema, PlanValidation, RequiredPlanValue } from './validation';
export { basisLabel, describeProblems, summarize, validatePlan } from './validation';
export type { OcctoBookState } from './sandbox/responder';
export { answerEncodingFor, answerFileName, emptyOcctoBook, OcctoResponder, statusAt, wireAnswer, withWindowMoved } from './sandbox/responder';
export { rawAnswerCap } from './transport/answerSize';
export { authenticateOcctoRequest } from './transport/authenticate';
export type { ItemQuota, QuotaReading } from './transport/callLedger';
export { quotaOfReading } from './transport/callLedger';
export { classifyNetworkFailure } from './transport/errors';
export type { ListAnswerOptions } from './transport/listAnswer';
export { mapRows, readListAnswer } from './transport/listAnswer';
export { MAY_HAVE_REGISTERED, maybeSubmitted, mayHaveSubmitted } from './transport/submissionOutcome';
export { DEFAULT_WIRE_SETTINGS, parseRequiredPlanValues, readWireSettings, requiredPlanValuesProperty, WireSettingError } from './transport/wireSettings';
export { readPlanSchema, schemaError, schemaOptions } from './validation/schemaSource';
