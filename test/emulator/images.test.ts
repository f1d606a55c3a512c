/** Contract: output pictures (size, format, content derived from inputs), base64 outputs, reference fetch failures. */
import sharp from 'sharp';
import { expectedSize, startEmulator, type Emulator } from '../../dev/emulator';
import { api, download, EDIT, imageHost, meanColour, solidImage, T2I, type TestServer } from './helpers';

let emulator: Emulator;
let host: TestServer;

beforeAll(async () => {
	emulator = await startEmulator({ latencyMs: 20 });
	host = await imageHost({
		'/red.png': { bytes: await solidImage(400, 300, '#ff0000'), type: 'image/png' },
		'/blue.jpg': { bytes: await solidImage(120, 360, '#0000ff', 'jpeg'), type: 'image/jpeg' },
		'/page.html': { bytes: Buffer.from('<html>hello</html>'), type: 'text/html' },
	});
});
afterAll(async () => {
	await emulator.close();
	await host.close();
});
beforeEach(() => emulator.reset());

/** Submits, waits for the task, returns the finished prediction from the result endpoint. */
async function run(path: string, body: Record<string, unknown>) {
	const submit = await api(emulator, 'POST', path, body);
	expect(submit.status).toBe(200);
	await emulator.waitForTask(submit.json.data.id);
	return (await api(emulator, 'GET', `/api/v3/predictions/${submit.json.data.id}/result`)).json.data;
}

describe('expectedSize', () => {
	it('matches the reported 16:9 at 2k and keeps 4K around 8 megapixels', () => {
		expect(expectedSize('16:9', '2k')).toEqual({ width: 2736, height: 1536 });
		expect(expectedSize('1:1', '1k')).toEqual({ width: 1024, height: 1024 });
		expect(expectedSize('16:9', '4k')).toEqual({ width: 3840, height: 2160 });
		const square4k = expectedSize('1:1', '4k');
		expect(square4k.width * square4k.height).toBeGreaterThan(7.5e6);
		for (const ratio of ['1:3', '21:9', '9:21']) {
			const size = expectedSize(ratio, '4k');
			expect(Math.max(size.width, size.height)).toBeLessThanOrEqual(3840);
			expect(size.width % 16).toBe(0);
			expect(size.height % 16).toBe(0);
		}
	});
});

describe('output pictures', () => {
	it.each([
		['16:9', '2k', 'png'],
		['1:1', '1k', 'jpeg'],
		['9:16', '1k', 'png'],
		['21:9', '2k', 'jpeg'],
		['3:4', '4k', 'jpeg'],
	] as const)('t2i %s at %s as %s has exactly the expected size and format', async (aspect_ratio, resolution, output_format) => {
		const data = await run(T2I, { prompt: 'a lighthouse at dusk', aspect_ratio, resolution, output_format });
		expect(data.status).toBe('completed');
		expect(data.outputs[0]).toMatch(new RegExp(`^${emulator.cdnBaseUrl}/outputs/${data.id}\\.${output_format}$`));
		const file = await download(data.outputs[0]);
		expect(file.status).toBe(200);
		expect(file.headers.get('content-type')).toBe(`image/${output_format}`);
		expect(Number(file.headers.get('content-length'))).toBe(file.bytes.length);
		const meta = await sharp(file.bytes).metadata();
		expect(meta.format).toBe(output_format);
		expect({ width: meta.width, height: meta.height }).toEqual(expectedSize(aspect_ratio, resolution));
	});

	it('renders a 4K PNG of about 8 megapixels', async () => {
		const data = await run(T2I, { prompt: 'big', aspect_ratio: '16:9', resolution: '4k' });
		const meta = await sharp((await download(data.outputs[0])).bytes).metadata();
		expect(meta.format).toBe('png');
		expect([meta.width, meta.height]).toEqual([3840, 2160]);
	});

	it('defaults to png, 1k and 1:1 for text-to-image', async () => {
		const data = await run(T2I, { prompt: 'defaults' });
		const meta = await sharp((await download(data.outputs[0])).bytes).metadata();
		expect([meta.format, meta.width, meta.height]).toEqual(['png', 1024, 1024]);
	});

	it('edit without aspect_ratio follows the first image ratio (4:3 here)', async () => {
		const data = await run(EDIT, { prompt: 'keep shape', images: [`${host.url}/red.png`] });
		const meta = await sharp((await download(data.outputs[0])).bytes).metadata();
		expect({ width: meta.width, height: meta.height }).toEqual(expectedSize('4:3', '1k'));
		expect(emulator.tasks[0]).toMatchObject({ width: meta.width, height: meta.height, format: 'png' });
	});

	it('edit output visibly derives from the input and the prompt', async () => {
		const fetchesBefore = host.received.length;
		const first = await run(EDIT, { prompt: 'warm sunset grade', images: [`${host.url}/red.png`], aspect_ratio: '1:1' });
		const second = await run(EDIT, { prompt: 'a cold blue winter morning', images: [`${host.url}/red.png`], aspect_ratio: '1:1' });
		const [r1, g1, b1] = await meanColour((await download(first.outputs[0])).bytes);
		const [r2, g2, b2] = await meanColour((await download(second.outputs[0])).bytes);
		expect(r1).toBeGreaterThan(Math.max(g1, b1) + 60); // the red input dominates the output
		expect(r2).toBeGreaterThan(Math.max(g2, b2) + 60);
		expect(Math.abs(r1 - r2) + Math.abs(g1 - g2) + Math.abs(b1 - b2)).toBeGreaterThan(20); // the prompt changes the grade
		const fetches = host.received.slice(fetchesBefore);
		expect(fetches.map((r) => r.path)).toEqual(['/red.png', '/red.png']); // WaveSpeed fetches each reference URL itself
	});

	it('shows further reference images as insets', async () => {
		const single = await run(EDIT, { prompt: 'same', images: [`${host.url}/red.png`], aspect_ratio: '1:1' });
		const withInset = await run(EDIT, { prompt: 'same', images: [`${host.url}/red.png`, `${host.url}/blue.jpg`], aspect_ratio: '1:1' });
		const [, , blueSingle] = await meanColour((await download(single.outputs[0])).bytes);
		const [, , blueInset] = await meanColour((await download(withInset.outputs[0])).bytes);
		expect(blueInset).toBeGreaterThan(blueSingle + 2);
	});

	it('returns raw base64 outputs (no data: prefix) that decode to the picture', async () => {
		const data = await run(T2I, { prompt: 'inline', enable_base64_output: true, output_format: 'jpeg', aspect_ratio: '2:3' });
		expect(data.outputs).toHaveLength(1);
		expect(data.outputs[0]).not.toMatch(/^data:/);
		const meta = await sharp(Buffer.from(data.outputs[0], 'base64')).metadata();
		expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({ format: 'jpeg', ...expectedSize('2:3', '1k') });
	});

	it('marks outputs NSFW when configured', async () => {
		emulator.configure({ nsfw: true });
		const data = await run(T2I, { prompt: 'flagged' });
		emulator.configure({ nsfw: false });
		expect(data.has_nsfw_contents).toEqual([true]);
	});
});

describe('reference fetch failures (1402)', () => {
	it.each([
		['unreachable host', 'http://127.0.0.1:9/none.png'],
		['404 answer', '/missing.png'],
		['not an image', '/page.html'],
	])('fails the task with 1402 naming the URL: %s', async (_name, ref) => {
		const url = ref.startsWith('/') ? `${host.url}${ref}` : ref;
		const data = await run(EDIT, { prompt: 'x', images: [`${host.url}/red.png`, url] });
		expect(data.status).toBe('failed');
		expect(data.code).toBe(1402);
		expect(data.error).toContain(url);
		expect(data.outputs).toEqual([]);
	});
});
