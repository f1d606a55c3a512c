/** Contract: WaveSpeed's model catalog (GET /api/v3/models), its knobs, and submits on every family path held to their schemas. */
import sharp from 'sharp';
import { startEmulator, type Emulator } from '../../dev/emulator';
import { api, download, imageHost, pollUntilDone, type TestServer } from './helpers';

let emulator: Emulator;
let host: TestServer;
let first: Buffer;
beforeAll(async () => {
	emulator = await startEmulator({ latencyMs: 10 });
	first = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#0000ff' } }).png().toBuffer();
	// Mask: opaque everywhere except a fully transparent left half (the part to edit).
	const alpha = Buffer.alloc(64 * 48, 255);
	for (let y = 0; y < 48; y++) alpha.fill(0, y * 64, y * 64 + 32);
	const mask = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#000000' } }).joinChannel(alpha, { raw: { width: 64, height: 48, channels: 1 } }).png().toBuffer();
	const opaque = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#000000' } }).png().toBuffer();
	const wrongSize = await sharp({ create: { width: 32, height: 32, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
	host = await imageHost({
		'/first.png': { bytes: first, type: 'image/png' },
		'/mask.png': { bytes: mask, type: 'image/png' },
		'/opaque.png': { bytes: opaque, type: 'image/png' },
		'/small-mask.png': { bytes: wrongSize, type: 'image/png' },
	});
});
afterAll(async () => {
	await emulator.close();
	await host.close();
});
beforeEach(() => {
	emulator.reset();
	emulator.configure({ catalogEndpoint: 'served', catalogOmits: [] });
});

const FAMILIES = ['gpt-image-2', 'gpt-image-2.5-flare', 'gpt-image-2.5-sunburst', 'gpt-image-2.6-flare', 'gpt-image-2.6-sunburst'];
const RATIOS_15 = ['1:1', '1:2', '2:1', '1:3', '3:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '9:21', '21:9'];

/** The request schema of one model, read from the catalog over HTTP. */
async function schemaOf(modelId: string) {
	const catalog = await api(emulator, 'GET', '/api/v3/models');
	const entry = catalog.json.data.find((model: { model_id: string }) => model.model_id === modelId);
	return { entry, schema: entry?.api_schema.api_schemas[0].request_schema };
}

async function finished(path: string, body: Record<string, unknown>) {
	const submitted = await api(emulator, 'POST', `/api/v3/${path}`, body);
	expect(submitted.status).toBe(200);
	const { last } = await pollUntilDone(emulator, submitted.json.data.id);
	return last.json.data;
}

describe('GET /api/v3/models', () => {
	it('lists gpt-image-2 and the four newer models, edit and text-to-image each, with schema and base_price', async () => {
		const catalog = await api(emulator, 'GET', '/api/v3/models');
		expect(catalog.status).toBe(200);
		expect(catalog.json.code).toBe(200);
		const ids = catalog.json.data.map((model: { model_id: string }) => model.model_id).sort();
		expect(ids).toEqual(FAMILIES.flatMap((family) => [`openai/${family}/edit`, `openai/${family}/text-to-image`]).sort());
		const prices = Object.fromEntries(catalog.json.data.map((m: { model_id: string; base_price: number }) => [m.model_id, m.base_price]));
		expect(prices).toMatchObject({ 'openai/gpt-image-2/edit': 0.06, 'openai/gpt-image-2.5-flare/text-to-image': 0.01, 'openai/gpt-image-2.6-sunburst/edit': 0.045 });
		for (const model of catalog.json.data) {
			expect(model).toMatchObject({ name: expect.any(String), type: expect.stringMatching(/^(image-to-image|text-to-image)$/), sort_order: expect.any(Number) });
		}
	});

	it('needs the Bearer key', async () => {
		const answer = await api(emulator, 'GET', '/api/v3/models', undefined, { authorization: 'Bearer wrong' });
		expect(answer.status).toBe(401);
	});

	it('gpt-image-2 edit: prompt and images (1-16) required, 15 ratios without default, quality low..high, png/jpeg, x-order-properties', async () => {
		const { schema } = await schemaOf('openai/gpt-image-2/edit');
		expect(schema.required).toEqual(['prompt', 'images']);
		expect(schema.properties.images).toMatchObject({ type: 'array', minItems: 1, maxItems: 16 });
		expect(schema.properties.aspect_ratio.enum).toEqual(RATIOS_15);
		expect(schema.properties.aspect_ratio.default).toBeUndefined();
		expect(schema.properties.quality).toMatchObject({ enum: ['low', 'medium', 'high'], default: 'medium' });
		expect(schema.properties.resolution).toMatchObject({ enum: ['1k', '2k', '4k'], default: '1k' });
		expect(schema.properties.output_format.enum).toEqual(['png', 'jpeg']);
		expect(schema['x-order-properties']).toEqual(Object.keys(schema.properties));
	});

	it('text-to-image defaults to 1:1; 2.5 has quality up to max and webp; 2.6 adds complexity, GIF/SVG (t2i) and a mask field (edit)', async () => {
		expect((await schemaOf('openai/gpt-image-2/text-to-image')).schema.properties.aspect_ratio.default).toBe('1:1');
		const flare = (await schemaOf('openai/gpt-image-2.5-flare/text-to-image')).schema;
		expect(flare.properties.quality.enum).toEqual(['low', 'medium', 'high', 'xhigh', 'max']);
		expect(flare.properties.output_format.enum).toEqual(['png', 'jpeg', 'webp']);
		expect(flare.properties.complexity).toBeUndefined();
		const t2i26 = (await schemaOf('openai/gpt-image-2.6-flare/text-to-image')).schema;
		expect(t2i26.properties.complexity).toMatchObject({ enum: ['low', 'medium', 'high'] });
		expect(t2i26.properties.output_format.enum).toEqual(['png', 'jpeg', 'webp', 'gif', 'svg']);
		const edit26 = (await schemaOf('openai/gpt-image-2.6-sunburst/edit')).schema;
		expect(edit26.properties.mask_image).toMatchObject({ type: 'string', format: 'uri' });
		expect(edit26.properties.output_format.enum).toEqual(['png', 'jpeg', 'webp']);
		expect((await schemaOf('openai/gpt-image-2.5-sunburst/edit')).schema.properties.mask_image).toBeUndefined();
	});

	it.each([
		['absent', 404],
		['error', 500],
	] as const)('catalogEndpoint %s answers %i with the envelope', async (mode, status) => {
		emulator.configure({ catalogEndpoint: mode });
		const answer = await api(emulator, 'GET', '/api/v3/models');
		expect(answer.status).toBe(status);
		expect(answer.json).toMatchObject({ code: status, data: null });
	});

	it('catalogOmits leaves a model out of the list while its submit path still works', async () => {
		emulator.configure({ catalogOmits: ['openai/gpt-image-2.5-flare/text-to-image'] });
		expect((await schemaOf('openai/gpt-image-2.5-flare/text-to-image')).entry).toBeUndefined();
		expect((await schemaOf('openai/gpt-image-2.5-flare/edit')).entry).toBeDefined();
		const done = await finished('openai/gpt-image-2.5-flare/text-to-image', { prompt: 'still served' });
		expect(done.status).toBe('completed');
	});
});

describe('submits on the family paths', () => {
	it.each(FAMILIES)('%s text-to-image: a 1:3 picture at 1k', async (family) => {
		const done = await finished(`openai/${family}/text-to-image`, { prompt: 'a tall tower', aspect_ratio: '1:3' });
		expect(done.model).toBe(`openai/${family}/text-to-image`);
		expect(await sharp((await download(done.outputs[0])).bytes).metadata()).toMatchObject({ format: 'png', width: 592, height: 1776 });
	});

	it('refuses a value outside the model schema with 400 [1401] and creates nothing', async () => {
		const cases: Array<[string, Record<string, unknown>, string]> = [
			['openai/gpt-image-2/text-to-image', { prompt: 'x', quality: 'xhigh' }, 'quality'],
			['openai/gpt-image-2/text-to-image', { prompt: 'x', output_format: 'webp' }, 'output_format'],
			['openai/gpt-image-2.5-flare/text-to-image', { prompt: 'x', output_format: 'gif' }, 'output_format'],
			['openai/gpt-image-2.6-flare/edit', { prompt: 'x', images: ['http://h/a.png'], output_format: 'svg' }, 'output_format'],
			['openai/gpt-image-2.6-flare/text-to-image', { prompt: 'x', complexity: 'extreme' }, 'complexity'],
			['openai/gpt-image-2.5-sunburst/edit', { prompt: 'x', images: Array(17).fill('http://h/a.png') }, 'images'],
			['openai/gpt-image-2.6-sunburst/edit', { prompt: 'x', images: ['http://h/a.png'], mask_image: 'data:image/png;base64,AAAA' }, 'mask_image'],
		];
		for (const [path, body, field] of cases) {
			const answer = await api(emulator, 'POST', `/api/v3/${path}`, body);
			expect([path, answer.status, answer.json.message]).toEqual([path, 400, expect.stringContaining(`[1401] Invalid parameter ${field}`)]);
		}
		expect(emulator.tasks).toHaveLength(0);
	});

	it('drops fields the schema does not list (complexity on 2.5, mask_image on 2.5 edit, seed) and renders anyway', async () => {
		const done = await finished('openai/gpt-image-2.5-flare/text-to-image', { prompt: 'x', complexity: 'high', seed: 7 });
		expect(done.status).toBe('completed');
		expect(emulator.tasks[0].dropped.sort()).toEqual(['complexity', 'seed']);
		expect(emulator.tasks[0].input).toEqual({ prompt: 'x' });
	});

	it('takes the 2.5 qualities xhigh and max and the 2.6 complexity', async () => {
		expect((await finished('openai/gpt-image-2.5-sunburst/text-to-image', { prompt: 'x', quality: 'max' })).status).toBe('completed');
		expect((await finished('openai/gpt-image-2.6-sunburst/text-to-image', { prompt: 'x', quality: 'xhigh', complexity: 'high' })).status).toBe('completed');
	});

	it('renders WebP, GIF and SVG when asked, served with their content types', async () => {
		const webp = await finished('openai/gpt-image-2.5-flare/text-to-image', { prompt: 'x', output_format: 'webp' });
		const webpFile = await download(webp.outputs[0]);
		expect(webp.outputs[0]).toMatch(/\.webp$/);
		expect(webpFile.headers.get('content-type')).toBe('image/webp');
		expect(webpFile.bytes.subarray(8, 12).toString('latin1')).toBe('WEBP');
		expect(await sharp(webpFile.bytes).metadata()).toMatchObject({ format: 'webp', width: 1024, height: 1024 });

		const gif = await finished('openai/gpt-image-2.6-flare/text-to-image', { prompt: 'x', output_format: 'gif', aspect_ratio: '2:1' });
		const gifFile = await download(gif.outputs[0]);
		expect(gifFile.headers.get('content-type')).toBe('image/gif');
		expect(gifFile.bytes.subarray(0, 6).toString('latin1')).toMatch(/^GIF8[79]a$/);
		expect(await sharp(gifFile.bytes).metadata()).toMatchObject({ format: 'gif', width: 1456, height: 720 });

		const svg = await finished('openai/gpt-image-2.6-sunburst/text-to-image', { prompt: 'a <logo> & mark', output_format: 'svg' });
		const svgFile = await download(svg.outputs[0]);
		expect(svgFile.headers.get('content-type')).toBe('image/svg+xml');
		const text = svgFile.bytes.toString('utf8');
		expect(text).toMatch(/^<\?xml[^>]*>\s*<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="1024" height="1024"/);
		expect(text).toContain('a &lt;logo&gt; &amp; mark');
	});

	it('2.6 edit with a mask: only the fully transparent half changes', async () => {
		const done = await finished('openai/gpt-image-2.6-flare/edit', { prompt: 'paint it red', images: [`${host.url}/first.png`], mask_image: `${host.url}/mask.png`, aspect_ratio: '4:3' });
		expect(done.status).toBe('completed');
		const image = await sharp((await download(done.outputs[0])).bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
		const { width, height } = image.info;
		const pixel = (x: number, y: number) => [...image.data.subarray((y * width + x) * 3, (y * width + x) * 3 + 3)];
		expect(pixel(Math.round(width * 0.9), Math.round(height * 0.3))).toEqual([0, 0, 255]); // kept: the original blue
		expect(pixel(Math.round(width * 0.1), Math.round(height * 0.3))).not.toEqual([0, 0, 255]); // edited
	});

	it.each([
		['/opaque.png', 'alpha channel'],
		['/small-mask.png', 'size of the first image (64x48)'],
	])('a mask %s fails the task with code 1401 (%s)', async (mask, why) => {
		const done = await finished('openai/gpt-image-2.6-flare/edit', { prompt: 'x', images: [`${host.url}/first.png`], mask_image: `${host.url}${mask}` });
		expect(done).toMatchObject({ status: 'failed', code: 1401, error: expect.stringContaining(why) });
	});
});
