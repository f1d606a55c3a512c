/** each::labs' spend history, `GET /v1/executions` (docs/eachlabs-api.md): the request and its page. */
import { z } from 'zod';

import type { RawResponse } from '../../http/transport';
import { describeZod, parseJsonBody } from '../../http/transport';
import type { ApiCall, HistoryAnswer, HistoryFilters, HistoryPageRequest, Task, TaskState, ProviderHistory } from '../provider';
import { apiMessage, taskState } from './api';
import { describeHttpFailure } from './errors';
import { parseRetryAfterMs } from '../../http/retry';
import { MODELS } from './schemas';

/** The executions' status words (created, starting, success, error); 'starting' leaves out ones still 'created'. */
export const EXECUTION_STATUS: Record<TaskState, 'success' | 'error' | 'starting'> = {
	succeeded: 'success',
	failed: 'error',
	running: 'starting',
};

export const executionSchema = z.object({
	id: z.string().min(1),
	model: z.string().nullish(),
	status: z.string().min(1),
	execution_cost: z.number().nullish(),
	run_time: z.number().nullish(),
	created_at: z.string().nullish(),
});
export type Execution = z.infer<typeof executionSchema>;

export const executionsPageSchema = z.object({
	executions: z.array(executionSchema).nullish().transform((v) => v ?? []),
	total: z.number().nullish(),
});

export function historyQuery(filters: HistoryFilters, page: HistoryPageRequest): Record<string, string> {
	const qs: Record<string, string> = { limit: String(page.size), offset: String(page.index * page.size) };
	if (filters.kind) qs.model = MODELS[filters.kind];
	if (filters.state) qs.status = EXECUTION_STATUS[filters.state];
	if (filters.createdAfter) qs.from = filters.createdAfter;
	if (filters.createdBefore) qs.to = filters.createdBefore;
	return qs;
}

export function historyCall(filters: HistoryFilters, page: HistoryPageRequest): ApiCall {
	return { method: 'GET', path: '/v1/executions', qs: historyQuery(filters, page) };
}

/** An execution as a Task: no outputs in the list (the caller reads finished ones), the cost as charged. */
export function executionTask(execution: Execution): Task {
	const task: Task = {
		id: execution.id,
		model: execution.model ?? '',
		state: taskState(execution.status),
		status: execution.status,
		outputs: [],
		nsfw: [],
		inferenceMs: typeof execution.run_time === 'number' ? Math.round(execution.run_time * 1000) : null,
		createdAt: execution.created_at ?? null,
	};
	if (typeof execution.execution_cost === 'number' && Number.isFinite(execution.execution_cost)) task.costUsd = execution.execution_cost;
	return task;
}

export function readHistory(response: RawResponse): HistoryAnswer {
	const body = parseJsonBody(response.body);
	if (response.status < 200 || response.status >= 300) {
		return { ok: false, failure: describeHttpFailure(response.status, apiMessage(body), 'result', parseRetryAfterMs(response.headers['retry-after'])) };
	}
	const page = executionsPageSchema.safeParse(body);
	if (!page.success) {
		return { ok: false, failure: {
			kind: 'malformed',
			httpCode: response.status,
			message: `each::labs answered the executions list in an unexpected format (${describeZod(page.error)})`,
			hint: 'This is usually a passing problem with each::labs or a proxy in between; if it persists, check the Base URL.',
		} };
	}
	return { ok: true, tasks: page.data.executions.map(executionTask), total: page.data.total ?? undefined };
}

export const EACHLABS_HISTORY: ProviderHistory = {
	maxPageSize: 100,
	listsOutputs: false,
	historyCall,
	readHistory,
};
