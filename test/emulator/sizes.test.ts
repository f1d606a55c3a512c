/** Contract: the emulator's own size rule (docs/wavespeed-api.md: resolutions, ratios, one reported size) and the pictures it renders. */
import sharp from 'sharp';
import { ASPECT_RATIOS, expectedSize, MAX_EDGE, RESOLUTIONS, startEmulator, type Emulator } from '../../dev/emulator';
import { api, download, pollUntilDone, T2I } from './helpers';

let emulator: Emulator;
beforeAll(async () => {
	emulator = await startEmulator({ latencyMs: 10 });
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

it('gives the one reported size exactly: 16:9 at 2k is 2736x1536', () => {
	expect(expectedSize('16:9', '2k')).toEqual({ width: 2736, height: 1536 });
});

it.each([
	['1:1', '1k', 1024, 1024],
	['1:1', '2k', 2048, 2048],
	['16:9', '4k', 3840, 2160],
	['9:16', '4k', 2160, 3840],
	['3:1', '4k', 3840, 1280],
	['1:3', '1k', 592, 1776],
	['3:2', '1k', 1248, 832],
] as const)('%s at %s is %ix%i', (ratio, resolution, width, height) => {
	expect(expectedSize(ratio, resolution)).toEqual({ width, height });
});

it('every documented ratio at every resolution: edges multiples of 16, none above 3840, the ratio kept within 2%', () => {
	for (const ratio of ASPECT_RATIOS) {
		for (const resolution of RESOLUTIONS) {
			const { width, height } = expectedSize(ratio, resolution);
			const [w, h] = ratio.split(':').map(Number);
			expect([width % 16, height % 16]).toEqual([0, 0]);
			expect(Math.max(width, height)).toBeLessThanOrEqual(MAX_EDGE);
			expect(Math.abs(width / height / (w / h) - 1)).toBeLessThan(0.02);
		}
	}
});

it('larger resolutions never give fewer pixels', () => {
	for (const ratio of ASPECT_RATIOS) {
		const [one, two, four] = RESOLUTIONS.map((resolution) => expectedSize(ratio, resolution)).map((s) => s.width * s.height);
		expect(one).toBeLessThan(two);
		expect(two).toBeLessThanOrEqual(four);
	}
});

it('renders the picture at that size (16:9, 2k)', async () => {
	const submitted = await api(emulator, 'POST', T2I, { prompt: 'a wide valley', aspect_ratio: '16:9', resolution: '2k' });
	const { last } = await pollUntilDone(emulator, submitted.json.data.id);
	const image = await download(last.json.data.outputs[0]);
	expect(await sharp(image.bytes).metadata()).toMatchObject({ format: 'png', width: 2736, height: 1536 });
});
