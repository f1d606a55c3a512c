import {
	allowedInFlight,
	certainRun,
	flightTimes,
	isQueueEvidence,
	maxOverlap,
	QUEUE_AHEAD,
	QUEUE_EVIDENCE_MS,
	ServerSlots,
} from '../../../nodes/shared/schedule/serverSlots';

describe('maxOverlap', () => {
	test('counts intervals that cover one moment together', () => {
		expect(maxOverlap([])).toBe(0);
		expect(maxOverlap([{ from: 0, to: 10 }, { from: 5, to: 15 }, { from: 12, to: 20 }])).toBe(2);
		expect(maxOverlap([{ from: 0, to: 10 }, { from: 1, to: 9 }, { from: 2, to: 8 }])).toBe(3);
	});

	test('a slot handed over at one moment is not two tasks at once', () => {
		expect(maxOverlap([{ from: 0, to: 10 }, { from: 10, to: 20 }])).toBe(1);
	});
});

describe('certainRun', () => {
	test("from the server's work time: between the latest possible start and the earliest possible end", () => {
		// Submitted at 0, seen working at 6 s, missed at 12 s, seen done at 14 s after 13 s of work.
		expect(certainRun({ queuedUntil: 0, firstWorking: 6000, lastMiss: 12_000, detected: 14_000, inferenceMs: 13_000 })).toEqual({ from: 1050, to: 12_950 });
	});

	test('without a work time: between the first look that saw it working and the last miss', () => {
		expect(certainRun({ queuedUntil: 0, firstWorking: 6000, lastMiss: 12_000, detected: 14_000 })).toEqual({ from: 6050, to: 11_950 });
	});

	test('nothing certain when the bounds do not leave a run', () => {
		expect(certainRun({ queuedUntil: 0, detected: 3000 })).toBeUndefined();
		expect(certainRun({ queuedUntil: 0, firstWorking: 2000, lastMiss: 2000, detected: 4000 })).toBeUndefined();
	});

	test('flightTimes puts a sighting on the run clock', () => {
		expect(flightTimes(1000, { lastQueuedMs: 2000, firstWorkingMs: 4000, lastMissMs: 4000, detectedMs: 9000, inferenceMs: 4500 })).toEqual({
			queuedUntil: 3000,
			firstWorking: 5000,
			lastMiss: 5000,
			detected: 10_000,
			inferenceMs: 4500,
		});
	});
});

describe('allowedInFlight / isQueueEvidence', () => {
	test('all the user allows until the server is seen queueing', () => {
		expect(allowedInFlight(100, false, 0)).toBe(100);
		expect(allowedInFlight(0, false, 0)).toBe(1);
	});

	test('then the learned limit plus one waiting, never above what the user allows', () => {
		expect(QUEUE_AHEAD).toBe(1);
		expect(allowedInFlight(100, true, 2)).toBe(3);
		expect(allowedInFlight(2, true, 2)).toBe(2);
		expect(allowedInFlight(100, true, 0)).toBe(2);
	});

	test('a task in `created` is queue evidence only after a while and while others of the run work', () => {
		expect(isQueueEvidence(QUEUE_EVIDENCE_MS, 2)).toBe(true);
		expect(isQueueEvidence(QUEUE_EVIDENCE_MS - 1, 2)).toBe(false);
		expect(isQueueEvidence(60_000, 0)).toBe(false);
	});
});

describe('ServerSlots', () => {
	const flush = () => new Promise((resolve) => setImmediate(resolve));

	test('lets the user limit through until a queue is seen', async () => {
		const slots = new ServerSlots(3);
		await Promise.all([slots.acquire(), slots.acquire(), slots.acquire()]);
		let fourth = false;
		void slots.acquire().then(() => (fourth = true));
		await flush();
		expect(fourth).toBe(false);
		slots.release();
		await flush();
		expect(fourth).toBe(true);
	});

	test('learns the server limit from tasks that surely ran together, and keeps one more waiting', async () => {
		const slots = new ServerSlots(10);
		for (let i = 0; i < 5; i++) await slots.acquire();
		const views = ['a', 'b', 'c', 'd', 'e'].map((id) => slots.submitted(id));
		views[0].looked('working', 2000);
		views[1].looked('working', 2000);
		views[2].looked('queued', 2000);
		expect(slots.limited).toBe(true);
		expect(views[2].othersWorking()).toBe(2);
		views[3].looked('queued', 2000);
		views[4].looked('queued', 2000);
		expect(views[4].position()).toEqual({ ahead: 2, serverSlots: 1 });
		// a and b worked side by side from 2 s to 12 s at least.
		slots.release('a', { queuedUntil: 0, firstWorking: 2000, lastMiss: 12_000, detected: 14_000, inferenceMs: 13_000 });
		slots.release('b', { queuedUntil: 0, firstWorking: 2000, lastMiss: 14_000, detected: 16_000, inferenceMs: 15_000 });
		expect(slots.serverSlots).toBe(2);
		// Three still in flight, and 2 + 1 allowed: the next row waits.
		let next = false;
		void slots.acquire().then(() => (next = true));
		await flush();
		expect(next).toBe(false);
		slots.release('c', { queuedUntil: 14_000, firstWorking: 16_000, lastMiss: 20_000, detected: 22_000, inferenceMs: 7000 });
		await flush();
		expect(next).toBe(true);
	});

	test('a cancelled execution stops waiting for room', async () => {
		const slots = new ServerSlots(1);
		await slots.acquire();
		const controller = new AbortController();
		const waiting = slots.acquire(controller.signal);
		controller.abort();
		await expect(waiting).rejects.toThrow();
	});
});
