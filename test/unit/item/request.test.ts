import { isToolRun } from '../../../nodes/shared/item/request';
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
