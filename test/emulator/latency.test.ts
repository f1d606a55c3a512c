import { taskLatencyMs } from '../../dev/emulator';
import { parseArgs } from '../../dev/emulator/cliArgs';

describe('taskLatencyMs', () => {
	const spread = { sigma: 0.626, floorMs: 4360, seed: 7 };
	const draws = Array.from({ length: 2000 }, (_, index) => taskLatencyMs(12_000, spread, index));
	const sorted = [...draws].sort((a, b) => a - b);

	test('without a spread every task takes the configured latency', () => {
		expect(taskLatencyMs(3000, null, 0)).toBe(3000);
		expect(taskLatencyMs(3000, null, 99)).toBe(3000);
	});

	test('the same seed and index give the same draw; another seed another one', () => {
		expect(taskLatencyMs(12_000, spread, 5)).toBe(draws[5]);
		expect(taskLatencyMs(12_000, { ...spread, seed: 8 }, 5)).not.toBe(draws[5]);
	});

	test('median near the configured latency, never below the floor, a long right tail', () => {
		expect(sorted[1000]).toBeGreaterThan(11_000);
		expect(sorted[1000]).toBeLessThan(13_000);
		expect(sorted[0]).toBeGreaterThanOrEqual(4360);
		expect(sorted[20]).toBeGreaterThan(5000); // 1%: about 6 s
		expect(sorted[1980]).toBeGreaterThan(30_000); // 99%: well past 30 s
	});

	test('maxMs caps the draws', () => {
		expect(Math.max(...Array.from({ length: 200 }, (_, i) => taskLatencyMs(12_000, { ...spread, maxMs: 20_000 }, i)))).toBeLessThanOrEqual(20_000);
	});

	test('the CLI takes the spread and seeds it with --seed', () => {
		const { options } = parseArgs(['--latency', '12000', '--latency-sigma', '0.626', '--latency-floor', '4360', '--seed', '7']);
		expect(options.latencyMs).toBe(12_000);
		expect(options.latencySpread).toEqual({ sigma: 0.626, floorMs: 4360, seed: 7 });
	});
});
