import { runItems } from '../../../nodes/shared/batch/runItems';

/** A promise settled from outside, so the test decides the order in which items finish. */
function deferred<T>() {
	let resolve!: (value: T) => void;
	let reject!: (error: unknown) => void;
	const promise = new Promise<T>((res, rej) => {
		resolve = res;
		reject = rej;
	});
	return { promise, resolve, reject };
}

const ticks = async (n: number) => {
	for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('runItems', () => {
	test('returns results in input order when items finish in reverse order', async () => {
		const gates = Array.from({ length: 4 }, () => deferred<string>());
		const run = runItems(4, async (index) => await gates[index].promise, { concurrency: 4 });
		await ticks(1);
		for (const index of [3, 1, 2, 0]) {
			gates[index].resolve(`item ${index}`);
			await ticks(1);
		}
		expect(await run).toEqual([0, 1, 2, 3].map((i) => ({ ok: true, value: `item ${i}` })));
	});

	test('returns results in input order with varied durations and little concurrency', async () => {
		const durations = [5, 1, 4, 2, 3, 1, 6, 2];
		const finished: number[] = [];
		const outcomes = await runItems(
			durations.length,
			async (index) => {
				await ticks(durations[index]);
				finished.push(index);
				return index * 10;
			},
			{ concurrency: 3 },
		);
		expect(finished).not.toEqual([...finished].sort((a, b) => a - b));
		expect(outcomes.map((o) => (o?.ok ? o.value : undefined))).toEqual(durations.map((_, i) => i * 10));
	});

	test.each([1, 2, 3, 5])('never runs more than %i items at once, and uses all the lanes', async (concurrency) => {
		let running = 0;
		let peak = 0;
		await runItems(
			12,
			async (index) => {
				running++;
				peak = Math.max(peak, running);
				await ticks(1 + (index % 3));
				running--;
			},
			{ concurrency },
		);
		expect(peak).toBe(concurrency);
		expect(running).toBe(0);
	});

	test('runs every item once when the concurrency is larger than the item count', async () => {
		const started: number[] = [];
		const outcomes = await runItems(
			3,
			async (index) => {
				started.push(index);
				return index;
			},
			{ concurrency: 50 },
		);
		expect(started.sort()).toEqual([0, 1, 2]);
		expect(outcomes).toEqual([0, 1, 2].map((value) => ({ ok: true, value })));
	});

	test('a concurrency below 1 or not a number still runs the items one at a time', async () => {
		for (const concurrency of [0, -3, Number.NaN, 0.5]) {
			let running = 0;
			let peak = 0;
			const outcomes = await runItems(
				3,
				async (index) => {
					running++;
					peak = Math.max(peak, running);
					await ticks(1);
					running--;
					return index;
				},
				{ concurrency },
			);
			expect(peak).toBe(1);
			expect(outcomes.every((o) => o?.ok)).toBe(true);
		}
	});

	test('no items means no work and an empty result', async () => {
		const worker = jest.fn(async () => 1);
		expect(await runItems(0, worker, { concurrency: 5 })).toEqual([]);
		expect(worker).not.toHaveBeenCalled();
	});

	test('a failing item becomes a failed outcome in its place; the others still run', async () => {
		const boom = new Error('boom');
		const outcomes = await runItems(
			3,
			async (index) => {
				if (index === 1) throw boom;
				return index;
			},
			{ concurrency: 1 },
		);
		expect(outcomes).toEqual([
			{ ok: true, value: 0 },
			{ ok: false, error: boom },
			{ ok: true, value: 2 },
		]);
	});

	test('onFailure is told the index and the error of each failure as it happens', async () => {
		const onFailure = jest.fn();
		const errors = [new Error('first'), new Error('second')];
		await runItems(
			5,
			async (index) => {
				if (index === 1) throw errors[0];
				if (index === 3) throw errors[1];
				return index;
			},
			{ concurrency: 2, onFailure },
		);
		expect(onFailure).toHaveBeenCalledTimes(2);
		expect(onFailure).toHaveBeenCalledWith(1, errors[0]);
		expect(onFailure).toHaveBeenCalledWith(3, errors[1]);
	});

	test('once shouldStop turns true no further item starts; unstarted items have no outcome', async () => {
		let stopped = false;
		const started: number[] = [];
		const outcomes = await runItems(
			6,
			async (index) => {
				started.push(index);
				await ticks(1);
				if (index === 1) throw new Error('fail');
				return index;
			},
			{
				concurrency: 2,
				shouldStop: () => stopped,
				onFailure: () => {
					stopped = true;
				},
			},
		);
		expect(started.sort()).toEqual([0, 1, 2]);
		expect(outcomes[0]).toEqual({ ok: true, value: 0 });
		expect(outcomes[1]).toMatchObject({ ok: false });
		expect(outcomes[2]).toEqual({ ok: true, value: 2 }); // already running: it finishes
		expect(outcomes.slice(3)).toEqual([undefined, undefined, undefined]);
	});

	test('shouldStop true from the start runs nothing', async () => {
		const worker = jest.fn(async () => 1);
		const outcomes = await runItems(3, worker, { concurrency: 2, shouldStop: () => true });
		expect(worker).not.toHaveBeenCalled();
		expect(outcomes).toEqual([undefined, undefined, undefined]);
	});
});
