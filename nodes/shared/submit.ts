/**
 * Submission: the one billable request. Sent once; only a definite 429 (nothing created) is sent again, paced for the
 * whole batch and for as long as the row's Timeout allows. Anything that may have created a task is never resent.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { Failure } from './errors';
import { WaveSpeedFailure } from './errors';
import { SubmitPacer } from './pacing';
import type { ModelId, Prediction, SubmitRequest } from './schemas';
import { submitRequestSchema } from './schemas';
import { settle } from './settle';
import { classifySubmitAnswer } from './submitAnswer';
import type { ApiTarget } from './transport';
import { cancelSignal, sendApiRequest, throwIfCancelled } from './transport';

/** Waits are cut into steps this long, so a stopped batch or a cancel is noticed soon. */
const WAIT_STEP_MS = 1000;

export interface SubmitOptions {
	webhookUrl?: string;
	/** How long the POST may be held open (sync mode holds it until the result exists). */
	timeoutMs: number;
	/** No rate-limit wait may go past this (the row's Timeout). */
	deadline: number;
	timeoutSeconds?: number;
	/** Checked before each attempt: the batch may have been stopped by another item's failure. */
	shouldStop?: () => boolean;
	/** Shared by the batch: a 429 for one row slows every row down. */
	pacer?: SubmitPacer;
}

export async function submitPrediction(
	fx: IExecuteFunctions,
	api: ApiTarget,
	model: ModelId,
	body: SubmitRequest,
	options: SubmitOptions,
): Promise<Prediction> {
	const checkedBody = submitRequestSchema.strict().parse(body);
	const pacer = options.pacer ?? new SubmitPacer(1);
	let lastRateLimit: Failure | undefined;
	for (;;) {
		throwIfCancelled(fx);
		if (options.shouldStop?.()) throw stoppedFailure();
		const wait = pacer.tryStart();
		if (wait > 0) {
			if (Date.now() + wait > options.deadline) throw new WaveSpeedFailure(rateLimitOutlasted(lastRateLimit, options.timeoutSeconds));
			await sleep(Math.min(wait, WAIT_STEP_MS), cancelSignal(fx));
			continue;
		}
		// A network error or 5xx here is ambiguous (the task may exist): it propagates and is never retried.
		const sent = await settle(
			sendApiRequest(fx, api, {
				method: 'POST',
				path: `/api/v3/${model}`,
				qs: options.webhookUrl ? { webhook: options.webhookUrl } : undefined,
				body: checkedBody,
				timeoutMs: options.timeoutMs,
				phase: 'submit',
			}),
		);
		if (!sent.ok) {
			pacer.finish('other');
			throw sent.error;
		}
		const answer = classifySubmitAnswer(sent.value);
		if (answer.kind === 'accepted') {
			pacer.finish('accepted');
			return answer.prediction;
		}
		if (answer.kind === 'refused' && shouldRetrySubmit(answer.failure)) {
			pacer.finish('rateLimited', answer.failure.retryAfterMs);
			lastRateLimit = answer.failure;
			continue;
		}
		pacer.finish('other');
		throw new WaveSpeedFailure(answer.failure);
	}
}

/** Only a rate limit proves nothing was created; everything else after sending may have billed. */
export function shouldRetrySubmit(failure: Failure): boolean {
	return failure.kind === 'rateLimit' && failure.httpCode === 429;
}

/** The row's Timeout ran out while the batch was held back by rate limits: nothing was created for it. */
export function rateLimitOutlasted(last: Failure | undefined, timeoutSeconds?: number): Failure {
	const within = timeoutSeconds ? ` within this row's Timeout (${timeoutSeconds} s)` : '';
	return {
		kind: 'rateLimit',
		httpCode: 429,
		message: `WaveSpeed's rate limit was reached (429) and no submit was accepted${within}${last?.message.includes(':') ? `: ${last.message.slice(last.message.indexOf(':') + 2)}` : ''}`,
		hint: "No task was created for this row, so nothing was billed. Run it again later, lower Options > Max Concurrent Requests, raise Options > Timeout, or raise your WaveSpeed account's level.",
	};
}

export function stoppedFailure(): WaveSpeedFailure {
	return new WaveSpeedFailure({
		kind: 'cancelled',
		message: 'Not started because an earlier item failed',
		hint: 'Fix the first error, or turn on Continue On Fail to process the other items anyway.',
	});
}
