import { FailureError, withPredictionId } from '../../nodes/shared/errors';
import { jobState, toJob } from '../../nodes/shared/providers/wavespeed/api';
import { predictionSchema } from '../../nodes/shared/providers/wavespeed/schemas';
import {
	assertSucceeded,
	CompletionEstimator,
	durationSample,
	estimatorFor,
	ESTIMATE_MARGIN_MS,
	nextPollDelayMs,
	pollGapMs,
} from '../../nodes/shared/wait';

const prediction = (fields: Record<string, unknown>) => toJob(predictionSchema.parse({ id: 'pred-1', status: 'completed', ...fields }));

describe('jobState', () => {
	test.each(['completed', 'succeeded'])('%s ends the wait successfully', (status) => {
		expect(jobState(status)).toBe('succeeded');
	});

	test.each(['failed', 'cancelled', 'canceled', 'timeout', 'deleted'])('%s ends the wait without success', (status) => {
		expect(jobState(status)).toBe('failed');
	});

	test.each(['created', 'processing', 'queued', 'starting', 'something-new', ''])('%j is still running (unknown statuses are not terminal)', (status) => {
		expect(jobState(status)).toBe('running');
	});
});

describe('assertSucceeded', () => {
	test('returns a completed prediction unchanged', () => {
		const done = prediction({ outputs: ['https://cdn.example.com/a.png'] });
		expect(assertSucceeded(done)).toBe(done);
	});

	test("throws the task's own failure, carrying the prediction id, code and error text", () => {
		const failed = prediction({ id: 'pred-42', status: 'failed', code: 1402, error: 'could not download image' });
		let thrown: unknown;
		try {
			assertSucceeded(failed);
		} catch (error) {
			thrown = error;
		}
		expect(thrown).toBeInstanceOf(FailureError);
		const { failure } = thrown as FailureError;
		expect(failure).toMatchObject({ kind: 'task', predictionId: 'pred-42', status: 'failed', taskCode: 1402 });
		expect(failure.message).toContain('could not download image');
		expect(failure.hint).toMatch(/public/);
	});

	test('a failed prediction without code or error still throws with its status', () => {
		expect(() => assertSucceeded(prediction({ status: 'cancelled' }))).toThrow(/"cancelled"/);
	});
});

describe('withPredictionId', () => {
	test('adds the prediction id to a failure that has none', () => {
		const error = new FailureError({ kind: 'network', message: 'reset', hint: 'h' });
		const result = withPredictionId(error, 'pred-7', 'processing') as FailureError;
		expect(result.failure.predictionId).toBe('pred-7');
		expect(result.failure.status).toBe('processing');
	});

	test('keeps an id that is already there', () => {
		const error = new FailureError({ kind: 'task', message: 'x', hint: 'h', predictionId: 'original' });
		expect((withPredictionId(error, 'other') as FailureError).failure.predictionId).toBe('original');
	});

	test('passes any other error through untouched', () => {
		const error = new TypeError('boom');
		expect(withPredictionId(error, 'pred-7')).toBe(error);
		expect(withPredictionId('text', 'pred-7')).toBe('text');
	});
});

describe('CompletionEstimator', () => {
	test('has no estimate before the first task finished', () => {
		expect(new CompletionEstimator().estimateMs()).toBeUndefined();
	});

	test('estimates the median of recorded durations, not the mean', () => {
		const estimator = new CompletionEstimator();
		for (const ms of [3000, 100000, 2000, 2500, 2800]) estimator.record(ms);
		expect(estimator.estimateMs()).toBe(2800);
	});

	test('with an even number of samples the estimate is one of the two middle values', () => {
		const estimator = new CompletionEstimator();
		for (const ms of [1000, 4000, 2000, 3000]) estimator.record(ms);
		expect([2000, 3000]).toContain(estimator.estimateMs());
	});

	test('counts a zero duration: tasks that finish at once make the next first look come at once', () => {
		const estimator = new CompletionEstimator();
		estimator.record(0);
		expect(estimator.estimateMs()).toBe(0);
	});

	test.each([-5, Number.NaN, Number.POSITIVE_INFINITY, null, undefined])('ignores the meaningless duration %p', (value) => {
		const estimator = new CompletionEstimator();
		estimator.record(value);
		expect(estimator.estimateMs()).toBeUndefined();
	});

	test('only the most recent 25 durations count', () => {
		const estimator = new CompletionEstimator();
		for (let i = 0; i < 25; i++) estimator.record(1000);
		for (let i = 0; i < 25; i++) estimator.record(9000);
		expect(estimator.estimateMs()).toBe(9000);
		for (let i = 0; i < 13; i++) estimator.record(5000);
		expect(estimator.estimateMs()).toBe(5000);
	});
});

describe('durationSample', () => {
	test('uses the detection time when nothing else is known', () => {
		expect(durationSample({ detectedMs: 4200 })).toBe(4200);
	});

	test("uses the server's inference time as a lower bound when it is larger than the last miss", () => {
		expect(durationSample({ inferenceMs: 3000, lastMissMs: 2000, detectedMs: 4500 })).toBe(3000);
	});

	test('uses the last look that found the task unfinished when it is later than the inference time', () => {
		expect(durationSample({ inferenceMs: 1000, lastMissMs: 2500, detectedMs: 4500 })).toBe(2500);
	});

	test('never exceeds the time the task was seen done', () => {
		expect(durationSample({ inferenceMs: 9000, detectedMs: 4500 })).toBe(4500);
	});

	test('a null inference time is ignored', () => {
		expect(durationSample({ inferenceMs: null, detectedMs: 4500 })).toBe(4500);
	});

	test('an inference time of 0 is a real lower bound: an instant task does not teach a 1 s wait', () => {
		expect(durationSample({ inferenceMs: 0, detectedMs: 1000 })).toBe(0);
	});
});

describe('pollGapMs', () => {
	test('is the configured interval for the first minute', () => {
		expect(pollGapMs(0, 2000)).toBe(2000);
		expect(pollGapMs(59_999, 2000)).toBe(2000);
	});

	test('grows to 1.5x after 60 s and to 2.5x after 180 s', () => {
		expect(pollGapMs(60_000, 2000)).toBe(3000);
		expect(pollGapMs(179_999, 2000)).toBe(3000);
		expect(pollGapMs(180_000, 2000)).toBe(5000);
		expect(pollGapMs(3_600_000, 2000)).toBe(5000);
	});

	test('the growth is capped at 20 s', () => {
		expect(pollGapMs(180_000, 8000)).toBe(20_000);
		expect(pollGapMs(100_000, 8000)).toBe(12_000);
	});
});

describe('nextPollDelayMs', () => {
	const interval = 2000;

	test('without an estimate, the first poll comes one interval after submit', () => {
		expect(nextPollDelayMs({ elapsedMs: 0, pollIntervalMs: interval })).toBe(2000);
		expect(nextPollDelayMs({ elapsedMs: 500, pollIntervalMs: interval })).toBe(1500);
	});

	test('with an estimate, the first poll lands just after the expected finish', () => {
		expect(nextPollDelayMs({ elapsedMs: 0, pollIntervalMs: interval, estimateMs: 3000 })).toBe(3000 + ESTIMATE_MARGIN_MS);
		expect(nextPollDelayMs({ elapsedMs: 400, pollIntervalMs: interval, estimateMs: 3000 })).toBe(3000 + ESTIMATE_MARGIN_MS - 400);
		expect(ESTIMATE_MARGIN_MS).toBeGreaterThan(0);
		expect(ESTIMATE_MARGIN_MS).toBeLessThan(1000);
	});

	test('without an estimate, the first poll waits min(interval, 1 s) at least', () => {
		expect(nextPollDelayMs({ elapsedMs: 0, pollIntervalMs: interval })).toBe(interval);
		expect(nextPollDelayMs({ elapsedMs: 5000, pollIntervalMs: interval })).toBe(1000);
		expect(nextPollDelayMs({ elapsedMs: 0, pollIntervalMs: 1000 })).toBe(1000);
	});

	test('with an estimate, the first poll lands just after it, even for quick tasks', () => {
		expect(nextPollDelayMs({ elapsedMs: 0, pollIntervalMs: interval, estimateMs: 100 })).toBe(100 + ESTIMATE_MARGIN_MS);
		expect(nextPollDelayMs({ elapsedMs: 0, pollIntervalMs: 1000, estimateMs: 0 })).toBe(ESTIMATE_MARGIN_MS);
		// Already past the estimate: look now.
		expect(nextPollDelayMs({ elapsedMs: 5000, pollIntervalMs: interval, estimateMs: 3000 })).toBe(0);
	});

	test('after the first poll, the next one is exactly one interval after the previous look', () => {
		expect(nextPollDelayMs({ elapsedMs: 3000, sinceLastPollMs: 0, pollIntervalMs: interval })).toBe(2000);
		expect(nextPollDelayMs({ elapsedMs: 3500, sinceLastPollMs: 500, pollIntervalMs: interval })).toBe(1500);
	});

	test('after the first poll, the estimate no longer pulls the next look closer than the interval', () => {
		expect(nextPollDelayMs({ elapsedMs: 3000, sinceLastPollMs: 0, pollIntervalMs: interval, estimateMs: 3100 })).toBe(2000);
	});

	test('never returns a negative delay when the last look is long past', () => {
		expect(nextPollDelayMs({ elapsedMs: 30_000, sinceLastPollMs: 10_000, pollIntervalMs: interval })).toBe(0);
	});

	test('the spacing between looks is never below the interval, for a sequence of looks', () => {
		// Simulate looks: each delay is taken right after the previous look.
		let elapsed = 0;
		let sinceLast: number | undefined;
		const looks: number[] = [];
		while (elapsed < 300_000) {
			const delay = nextPollDelayMs({ elapsedMs: elapsed, sinceLastPollMs: sinceLast, pollIntervalMs: interval, estimateMs: 2500 });
			elapsed += delay;
			looks.push(elapsed);
			sinceLast = 0;
		}
		const gaps = looks.slice(1).map((t, i) => t - looks[i]);
		expect(Math.min(...gaps)).toBeGreaterThanOrEqual(interval);
		expect(looks[0]).toBe(2500 + ESTIMATE_MARGIN_MS);
	});

	test('polls less often after 60 s and after 180 s', () => {
		expect(nextPollDelayMs({ elapsedMs: 30_000, sinceLastPollMs: 0, pollIntervalMs: interval })).toBe(2000);
		expect(nextPollDelayMs({ elapsedMs: 90_000, sinceLastPollMs: 0, pollIntervalMs: interval })).toBe(3000);
		expect(nextPollDelayMs({ elapsedMs: 200_000, sinceLastPollMs: 0, pollIntervalMs: interval })).toBe(5000);
	});
});

describe('estimatorFor', () => {
	test('remembers durations per kind for the life of the process, apart from other kinds', () => {
		const kind = `edit|high|4k|${Math.random()}`;
		estimatorFor(kind).record(30_000);
		expect(estimatorFor(kind).estimateMs()).toBe(30_000);
		expect(estimatorFor(`${kind}-other`).estimateMs()).toBeUndefined();
	});
});
