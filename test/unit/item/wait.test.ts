import type { IExecuteFunctions } from 'n8n-workflow';

import { FailureError, withPredictionId } from '../../../nodes/shared/core/errors';
import { providerFor } from '../../../nodes/shared/providers';
import { taskState, toTask } from '../../../nodes/shared/providers/wavespeed/api';
import { predictionSchema } from '../../../nodes/shared/providers/wavespeed/schemas';
import type { ApiTarget } from '../../../nodes/shared/http/transport';
import { assertSucceeded, pollUntilDone } from '../../../nodes/shared/item/wait';

const prediction = (fields: Record<string, unknown>) => toTask(predictionSchema.parse({ id: 'pred-1', status: 'completed', ...fields }));

describe('taskState', () => {
	test.each(['completed', 'succeeded'])('%s ends the wait successfully', (status) => {
		expect(taskState(status)).toBe('succeeded');
	});

	test.each(['failed', 'cancelled', 'canceled', 'timeout', 'deleted'])('%s ends the wait without success', (status) => {
		expect(taskState(status)).toBe('failed');
	});

	test.each(['created', 'processing', 'queued', 'starting', 'something-new', ''])('%j is still running (unknown statuses are not terminal)', (status) => {
		expect(taskState(status)).toBe('running');
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

describe('pollUntilDone on a fake clock: where the looks go', () => {
	const INTERVAL = 2000;
	const API: ApiTarget = { baseUrl: 'https://api.wavespeed.ai', label: 'WaveSpeed', headers: {}, credentials: { id: '1', name: 'WaveSpeed account', type: 'waveSpeedApi', data: {} } };

	beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
	afterEach(() => jest.useRealTimers());

	/**
	 * Polls a task that is found finished at look number `looks`; each answer takes answerMs, and each look may wake
	 * lateMs(look) after its timer (moved on the clock before it is sent). Returns the send times since submit.
	 */
	async function sendTimes(looks: number, answerMs: number, lateMs: (look: number) => number = () => 0, pollIntervalMs = INTERVAL): Promise<number[]> {
		const submittedAt = Date.now();
		const sent: number[] = [];
		const fx = {
			helpers: {
				httpRequestWithAuthentication: async () => {
					sent.push(Date.now() - submittedAt);
					jest.setSystemTime(Date.now() + answerMs);
					const status = sent.length >= looks ? 'completed' : 'processing';
					return { statusCode: 200, headers: {}, body: { code: 200, data: { id: 'pred-1', status, outputs: status === 'completed' ? ['https://cdn.example.com/a.png'] : [] } } };
				},
			},
		} as unknown as IExecuteFunctions;
		let woken = 0;
		const shouldStop = () => {
			jest.setSystemTime(Date.now() + lateMs(woken++));
			return false;
		};
		const done = pollUntilDone(fx, providerFor('wavespeed'), API, 'pred-1', { pollIntervalMs, deadline: submittedAt + 600_000, timeoutSeconds: 600, submittedAt, shouldStop });
		await jest.runAllTimersAsync();
		expect((await done).state).toBe('succeeded');
		return sent;
	}

	test('50 looks whose answers each take 6 ms stay on the planned grid, not 300 ms late', async () => {
		// At 1 s, so that all 50 fall within the first minute (the gaps widen after it).
		expect(await sendTimes(50, 6, undefined, 1000)).toEqual(Array.from({ length: 50 }, (_, k) => (k + 1) * 1000));
	});

	test('a look that wakes 300 ms late: the next waits only that shortfall, and none comes closer than the interval', async () => {
		const sent = await sendTimes(8, 6, (look) => (look === 2 ? 300 : 0));
		expect(sent).toEqual([2000, 4000, 6300, 8300, 10_300, 12_300, 14_300, 16_300]);
	});

	test('never closer than the interval, whatever the answer times and timer lateness', async () => {
		const sent = await sendTimes(30, 40, (look) => (look % 3) * 7);
		expect(Math.min(...sent.slice(1).map((at, i) => at - sent[i]))).toBeGreaterThanOrEqual(INTERVAL);
	});
});
