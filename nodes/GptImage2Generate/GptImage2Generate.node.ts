import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { executeNode } from '../shared/operations/router';
import { NODE_CREDENTIALS, NODE_DESCRIPTIONS, nodeProperties } from '../shared/editor/properties';

export class GptImage2Generate implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'GPT Image 2 Generate',
		name: 'gptImage2Generate',
		icon: { light: 'file:../../icons/gptImage2.svg', dark: 'file:../../icons/gptImage2.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] === "getResult" ? "Get Result" : $parameter["operation"] === "getMany" ? "Get Many" : $parameter["operation"] === "estimateCost" ? "Estimate Cost" : "Generate Image" }}',
		description: NODE_DESCRIPTIONS.generate,
		defaults: { name: 'GPT Image 2 Generate' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: NODE_CREDENTIALS,
		properties: nodeProperties('generate'),
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeNode(this, 'generate');
	}
}
