// Writes that happen once however n8n runs the node (batches, Retry On Fail, re-runs, several workers).
export * from './batchWrites';
export { fingerprintOf, canonicalJson } from './fingerprint';
