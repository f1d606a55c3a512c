/** each::labs' pure decisions: the schema mapping (both variants), nearest sizes, refusals, and reading answers. */
import { taskState, outputUrls, readResult, readSubmit } from '../../../../nodes/shared/providers/eachlabs/api';
import type { InputShape } from '../../../../nodes/shared/providers/eachlabs/inputShape';
import { buildInput, chooseSize, describeChoices, documentedShape, readShape, refuseRequest } from '../../../../nodes/shared/providers/eachlabs/inputShape';
import { modelAnswerSchema } from '../../../../nodes/shared/providers/eachlabs/schemas';
import type { TaskRequest, PlannedRequest } from '../../../../nodes/shared/providers/provider';
import type { ImageSettings } from '../../../../nodes/shared/core/schemas';
import { ARRAY_SIZES, requestSchema, SINGLE_SIZES } from '../../../../dev/emulator';

const settings = (over: Partial<ImageSettings> = {}): ImageSettings => ({ aspectRatio: '1:1', resolution: '1k', quality: 'medium', outputFormat: 'png', ...over });
const planned = (over: Partial<ImageSettings> = {}, imageCount = 1): PlannedRequest => ({ kind: 'edit', settings: settings(over), imageCount });
const task = (over: Partial<ImageSettings> = {}, imageUrls = ['https://a/1.png']): TaskRequest => ({ kind: 'edit', prompt: 'p', imageUrls, settings: settings(over), waitMode: 'poll', inlineBase64: false });

const live = (variant: 'array' | 'single', kind: 'edit' | 'generate' = 'edit'): InputShape => {
	const slug = kind === 'edit' ? 'gpt-image-v2-edit' : 'gpt-image-v2-text-to-image';
	const schema = modelAnswerSchema.parse({ request_schema: requestSchema(slug, variant) }).request_schema;
	return readShape(kind, slug, schema)!;
};

describe('readShape', () => {
	test('array variant: image_urls (up to 16), image_size with auto, quality and format', () => {
		expect(live('array')).toMatchObject({ source: 'live', images: { field: 'image_urls', multiple: true, max: 16 }, size: { field: 'image_size', auto: true }, quality: { field: 'quality' }, outputFormat: { field: 'output_format' } });
		expect(live('array').size!.sizes.map((s) => s.text)).toEqual(ARRAY_SIZES.filter((s) => s !== 'auto'));
	});
	test('single variant: image_url (one), three sizes, no quality or format', () => {
		const shape = live('single');
		expect(shape).toMatchObject({ images: { field: 'image_url', multiple: false, max: 1 }, size: { field: 'image_size', auto: false } });
		expect(shape.size!.sizes.map((s) => s.text)).toEqual([...SINGLE_SIZES]);
		expect(shape.quality).toBeUndefined();
		expect(shape.outputFormat).toBeUndefined();
	});
	test('text to image uses `size`; a schema without prompt or image field is not usable', () => {
		expect(live('array', 'generate').size!.field).toBe('size');
		expect(readShape('edit', 'x', { properties: { prompt: { type: 'string' } }, required: [] })).toBeUndefined();
		expect(readShape('generate', 'x', { properties: { text: { type: 'string' } }, required: [] })).toBeUndefined();
	});
});

describe('chooseSize', () => {
	const sizeOf = (shape: InputShape, aspectRatio: ImageSettings['aspectRatio'], resolution: ImageSettings['resolution']) => {
		const choice = chooseSize(shape, aspectRatio, resolution);
		return choice.type === 'size' ? choice.size.text : choice.type;
	};
	test.each([
		['1:1', '1k', '1024x1024'],
		['3:2', '1k', '1536x1024'],
		['16:9', '1k', '1536x1024'],
		['2:3', '1k', '1024x1536'],
		['9:16', '2k', '1152x2048'],
		['1:1', '2k', '2048x2048'],
		['4:3', '2k', '2048x2048'],
		['match', '1k', 'auto'],
		['1:1', '4k', 'refused'],
	] as const)('array variant: %s at %s -> %s', (ratio, resolution, expected) => {
		expect(sizeOf(live('array'), ratio, resolution)).toBe(expected);
	});
	test('single variant: 2K is refused; match sends no size (no auto listed)', () => {
		expect(sizeOf(live('single'), '1:1', '2k')).toBe('refused');
		expect(sizeOf(live('single'), 'match', '1k')).toBe('none');
	});
});

describe('refuseRequest', () => {
	test('more than one image for image_url, naming the fix', () => {
		expect(refuseRequest(live('single'), planned({}, 2))?.message).toBe(`2 reference images are set; each::labs' gpt-image-v2-edit takes one image (its schema has only "image_url")`);
		expect(refuseRequest(live('array'), planned({}, 16))).toBeUndefined();
	});
	test('4K with no size that large; JPEG without a format field', () => {
		expect(refuseRequest(live('array'), planned({ resolution: '4k' }))?.message).toMatch(/largest: 2048x2048/);
		expect(refuseRequest(live('single'), planned({ outputFormat: 'jpeg' }))?.message).toMatch(/no output format field/);
		expect(refuseRequest(live('array'), planned({ outputFormat: 'jpeg' }))).toBeUndefined();
	});
});

describe('buildInput', () => {
	test('only the fields the schema lists', () => {
		expect(buildInput(live('single'), task({ aspectRatio: '16:9', quality: 'high' }))).toEqual({ prompt: 'p', image_url: 'https://a/1.png', image_size: '1536x1024' });
		expect(buildInput(live('array'), task({ aspectRatio: '2:3', quality: 'low', outputFormat: 'jpeg' }, ['https://a/1.png', 'https://a/2.png']))).toEqual({
			prompt: 'p',
			image_urls: ['https://a/1.png', 'https://a/2.png'],
			image_size: '1024x1536',
			quality: 'low',
			output_format: 'jpeg',
		});
	});
	test('the documented variant when the schema cannot be read, and the item says so', () => {
		const shape = documentedShape('generate', 'gpt-image-v2-text-to-image');
		expect(buildInput(shape, { ...task(), kind: 'generate', imageUrls: [] })).toEqual({ prompt: 'p', size: '1024x1024', quality: 'medium', output_format: 'png' });
		expect(describeChoices(shape, { ...planned(), kind: 'generate', imageCount: 0 })).toEqual({ size: '1024x1024', schemaSource: 'documented' });
	});
});

describe('reading answers', () => {
	const response = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, headers, body });

	test.each([
		['success', 'succeeded'],
		['succeeded', 'succeeded'],
		['error', 'failed'],
		['failed', 'failed'],
		['cancelled', 'failed'],
		['starting', 'running'],
		['processing', 'running'],
		['queued-somewhere', 'running'],
	])('status %s -> %s', (status, state) => {
		expect(taskState(status)).toBe(state);
	});

	test('outputs as a string, an array or {url}', () => {
		expect(outputUrls('https://cdn/a.png')).toEqual(['https://cdn/a.png']);
		expect(outputUrls(['https://cdn/a.png', 'https://cdn/b.png'])).toEqual(['https://cdn/a.png', 'https://cdn/b.png']);
		expect(outputUrls({ url: 'https://cdn/a.png' })).toEqual(['https://cdn/a.png']);
		expect(outputUrls(null)).toEqual([]);
	});

	test('submit: predictionID = accepted; 400/401/402/429 refused; 5xx and odd 2xx ambiguous', () => {
		expect(readSubmit(response(200, { status: 'success', predictionID: 'abc' }), 'm')).toMatchObject({ type: 'accepted', task: { id: 'abc', model: 'm', state: 'running' } });
		for (const status of [400, 401, 402, 429]) expect(readSubmit(response(status, { error: 'x' }), 'm').type).toBe('refused');
		expect(readSubmit(response(402, { status: 402, error: 'payment required', details: 'in-flight' }), 'm')).toMatchObject({ failure: { kind: 'balance', message: expect.stringMatching(/payment required - in-flight/) } });
		expect(readSubmit(response(429, { error: 'too many', details: 'cap 2' }, { 'retry-after': '3' }), 'm')).toMatchObject({ failure: { kind: 'rateLimit', retryAfterMs: 3000 } });
		expect(readSubmit(response(500, { error: 'Failed to create prediction' }), 'm').type).toBe('ambiguous');
		expect(readSubmit(response(200, { status: 'success' }), 'm').type).toBe('ambiguous');
	});

	test('result: cost, predict time, and the failure reason wherever it is', () => {
		const done = readResult(response(200, { id: 'p1', status: 'success', output: ['https://cdn/a.png'], metrics: { predict_time: 41.5, cost: 0.0713 } }), 'm');
		expect(done).toMatchObject({ ok: true, task: { state: 'succeeded', outputs: ['https://cdn/a.png'], costUsd: 0.0713, inferenceMs: 41500, nsfw: [false] } });
		const inLogs = readResult(response(200, { id: 'p1', status: 'failed', logs: 'starting\nError: prompt was flagged\n' }), 'm');
		expect(inLogs).toMatchObject({ ok: true, task: { state: 'failed', failure: { message: 'The prediction ended with status "failed": Error: prompt was flagged' } } });
		const inOutput = readResult(response(200, { id: 'p1', status: 'error', output: { error_code: 'E1', error_message: 'timed out', classification: 'execution_timeout', retryable: true } }), 'm');
		expect(inOutput).toMatchObject({ ok: true, task: { failure: { message: 'The prediction ended with status "error" (execution_timeout): timed out', hint: expect.stringMatching(/new billed prediction/) } } });
		expect(readResult(response(404, { error: 'Prediction not found' }), 'm')).toMatchObject({ ok: false, failure: { kind: 'notFound' } });
	});
});
