/** Bugs found by review, pinned so they stay fixed. */
import { readItemPlan } from '../../nodes/shared/params/itemPlan';
import { outputFileName } from '../../nodes/shared/item/outputs';
import { parseRetryAfterMs } from '../../nodes/shared/http/retry';
import { describeUrlProblem } from '../../nodes/shared/core/urls';
import { longTaskGapMs, nextLookDelayMs } from '../../nodes/shared/schedule/pollSchedule';
import { FailureError } from '../../nodes/shared/core/errors';
import { waveSpeed } from '../../nodes/shared/providers/wavespeed';
import { fakeFx } from './fakeContext';


const generate = { operation: 'generateImage', aspectRatio: '1:1', resolution: '1k', quality: 'low', outputFormat: 'png', waitMode: 'poll', options: {} };

describe('regressions', () => {
	it.each([
		['', /^Prompt is empty/],
		['x'.repeat(32001), /^Prompt is 32,001 characters long/],
		['bell\u0007', /^Prompt contains control characters/],
	])('names the Prompt parameter in its message (%#)', (prompt, message) => {
		let failure: FailureError | undefined;
		try {
			readItemPlan(fakeFx({ ...generate, prompt }), 0, 'generate', waveSpeed);
		} catch (error) {
			failure = error as FailureError;
		}
		expect(failure?.failure.message).toMatch(message);
		expect(failure?.failure.hint).toBe('Change Prompt.');
	});

	it('never polls more often than the poll interval, also after the first minute', () => {
		expect(longTaskGapMs(70_000, 30_000)).toBe(30_000);
		expect(longTaskGapMs(200_000, 60_000)).toBe(60_000);
		expect(longTaskGapMs(70_000, 2_000)).toBe(3_000);
		expect(nextLookDelayMs({ elapsedMs: 70_000, lastLookMs: 70_000, queuedUntilMs: 0, queued: false, pollIntervalMs: 30_000 })).toBe(30_000);
	});

	it.each(['ftp://alice:hunter22@files.example.com/a.png', 'http://alice:hunter22@exa mple.com/a.png'])('does not echo a password from %s', (url) => {
		const problem = describeUrlProblem(url);
		expect(problem).toBeDefined();
		expect(problem).not.toContain('hunter22');
		expect(problem).not.toContain('alice');
	});

	it.each(['-1', '1,5', 'soon', 'Tue'])('ignores the meaningless Retry-After "%s"', (value) => {
		expect(parseRetryAfterMs(value)).toBeUndefined();
	});

	it('still reads a real HTTP-date Retry-After', () => {
		const now = Date.parse('Wed, 21 Oct 2026 07:28:00 GMT');
		expect(parseRetryAfterMs('Wed, 21 Oct 2026 07:28:05 GMT', now)).toBe(5000);
	});

	it('gives a file named only by an extension a real name, and replaces a foreign image extension', () => {
		expect(outputFileName('.png', 'abc123', 0, 'png')).toBe('abc123.png');
		expect(outputFileName('photo.gif', 'abc123', 0, 'png')).toBe('photo.png');
	});
});
