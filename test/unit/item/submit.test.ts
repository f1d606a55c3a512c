import type { Failure } from '../../../nodes/shared/core/errors';
import { cancelledFailure } from '../../../nodes/shared/core/errors';
import { describeHttpFailure } from '../../../nodes/shared/providers/wavespeed/errors';
import { rateLimitOutlasted, shouldRetrySubmit } from '../../../nodes/shared/item/submit';
import { describeNetworkFailure } from '../../../nodes/shared/http/transport';

describe('shouldRetrySubmit', () => {
	const rateLimit = describeHttpFailure(429, 'Too many requests', 'submit', 2000);

	test('a definite 429 (nothing was created) is sent again, however often: the row Timeout bounds it, not a count', () => {
		expect(shouldRetrySubmit(rateLimit)).toBe(true);
	});

	test('a rate limit that did not come as HTTP 429 is not retried', () => {
		expect(shouldRetrySubmit({ ...rateLimit, httpCode: undefined })).toBe(false);
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
		expect(shouldRetrySubmit(failure)).toBe(false);
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

describe('rateLimitOutlasted', () => {
	test('says no task was created for the row, and what to change', () => {
		const failure = rateLimitOutlasted('WaveSpeed', describeHttpFailure(429, 'Rate limit exceeded', 'submit', 1000), 600);
		expect(failure).toMatchObject({ kind: 'rateLimit', httpCode: 429 });
		expect(failure.message).toBe("WaveSpeed's rate limit was reached (429) and no submit was accepted within this row's Timeout (600 s): Rate limit exceeded");
		expect(failure.hint).toMatch(/^No task was created for this row, so nothing was billed\./);
	});
});
