import type { Failure } from '../../nodes/shared/errors';
import { cancelledFailure } from '../../nodes/shared/errors';
import { describeHttpFailure } from '../../nodes/shared/providers/wavespeed/errors';
import { SUBMIT_RATE_LIMIT_RETRY } from '../../nodes/shared/retry';
import { shouldRetrySubmit } from '../../nodes/shared/submit';
import { describeNetworkFailure } from '../../nodes/shared/transport';

describe('shouldRetrySubmit', () => {
	const rateLimit = describeHttpFailure(429, 'Too many requests', 'submit', 2000);

	test('a definite 429 (nothing was created) is sent again', () => {
		expect(shouldRetrySubmit(rateLimit, 1)).toBe(true);
	});

	test('the 429 retries are bounded by the policy', () => {
		const max = SUBMIT_RATE_LIMIT_RETRY.maxAttempts;
		expect(shouldRetrySubmit(rateLimit, max - 1)).toBe(true);
		expect(shouldRetrySubmit(rateLimit, max)).toBe(false);
		expect(shouldRetrySubmit(rateLimit, max + 10)).toBe(false);
	});

	test('a rate limit that did not come as HTTP 429 is not retried', () => {
		expect(shouldRetrySubmit({ ...rateLimit, httpCode: undefined }, 1)).toBe(false);
	});

	const neverRetried: Array<[string, Failure]> = [
		['500 server error', describeHttpFailure(500, '', 'submit')],
		['503 server error', describeHttpFailure(503, 'unavailable', 'submit')],
		['504 gateway timeout', describeHttpFailure(504, '', 'submit')],
		['network reset', describeNetworkFailure({ code: 'ECONNRESET' }, 'submit', 'WaveSpeed')],
		['client timeout', describeNetworkFailure({ code: 'ETIMEDOUT' }, 'submit', 'WaveSpeed')],
		['400 bad request', describeHttpFailure(400, 'invalid aspect_ratio', 'submit')],
		['401 auth', describeHttpFailure(401, '', 'submit')],
		['402 balance', describeHttpFailure(402, '', 'submit')],
		['429 with a balance message', describeHttpFailure(429, 'insufficient balance', 'submit')],
		['malformed answer', { kind: 'malformed', httpCode: 200, message: 'm', hint: 'h' }],
	];

	test.each(neverRetried)('a %s on submit is never sent again (it may have billed)', (_name, failure) => {
		for (let attempt = 1; attempt <= 3; attempt++) expect(shouldRetrySubmit(failure, attempt)).toBe(false);
	});
});

describe("cancelledFailure('notStarted')", () => {
	test('says the item did not start because an earlier one failed, and how to go on', () => {
		const { failure } = cancelledFailure('notStarted');
		expect(failure.kind).toBe('cancelled');
		expect(failure.message).toMatch(/earlier item failed/);
		expect(failure.hint).toMatch(/Continue On Fail/);
	});
});
