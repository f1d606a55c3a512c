import { gridBound, packLanes, seenAtMs } from '../../dev/bench/gridBound';

describe('the bench bound: a zero-overhead poller on a grid of interval steps', () => {
	test('a task is seen at the first grid step at or after it finishes', () => {
		expect(seenAtMs(3000, 2000, 2000)).toBe(4000);
		expect(seenAtMs(4000, 2000, 2000)).toBe(4000);
		expect(seenAtMs(4001, 2000, 2000)).toBe(6000);
		expect(seenAtMs(3000, 500, 2000)).toBe(4500);
		// Done before the first look: seen at that first look.
		expect(seenAtMs(100, 1500, 2000)).toBe(1500);
	});

	test('lanes take rows in order, each on the first lane to free', () => {
		expect(packLanes([5, 3, 4, 1], 2, (d) => d)).toBe(7);
		expect(packLanes([5, 3, 4, 1], 1, (d) => d)).toBe(13);
		expect(packLanes([5, 3], 10, (d) => d)).toBe(5);
	});

	test('tasks all on the grid: lag zero and wall time ideal at phase = interval', () => {
		const bound = gridBound([2000, 4000, 6000, 2000], 2, 2000);
		expect(bound.wallRatio.best).toBe(1);
		expect(bound.lagMedianMs.best).toBe(0);
		expect(bound.wallRatio.worst).toBeGreaterThan(1);
	});

	test('task times spread over the grid: lag median about half an interval at every phase', () => {
		const durations = Array.from({ length: 400 }, (_, i) => 6000 + ((i * 7919) % 20_000));
		const bound = gridBound(durations, 10, 2000);
		expect(bound.lagMedianMs.best).toBeGreaterThan(900);
		expect(bound.lagMedianMs.worst).toBeLessThan(1100);
		expect(bound.wallRatio.best).toBeGreaterThan(1);
	});
});
