/** Waiting for a prediction: when to look next, and the poll loop. Providers say what an answer means. */
import type { IExecuteFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { cancelledFailure, describeTimeout, FailureError, withPredictionId } from '../core/errors';
import type { Sighting, WorkTimes } from '../schedule/pollSchedule';
import { learnedSpread, nextLookDelayMs, plannedLookAtMs, timeoutCreditMs, workTimeSample } from '../schedule/pollSchedule';
import type { Task, Provider } from '../providers/provider';
import { FREE_REQUEST_RETRY } from '../http/retry';
import { isSafePredictionId } from '../core/schemas';
import { settle } from '../core/settle';
import type { FlightView } from '../schedule/serverSlots';
import type { ApiTarget } from '../http/transport';
import { cancelSignal, sendApiRequest, throwIfCancelled, withRetries } from '../http/transport';

/** Throws the task's own failure when it ended without success. */
export function assertSucceeded(task: Task): Task {
	if (task.state === 'succeeded') return task;
	throw new FailureError(task.failure ?? { kind: 'task', message: `The task ended with status "${task.status}"`, hint: 'Running it again creates a new billed task.', predictionId: task.id, status: task.status });
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
	/** This run created the task: a 404 is the result not readable yet (it can lag the create), looked at again until the deadline. */
	createdHere?: boolean;
}

const isNotFound = (error: unknown): boolean => error instanceof FailureError && error.failure.kind === 'notFound';

/** Reads a prediction once (retrying transient failures, which are free); `onSend` hears each request go. */
export async function fetchTask(fx: IExecuteFunctions, provider: Provider, api: ApiTarget, id: string, deadline?: number, onSend?: () => void): Promise<Task> {
	// Ids come from an answer or from memory; one that could change the URL's path is never sent.
	if (!isSafePredictionId(id)) {
		throw new FailureError({
			kind: 'malformed',
			message: `The prediction id ${JSON.stringify(id.slice(0, 60))} is not safe to use in a URL`,
			hint: `Check the Predictions page of your ${provider.label} dashboard for the task.`,
		});
	}
	return await withRetries(
		fx,
		FREE_REQUEST_RETRY,
		async () => {
			onSend?.();
			const response = await sendApiRequest(fx, api, { ...provider.resultCall(id), phase: 'result' });
			const answer = provider.readResult(response);
			if (!answer.ok) throw new FailureError(answer.failure);
			return answer.task;
		},
		deadline,
	);
}

/** Sleeps until the clock reads at least `at`: a timer may wake a millisecond early by the clock, and a look may never come early. */
async function sleepUntil(fx: IExecuteFunctions, at: number): Promise<void> {
	for (let left = at - Date.now(); left > 0 && !cancelSignal(fx)?.aborted; left = at - Date.now()) {
		await sleep(left, cancelSignal(fx));
	}
}

/** Polls until the prediction ends or the deadline passes; transient errors are retried, not fatal. */
export async function pollUntilDone(fx: IExecuteFunctions, provider: Provider, api: ApiTarget, id: string, options: PollOptions): Promise<Task> {
	const since = (at: number) => at - options.submittedAt;
	const seen: Omit<Sighting, 'detectedMs'> & { queuedUntilMs: number } = { queuedUntilMs: 0 };
	let lastLookMs: number | undefined;
	let lastPlannedMs: number | undefined;
	let lastAnsweredMs = 0;
	let queued = false;
	let creditMs = 0;
	let last: Task | undefined;
	let missing: unknown;
	for (;;) {
		const elapsedMs = since(Date.now());
		// Re-read each time: tasks of this kind that finished meanwhile sharpen the schedule of those still running.
		const spread = learnedSpread(options.workTimes?.samples() ?? []);
		const look = { elapsedMs, lastLookMs, lastPlannedMs, queuedUntilMs: seen.queuedUntilMs, queued, pollIntervalMs: options.pollIntervalMs, spread, position: queued ? options.flight?.position() : undefined };
		const delay = nextLookDelayMs(look);
		// Queued behind this run's own tasks: that wait is credited to the deadline after the look.
		const forgiven = queued && (options.flight?.othersWorking() ?? 0) > 0;
		if (!forgiven && Date.now() + delay > options.deadline + creditMs) {
			// Still unknown to the server after the whole Timeout: that 404 stands.
			if (missing) throw withPredictionId(missing, id, last?.status);
			throw new FailureError(describeTimeout(id, last?.status ?? 'processing', options.timeoutSeconds));
		}
		await sleepUntil(fx, options.submittedAt + elapsedMs + delay);
		throwIfCancelled(fx);
		if (options.shouldStop?.()) throw cancelledFailure('stoppedWaiting', id, last?.status);
		const lookedAt = since(Date.now());
		// Spacing counts from the last request sent (a retry included), not from its answer: counting from the answer
		// would push every later look by a round trip.
		let sentAt = lookedAt;
		const fetched = await settle(fetchTask(fx, provider, api, id, options.deadline + creditMs, () => (sentAt = since(Date.now()))));
		const answeredAt = since(Date.now());
		if (!fetched.ok && options.createdHere && isNotFound(fetched.error)) {
			missing = fetched.error;
			lastLookMs = sentAt;
			lastPlannedMs = plannedLookAtMs(look);
			lastAnsweredMs = answeredAt;
			continue;
		}
		if (!fetched.ok) throw withPredictionId(fetched.error, id, last?.status);
		missing = undefined;
		last = fetched.value;
		if (last.state !== 'running') {
			const sighting: Sighting = { ...seen, detectedMs: answeredAt, inferenceMs: last.inferenceMs };
			if (last.state === 'succeeded') options.workTimes?.record(workTimeSample(sighting));
			options.onSighting?.(sighting);
			return last;
		}
		queued = last.queued === true;
		creditMs += timeoutCreditMs({ queued, othersWorking: options.flight?.othersWorking() ?? 0, sinceLastLookMs: answeredAt - lastAnsweredMs });
		options.flight?.looked(queued ? 'queued' : 'working', lookedAt);
		// Bounds: queued at least until the look was sent, working at the latest when its answer came.
		if (queued) seen.queuedUntilMs = seen.lastQueuedMs = lookedAt;
		else seen.firstWorkingMs ??= answeredAt;
		seen.lastMissMs = lookedAt;
		lastLookMs = sentAt;
		lastPlannedMs = plannedLookAtMs(look);
		lastAnsweredMs = answeredAt;
	}
}
