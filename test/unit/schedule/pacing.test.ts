import { MAX_RETRY_AFTER_MS, MIN_WAIT_AFTER_429_MS, SLOT_RECHECK_MS, SubmitPacer } from '../../../nodes/shared/schedule/pacing';

function clock(start = 1_000_000) {
	const c = { t: start, now: () => c.t, advance: (ms: number) => (c.t += ms) };
	return c;
}

describe('SubmitPacer', () => {
	test('without 429s it lets up to the concurrency through at once, unspaced', () => {
		const c = clock();
		const pacer = new SubmitPacer(3, c.now);
		expect([pacer.tryStart(), pacer.tryStart(), pacer.tryStart()]).toEqual([0, 0, 0]);
		expect(pacer.tryStart()).toBe(SLOT_RECHECK_MS);
		pacer.finish('accepted');
		expect(pacer.tryStart()).toBe(0);
	});

	test('a 429 halves the submits in flight and holds everyone for Retry-After', () => {
		const c = clock();
		const pacer = new SubmitPacer(4, c.now);
		for (let i = 0; i < 4; i++) pacer.tryStart();
		pacer.finish('rateLimited', 5000);
		expect(pacer.snapshot().limit).toBe(2);
		expect(pacer.tryStart()).toBe(5000);
		c.advance(5000);
		expect(pacer.tryStart()).toBe(SLOT_RECHECK_MS); // still 3 in flight, limit 2
	});

	test('without Retry-After it waits a learned interval that grows with each 429', () => {
		const c = clock();
		const pacer = new SubmitPacer(2, c.now);
		pacer.tryStart();
		pacer.finish('rateLimited');
		const first = pacer.tryStart();
		expect(first).toBe(1000);
		c.advance(first);
		expect(pacer.tryStart()).toBe(0);
		pacer.finish('rateLimited');
		expect(pacer.tryStart()).toBe(1500);
	});

	test('with Retry-After it waits exactly that and learns no spacing (Retry-After 0: the 1 s floor, never at once)', () => {
		const c = clock();
		const pacer = new SubmitPacer(4, c.now);
		pacer.tryStart();
		pacer.finish('rateLimited', 0);
		expect(pacer.tryStart()).toBe(MIN_WAIT_AFTER_429_MS);
		c.advance(MIN_WAIT_AFTER_429_MS);
		expect(pacer.tryStart()).toBe(0);
		pacer.finish('rateLimited', 2000);
		expect(pacer.tryStart()).toBe(2000);
		expect(pacer.snapshot().intervalMs).toBe(0);
	});

	test('spacing applies between submits after a 429 without Retry-After, and shrinks as submits are accepted', () => {
		const c = clock();
		const pacer = new SubmitPacer(4, c.now);
		pacer.tryStart();
		pacer.finish('rateLimited');
		c.advance(1000);
		expect(pacer.tryStart()).toBe(0);
		expect(pacer.tryStart()).toBe(1000);
		pacer.finish('accepted');
		expect(pacer.snapshot().intervalMs).toBeCloseTo(850);
	});

	test('recovers gradually: one more slot per full round without a 429, never above the concurrency', () => {
		const c = clock();
		const pacer = new SubmitPacer(4, c.now);
		pacer.tryStart();
		pacer.finish('rateLimited');
		c.advance(60_000);
		pacer.tryStart();
		pacer.finish('rateLimited');
		expect(pacer.snapshot().limit).toBe(1);
		const limits: number[] = [];
		for (let i = 0; i < 40; i++) {
			c.advance(60_000);
			expect(pacer.tryStart()).toBe(0);
			pacer.finish('accepted');
			limits.push(pacer.snapshot().limit);
		}
		expect(limits.slice(0, 4)).toEqual([2, 2, 3, 3]);
		expect(Math.max(...limits)).toBe(4);
		expect(pacer.snapshot().intervalMs).toBe(0);
	});

	test('other outcomes free the slot without learning', () => {
		const c = clock();
		const pacer = new SubmitPacer(1, c.now);
		pacer.tryStart();
		pacer.finish('other');
		expect(pacer.snapshot()).toMatchObject({ limit: 1, inFlight: 0, intervalMs: 0, rateLimited: 0 });
	});

	test('an absurd Retry-After is capped (the row Timeout still bounds the wait)', () => {
		const c = clock();
		const pacer = new SubmitPacer(1, c.now);
		pacer.tryStart();
		pacer.finish('rateLimited', 3_600_000);
		expect(pacer.tryStart()).toBe(MAX_RETRY_AFTER_MS);
	});
});

describe('SubmitPacer: a 429 for the account\'s limit of tasks at once', () => {
	test('this run\'s running tasks become the limit: no create beyond it until one ends', () => {
		const c = clock();
		const pacer = new SubmitPacer(5, c.now);
		for (let i = 0; i < 5; i++) expect(pacer.tryStart()).toBe(0);
		pacer.finish('accepted');
		pacer.finish('accepted');
		for (let i = 0; i < 3; i++) pacer.finish('rateLimited', 120_000, true);
		expect(pacer.snapshot()).toMatchObject({ running: 2, taskCap: 2 });
		c.advance(120_000);
		// The quiet time is over, but both tasks still run: a create now would be refused again.
		expect(pacer.tryStart()).toBe(SLOT_RECHECK_MS);
		pacer.taskEnded();
		expect(pacer.tryStart()).toBe(0);
		pacer.finish('accepted');
		expect(pacer.tryStart()).toBe(SLOT_RECHECK_MS);
		pacer.taskEnded();
		pacer.taskEnded();
		expect(pacer.tryStart()).toBe(0);
	});

	test('a plain rate-limit 429 learns no limit of tasks at once', () => {
		const c = clock();
		const pacer = new SubmitPacer(3, c.now);
		pacer.tryStart();
		pacer.finish('accepted');
		pacer.tryStart();
		pacer.finish('rateLimited', 1000);
		expect(pacer.snapshot().taskCap).toBe(Infinity);
	});

	test('a refusal with nothing of this run running still lets one task through at a time', () => {
		const c = clock();
		const pacer = new SubmitPacer(3, c.now);
		pacer.tryStart();
		pacer.finish('rateLimited', 1000, true);
		expect(pacer.snapshot().taskCap).toBe(1);
		c.advance(1000);
		expect(pacer.tryStart()).toBe(0);
	});
});
