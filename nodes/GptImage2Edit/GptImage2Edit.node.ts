import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { executeNode } from '../shared/operations/router';
import { NODE_CREDENTIALS, NODE_DESCRIPTIONS, nodeProperties } from '../shared/editor/properties';

export class GptImage2Edit implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'GPT Image 2 Edit',
		name: 'gptImage2Edit',
		icon: { light: 'file:../../icons/gptImage2.svg', dark: 'file:../../icons/gptImage2.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] === "getResult" ? "Get Result" : $parameter["operation"] === "getMany" ? "Get Many" : $parameter["operation"] === "estimateCost" ? "Estimate Cost" : "Edit Image" }}',
		description: NODE_DESCRIPTIONS.edit,
		defaults: { name: 'GPT Image 2 Edit' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: NODE_CREDENTIALS,
		properties: nodeProperties('edit'),
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeNode(this, 'edit');
	}
}
