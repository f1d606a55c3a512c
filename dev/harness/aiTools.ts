/**
 * AI-tool support, as n8n's server adds it: a `usableAsTool` node also exists as '<type>Tool' (no main input,
 * an ai_tool output), and an agent-like node calls it. The call goes through n8n-core's own tool path
 * (getInputConnectionData -> createNodeAsTool -> the node's execute in a SupplyDataContext).
 */
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription, IVersionedNodeType } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

export const TOOL_SUFFIX = 'Tool';
export const TOOL_CALLER_TYPE = 'harness.toolCaller';

/** The '<type>Tool' variant of a node that declares usableAsTool; undefined for other nodes. */
export function toolVariant(nodeType: INodeType | IVersionedNodeType): INodeType | undefined {
	if (!('description' in nodeType) || !('execute' in nodeType) || !nodeType.description.usableAsTool) return undefined;
	const description: INodeTypeDescription = {
		...nodeType.description,
		name: `${nodeType.description.name}${TOOL_SUFFIX}`,
		displayName: `${nodeType.description.displayName} Tool`,
		inputs: [],
		outputs: [NodeConnectionTypes.AiTool],
		properties: [
			{ displayName: 'Description', name: 'toolDescription', type: 'string', default: nodeType.description.description ?? '' },
			...nodeType.description.properties,
		],
	};
	return { description, execute: nodeType.execute };
}

/**
 * Stands in for an AI agent: for each input item it asks n8n for the connected tools and invokes the first one
 * with the item's `toolArgs`, returning the tool's answer as `toolResponse`.
 */
export const toolCaller: INodeType = {
	description: {
		displayName: 'Tool Caller (test harness)',
		name: 'toolCaller',
		group: ['transform'],
		version: 1,
		description: 'Invokes a connected AI tool the way an agent does',
		defaults: { name: 'Tool Caller' },
		inputs: [NodeConnectionTypes.Main, { type: NodeConnectionTypes.AiTool, displayName: 'Tool', maxConnections: 1 }],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	},
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const output: INodeExecutionData[] = [];
		for (let index = 0; index < items.length; index++) {
			const tool = (await this.getInputConnectionData(NodeConnectionTypes.AiTool, index)) as { invoke(args: unknown): Promise<unknown> } | undefined;
			if (!tool) throw new Error('No tool is connected to the Tool Caller');
			const answer = await tool.invoke(items[index].json.toolArgs ?? {});
			output.push({ json: { toolResponse: typeof answer === 'string' ? JSON.parse(answer) : answer }, pairedItem: { item: index } });
		}
		return [output];
	},
};
