/** The bench's count of creates sent during each::labs' quiet time after a 429. */
import { createsInQuiet, SAME_WAVE_MS } from '../../dev/bench/scenarios/pacingSticky';

const QUIET = 120_000;

describe('createsInQuiet', () => {
	it('counts creates sent after a 429 could be read and before the quiet time passed', () => {
		const submits = [
			{ at: 0, status: 200 },
			{ at: 10, status: 429 },
			{ at: 5_000, status: 429 },
			{ at: 5_000 + QUIET, status: 200 },
		];
		expect(createsInQuiet(submits, QUIET)).toBe(1);
	});

	it('leaves out creates of the same wave (they left before the answer) and those after the quiet time', () => {
		const submits = [
			{ at: 0, status: 200 },
			{ at: 1, status: 200 },
			{ at: 2, status: 429 },
			{ at: 2 + SAME_WAVE_MS - 1, status: 429 },
			{ at: 1 + SAME_WAVE_MS + QUIET, status: 200 },
		];
		expect(createsInQuiet(submits, QUIET)).toBe(0);
	});

	it('is 0 without any 429', () => {
		expect(createsInQuiet([{ at: 0, status: 200 }, { at: 50, status: 200 }], QUIET)).toBe(0);
	});
});
