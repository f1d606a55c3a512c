/** Submission: the one billable request. Sent once; only a definite 429 (nothing created) is sent again. */
import type { IExecuteFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { Failure } from './errors';
import { WaveSpeedFailure } from './errors';
import { backoffDelayMs, SUBMIT_RATE_LIMIT_RETRY } from './retry';
import type { ModelId, Prediction, SubmitRequest } from './schemas';
import { predictionSchema, submitRequestSchema } from './schemas';
import type { ApiTarget } from './transport';
import { cancelSignal, parseEnvelope, sendApiRequest, throwIfCancelled } from './transport';

export interface SubmitOptions {
	webhookUrl?: string;
	/** How long the POST may be held open (sync mode holds it until the result exists). */
	timeoutMs: number;
	/** No rate-limit wait may go past this. */
	deadline: number;
	/** Checked before each attempt: the batch may have been stopped by another item's failure. */
	shouldStop?: () => boolean;
}

export async function submitPrediction(
	fx: IExecuteFunctions,
	api: ApiTarget,
	model: ModelId,
	body: SubmitRequest,
	options: SubmitOptions,
): Promise<Prediction> {
	const checkedBody = submitRequestSchema.strict().parse(body);
	for (let attempt = 1; ; attempt++) {
		throwIfCancelled(fx);
		if (options.shouldStop?.()) throw stoppedFailure();
		// A network error or 5xx here is ambiguous (the task may exist): it propagates and is never retried.
		const response = await sendApiRequest(fx, api, {
			method: 'POST',
			path: `/api/v3/${model}`,
			qs: options.webhookUrl ? { webhook: options.webhookUrl } : undefined,
			body: checkedBody,
			timeoutMs: options.timeoutMs,
			phase: 'submit',
		});
		const result = parseEnvelope(response, predictionSchema, 'submit');
		if (result.ok) return result.data;
		if (!shouldRetrySubmit(result.failure, attempt)) throw new WaveSpeedFailure(result.failure);
		const delay = backoffDelayMs(SUBMIT_RATE_LIMIT_RETRY, attempt, result.failure.retryAfterMs);
		if (Date.now() + delay > options.deadline) throw new WaveSpeedFailure(result.failure);
		await sleep(delay, cancelSignal(fx));
	}
}

/** Only a rate limit proves nothing was created; everything else after sending may have billed. */
export function shouldRetrySubmit(failure: Failure, attempt: number): boolean {
	return failure.kind === 'rateLimit' && failure.httpCode === 429 && attempt < SUBMIT_RATE_LIMIT_RETRY.maxAttempts;
}

export function stoppedFailure(): WaveSpeedFailure {
	return new WaveSpeedFailure({
		kind: 'cancelled',
		message: 'Not started because an earlier item failed',
		hint: 'Fix the first error, or turn on Continue On Fail to process the other items anyway.',
	});
}
