import { FailureError, withPredictionId } from '../../../nodes/shared/core/errors';
import { taskState, toTask } from '../../../nodes/shared/providers/wavespeed/api';
import { predictionSchema } from '../../../nodes/shared/providers/wavespeed/schemas';
import { assertSucceeded } from '../../../nodes/shared/item/wait';

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
