/** Every example has e2e expectations (npm run e2e refuses examples without them), and they match the example. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { EXPECTATIONS, expectationFor } from '../../dev/e2e/expectations';

const EXAMPLES_DIR = path.resolve(__dirname, '..', '..', 'examples');
const names = readdirSync(EXAMPLES_DIR)
	.filter((f) => f.endsWith('.json'))
	.map((f) => f.slice(0, -'.json'.length));

describe('e2e expectations', () => {
	it('exist for every example in examples/ and only for those', () => {
		expect(Object.keys(EXPECTATIONS).sort()).toEqual(names.sort());
	});

	it('say where to add a missing one', () => {
		expect(() => expectationFor('new-example')).toThrow('add expectations for new-example in dev/e2e/expectations.ts');
	});

	it.each(names)('%s: the checked node exists with the expected type', (name) => {
		const { imageNode, imageNodeType, resumesByWebhook, pairedTrigger } = EXPECTATIONS[name];
		// A submitting example's images are checked in its paired trigger workflow.
		const file = pairedTrigger ?? name;
		const workflow = JSON.parse(readFileSync(path.join(EXAMPLES_DIR, `${file}.json`), 'utf8')) as { nodes: Array<{ name: string; type: string }> };
		expect(workflow.nodes.find((n) => n.name === imageNode)?.type).toBe(`n8n-nodes-gpt-image-2.${imageNodeType}`);
		expect(workflow.nodes.some((n) => n.type === 'n8n-nodes-base.wait')).toBe(Boolean(resumesByWebhook));
	});
});
