import { z } from 'zod';

import { FailureError } from '../../../nodes/shared/core/errors';
import { describeIssue, readItemPlan, readItemOptions as readOutputOptions } from '../../../nodes/shared/params/itemPlan';
import { waveSpeed } from '../../../nodes/shared/providers/wavespeed';
import { fakeFx } from '../fakeContext';
import { imageSettingsSchema, promptSchema, waitModeSchema } from '../../../nodes/shared/core/schemas';
import { itemOptionsSchema as outputOptionsSchema } from '../../../nodes/shared/params/options';

const firstIssue = (schema: z.ZodTypeAny, value: unknown) => {
	const result = schema.safeParse(value);
	if (result.success) throw new Error('expected a validation issue');
	return result.error.issues[0];
};

const validSettings = { aspectRatio: '1:1', resolution: '1k', quality: 'medium', outputFormat: 'png', waitMode: 'poll' };
/** The row's choice parameters: the image settings and Wait For Result. */
const choicesSchema = imageSettingsSchema.extend({ waitMode: waitModeSchema });

describe('describeIssue', () => {
	test('an unsupported enum value names the parameter label, echoes the value and lists the allowed values', () => {
		const { message, hint } = describeIssue(firstIssue(imageSettingsSchema, { ...validSettings, resolution: '8k' }), '8k');
		expect(message).toBe('Resolution "8k" is not a supported value');
		expect(hint).toBe('Use one of: 1k, 2k, 4k.');
	});

	test('the aspect ratio message lists "match" and all 15 ratios (saved 1:2, 2:1, 1:3, 3:1, 9:21 are valid again)', () => {
		const { message, hint } = describeIssue(firstIssue(imageSettingsSchema, { ...validSettings, aspectRatio: '7:5' }), '7:5');
		expect(message).toBe('Aspect Ratio "7:5" is not a supported value');
		for (const ratio of ['match', '1:1', '16:9', '21:9', '1:2', '2:1', '1:3', '3:1', '9:21']) expect(hint).toContain(ratio);
		for (const ratio of ['1:2', '9:21']) expect(imageSettingsSchema.shape.aspectRatio.safeParse(ratio).success).toBe(true);
	});

	test.each([
		['quality', 'ultra', 'Quality', 'low, medium, high'],
		['outputFormat', 'webp', 'Output Format', 'png, jpeg'],
		['waitMode', 'forever', 'Wait For Result', 'poll, sync, none'],
	])('%s "%s" names %s and lists %s', (key, value, label, allowed) => {
		const { message, hint } = describeIssue(firstIssue(choicesSchema, { ...validSettings, [key]: value }), value);
		expect(message).toContain(label);
		expect(message).toContain(`"${value}"`);
		expect(hint).toContain(allowed);
	});

	test('a missing enum value (e.g. an expression that resolved to nothing) also lists the allowed values', () => {
		const { message, hint } = describeIssue(firstIssue(imageSettingsSchema, { ...validSettings, quality: undefined }), undefined);
		expect(message).toMatch(/^Quality /);
		expect(hint).toBe('Use one of: low, medium, high.');
	});

	test('options use their "Options > ..." label', () => {
		const { message, hint } = describeIssue(firstIssue(outputOptionsSchema, { output: 'file' }), 'file');
		expect(message).toBe('Options > Output "file" is not a supported value');
		expect(hint).toBe('Use one of: binary, url.');
	});

	test('a number of the wrong type says what was expected and what came', () => {
		const { message, hint } = describeIssue(firstIssue(outputOptionsSchema, { timeout: 'soon' }), 'soon');
		expect(message).toBe('Options > Timeout must be number, not string');
		expect(hint).toContain('Options > Timeout');
	});

	test('a range problem keeps the schema message after the label', () => {
		const { message, hint } = describeIssue(firstIssue(outputOptionsSchema, { pollInterval: 0 }), 0);
		expect(message).toBe('Options > Poll Interval must be at least 1 second');
		expect(hint).toBe('Change Options > Poll Interval.');
	});

	test('the prompt message starts with "Prompt"', () => {
		const issue = firstIssue(z.object({ prompt: promptSchema }), { prompt: '  ' });
		expect(describeIssue(issue).message).toMatch(/^Prompt is empty/);
	});
});


const catchFailure = (run: () => unknown) => {
	try {
		run();
	} catch (error) {
		if (error instanceof FailureError) return error.failure;
		throw error;
	}
	throw new Error('expected a FailureError');
};

const editParameters = {
	operation: 'editImage',
	prompt: 'put it on a marble counter',
	aspectRatio: 'match',
	resolution: '1k',
	quality: 'medium',
	outputFormat: 'png',
	waitMode: 'poll',
	referenceImages: { image: [{ source: 'binary', binaryField: 'data' }, { source: 'url', url: 'https://example.com/scene.png' }] },
	options: {},
};
const pngBinary = { data: { data: '', mimeType: 'image/png', fileName: 'a.png', bytes: 1000 } };

describe('readOutputOptions', () => {
	test('accepts numbers typed as text in expressions', () => {
		const options = readOutputOptions(fakeFx({ options: { pollInterval: '3', timeout: '120', maxConcurrency: '4' } }), 0, waveSpeed);
		expect(options).toMatchObject({ pollInterval: 3, timeout: 120, maxConcurrency: 4 });
	});

	test('treats empty file name and webhook URL as not set', () => {
		const options = readOutputOptions(fakeFx({ options: { fileName: '  ', webhookUrl: '' } }), 0, waveSpeed);
		expect(options.fileName).toBeUndefined();
		expect(options.webhookUrl).toBeUndefined();
	});

	test('refuses a webhook URL that is not http(s), naming the option', () => {
		const failure = catchFailure(() => readOutputOptions(fakeFx({ options: { webhookUrl: 'ftp://example.com/hook' } }), 0, waveSpeed));
		expect(failure.kind).toBe('input');
		expect(failure.message).toMatch(/^Options > Webhook URL: /);
	});

	test('refuses a webhook together with inline base64 and says how to fix it', () => {
		const failure = catchFailure(() =>
			readOutputOptions(fakeFx({ options: { webhookUrl: 'https://example.com/hook', transfer: 'base64' } }), 0, waveSpeed),
		);
		expect(failure.message).toMatch(/Webhook URL cannot be combined with Transfer: Inline Base64/);
		expect(failure.hint).toMatch(/Download From URL/);
	});

	test('a bad option value names the option and the range', () => {
		const failure = catchFailure(() => readOutputOptions(fakeFx({ options: { maxConcurrency: 500 } }), 0, waveSpeed));
		expect(failure.message).toBe('Options > Max Concurrent Requests must be at most 100');
	});
});

describe('readItemPlan', () => {
	test('reads a valid edit item, references in order', () => {
		const plan = readItemPlan(fakeFx(editParameters, pngBinary), 0, 'edit', waveSpeed);
		expect(plan).toMatchObject({
			operation: 'editImage',
			prompt: 'put it on a marble counter',
			references: [
				{ source: 'binary', binaryField: 'data' },
				{ source: 'url', url: 'https://example.com/scene.png' },
			],
			settings: { aspectRatio: 'match', resolution: '1k' },
			options: { output: 'binary', maxConcurrency: 5 },
		});
	});

	test('an empty prompt is refused as an input failure with the fix', () => {
		const failure = catchFailure(() => readItemPlan(fakeFx({ ...editParameters, prompt: '' }, pngBinary), 0, 'edit', waveSpeed));
		expect(failure.kind).toBe('input');
		expect(failure.message).toMatch(/is empty\. Describe the image you want/);
	});

	test('an unsupported aspect ratio names the parameter and lists the values', () => {
		const failure = catchFailure(() => readItemPlan(fakeFx({ ...editParameters, aspectRatio: '5:7' }, pngBinary), 0, 'edit', waveSpeed));
		expect(failure.message).toBe('Aspect Ratio "5:7" is not a supported value');
		expect(failure.hint).toContain('16:9');
	});

	test('"match" is refused for Generate Image, which has no reference image', () => {
		const failure = catchFailure(() => readItemPlan(fakeFx({ ...editParameters, operation: 'generateImage' }), 0, 'generate', waveSpeed));
		expect(failure.message).toMatch(/"match" needs a reference image/);
		expect(failure.hint).toMatch(/1:1/);
	});

	test('a missing binary field lists the fields the item has', () => {
		const failure = catchFailure(() =>
			readItemPlan(fakeFx(editParameters, { photo: { data: '', mimeType: 'image/png' } }), 0, 'edit', waveSpeed),
		);
		expect(failure.message).toBe('Reference image 1: the input item has no binary field "data"');
		expect(failure.hint).toContain('photo');
	});

	test('a reference URL that is not http(s) names its position', () => {
		const parameters = { ...editParameters, referenceImages: { image: [{ source: 'url', url: 'file:///tmp/a.png' }] } };
		const failure = catchFailure(() => readItemPlan(fakeFx(parameters), 0, 'edit', waveSpeed));
		expect(failure.message).toMatch(/^Reference image 1: .*only http and https/);
	});

	test('more than 16 reference images are refused, saying how many to remove', () => {
		const image = Array.from({ length: 18 }, () => ({ source: 'url', url: 'https://example.com/a.png' }));
		const failure = catchFailure(() => readItemPlan(fakeFx({ ...editParameters, referenceImages: { image } }), 0, 'edit', waveSpeed));
		expect(failure.message).toMatch(/18 reference images/);
		expect(failure.hint).toBe('Remove 2 of them.');
	});

	test('no reference image is refused', () => {
		const failure = catchFailure(() => readItemPlan(fakeFx({ ...editParameters, referenceImages: {} }), 0, 'edit', waveSpeed));
		expect(failure.message).toMatch(/No reference image/);
	});

	test('Get Result reads and trims the prediction id', () => {
		const plan = readItemPlan(fakeFx({ operation: 'getResult', predictionId: '  abc_123-x ', options: {} }), 0, 'edit', waveSpeed);
		expect(plan).toMatchObject({ operation: 'getResult', predictionId: 'abc_123-x', waitForCompletion: true });
	});

	test.each(['', '../../balance', 'id with spaces'])('Get Result refuses the prediction id %j', (predictionId) => {
		const failure = catchFailure(() => readItemPlan(fakeFx({ operation: 'getResult', predictionId, options: {} }), 0, 'edit', waveSpeed));
		expect(failure.message).toMatch(/Prediction ID/);
		expect(failure.hint).toMatch(/\$json\.id/);
	});
});
