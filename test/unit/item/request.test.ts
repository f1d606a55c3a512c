import { isToolRun, taskRequestOf, quoteRequestOf } from '../../../nodes/shared/item/request';
import type { SubmitPlan } from '../../../nodes/shared/params/itemPlan';
import { itemOptionsSchema } from '../../../nodes/shared/params/options';
import { fakeFx } from '../fakeContext';

describe('isToolRun', () => {
	const fx = (type: string, isToolExecution?: () => boolean) => fakeFx({}, undefined, { type, isToolExecution });

	test('is true when n8n says the node runs as a tool', () => {
		expect(isToolRun(fx('n8n-nodes-gpt-image-2.gptImage2Edit', () => true))).toBe(true);
	});

	test("is true for the node's tool variant, whose type ends in Tool", () => {
		expect(isToolRun(fx('n8n-nodes-gpt-image-2.gptImage2EditTool'))).toBe(true);
		expect(isToolRun(fx('n8n-nodes-gpt-image-2.gptImage2GenerateTool', () => false))).toBe(true);
	});

	test('is false for an ordinary run', () => {
		expect(isToolRun(fx('n8n-nodes-gpt-image-2.gptImage2Edit', () => false))).toBe(false);
		expect(isToolRun(fx('n8n-nodes-gpt-image-2.gptImage2Generate'))).toBe(false);
	});
});

describe('one builder for a row\'s quote and its submit', () => {
	const plan: SubmitPlan = {
		operation: 'editImage',
		prompt: 'put it on a marble counter',
		references: [{ source: 'binary', binaryField: 'data' }, { source: 'url', url: 'https://cdn.example.com/scene.png' }],
		settings: { aspectRatio: '16:9', resolution: '2k', quality: 'high', outputFormat: 'png' },
		waitMode: 'poll',
		options: itemOptionsSchema.parse({ transfer: 'base64', webhookUrl: 'https://hooks.example.com/done' }),
	};

	test('a tool run asks for no inline base64, in its quote as in its submit (binary cannot reach an agent)', () => {
		const submit = taskRequestOf('edit', plan, true);
		expect(submit.inlineBase64).toBe(false);
		expect(quoteRequestOf(submit, plan).inlineBase64).toBe(false);
		expect(taskRequestOf('edit', plan, false).inlineBase64).toBe(true);
	});

	test('the quote prices the URLs known before any upload and leaves the webhook out', () => {
		const quote = quoteRequestOf(taskRequestOf('edit', plan, false, 'secret'), plan);
		expect(quote.imageUrls).toEqual(['https://cdn.example.com/scene.png']);
		expect(quote.webhookUrl).toBeUndefined();
		expect(quote.webhookSecret).toBeUndefined();
		expect(quote.settings).toEqual(plan.settings);
	});
});
