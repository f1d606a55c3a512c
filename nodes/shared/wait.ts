/** Waiting for a prediction: when to look next, and the poll loop. Providers say what an answer means. */
import type { IExecuteFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { cancelledFailure, describeTimeout, FailureError, withPredictionId } from './errors';
import type { Job, Provider } from './providers/provider';
import { FREE_REQUEST_RETRY } from './retry';
import { settle } from './settle';
import type { ApiTarget } from './transport';
import { cancelSignal, sendApiRequest, throwIfCancelled, withRetries } from './transport';

/** Throws the task's own failure when the job ended without success. */
export function assertSucceeded(job: Job): Job {
	if (job.state === 'succeeded') return job;
	throw new FailureError(job.failure ?? { kind: 'task', message: `The task ended with status "${job.status}"`, hint: 'Running it again creates a new billed task.', predictionId: job.id, status: job.status });
}

/**
 * Learns how long tasks take in this execution, so the first poll lands just after the task should finish
 * instead of on a fixed clock.
 */
export class CompletionEstimator {
	private readonly samples: number[] = [];

	record(durationMs: number | null | undefined): void {
		if (typeof durationMs !== 'number' || !Number.isFinite(durationMs) || durationMs < 0) return;
		this.samples.push(durationMs);
		if (this.samples.length > 25) this.samples.shift();
	}

	/** Median of recent durations, or undefined before the first task finished. */
	estimateMs(): number | undefined {
		if (this.samples.length === 0) return undefined;
		const sorted = [...this.samples].sort((a, b) => a - b);
		return sorted[Math.floor(sorted.length / 2)];
	}
}

/**
 * Tasks of one kind take similar times; n8n is long-running, so keep learning across runs. The kind names the
 * provider and Base URL too (see execute.ts), so two providers never share what was learned.
 */
const estimatorsByKind = new Map<string, CompletionEstimator>();
const KINDS_REMEMBERED = 64;

export function estimatorFor(kind: string): CompletionEstimator {
	let estimator = estimatorsByKind.get(kind);
	if (!estimator) {
		if (estimatorsByKind.size >= KINDS_REMEMBERED) estimatorsByKind.delete(estimatorsByKind.keys().next().value as string);
		estimator = new CompletionEstimator();
		estimatorsByKind.set(kind, estimator);
	}
	return estimator;
}

/**
 * One sample of how long a task took from submit, from what we saw: the server's inference time and the last
 * look that found it unfinished are lower bounds; the look that found it done is an upper bound.
 */
export function durationSample(seen: { inferenceMs?: number | null; lastMissMs?: number; detectedMs: number }): number {
	const hasLowerBound = typeof seen.inferenceMs === 'number' || seen.lastMissMs !== undefined;
	if (!hasLowerBound) return seen.detectedMs;
	return Math.min(Math.max(seen.inferenceMs ?? 0, seen.lastMissMs ?? 0), seen.detectedMs);
}

/** Small margin after the expected finish, to land just after the server marks the task completed. */
export const ESTIMATE_MARGIN_MS = 150;

/**
 * How long to wait before the next look at a prediction.
 * Never closer than the poll interval to the previous look (the providers ask for at least 2 s for images),
 * aimed just after the expected finish when one is known, and growing for long tasks.
 */
export function nextPollDelayMs(input: {
	elapsedMs: number; // since submit
	sinceLastPollMs?: number; // undefined before the first poll
	pollIntervalMs: number;
	estimateMs?: number;
}): number {
	const gap = pollGapMs(input.elapsedMs, input.pollIntervalMs);
	// Without an estimate the first look waits up to a second; with one, it may come as early as the estimate says.
	const firstLook = input.estimateMs === undefined ? Math.min(gap, 1000) : 0;
	const earliest = input.sinceLastPollMs === undefined ? firstLook : gap - input.sinceLastPollMs;
	let target: number;
	if (input.sinceLastPollMs === undefined && input.estimateMs !== undefined) {
		target = input.estimateMs + ESTIMATE_MARGIN_MS - input.elapsedMs;
	} else {
		target = input.sinceLastPollMs === undefined ? gap - input.elapsedMs : gap - input.sinceLastPollMs;
	}
	return Math.max(0, Math.round(Math.max(earliest, target)));
}

/** The minimum spacing of looks: the configured interval for a minute, then wider for long tasks. */
export function pollGapMs(elapsedMs: number, pollIntervalMs: number): number {
	if (elapsedMs < 60_000) return pollIntervalMs;
	// Growth is capped at 20 s, but never below what the user asked for.
	if (elapsedMs < 180_000) return Math.max(pollIntervalMs, Math.min(pollIntervalMs * 1.5, 20_000));
	return Math.max(pollIntervalMs, Math.min(pollIntervalMs * 2.5, 20_000));
}

export interface PollOptions {
	pollIntervalMs: number;
	/** Absolute time after which we stop and report the prediction as still running. */
	deadline: number;
	timeoutSeconds: number;
	submittedAt: number;
	estimator?: CompletionEstimator;
	shouldStop?: () => boolean;
}

/** Reads a prediction once (retrying transient failures, which are free). */
export async function fetchJob(fx: IExecuteFunctions, provider: Provider, api: ApiTarget, id: string, deadline?: number): Promise<Job> {
	return await withRetries(
		fx,
		FREE_REQUEST_RETRY,
		async () => {
			const response = await sendApiRequest(fx, api, { ...provider.resultCall(id), phase: 'result' });
			const answer = provider.readResult(response);
			if (!answer.ok) throw new FailureError(answer.failure);
			return answer.job;
		},
		deadline,
	);
}

/** Polls until the prediction ends or the deadline passes; transient errors are retried, not fatal. */
export async function pollUntilDone(fx: IExecuteFunctions, provider: Provider, api: ApiTarget, id: string, options: PollOptions): Promise<Job> {
	let lastPollAt: number | undefined;
	let lastMissMs: number | undefined;
	let last: Job | undefined;
	for (;;) {
		const now = Date.now();
		const delay = nextPollDelayMs({
			elapsedMs: now - options.submittedAt,
			sinceLastPollMs: lastPollAt === undefined ? undefined : now - lastPollAt,
			pollIntervalMs: options.pollIntervalMs,
			estimateMs: options.estimator?.estimateMs(),
		});
		if (now + delay > options.deadline) {
			throw new FailureError(describeTimeout(id, last?.status ?? 'processing', options.timeoutSeconds));
		}
		if (delay > 0) await sleep(delay, cancelSignal(fx));
		throwIfCancelled(fx);
		if (options.shouldStop?.()) throw cancelledFailure('stoppedWaiting', id, last?.status);
		const lookedAt = Date.now();
		const fetched = await settle(fetchJob(fx, provider, api, id, options.deadline));
		// Spacing counts from the answer, not the send: however long a request takes to leave, the provider never
		// sees two looks closer than the interval.
		lastPollAt = Date.now();
		if (!fetched.ok) throw withPredictionId(fetched.error, id, last?.status);
		last = fetched.value;
		if (last.state !== 'running') {
			if (last.state === 'succeeded') {
				options.estimator?.record(durationSample({ inferenceMs: last.inferenceMs, lastMissMs, detectedMs: Date.now() - options.submittedAt }));
			}
			return last;
		}
		lastMissMs = lookedAt - options.submittedAt;
	}
}
