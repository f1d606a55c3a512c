/** Reads a workflow exported from n8n (or from examples/) as the harness's WorkflowJson. */
import { readFileSync } from 'node:fs';

import { UserError, jsonParse } from 'n8n-workflow';

import type { WorkflowJson } from './types';

export function readWorkflowFile(file: string): WorkflowJson {
	const parsed = jsonParse<Partial<WorkflowJson>>(readFileSync(file, 'utf8'));
	if (!Array.isArray(parsed.nodes) || typeof parsed.connections !== 'object' || parsed.connections === null) {
		throw new UserError(`"${file}" is not an exported n8n workflow: it needs "nodes" and "connections"`);
	}
	return parsed as WorkflowJson;
}
