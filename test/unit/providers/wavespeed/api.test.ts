import type { TaskRequest } from '../../../../nodes/shared/providers/provider';
import { buildSubmitBody, resultUrl, toTask } from '../../../../nodes/shared/providers/wavespeed/api';
import { predictionSchema, submitRequestSchema } from '../../../../nodes/shared/providers/wavespeed/schemas';

/** The body fields wavespeed-api.md documents for the two models; nothing else may ever be sent. */
const DOCUMENTED_FIELDS = ['prompt', 'images', 'aspect_ratio', 'resolution', 'quality', 'output_format', 'enable_sync_mode', 'enable_base64_output'];

const plan = ({ waitMode = 'poll', ...overrides }: Partial<TaskRequest['settings'] & Pick<TaskRequest, 'waitMode'>> = {}, kind: TaskRequest['kind'] = 'edit'): Omit<TaskRequest, 'imageUrls' | 'inlineBase64'> => ({
	kind,
	prompt: 'put the sneaker on a marble counter',
	settings: { aspectRatio: '16:9', resolution: '2k', quality: 'high', outputFormat: 'jpeg', ...overrides },
	waitMode,
});

const IMAGES = ['https://cdn.example.com/product.png', 'https://cdn.example.com/scene.png'];

/** The former bodyOf(plan, images, inlineBase64) call shape, on the provider's TaskRequest. */
const bodyOf = (request: Omit<TaskRequest, 'imageUrls' | 'inlineBase64'>, imageUrls: string[], inlineBase64: boolean) =>
	buildSubmitBody({ ...request, imageUrls, inlineBase64 });

/** What batch/context.ts resultUrlOf does: the prediction's own result URL, else the documented one built from the Base URL. */
const resultUrlFor = (baseUrl: string, prediction: { id: string; urls: { get?: string } | null }) =>
	toTask(predictionSchema.parse({ ...prediction, status: 'completed' })).resultUrl || resultUrl(baseUrl, prediction.id);

describe('buildSubmitBody', () => {
	test('an edit sends the prompt, the images in order and the chosen settings', () => {
		expect(bodyOf(plan(), IMAGES, false)).toEqual({
			prompt: 'put the sneaker on a marble counter',
			images: IMAGES,
			aspect_ratio: '16:9',
			resolution: '2k',
			quality: 'high',
			output_format: 'jpeg',
			enable_sync_mode: false,
			enable_base64_output: false,
		});
	});

	test('"Match First Image" leaves aspect_ratio out so WaveSpeed takes the first image\'s shape', () => {
		const body = bodyOf(plan({ aspectRatio: 'match' }), IMAGES, false);
		expect(body).not.toHaveProperty('aspect_ratio');
		expect(body.images).toEqual(IMAGES);
	});

	test('a generate request sends no images', () => {
		const body = bodyOf(plan({ aspectRatio: '1:1' }, 'generate'), [], false);
		expect(body).not.toHaveProperty('images');
		expect(body.aspect_ratio).toBe('1:1');
	});

	test('a generate request ignores stray image URLs', () => {
		expect(bodyOf(plan({}, 'generate'), IMAGES, false)).not.toHaveProperty('images');
	});

	test('Sync Mode turns on enable_sync_mode; Poll and Don\'t Wait do not', () => {
		expect(bodyOf(plan({ waitMode: 'sync' }), IMAGES, false).enable_sync_mode).toBe(true);
		expect(bodyOf(plan({ waitMode: 'poll' }), IMAGES, false).enable_sync_mode).toBe(false);
		expect(bodyOf(plan({ waitMode: 'none' }), IMAGES, false).enable_sync_mode).toBe(false);
	});

	test('inline base64 is requested only when asked for', () => {
		expect(bodyOf(plan(), IMAGES, true).enable_base64_output).toBe(true);
		expect(bodyOf(plan(), IMAGES, false).enable_base64_output).toBe(false);
	});

	test.each([
		['edit, fixed ratio', plan(), IMAGES],
		['edit, match', plan({ aspectRatio: 'match', waitMode: 'sync' }), IMAGES],
		['generate', plan({ aspectRatio: '9:16' }, 'generate'), []],
	] as const)('sends nothing undocumented (%s)', (_name, submitPlan, images) => {
		for (const inline of [false, true]) {
			const body = bodyOf(submitPlan, [...images], inline);
			for (const key of Object.keys(body)) expect(DOCUMENTED_FIELDS).toContain(key);
			expect(submitRequestSchema.strict().safeParse(body).success).toBe(true);
		}
	});

	test('the option values never leak into the body', () => {
		const body = bodyOf({ ...plan(), webhookUrl: 'https://example.com/hook' }, IMAGES, false);
		expect(JSON.stringify(body)).not.toMatch(/webhook|fileName|example\.com\/hook/);
	});
});

describe('resultUrlFor', () => {
	test("uses the prediction's own result URL when WaveSpeed gives one", () => {
		expect(resultUrlFor('https://api.wavespeed.ai', { id: 'p1', urls: { get: 'https://api.wavespeed.ai/api/v3/predictions/p1/result' } })).toBe(
			'https://api.wavespeed.ai/api/v3/predictions/p1/result',
		);
	});

	test('builds the documented result URL from the Base URL otherwise', () => {
		expect(resultUrlFor('http://127.0.0.1:4010', { id: 'p2', urls: null })).toBe('http://127.0.0.1:4010/api/v3/predictions/p2/result');
		expect(resultUrlFor('https://api.wavespeed.ai', { id: 'p3', urls: {} })).toBe('https://api.wavespeed.ai/api/v3/predictions/p3/result');
		expect(resultUrlFor('https://api.wavespeed.ai', { id: 'p4', urls: { get: '' } })).toBe('https://api.wavespeed.ai/api/v3/predictions/p4/result');
	});
});
