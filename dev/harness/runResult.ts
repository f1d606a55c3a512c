/** Turns n8n's raw IRun into the small query API tests use. */
import type { IBinaryData, INodeExecutionData, IRun, ITaskData } from 'n8n-workflow';
import { UserError } from 'n8n-workflow';

import { binaryDataService } from './container';
import type { RunError, RunResult } from './types';

type ErrorLike = {
	message?: unknown;
	description?: unknown;
	node?: { name?: unknown } | string;
	httpCode?: unknown;
	context?: unknown;
};

const text = (value: unknown): string | undefined => (value === undefined || value === null ? undefined : String(value));

/** Flattens the execution error n8n stores (a spread NodeApiError/NodeOperationError) into plain fields. */
export function summarizeError(raw: unknown): RunError | undefined {
	if (raw === undefined || raw === null) return undefined;
	const error = raw as ErrorLike;
	const node = typeof error.node === 'string' ? error.node : text(error.node?.name);
	return {
		message: text(error.message) ?? 'Unknown error',
		description: text(error.description),
		node,
		httpCode: text(error.httpCode),
		context: error.context,
		raw,
	};
}

function tasksOf(run: IRun, nodeName: string): ITaskData[] | undefined {
	return run.data.resultData.runData[nodeName];
}

function outputOf(run: IRun, nodeName: string, outputIndex = 0, runIndex?: number): INodeExecutionData[] {
	const tasks = tasksOf(run, nodeName);
	if (!tasks?.length) {
		throw new UserError(`Node "${nodeName}" did not run; ran: ${executedNodesOf(run).join(', ') || 'nothing'}`);
	}
	const task = tasks[runIndex ?? tasks.length - 1];
	return task?.data?.main?.[outputIndex] ?? [];
}

/** Node names ordered by when each first ran. */
function executedNodesOf(run: IRun): string[] {
	const first = (tasks: ITaskData[]) => tasks[0]?.executionIndex ?? Number.MAX_SAFE_INTEGER;
	return Object.entries(run.data.resultData.runData)
		.sort(([, a], [, b]) => first(a) - first(b))
		.map(([name]) => name);
}

/** Works for id-backed binaries (filesystem mode) and inline base64 alike. */
async function readBinary(binary: IBinaryData): Promise<Buffer> {
	return await binaryDataService().getAsBuffer(binary);
}

export function toRunResult(run: IRun): RunResult {
	return {
		status: run.status,
		error: summarizeError(run.data.resultData.error),
		run,
		output: (nodeName, outputIndex, runIndex) => outputOf(run, nodeName, outputIndex, runIndex),
		nodeError: (nodeName) => tasksOf(run, nodeName)?.at(-1)?.error,
		readBinary,
		executedNodes: () => executedNodesOf(run),
	};
}
