/**
 * Submission: the one billable request. Sent once; only a definite refusal for a rate limit (nothing created) is sent
 * again, paced for the whole batch and for as long as the row's Timeout allows. An answer the provider calls ambiguous
 * (a task may exist) and a network error on the submit are never sent again.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { Failure } from '../core/errors';
import { cancelledFailure, FailureError, possessive } from '../core/errors';
import { SubmitPacer } from '../schedule/pacing';
import type { Task, TaskRequest, Provider } from '../providers/provider';
import { settle } from '../core/settle';
import type { ApiTarget } from '../http/transport';
import { cancelSignal, sendApiRequest, throwIfCancelled } from '../http/transport';

/** Waits are cut into steps this long, so a stopped batch or a cancel is noticed soon. */
const WAIT_STEP_MS = 1000;

export interface SubmitOptions {
	/** How long the POST may be held open (sync mode holds it until the result exists). */
	timeoutMs: number;
	/** No rate-limit wait may go past this (the row's Timeout). */
	deadline: number;
	/** The row's Timeout in seconds, for the message when rate limits outlast it. */
	timeoutSeconds?: number;
	/** Checked before each attempt: the batch may have been stopped by another item's failure. */
	shouldStop?: () => boolean;
	/** Shared by the batch: a 429 for one row slows every row down. */
	pacer?: SubmitPacer;
	/** Checked before each attempt: throws once the provider said the balance ran out (another row's 402 while this one waited out 429s). */
	checkBalance?: () => void;
}

export async function submitTask(
	fx: IExecuteFunctions,
	provider: Provider,
	api: ApiTarget,
	request: TaskRequest,
	options: SubmitOptions,
): Promise<Task> {
	const call = provider.submitCall(request);
	const pacer = options.pacer ?? new SubmitPacer(1);
	let lastRateLimit: Failure | undefined;
	for (;;) {
		throwIfCancelled(fx);
		if (options.shouldStop?.()) throw cancelledFailure('notStarted');
		options.checkBalance?.();
		const wait = pacer.tryStart();
		if (wait > 0) {
			if (Date.now() + wait > options.deadline) throw new FailureError(rateLimitOutlasted(provider.label, lastRateLimit, options.timeoutSeconds));
			await sleep(Math.min(wait, WAIT_STEP_MS), cancelSignal(fx));
			continue;
		}
		// A network error here is ambiguous (the task may exist): it propagates and is never retried.
		const sent = await settle(sendApiRequest(fx, api, { ...call, timeoutMs: options.timeoutMs, phase: 'submit' }));
		if (!sent.ok) {
			pacer.finish('other');
			throw sent.error;
		}
		const answer = provider.readSubmit(sent.value);
		if (answer.type === 'accepted') {
			pacer.finish('accepted');
			return answer.task;
		}
		// Only a refusal created nothing; an ambiguous answer is never sent again, whatever it says.
		if (answer.type === 'refused' && shouldRetrySubmit(answer.failure)) {
			pacer.finish('rateLimited', answer.failure.retryAfterMs, answer.failure.capReached === true);
			lastRateLimit = answer.failure;
			continue;
		}
		pacer.finish('other');
		throw new FailureError(answer.failure);
	}
}

/** Of the refusals, only a rate limit passes by itself (however often: the row's Timeout bounds it, not a count). */
export function shouldRetrySubmit(failure: Failure): boolean {
	return failure.kind === 'rateLimit' && failure.httpCode === 429;
}

/** The row's Timeout ran out while the batch was held back by rate limits: nothing was created for it. */
export function rateLimitOutlasted(label: string, last: Failure | undefined, timeoutSeconds?: number): Failure {
	const within = timeoutSeconds ? ` within this row's Timeout (${timeoutSeconds} s)` : '';
	const said = last?.message.includes('): ') ? `: ${last.message.slice(last.message.indexOf('): ') + 3)}` : '';
	return {
		kind: 'rateLimit',
		httpCode: 429,
		message: `${possessive(label)} rate limit was reached (429) and no submit was accepted${within}${said}`,
		hint: `No task was created for this row, so nothing was billed. ${last?.hint ?? `Run it again later, lower Options > Max Concurrent Requests, raise Options > Timeout, or raise your ${label} account's level.`}`,
	};
}
