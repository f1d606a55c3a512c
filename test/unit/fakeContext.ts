/** The one stand-in for n8n's execute functions in unit tests: node parameters, one input item, the node's type. */
import type { IExecuteFunctions } from 'n8n-workflow';

export interface FakeNode {
	type?: string;
	isToolExecution?: () => boolean;
}

export function fakeFx(parameters: Record<string, unknown>, binary?: Record<string, unknown>, node: FakeNode = {}): IExecuteFunctions {
	return {
		getNodeParameter: (name: string, _index: number, fallback?: unknown) => (name in parameters ? parameters[name] : fallback),
		getInputData: () => [{ json: {}, binary }],
		getNode: () => ({ type: node.type ?? 'n8n-nodes-gpt-image-2.gptImage2Edit' }),
		...(node.isToolExecution ? { isToolExecution: node.isToolExecution } : {}),
	} as unknown as IExecuteFunctions;
}
