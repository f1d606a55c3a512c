import {
	backoffDelayMs,
	FREE_REQUEST_RETRY,
	isRetryableStatus,
	parseRetryAfterMs,
	type RetryPolicy,
} from '../../../nodes/shared/http/retry';

const policy: RetryPolicy = { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 8000, maxRetryAfterMs: 30000 };
const noJitter = () => 0.5; // 0.8 + 0.4 * 0.5 = 1.0

describe('backoffDelayMs', () => {
	test('doubles from the base delay with each attempt (no jitter)', () => {
		expect([1, 2, 3, 4, 5].map((attempt) => backoffDelayMs(policy, attempt, undefined, noJitter))).toEqual([500, 1000, 2000, 4000, 8000]);
	});

	test('is capped at the policy maximum', () => {
		expect(backoffDelayMs(policy, 6, undefined, noJitter)).toBe(8000);
		expect(backoffDelayMs(policy, 50, undefined, noJitter)).toBe(8000);
	});

	test('treats attempt 0 or below like the first attempt', () => {
		expect(backoffDelayMs(policy, 0, undefined, noJitter)).toBe(500);
		expect(backoffDelayMs(policy, -3, undefined, noJitter)).toBe(500);
	});

	test('jitter stays within -20% and +20% of the exponential delay', () => {
		expect(backoffDelayMs(policy, 3, undefined, () => 0)).toBe(1600);
		expect(backoffDelayMs(policy, 3, undefined, () => 0.999999)).toBe(2400);
		for (const r of [0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.999]) {
			const delay = backoffDelayMs(policy, 3, undefined, () => r);
			expect(delay).toBeGreaterThanOrEqual(1600);
			expect(delay).toBeLessThanOrEqual(2400);
		}
	});

	test('jitter never pushes the capped delay beyond 1.2x the cap', () => {
		expect(backoffDelayMs(policy, 20, undefined, () => 0.999999)).toBeLessThanOrEqual(9600);
	});

	test('honours Retry-After exactly, without jitter', () => {
		expect(backoffDelayMs(policy, 1, 7000, () => 0)).toBe(7000);
		expect(backoffDelayMs(policy, 5, 1234, () => 0.99)).toBe(1234);
	});

	test('honours a Retry-After of zero', () => {
		expect(backoffDelayMs(policy, 4, 0, noJitter)).toBe(0);
	});

	test('caps a long Retry-After at the policy limit', () => {
		expect(backoffDelayMs(policy, 1, 10 * 60 * 1000, noJitter)).toBe(30000);
	});

	test('ignores a negative Retry-After and backs off normally', () => {
		expect(backoffDelayMs(policy, 2, -5, noJitter)).toBe(1000);
	});

	test('the shipped policies are bounded', () => {
		for (const p of [FREE_REQUEST_RETRY]) {
			expect(p.maxAttempts).toBeGreaterThan(1);
			expect(Number.isFinite(p.maxAttempts)).toBe(true);
			expect(p.maxDelayMs).toBeGreaterThanOrEqual(p.baseDelayMs);
		}
	});
});

describe('parseRetryAfterMs', () => {
	const now = Date.parse('2026-01-01T00:00:00Z');

	test('reads whole seconds', () => {
		expect(parseRetryAfterMs('3', now)).toBe(3000);
		expect(parseRetryAfterMs('0', now)).toBe(0);
		expect(parseRetryAfterMs(' 12 ', now)).toBe(12000);
	});

	test('reads decimal seconds', () => {
		expect(parseRetryAfterMs('1.5', now)).toBe(1500);
	});

	test('reads a numeric header value', () => {
		expect(parseRetryAfterMs(4, now)).toBe(4000);
	});

	test('reads an HTTP date as the time left until then', () => {
		expect(parseRetryAfterMs('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30000);
	});

	test('a date in the past means no wait', () => {
		expect(parseRetryAfterMs('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
	});

	test.each(['soon', 'abc', '5 seconds', '1e3', ''])('ignores the garbage value %j', (header) => {
		expect(parseRetryAfterMs(header, now)).toBeUndefined();
	});

	test.each([undefined, null, {}, ['3']])('ignores a missing or non-text header (%p)', (header) => {
		expect(parseRetryAfterMs(header, now)).toBeUndefined();
	});
});

describe('isRetryableStatus', () => {
	test.each([408, 429, 500, 502, 503, 504, 599])('%i is retryable for free requests', (status) => {
		expect(isRetryableStatus(status)).toBe(true);
	});

	test.each([200, 400, 401, 402, 403, 404, 409, 422])('%i is not retryable', (status) => {
		expect(isRetryableStatus(status)).toBe(false);
	});
});
