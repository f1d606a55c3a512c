import type { LookState, Spread } from '../../../nodes/shared/schedule/pollSchedule';
import {
	finishMarginMs,
	firstLookAfterStartMs,
	gapMs,
	groupKey,
	learnedSpread,
	longTaskGapMs,
	nextLookAtMs,
	nextLookDelayMs,
	plannedLookAtMs,
	quantile,
	queuedGapMs,
	queuedMsAtLeast,
	SAMPLES_KEPT,
	timeoutCreditMs,
	unlikelyAfterMs,
	WorkTimes,
	workTimeSample,
	workTimesFor,
} from '../../../nodes/shared/schedule/pollSchedule';
import { seededRandom } from '../../../dev/emulator/random';

const INTERVAL = 2000;

/** Looks at a task that is still running at every look; answers come back at once. Returns look times. */
function looksUntil(endMs: number, base: Omit<LookState, 'elapsedMs' | 'lastLookMs'>): number[] {
	const looks: number[] = [];
	let lastLookMs: number | undefined;
	let now = 0;
	while (now < endMs) {
		now = nextLookAtMs({ ...base, elapsedMs: now, lastLookMs });
		looks.push(now);
		lastLookMs = now;
	}
	return looks;
}

/** The emulator's seeded PRNG, so spreads in these tests are the same every run. */
const random = seededRandom;

/** Task times like the bench's "lognormal": 4.4 s floor + lognormal part, median 12 s, about 6 to 40 s. */
function lognormalTimes(count: number, seed: number): number[] {
	const next = random(seed);
	return Array.from({ length: count }, () => {
		const z = Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
		return 4360 + 7640 * Math.exp(0.626 * z);
	});
}

/** A random Poll Interval (1 s to `seconds` s) and learned spread (none one time in five). */
function randomCase(next: () => number, seconds: number): { interval: number; spread?: Spread } {
	const interval = 1000 + Math.floor(next() * seconds) * 1000;
	const low = Math.floor(next() * 20_000);
	const spread = next() < 0.2 ? undefined : { lowMs: low, highMs: low + Math.floor(next() * 40_000), count: 1 + Math.floor(next() * 200) };
	return { interval, spread };
}

/** Lag of a task that finished at finishMs, for looks placed by the schedule. */
function lagOf(finishMs: number, looks: number[]): number {
	const seen = looks.find((at) => at >= finishMs);
	return (seen ?? Infinity) - finishMs;
}

describe('groupKey / workTimesFor', () => {
	const group = { provider: 'wavespeed', baseUrl: 'https://api.wavespeed.ai', nodeKind: 'edit' as const, quality: 'medium', resolution: '1k' };

	test('another provider, gateway, model, quality or resolution is another group', () => {
		const keys = new Set([
			groupKey(group),
			groupKey({ ...group, provider: 'eachlabs' }),
			groupKey({ ...group, baseUrl: 'https://gateway.example.com' }),
			groupKey({ ...group, nodeKind: 'generate' }),
			groupKey({ ...group, quality: 'high' }),
			groupKey({ ...group, resolution: '4k' }),
		]);
		expect(keys.size).toBe(6);
	});

	test('separators inside values cannot make two kinds collide', () => {
		expect(groupKey({ ...group, provider: 'a|b', baseUrl: 'c' })).not.toBe(groupKey({ ...group, provider: 'a', baseUrl: 'b|c' }));
	});

	test('learning is remembered per group for the life of the process', () => {
		const mine = { ...group, baseUrl: `https://${Math.random()}.example.com` };
		workTimesFor(mine).record(30_000);
		expect(workTimesFor(mine).samples()).toEqual([30_000]);
		expect(workTimesFor({ ...mine, provider: 'eachlabs' }).samples()).toEqual([]);
	});
});

describe('WorkTimes', () => {
	test.each([-5, Number.NaN, Number.POSITIVE_INFINITY, undefined])('ignores the meaningless work time %p', (value) => {
		const times = new WorkTimes();
		times.record(value);
		expect(times.samples()).toEqual([]);
	});

	test('keeps the most recent samples only', () => {
		const times = new WorkTimes();
		for (let i = 0; i < SAMPLES_KEPT + 10; i++) times.record(i);
		expect(times.samples()).toHaveLength(SAMPLES_KEPT);
		expect(times.samples()[0]).toBe(10);
	});
});

describe('quantile / learnedSpread', () => {
	test('interpolates between neighbours', () => {
		expect(quantile([0, 10], 0.25)).toBe(2.5);
		expect(quantile([1, 2, 3, 4, 5], 0.5)).toBe(3);
		expect(quantile([7], 0.9)).toBe(7);
		expect(quantile([], 0.5)).toBeNaN();
	});

	test('nothing learned: no spread', () => {
		expect(learnedSpread([])).toBeUndefined();
	});

	test('the high end is the 97.5% quantile; the low end the 1% quantile, widened while samples are few', () => {
		const samples = Array.from({ length: 101 }, (_, i) => 1000 + i * 100); // 1.0 .. 11.0 s
		const spread = learnedSpread(samples) as Spread;
		expect(spread.highMs).toBe(10_750);
		expect(spread.lowMs).toBe(Math.round(1100 * Math.exp(-0.5 / Math.sqrt(101))));
		expect(spread.count).toBe(101);
		// One sample of 12 s: the first look may come as early as about 7 s.
		expect(learnedSpread([12_000])).toEqual({ lowMs: Math.round(12_000 * Math.exp(-0.5)), highMs: 12_000, count: 1 });
	});

	test('tasks that took no time teach a spread of zero', () => {
		expect(learnedSpread([0, 0, 0])).toEqual({ lowMs: 0, highMs: 0, count: 3 });
	});
});

describe('firstLookAfterStartMs: where the first look goes', () => {
	test('blind (nothing learned): one interval after start, the plain grid', () => {
		expect(firstLookAfterStartMs(undefined, 2000)).toBe(2000);
		expect(firstLookAfterStartMs(undefined, 1000)).toBe(1000);
	});

	test('instant tasks: at once, no fixed delay', () => {
		expect(firstLookAfterStartMs({ lowMs: 0, highMs: 0, count: 50 }, INTERVAL)).toBe(0);
	});

	test('a narrow spread (within one interval): one look just after its high end', () => {
		expect(firstLookAfterStartMs({ lowMs: 2900, highMs: 3000, count: 50 }, INTERVAL)).toBe(3000 + finishMarginMs(3000));
		expect(firstLookAfterStartMs({ lowMs: 40, highMs: 120, count: 50 }, INTERVAL)).toBe(126);
	});

	test('a spread a few intervals wide: on the grid that ends just after the high end, within one interval above the low end', () => {
		expect(firstLookAfterStartMs({ lowMs: 2500, highMs: 4500, count: 50 }, INTERVAL)).toBe(2650);
		expect(firstLookAfterStartMs({ lowMs: 2000, highMs: 6000, count: 50 }, INTERVAL)).toBe(2150);
		expect(firstLookAfterStartMs({ lowMs: 2200, highMs: 6000, count: 50 }, INTERVAL)).toBe(4150);
	});

	test('a wide spread: the first step of the plain grid at or above its low end', () => {
		expect(firstLookAfterStartMs({ lowMs: 6000, highMs: 30_000, count: 100 }, INTERVAL)).toBe(6000);
		expect(firstLookAfterStartMs({ lowMs: 6300, highMs: 30_000, count: 100 }, INTERVAL)).toBe(8000);
		expect(firstLookAfterStartMs({ lowMs: 6300, highMs: 30_000, count: 100 }, 1000)).toBe(7000);
		// A wide spread starting at zero still waits one step: there is nothing to see at once.
		expect(firstLookAfterStartMs({ lowMs: 0, highMs: 30_000, count: 100 }, INTERVAL)).toBe(INTERVAL);
	});

	test("a wide spread's looks are the plain poller's grid without its early looks: never a later detection", () => {
		const next = random(11);
		for (let trial = 0; trial < 200; trial++) {
			const interval = 1000 * (1 + Math.floor(next() * 3));
			const low = 3 * interval + Math.floor(next() * 10_000);
			const spread = { lowMs: low, highMs: low + 20_000 + Math.floor(next() * 20_000), count: 100 };
			const looks = looksUntil(spread.highMs, { queuedUntilMs: 0, queued: false, pollIntervalMs: interval, spread });
			expect(looks.every((at) => at % interval === 0)).toBe(true);
			expect(looks[0]).toBe(Math.ceil(low / interval) * interval);
		}
	});

	test('the finish margin is 5% of the high end, at most 150 ms', () => {
		expect(finishMarginMs(0)).toBe(0);
		expect(finishMarginMs(1000)).toBe(50);
		expect(finishMarginMs(30_000)).toBe(150);
	});
});

describe('nextLookAtMs: the looks at one prediction', () => {
	const working = { queuedUntilMs: 0, queued: false, pollIntervalMs: INTERVAL };

	test('for a learned 6-30 s spread: first near 6 s, then every interval through the spread, then wider', () => {
		const spread = { lowMs: 6000, highMs: 30_000, count: 100 };
		const looks = looksUntil(90_000, { ...working, spread });
		expect(looks.slice(0, 14)).toEqual([6000, 8000, 10_000, 12_000, 14_000, 16_000, 18_000, 20_000, 22_000, 24_000, 26_000, 28_000, 30_000, 32_000]);
		// Past max(2 x high, high + 10 intervals) = 60 s a finish is unlikely: every 4 s.
		expect(unlikelyAfterMs(spread, INTERVAL)).toBe(60_000);
		expect(looks.filter((at) => at <= 60_000).every((at, i, all) => i === 0 || at - all[i - 1] === INTERVAL)).toBe(true);
		const late = looks.filter((at) => at > 62_000);
		expect(late.slice(1).map((at, i) => at - late[i])).toEqual(late.slice(1).map(() => 4000));
	});

	test('blind: the plain grid, one interval apart from submit', () => {
		expect(looksUntil(9000, working)).toEqual([2000, 4000, 6000, 8000, 10_000]);
	});

	test('for constant 3 s tasks: a single look at 3.15 s catches them', () => {
		expect(nextLookAtMs({ ...working, elapsedMs: 0, spread: { lowMs: 2700, highMs: 3000, count: 50 } })).toBe(3150);
	});

	test('a look that comes late is not followed by a look closer than the interval', () => {
		const spread = { lowMs: 6000, highMs: 30_000, count: 100 };
		expect(nextLookAtMs({ ...working, spread, elapsedMs: 9000, lastLookMs: 9000 })).toBe(11_000);
	});

	test('never closer than the interval to the previous look, whatever the spread, queue or interval', () => {
		const next = random(7);
		for (let trial = 0; trial < 500; trial++) {
			const { interval, spread } = randomCase(next, 5);
			let lastLookMs: number | undefined;
			let queuedUntilMs = 0;
			let now = 0;
			for (let look = 0; look < 40; look++) {
				const queued = look > 0 && next() < 0.3;
				const position = queued ? { ahead: Math.floor(next() * 10), serverSlots: 1 + Math.floor(next() * 3) } : undefined;
				if (queued) queuedUntilMs = now;
				const at = nextLookAtMs({ elapsedMs: now, lastLookMs, queuedUntilMs, queued, pollIntervalMs: interval, spread, position });
				if (lastLookMs !== undefined) expect(at - lastLookMs).toBeGreaterThanOrEqual(interval);
				// The answer takes a while; spacing counts from it.
				now = at + Math.floor(next() * 300);
				lastLookMs = now;
			}
		}
	});

	/** Looks as pollUntilDone takes them: sent at the time given, answered answerMs later; returns the send times. */
	function sentLooks(count: number, base: Omit<LookState, 'elapsedMs'>, answerMs: (look: number) => number, lateMs: (look: number) => number = () => 0): number[] {
		const sent: number[] = [];
		let state: LookState = { ...base, elapsedMs: 0 };
		for (let look = 0; look < count; look++) {
			const at = nextLookAtMs(state) + lateMs(look);
			sent.push(at);
			state = { ...state, elapsedMs: at + answerMs(look), lastLookMs: at, lastPlannedMs: plannedLookAtMs(state) };
		}
		return sent;
	}

	test('looks keep to their planned grid: 50 looks whose answers each take 6 ms land on it, not 300 ms late', () => {
		// At 1 s, so that all 50 fall within the first minute (the gaps widen after it).
		const sent = sentLooks(50, { ...working, pollIntervalMs: 1000 }, () => 6);
		expect(sent).toEqual(Array.from({ length: 50 }, (_, k) => (k + 1) * 1000));
		const spread = { lowMs: 6000, highMs: 30_000, count: 100 };
		expect(sentLooks(12, { ...working, spread }, () => 6)).toEqual(Array.from({ length: 12 }, (_, k) => 6000 + k * INTERVAL));
	});

	test('a look that went late: the next waits only the shortfall, and the plan after it is unchanged', () => {
		const spread = { lowMs: 6000, highMs: 30_000, count: 100 };
		// Planned at 10 s, sent 300 ms late: the next, planned at 12 s, goes one interval after it; the plan stays.
		const state = { ...working, spread, elapsedMs: 10_306, lastLookMs: 10_300, lastPlannedMs: 10_000 };
		expect(plannedLookAtMs(state)).toBe(12_000);
		expect(nextLookAtMs(state)).toBe(12_300);
		const sent = sentLooks(8, { ...working, spread }, () => 6, (look) => (look === 2 ? 300 : 0));
		expect(sent).toEqual([6000, 8000, 10_300, 12_300, 14_300, 16_300, 18_300, 20_300]);
		// Where the gaps widen (long tasks: 3 s after a minute), a late look no longer moves the next one.
		const long = { ...working, spread: { ...spread, count: 10 }, elapsedMs: 70_306, lastLookMs: 70_300, lastPlannedMs: 70_000 };
		expect(nextLookAtMs(long)).toBe(73_000);
	});

	test('looks sent at their planned times never come closer than the interval to the previous one sent', () => {
		const next = random(23);
		for (let trial = 0; trial < 300; trial++) {
			const { interval, spread } = randomCase(next, 3);
			const sent = sentLooks(40, { queuedUntilMs: 0, queued: false, pollIntervalMs: interval, spread }, () => Math.floor(next() * 300), () => (next() < 0.1 ? Math.floor(next() * 2 * interval) : 0));
			expect(Math.min(...sent.slice(1).map((at, i) => at - sent[i]))).toBeGreaterThanOrEqual(interval);
		}
	});

	test('the delay is from now and never negative', () => {
		expect(nextLookDelayMs({ ...working, elapsedMs: 500 })).toBe(1500);
		expect(nextLookDelayMs({ ...working, elapsedMs: 30_000, lastLookMs: 10_000 })).toBe(0);
	});
});

describe('queue time vs work time', () => {
	const spread = { lowMs: 6000, highMs: 30_000, count: 100 };

	test('while queued, looks come every interval; near the head of the queue too', () => {
		const state = { elapsedMs: 4000, lastLookMs: 4000, queuedUntilMs: 4000, queued: true, pollIntervalMs: INTERVAL, spread };
		expect(nextLookAtMs(state)).toBe(6000);
		expect(nextLookAtMs({ ...state, position: { ahead: 1, serverSlots: 2 } })).toBe(6000);
	});

	test('deep in the queue, no look before the tasks ahead can each have taken the low end of the spread', () => {
		expect(queuedGapMs(INTERVAL, spread, { ahead: 4, serverSlots: 2 })).toBe(12_000);
		expect(queuedGapMs(INTERVAL, spread, { ahead: 100, serverSlots: 2 })).toBe(60_000);
		expect(queuedGapMs(INTERVAL, undefined, { ahead: 4, serverSlots: 2 })).toBe(INTERVAL);
	});

	test('a task that queued for minutes is looked at every interval once it works: the long-task spacing counts work, not queue', () => {
		const spread = { lowMs: 6000, highMs: 30_000, count: 100 };
		expect(nextLookAtMs({ elapsedMs: 200_000, lastLookMs: 200_000, queuedUntilMs: 190_000, queued: false, pollIntervalMs: INTERVAL, spread })).toBe(202_000);
		// Still queued after minutes, position unknown: less often, like a long task.
		expect(nextLookAtMs({ elapsedMs: 200_000, lastLookMs: 200_000, queuedUntilMs: 200_000, queued: true, pollIntervalMs: INTERVAL, spread })).toBe(205_000);
	});

	test('once seen working, the spread is counted from the last look that saw it queued', () => {
		// Queued at 10 s, working at 12 s: the first aimed look is 10 s + 6 s, not 6 s after submit.
		expect(nextLookAtMs({ elapsedMs: 12_000, lastLookMs: 12_000, queuedUntilMs: 10_000, queued: false, pollIntervalMs: INTERVAL, spread })).toBe(16_000);
	});

	test("work time: the server's inference time when it gives one, else from the end of the queue to the finish", () => {
		expect(workTimeSample({ lastQueuedMs: 10_000, firstWorkingMs: 12_000, lastMissMs: 20_000, detectedMs: 22_000, inferenceMs: 11_000 })).toBe(11_000);
		expect(workTimeSample({ lastQueuedMs: 10_000, lastMissMs: 20_000, detectedMs: 22_000 })).toBe(11_000);
		expect(workTimeSample({ detectedMs: 3150 })).toBe(3150);
		expect(workTimeSample({ detectedMs: 40, inferenceMs: 0 })).toBe(0);
		expect(workTimeSample({ detectedMs: 4500, inferenceMs: null, lastMissMs: 2500 })).toBe(3500);
	});

	test('queuedMs: at least until the last look that saw it queued, or the last miss minus the work time', () => {
		expect(queuedMsAtLeast({ lastQueuedMs: 10_000, firstWorkingMs: 12_000, lastMissMs: 20_000, detectedMs: 22_000, inferenceMs: 9000 })).toBe(11_000);
		expect(queuedMsAtLeast({ lastQueuedMs: 10_000, firstWorkingMs: 12_000, detectedMs: 22_000 })).toBe(10_000);
		// Never queued: the look that found it working says nothing about a queue.
		expect(queuedMsAtLeast({ firstWorkingMs: 6150, lastMissMs: 6150, detectedMs: 14_150, inferenceMs: 13_000 })).toBe(0);
		// Never beyond the time the task was seen working.
		expect(queuedMsAtLeast({ lastQueuedMs: 10_000, firstWorkingMs: 9000, detectedMs: 22_000 })).toBe(9000);
	});

	test("a row's Timeout does not run while it is queued behind this run's working tasks", () => {
		expect(timeoutCreditMs({ queued: true, othersWorking: 2, sinceLastLookMs: 2000 })).toBe(2000);
		expect(timeoutCreditMs({ queued: true, othersWorking: 0, sinceLastLookMs: 2000 })).toBe(0);
		expect(timeoutCreditMs({ queued: false, othersWorking: 2, sinceLastLookMs: 2000 })).toBe(0);
	});
});

describe('gapMs', () => {
	test('the interval for a minute, wider for long tasks, never below the interval', () => {
		expect(longTaskGapMs(59_999, 2000)).toBe(2000);
		expect(longTaskGapMs(60_000, 2000)).toBe(3000);
		expect(longTaskGapMs(180_000, 2000)).toBe(5000);
		expect(longTaskGapMs(180_000, 8000)).toBe(20_000);
		expect(longTaskGapMs(70_000, 30_000)).toBe(30_000);
	});

	test('twice the interval once the task runs far past the likely range', () => {
		const spread = { lowMs: 2700, highMs: 3000, count: 50 };
		expect(gapMs({ workedMs: 23_000, pollIntervalMs: INTERVAL, spread })).toBe(2000);
		expect(gapMs({ workedMs: 23_001, pollIntervalMs: INTERVAL, spread })).toBe(4000);
	});

	test('not while the spread comes from few tasks: their tail is not known yet', () => {
		const spread = { lowMs: 2700, highMs: 3000, count: 49 };
		expect(gapMs({ workedMs: 30_000, pollIntervalMs: INTERVAL, spread })).toBe(2000);
	});
});

describe('the schedule on a lognormal spread (median 12 s, about 6 to 40 s)', () => {
	const learned = learnedSpread(lognormalTimes(200, 1)) as Spread;
	const looks = looksUntil(120_000, { queuedUntilMs: 0, queued: false, pollIntervalMs: INTERVAL, spread: learned });
	const tasks = lognormalTimes(2000, 2);
	const lags = tasks.map((t) => lagOf(t, looks)).sort((a, b) => a - b);
	const polls = tasks.map((t) => looks.filter((at) => at < t).length + 1);

	test('the first look is the first step of the plain grid at or above the low end of the spread', () => {
		expect(looks[0]).toBe(Math.ceil(learned.lowMs / INTERVAL) * INTERVAL);
		expect(looks[0] - learned.lowMs).toBeLessThan(INTERVAL);
		expect(looks[0]).toBeGreaterThan(5000);
	});

	test('every task is seen no later than a plain 2 s poller sees it', () => {
		const plainLook = (t: number) => Math.max(1, Math.ceil(t / INTERVAL)) * INTERVAL;
		// Only a task done before the first look (rarer than 1 in 100) is seen later: at that first look.
		const later = tasks.filter((t) => lagOf(t, looks) + t > plainLook(t));
		expect(later.every((t) => t < looks[0])).toBe(true);
		expect(later.length / tasks.length).toBeLessThan(0.01);
	});

	test('lag: median about half an interval, p95 within one interval', () => {
		expect(quantile(lags, 0.5)).toBeLessThanOrEqual(1050);
		expect(quantile(lags, 0.95)).toBeLessThanOrEqual(2000);
	});

	test('fewer looks than a plain 2 s poller', () => {
		const plain = tasks.map((t) => Math.ceil(t / INTERVAL));
		const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
		expect(mean(polls)).toBeLessThan(mean(plain) - 2);
	});
});
