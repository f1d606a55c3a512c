/** Waiting for a prediction: which statuses end it, when to look next, and the poll loop. */
import type { IExecuteFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { describeTaskFailure, describeTimeout, WaveSpeedFailure } from './errors';
import { FREE_REQUEST_RETRY } from './retry';
import type { Prediction } from './schemas';
import { isSafePredictionId, predictionSchema } from './schemas';
import { settle } from './settle';
import type { ApiTarget } from './transport';
import { cancelSignal, readEnvelope, sendApiRequest, throwIfCancelled, withRetries } from './transport';

const SUCCESS = new Set(['completed', 'succeeded']);
const TERMINAL_FAILURES = new Set(['failed', 'cancelled', 'canceled', 'timeout', 'deleted']);

/** Unknown statuses count as still running until the caller's deadline. */
export function isTerminal(status: string): boolean {
	return SUCCESS.has(status) || TERMINAL_FAILURES.has(status);
}

export function isSuccess(status: string): boolean {
	return SUCCESS.has(status);
}

/** Adds the prediction id to a failure that happened after submission, so the user can recover the result. */
export function withPredictionId(error: unknown, predictionId: string, status?: string): unknown {
	return error instanceof WaveSpeedFailure ? error.withPrediction(predictionId, status) : error;
}

/** Throws the task's own failure when the prediction ended without success. */
export function assertSucceeded(prediction: Prediction): Prediction {
	if (isSuccess(prediction.status)) return prediction;
	throw new WaveSpeedFailure(describeTaskFailure(prediction.code ?? undefined, prediction.error ?? '', prediction.id, prediction.status));
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

/** Tasks of one kind (model, quality, resolution) take similar times; n8n is long-running, so keep learning across runs. */
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
 * Never closer than the poll interval to the previous look (WaveSpeed asks for at least 2 s for images),
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

export async function fetchPrediction(fx: IExecuteFunctions, api: ApiTarget, id: string, deadline?: number): Promise<Prediction> {
	// Ids come from the API or from memory; one that could change the URL's path is never sent.
	if (!isSafePredictionId(id)) {
		throw new WaveSpeedFailure({
			kind: 'malformed',
			message: `The prediction id ${JSON.stringify(id.slice(0, 60))} is not safe to use in a URL`,
			hint: 'Check the Predictions page of your WaveSpeed dashboard for the task.',
		});
	}
	return await withRetries(
		fx,
		FREE_REQUEST_RETRY,
		async () => {
			const response = await sendApiRequest(fx, api, {
				method: 'GET',
				path: `/api/v3/predictions/${encodeURIComponent(id)}/result`,
				phase: 'result',
			});
			return readEnvelope(response, predictionSchema, 'result');
		},
		deadline,
	);
}

/** Polls until the prediction ends or the deadline passes; transient errors are retried, not fatal. */
export async function pollUntilDone(fx: IExecuteFunctions, api: ApiTarget, id: string, options: PollOptions): Promise<Prediction> {
	let lastPollAt: number | undefined;
	let lastMissMs: number | undefined;
	let last: Prediction | undefined;
	for (;;) {
		const now = Date.now();
		const delay = nextPollDelayMs({
			elapsedMs: now - options.submittedAt,
			sinceLastPollMs: lastPollAt === undefined ? undefined : now - lastPollAt,
			pollIntervalMs: options.pollIntervalMs,
			estimateMs: options.estimator?.estimateMs(),
		});
		if (now + delay > options.deadline) {
			throw new WaveSpeedFailure(describeTimeout(id, last?.status ?? 'processing', options.timeoutSeconds));
		}
		if (delay > 0) await sleep(delay, cancelSignal(fx));
		throwIfCancelled(fx);
		if (options.shouldStop?.()) {
			throw new WaveSpeedFailure({
				kind: 'cancelled',
				predictionId: id,
				status: last?.status,
				message: 'Stopped waiting because an earlier item failed',
				hint: 'Fix the first error, or turn on Continue On Fail.',
			});
		}
		const lookedAt = Date.now();
		const fetched = await settle(fetchPrediction(fx, api, id, options.deadline));
		// Spacing counts from the answer, not the send: however long a request takes to leave, WaveSpeed never
		// sees two looks closer than the interval.
		lastPollAt = Date.now();
		if (!fetched.ok) throw withPredictionId(fetched.error, id, last?.status);
		last = fetched.value;
		if (isTerminal(last.status)) {
			if (isSuccess(last.status)) {
				const inferenceMs = last.timings?.inference ?? last.executionTime;
				options.estimator?.record(durationSample({ inferenceMs, lastMissMs, detectedMs: Date.now() - options.submittedAt }));
			}
			return last;
		}
		lastMissMs = lookedAt - options.submittedAt;
	}
}
