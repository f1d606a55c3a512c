/** Workflows that start at the GPT Image 2 Trigger: tests and the demo describe them with these. */
import type { IConnections, INode, INodeParameters } from 'n8n-workflow';

import type { WorkflowJson } from '../harness';
import { CREDENTIALS, PACKAGE } from './build';

export const TRIGGER_TYPE = `${PACKAGE}.gptImage2Trigger`;

/** The trigger, its Succeeded output into `succeeded` nodes and its Failed output into `failed` nodes (No Op by default). */
export function triggerWorkflow(
	parameters: INodeParameters = {},
	{ webhookId = 'b1c2d3e4-0000-4000-8000-00000000a001', succeeded = [noOp('Saved')], failed = [noOp('Failed Task')] }: { webhookId?: string; succeeded?: INode[]; failed?: INode[] } = {},
): WorkflowJson {
	const trigger: INode = {
		id: 'trigger',
		name: 'Trigger',
		type: TRIGGER_TYPE,
		typeVersion: 1,
		position: [0, 0],
		webhookId,
		parameters,
		credentials: CREDENTIALS,
	};
	const connections: IConnections = {
		Trigger: {
			main: [
				succeeded.length ? [{ node: succeeded[0].name, type: 'main', index: 0 }] : [],
				failed.length ? [{ node: failed[0].name, type: 'main', index: 0 }] : [],
			],
		},
	};
	for (const branch of [succeeded, failed]) {
		for (let i = 0; i + 1 < branch.length; i++) connections[branch[i].name] = { main: [[{ node: branch[i + 1].name, type: 'main', index: 0 }]] };
	}
	return { name: 'trigger workflow', nodes: [trigger, ...succeeded, ...failed], connections };
}

export function noOp(name: string): INode {
	return { id: name, name, type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [300, 0], parameters: {} };
}
