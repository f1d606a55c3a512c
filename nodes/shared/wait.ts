/** Waiting for a prediction: which statuses end it, when to look next, and the poll loop. */
import type { IExecuteFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { describeTaskFailure, describeTimeout, WaveSpeedFailure } from './errors';
import type { Sighting, WorkTimes } from './pollSchedule';
import { learnedSpread, nextLookDelayMs, timeoutCreditMs, workTimeSample } from './pollSchedule';
import { FREE_REQUEST_RETRY } from './retry';
import type { Prediction } from './schemas';
import { predictionSchema } from './schemas';
import { settle } from './settle';
import type { FlightView } from './serverSlots';
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

export interface PollOptions {
	pollIntervalMs: number;
	/** Absolute time after which we stop and report the prediction as still running. */
	deadline: number;
	timeoutSeconds: number;
	submittedAt: number;
	/** Learned work times of this task's kind: where the looks go (see pollSchedule). Blind grid without. */
	workTimes?: WorkTimes;
	/** This task among the run's others: queue position, and whether its queue time is ours to forgive. */
	flight?: FlightView;
	/** Told what the looks saw once the task ended (for queuedMs and the server's concurrency). */
	onSighting?: (sighting: Sighting) => void;
	shouldStop?: () => boolean;
}

export async function fetchPrediction(fx: IExecuteFunctions, api: ApiTarget, id: string, deadline?: number): Promise<Prediction> {
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
	const since = (at: number) => at - options.submittedAt;
	const seen: Omit<Sighting, 'detectedMs'> & { queuedUntilMs: number } = { queuedUntilMs: 0 };
	let lastLookMs: number | undefined;
	let queued = false;
	let creditMs = 0;
	let last: Prediction | undefined;
	for (;;) {
		const elapsedMs = since(Date.now());
		// Re-read each time: tasks of this kind that finished meanwhile sharpen the schedule of those still running.
		const spread = learnedSpread(options.workTimes?.samples() ?? []);
		const look = { elapsedMs, lastLookMs, queuedUntilMs: seen.queuedUntilMs, queued, pollIntervalMs: options.pollIntervalMs, spread };
		const delay = nextLookDelayMs({ ...look, position: queued ? options.flight?.position() : undefined });
		// Queued behind this run's own tasks: that wait is credited to the deadline after the look.
		const forgiven = queued && (options.flight?.othersWorking() ?? 0) > 0;
		if (!forgiven && Date.now() + delay > options.deadline + creditMs) {
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
		const lookedAt = since(Date.now());
		const fetched = await settle(fetchPrediction(fx, api, id, options.deadline + creditMs));
		// Spacing counts from the answer, not the send: however long a request takes to leave, WaveSpeed never
		// sees two looks closer than the interval.
		const answeredAt = since(Date.now());
		if (!fetched.ok) throw withPredictionId(fetched.error, id, last?.status);
		last = fetched.value;
		if (isTerminal(last.status)) {
			const sighting: Sighting = { ...seen, detectedMs: answeredAt, inferenceMs: last.timings?.inference ?? last.executionTime };
			if (isSuccess(last.status)) options.workTimes?.record(workTimeSample(sighting));
			options.onSighting?.(sighting);
			return last;
		}
		queued = last.status === 'created';
		creditMs += timeoutCreditMs({ queued, othersWorking: options.flight?.othersWorking() ?? 0, sinceLastLookMs: answeredAt - (lastLookMs ?? 0) });
		options.flight?.looked(queued ? 'queued' : 'working', lookedAt);
		// Bounds: queued at least until the look was sent, working at the latest when its answer came.
		if (queued) seen.queuedUntilMs = seen.lastQueuedMs = lookedAt;
		else seen.firstWorkingMs ??= answeredAt;
		seen.lastMissMs = lookedAt;
		lastLookMs = answeredAt;
	}
}
