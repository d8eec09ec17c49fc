// The cap on an OCCTO answer as received, before any decoding, and what the user reads when one is over it.
// A Base64 ZIP is about 1.37 times its ZIP (4/3, plus line breaks), and a ZIP is not larger than what it holds
// (plus its headers): so "Max Decompressed Size (MB)" bounds the raw answer too.
import type { ZipLimits } from '../../shared/codecs';
import { apiError } from '../../shared/execution';
import type { AnswerTooLarge } from '../../shared/http/bodyCap';
import type { OcctoApiId } from '../mapping';
import type { OcctoContextFunctions } from './connection';
import { apiLabel } from './errors';
import { MAY_HAVE_REGISTERED, maybeSubmitted, submits } from './submissionOutcome';

const BASE64_FACTOR = 1.4;
const SLACK_BYTES = 1024 * 1024;

/** The most bytes of an answer read: 1.4 × Max Decompressed Size + 1 MB. */
export function rawAnswerCap(limits: ZipLimits): number {
	return Math.ceil(limits.maxUncompressedBytes * BASE64_FACTOR) + SLACK_BYTES;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

export function answerTooLargeError(ctx: OcctoContextFunctions, apiId: OcctoApiId, error: AnswerTooLarge, limits: ZipLimits, itemIndex: number) {
	const size = error.announced ? `announces ${mb(error.bytes)} (Content-Length ${error.bytes} bytes)` : `was cut off after ${mb(error.bytes)} (${error.bytes} bytes)`;
	const nodeError = apiError(ctx, {
		itemIndex,
		message: `OCCTO's answer to ${apiLabel(apiId)} ${size}, over the ${mb(error.limitBytes)} this node reads${submits(apiId) ? ': the plan may have been registered' : ''}`,
		description: `${submits(apiId) ? `${MAY_HAVE_REGISTERED} ` : ''}Answers are read up to 1.4 × "Max Decompressed Size (MB)" + 1 MB (now ${mb(limits.maxUncompressedBytes)}): raise "Max Decompressed Size (MB)" in the node options if this answer is expected. The rest of the answer was not read; the call counted against today's quota.`,
	});
	return submits(apiId) ? maybeSubmitted(nodeError) : nodeError;
}
