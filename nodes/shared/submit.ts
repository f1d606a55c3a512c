/** Submission: the one billable request. Sent once; only a definite refusal for a rate limit (nothing created) is sent again. */
import type { IExecuteFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { Failure } from './errors';
import { cancelledFailure, FailureError } from './errors';
import type { Job, JobRequest, Provider } from './providers/provider';
import { backoffDelayMs, SUBMIT_RATE_LIMIT_RETRY } from './retry';
import type { ApiTarget } from './transport';
import { cancelSignal, sendApiRequest, throwIfCancelled } from './transport';

export interface SubmitOptions {
	/** How long the POST may be held open (sync mode holds it until the result exists). */
	timeoutMs: number;
	/** No rate-limit wait may go past this. */
	deadline: number;
	/** Checked before each attempt: the batch may have been stopped by another item's failure. */
	shouldStop?: () => boolean;
}

export async function submitJob(
	fx: IExecuteFunctions,
	provider: Provider,
	api: ApiTarget,
	request: JobRequest,
	options: SubmitOptions,
): Promise<Job> {
	const call = provider.submitCall(request);
	for (let attempt = 1; ; attempt++) {
		throwIfCancelled(fx);
		if (options.shouldStop?.()) throw cancelledFailure('notStarted');
		// A network error here is ambiguous (the task may exist): it propagates and is never retried.
		const response = await sendApiRequest(fx, api, { ...call, timeoutMs: options.timeoutMs, phase: 'submit' });
		const answer = provider.readSubmit(response);
		if (answer.type === 'accepted') return answer.job;
		// Only a refusal created nothing; an ambiguous answer is never sent again, whatever it says.
		if (answer.type === 'ambiguous' || !shouldRetrySubmit(answer.failure, attempt)) throw new FailureError(answer.failure);
		const delay = backoffDelayMs(SUBMIT_RATE_LIMIT_RETRY, attempt, answer.failure.retryAfterMs);
		if (Date.now() + delay > options.deadline) throw new FailureError(answer.failure);
		await sleep(delay, cancelSignal(fx));
	}
}

/** Of the refusals, only a rate limit passes by itself; everything else would be refused again. */
export function shouldRetrySubmit(failure: Failure, attempt: number): boolean {
	return failure.kind === 'rateLimit' && failure.httpCode === 429 && attempt < SUBMIT_RATE_LIMIT_RETRY.maxAttempts;
}
