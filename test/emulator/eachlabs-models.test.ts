/** Contract: each::labs model details (both endpoints, OpenAPI, knobs), the v2.5 schemas and creates held to them, outputs and real charges. */
import sharp from 'sharp';
import { startEmulator, V25_SIZES, type Emulator } from '../../dev/emulator';
import { api, download, imageHost, type TestServer } from './helpers';

let emulator: Emulator;
let host: TestServer;
beforeAll(async () => {
	emulator = await startEmulator({ dialect: 'eachlabs', latencyMs: 10 });
	const first = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#00ff00' } }).png().toBuffer();
	const mask = await sharp({ create: { width: 64, height: 48, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
	const jpegMask = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#000000' } }).jpeg().toBuffer();
	host = await imageHost({
		'/first.png': { bytes: first, type: 'image/png' },
		'/mask.png': { bytes: mask, type: 'image/png' },
		'/mask.jpg': { bytes: jpegMask, type: 'image/jpeg' },
	});
});
afterAll(async () => {
	await emulator.close();
	await host.close();
});
beforeEach(() => {
	emulator.reset();
	emulator.configure({ eachlabsSchema: 'array', eachlabsModelEndpoints: 'both', eachlabsOutputShape: 'string', costUsd: 0.17, balance: 42.5 });
});

const V25 = ['gpt-image-v2-5-flare-text-to-image', 'gpt-image-v2-5-flare-edit', 'gpt-image-v2-5-sunburst-text-to-image', 'gpt-image-v2-5-sunburst-edit'];
const FLARE_T2I = 'gpt-image-v2-5-flare-text-to-image';
const FLARE_EDIT = 'gpt-image-v2-5-flare-edit';
const open = (path: string) => api(emulator, 'GET', path, undefined, { authorization: '' });
const create = (model: string, input: Record<string, unknown>) => api(emulator, 'POST', '/v1/prediction', { model, version: '0.0.1', input });

async function finished(model: string, input: Record<string, unknown>) {
	const created = await create(model, input);
	expect([created.status, created.json.error, created.json.details]).toEqual([200, undefined, undefined]);
	await emulator.waitForTask(created.json.predictionID);
	return (await api(emulator, 'GET', `/v1/prediction/${created.json.predictionID}`)).json;
}

describe('model details', () => {
	it('GET /v1/models/{slug} answers without a key: request_schema, output_type, usage-based cost', async () => {
		const answer = await open('/v1/models/gpt-image-v2-edit');
		expect(answer.status).toBe(200);
		expect(answer.json).toMatchObject({ slug: 'gpt-image-v2-edit', output_type: 'array', cost: { type: 'usage_based', amount: null, min: null, max: null } });
		expect(answer.json.request_schema).toMatchObject({ required: ['prompt', 'image_urls'], additionalProperties: false });
	});

	it('the old /v1/model?slug= answers the same details', async () => {
		const [newer, older] = await Promise.all([open('/v1/models/gpt-image-v2-5-sunburst-edit'), open('/v1/model?slug=gpt-image-v2-5-sunburst-edit')]);
		expect(older.status).toBe(200);
		expect(older.json).toEqual(newer.json);
	});

	it('eachlabsModelEndpoints modelsOnly: the old endpoint 404s; none: both 404', async () => {
		emulator.configure({ eachlabsModelEndpoints: 'modelsOnly' });
		expect((await open('/v1/model?slug=gpt-image-v2-edit')).status).toBe(404);
		expect((await open('/v1/models/gpt-image-v2-edit')).status).toBe(200);
		emulator.configure({ eachlabsModelEndpoints: 'none' });
		expect((await open('/v1/model?slug=gpt-image-v2-edit')).status).toBe(404);
		expect((await open('/v1/models/gpt-image-v2-edit')).status).toBe(404);
		expect((await open('/v1/models/gpt-image-v2-edit/schemas/openapi')).status).toBe(404);
	});

	it('an unknown slug is 404 on both endpoints', async () => {
		expect((await open('/v1/models/gpt-image-v9')).json).toEqual({ status: 404, error: 'Model not found' });
		expect((await open('/v1/model?slug=gpt-image-v9')).status).toBe(404);
	});

	it('GET /v1/models/{slug}/schemas/openapi: an OpenAPI 3 document whose create body holds the request schema', async () => {
		const answer = await open('/v1/models/gpt-image-v2-5-flare-edit/schemas/openapi');
		expect(answer.json.openapi).toMatch(/^3\./);
		const body = answer.json.paths['/v1/prediction'].post.requestBody.content['application/json'].schema;
		expect(body.properties.model.enum).toEqual(['gpt-image-v2-5-flare-edit']);
		expect(body.properties.input).toEqual((await open('/v1/models/gpt-image-v2-5-flare-edit')).json.request_schema);
	});

	it('keeps the v2 variant knob: single answers image_url', async () => {
		emulator.configure({ eachlabsSchema: 'single' });
		const schema = (await open('/v1/models/gpt-image-v2-edit')).json.request_schema;
		expect(Object.keys(schema.properties)).toEqual(['prompt', 'image_url', 'image_size']);
	});

	it.each(V25)('%s: the documented v2.5 schema', async (slug) => {
		const schema = (await open(`/v1/models/${slug}`)).json.request_schema;
		const edit = slug.endsWith('-edit');
		const size = edit ? 'image_size' : 'size';
		expect(schema.additionalProperties).toBe(false);
		expect(schema.required).toEqual(edit ? ['prompt', 'image_urls'] : ['prompt']);
		expect(schema.properties.prompt.maxLength).toBe(32000);
		expect(schema.properties[size]).toMatchObject({ enum: [...V25_SIZES], default: '1024x1024' });
		expect(schema.properties.quality).toMatchObject({ enum: ['low', 'medium', 'high', 'xhigh', 'max', 'auto'], default: 'auto' });
		expect(schema.properties.output_format).toMatchObject({ enum: ['png', 'jpeg', 'webp'], default: 'png' });
		expect(schema.properties.background).toMatchObject({ enum: ['opaque', 'transparent', 'auto'], default: 'auto' });
		expect(schema.properties.output_compression).toMatchObject({ type: 'integer', minimum: 0, maximum: 100 });
		expect(schema.properties.num_images).toMatchObject({ minimum: 1, maximum: 10, default: 1 });
		expect(schema.properties.moderation).toMatchObject({ enum: ['low', 'auto'], default: 'low' });
		if (edit) {
			expect(schema.properties.image_urls).toMatchObject({ minItems: 1, maxItems: 16 });
			expect(schema.properties.mask_url).toMatchObject({ type: 'string', format: 'uri' });
		} else expect(schema.properties.mask_url).toBeUndefined();
	});
});

describe('v2.5 creates', () => {
	it('refuses with 400 Invalid input for model, and creates nothing, when the input breaks the schema', async () => {
		const cases: Array<[string, Record<string, unknown>, string]> = [
			[FLARE_T2I, { prompt: 'x', seed: 1 }, 'seed'],
			[FLARE_T2I, { prompt: 'x', quality: 'ultra' }, 'quality'],
			[FLARE_T2I, { prompt: 'x', background: 'transparent', output_format: 'jpeg' }, 'png or webp'],
			[FLARE_T2I, { prompt: 'x', output_compression: 101 }, 'output_compression'],
			[FLARE_T2I, { prompt: 'x', num_images: 11 }, 'num_images'],
			[FLARE_T2I, { prompt: 'x', moderation: 'high' }, 'moderation'],
			[FLARE_T2I, { prompt: 'x', size: '1000x1000' }, 'multiples of 16'],
			[FLARE_T2I, { prompt: 'x', size: '3856x1024' }, 'at most 3840'],
			[FLARE_T2I, { prompt: 'x', size: '3200x1024' }, '1:3 and 3:1'],
			[FLARE_T2I, { prompt: 'x', size: '768x768' }, 'pixels'],
			[FLARE_T2I, { prompt: 'x', size: 'custom' }, 'WxH'],
			[FLARE_T2I, { prompt: 'x'.repeat(32001) }, 'prompt'],
			[FLARE_EDIT, { prompt: 'x' }, 'image_urls is required'],
			[FLARE_EDIT, { prompt: 'x', image_urls: [] }, 'image_urls'],
			[FLARE_EDIT, { prompt: 'x', image_urls: Array(17).fill('https://a/b.png') }, 'image_urls'],
			[FLARE_EDIT, { prompt: 'x', image_urls: ['https://a/b.png'], mask_url: 'data:image/png;base64,AA' }, 'mask_url'],
			[FLARE_EDIT, { prompt: 'x', image_urls: ['https://a/b.png'], size: '1024x1024' }, 'size'],
		];
		for (const [model, input, mention] of cases) {
			const answer = await create(model, input);
			expect([JSON.stringify(input).slice(0, 80), answer.status, answer.json.error]).toEqual([JSON.stringify(input).slice(0, 80), 400, 'Invalid input for model']);
			expect(answer.json.details).toContain(mention);
		}
		expect(emulator.tasks).toHaveLength(0);
	});

	it('a custom WxH within the rules is rendered at exactly that size', async () => {
		const prediction = await finished(FLARE_T2I, { prompt: 'banner', size: '1920x1088', quality: 'low' });
		expect(await sharp((await download(prediction.output)).bytes).metadata()).toMatchObject({ width: 1920, height: 1088 });
	});

	it('output is a plain string for one image and an array for several (num_images)', async () => {
		const one = await finished(FLARE_T2I, { prompt: 'one' });
		expect(typeof one.output).toBe('string');
		const three = await finished(FLARE_T2I, { prompt: 'three', num_images: 3 });
		expect(three.output).toHaveLength(3);
		const bytes = await Promise.all((three.output as string[]).map(async (url) => (await download(url)).bytes.toString('base64')));
		expect(new Set(bytes).size).toBe(3);
	});

	it('eachlabsOutputShape array: an array even for one image', async () => {
		emulator.configure({ eachlabsOutputShape: 'array' });
		expect((await finished(FLARE_T2I, { prompt: 'one' })).output).toEqual([expect.stringMatching(/^http/)]);
	});

	it('WebP with background transparent: a WebP with an alpha channel whose corner is fully transparent', async () => {
		const prediction = await finished(FLARE_T2I, { prompt: 'a bottle', output_format: 'webp', background: 'transparent' });
		const file = await download(prediction.output);
		expect(file.headers.get('content-type')).toBe('image/webp');
		const { data, info } = await sharp(file.bytes).raw().toBuffer({ resolveWithObject: true });
		expect([info.channels, data[3], data[(Math.floor(info.height / 2) * info.width + Math.floor(info.width / 2)) * 4 + 3]]).toEqual([4, 0, 255]);
	});

	it('output_compression: a lower value gives a smaller JPEG', async () => {
		const high = await finished(FLARE_T2I, { prompt: 'same picture', output_format: 'jpeg', output_compression: 95 });
		const low = await finished(FLARE_T2I, { prompt: 'same picture', output_format: 'jpeg', output_compression: 10 });
		const [big, small] = await Promise.all([download(high.output), download(low.output)]);
		expect((await sharp(small.bytes).metadata()).format).toBe('jpeg');
		expect(small.bytes.length).toBeLessThan(big.bytes.length);
	});

	it('an edit with a fitting mask succeeds; a JPEG mask fails the prediction as invalid input', async () => {
		const ok = await finished(FLARE_EDIT, { prompt: 'x', image_urls: [`${host.url}/first.png`], mask_url: `${host.url}/mask.png` });
		expect(ok.status).toBe('success');
		const bad = await finished(FLARE_EDIT, { prompt: 'x', image_urls: [`${host.url}/first.png`], mask_url: `${host.url}/mask.jpg` });
		expect(bad).toMatchObject({ status: 'error', error: expect.stringContaining('mask must be a PNG') });
	});

	it('metrics.cost is the real charge: usage based on v2.5 (low 1024x1024 t2i $0.0066, grows with quality and count), the costUsd knob on v2', async () => {
		expect((await finished(FLARE_T2I, { prompt: 'x', quality: 'low' })).metrics.cost).toBeCloseTo(0.0066, 6);
		expect((await finished(FLARE_T2I, { prompt: 'x', quality: 'high', num_images: 2 })).metrics.cost).toBeCloseTo(0.0066 * 12 * 2, 6);
		expect((await finished(FLARE_EDIT, { prompt: 'x', quality: 'low', image_urls: [`${host.url}/first.png`], image_size: '1024x1024' })).metrics.cost).toBeCloseTo(0.028, 6);
		expect((await finished('gpt-image-v2-text-to-image', { prompt: 'x' })).metrics.cost).toBe(0.17);
		expect(emulator.spentUsd).toBeCloseTo(0.0066 + 0.1584 + 0.028 + 0.17, 6);
	});
});
