/** As an AI agent's tool, binary cannot cross the tool boundary: the node answers with output URLs in JSON. */
import type { IConnections, INodeParameters } from 'n8n-workflow';

import { TOOL_CALLER_TYPE } from '../../dev/harness';
import type { WorkflowJson } from '../../dev/harness';
import { CREDENTIALS, everyText, GENERATE_TYPE, useTestBed } from './helpers';

function toolWorkflow(toolArgs: Record<string, unknown>, parameters: INodeParameters): WorkflowJson {
	const connections: IConnections = {
		Start: { main: [[{ node: 'Agent input', type: 'main', index: 0 }]] },
		'Agent input': { main: [[{ node: 'Agent', type: 'main', index: 0 }]] },
		'GPT Image 2 Generate': { ai_tool: [[{ node: 'Agent', type: 'ai_tool', index: 0 }]] },
	};
	return {
		name: 'agent with image tool',
		nodes: [
			{ id: '1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: '2',
				name: 'Agent input',
				type: 'n8n-nodes-base.set',
				typeVersion: 3.4,
				position: [200, 0],
				parameters: { mode: 'raw', jsonOutput: JSON.stringify({ toolArgs }), options: {} },
			},
			{ id: '3', name: 'Agent', type: TOOL_CALLER_TYPE, typeVersion: 1, position: [400, 0], parameters: {} },
			{
				id: '4',
				name: 'GPT Image 2 Generate',
				type: `${GENERATE_TYPE}Tool`,
				typeVersion: 1,
				position: [400, 200],
				parameters,
				credentials: CREDENTIALS,
			},
		],
		connections,
	};
}

describe('GPT Image 2 Generate as an AI agent tool', () => {
	const bed = useTestBed();

	it('answers the agent with the output URL in JSON and downloads nothing', async () => {
		const workflow = toolWorkflow(
			{ prompt: 'a blue mug on a wooden table' },
			{
				prompt: "={{ $fromAI('prompt', 'What the image should show', 'string') }}",
				aspectRatio: '1:1',
				resolution: '1k',
				quality: 'low',
				outputFormat: 'png',
				waitMode: 'poll',
				options: { pollInterval: 1 },
			},
		);
		const result = await bed.run(workflow);

		expect(result.error).toBeUndefined();
		const [answer] = result.output('Agent');
		const response = answer.json.toolResponse as Array<Record<string, unknown>> | Record<string, unknown>;
		const first = Array.isArray(response) ? response[0] : response;
		expect(first).toMatchObject({ status: 'completed', model: 'openai/gpt-image-2/text-to-image' });
		expect(first.outputs).toEqual([expect.stringMatching(/^http:\/\/127\.0\.0\.2:\d+\/outputs\/.+\.png$/)]);
		expect(first).not.toHaveProperty('images');
		expect(answer.binary).toBeUndefined();

		// The agent's argument reached WaveSpeed as the prompt; the node fetched no image.
		expect(bed.submits().map((r) => (r.json as { prompt: string }).prompt)).toEqual(['a blue mug on a wooden table']);
		const downloads = bed.emulator.requests.filter((r) => r.endpoint === 'cdn' && !r.internal);
		expect(downloads).toHaveLength(0);
		expect(everyText(result)).not.toContain(bed.emulator.apiKey);
	});

	it('refuses Inline Base64 as a tool is not possible: it asks WaveSpeed for URLs instead', async () => {
		const workflow = toolWorkflow(
			{ prompt: 'a red sneaker' },
			{ prompt: "={{ $fromAI('prompt', 'What to draw', 'string') }}", aspectRatio: '1:1', resolution: '1k', quality: 'low', outputFormat: 'png', waitMode: 'poll', options: { pollInterval: 1, transfer: 'base64' } },
		);
		const result = await bed.run(workflow);

		expect(result.error).toBeUndefined();
		expect((bed.submits()[0].json as { enable_base64_output: boolean }).enable_base64_output).toBe(false);
		const response = result.output('Agent')[0].json.toolResponse as Array<Record<string, unknown>> | Record<string, unknown>;
		const first = Array.isArray(response) ? response[0] : response;
		expect(first.outputs).toEqual([expect.stringMatching(/^http/)]);
	});
});
