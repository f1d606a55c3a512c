/** Builds workflow JSON the way n8n exports it: tests, demo and bench describe workflows with these. */
import type { IConnections, INode, INodeParameters } from 'n8n-workflow';

import type { WorkflowJson } from '../harness';

export const PACKAGE = 'n8n-nodes-gpt-image-2';
export const EDIT_TYPE = `${PACKAGE}.gptImage2Edit`;
export const GENERATE_TYPE = `${PACKAGE}.gptImage2Generate`;
export const CREDENTIALS = { waveSpeedApi: { id: 'wavespeed-test', name: 'WaveSpeed account' } };
export const EACHLABS_CREDENTIALS = { eachLabsApi: { id: 'eachlabs-test', name: 'each::labs account' } };

/**
 * The same workflow on each::labs: every node of this package gets Provider each::labs and the each::labs credential.
 * WaveSpeed workflows are left as they are (no Provider parameter), as saved before the parameter existed.
 */
export function onProvider(workflow: WorkflowJson, provider: 'wavespeed' | 'eachlabs'): WorkflowJson {
	if (provider === 'wavespeed') return workflow;
	return {
		...workflow,
		nodes: workflow.nodes.map((node) =>
			node.type.startsWith(PACKAGE) ? { ...node, parameters: { provider: 'eachlabs', ...node.parameters }, credentials: EACHLABS_CREDENTIALS } : node,
		),
	};
}

export interface NodeSpec {
	name: string;
	type: string;
	parameters?: INodeParameters;
	typeVersion?: number;
	/** Node settings as the editor stores them, e.g. { continueOnFail: true } or { onError: 'continueRegularOutput' }. */
	settings?: Partial<INode>;
}

/** A straight chain of nodes, each feeding the next, as most asset workflows are. */
export function chain(...specs: NodeSpec[]): WorkflowJson {
	const nodes: INode[] = specs.map((spec, index) => ({
		id: `node-${index}`,
		name: spec.name,
		type: spec.type,
		typeVersion: spec.typeVersion ?? 1,
		position: [index * 220, 0],
		parameters: spec.parameters ?? {},
		...(spec.type.startsWith(PACKAGE) ? { credentials: CREDENTIALS } : {}),
		...spec.settings,
	}));
	const connections: IConnections = {};
	for (let i = 0; i + 1 < nodes.length; i++) {
		connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	}
	return { name: 'test workflow', nodes, connections };
}

export const manualTrigger = (): NodeSpec => ({ name: 'Start', type: 'n8n-nodes-base.manualTrigger' });

/** Edit Fields (Set) node emitting one item per row, fields as given (raw JSON mode). */
export function rows(rowsJson: Array<Record<string, unknown>>, name = 'Rows'): NodeSpec[] {
	return [
		{
			name: `${name} JSON`,
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			parameters: { mode: 'raw', jsonOutput: JSON.stringify({ rows: rowsJson }), options: {} },
		},
		{ name, type: 'n8n-nodes-base.splitOut', typeVersion: 1, parameters: { fieldToSplitOut: 'rows', options: {} } },
	];
}

/** Read/Write Files from Disk, reading a file into binary field `data` (or another). */
export function readFile(path: string, name = 'Read Photo', dataPropertyName = 'data'): NodeSpec {
	return {
		name,
		type: 'n8n-nodes-base.readWriteFile',
		typeVersion: 1,
		parameters: { operation: 'read', fileSelector: path, options: { dataPropertyName } },
	};
}

export function editNode(parameters: INodeParameters, name = 'Edit', settings?: Partial<INode>): NodeSpec {
	return { name, type: EDIT_TYPE, parameters, settings };
}

export function generateNode(parameters: INodeParameters, name = 'Generate', settings?: Partial<INode>): NodeSpec {
	return { name, type: GENERATE_TYPE, parameters, settings };
}
