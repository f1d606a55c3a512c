import { FailureError } from '../../../nodes/shared/core/errors';
import { isoTime, parseGetManyPlan, RETURN_ALL_MAX } from '../../../nodes/shared/params/getManyPlan';

const failureOf = (work: () => unknown) => {
	try {
		work();
	} catch (error) {
		if (error instanceof FailureError) return error.failure;
		throw error;
	}
	throw new Error('expected a failure');
};

describe('parseGetManyPlan', () => {
	test('defaults: 50 of this node\'s model, any status, no window, no downloads, downloads bounded by 600 s', () => {
		expect(parseGetManyPlan({})).toEqual({ max: 50, returnAll: false, thisModel: true, downloadImages: false, timeoutSeconds: 600 });
	});

	test('Return All reads up to the cap whatever Limit says', () => {
		expect(parseGetManyPlan({ returnAll: true, limit: 0 }).max).toBe(RETURN_ALL_MAX);
	});

	test('filters in the node\'s words: Any model, a status, a window as UTC ISO times', () => {
		const plan = parseGetManyPlan({ limit: '7', filters: { model: 'any', status: 'failed', createdAfter: '2026-12-01T10:00:00+01:00', createdBefore: new Date('2026-12-02T00:00:00Z') } });
		expect(plan).toEqual({ max: 7, returnAll: false, thisModel: false, state: 'failed', createdAfter: '2026-12-01T09:00:00.000Z', createdBefore: '2026-12-02T00:00:00.000Z', downloadImages: false, timeoutSeconds: 600 });
	});

	test.each([
		[{ limit: 1.5 }, 'Limit 1.5 is out of range', 'Use a whole number from 1 to 1000, or turn on Return All.'],
		[{ options: { timeout: 5 } }, 'Options > Timeout (Seconds) 5 must be at least 10 seconds', 'Use a number of seconds from 10 to 86400.'],
		[{ filters: { model: 'other' } }, 'Filters > Model "other" is not a supported value', 'Use one of: node, any.'],
		[{ filters: { createdAfter: '2026-12-03T00:00:00Z', createdBefore: '2026-12-02T00:00:00Z' } }, 'Filters > Created After (2026-12-03T00:00:00.000Z) is later than Created Before (2026-12-02T00:00:00.000Z)', 'Swap the two dates, or remove one of them.'],
	])('%j is refused with the fix', (raw, message, hint) => {
		expect(failureOf(() => parseGetManyPlan(raw))).toMatchObject({ kind: 'input', message, hint });
	});
});

describe('isoTime', () => {
	test('a Luxon-like DateTime from an expression, and an empty value', () => {
		expect(isoTime({ toMillis: () => Date.UTC(2026, 11, 1) }, 'X')).toBe('2026-12-01T00:00:00.000Z');
		expect(isoTime('', 'X')).toBeUndefined();
	});
});
