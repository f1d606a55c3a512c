/** GET /v1/executions: spend history, newest first, paged by limit (1-100) and offset, filtered by model, status and time. */
import type { Reply } from '../reply';
import type { Exchange } from '../server';
import type { EmulatorState } from '../state';
import type { EmulatedTask } from '../types';

/** The history's status words: created, starting, success, error. */
export function executionStatus(task: EmulatedTask): 'created' | 'starting' | 'success' | 'error' {
	if (task.status === 'created') return 'created';
	if (task.status === 'processing') return 'starting';
	return task.status === 'completed' ? 'success' : 'error';
}

const STATUSES = ['created', 'starting', 'success', 'error'];

/** An ISO time or Unix seconds; NaN when neither. */
const timeOf = (text: string): number => (/^\d+$/.test(text) ? Number(text) * 1000 : Date.parse(text));

export function executionsHandler(state: EmulatorState, exchange: Exchange, reply: Reply): void {
	const query = exchange.url.searchParams;
	const bad = (details: string): void => reply.json(400, { status: 400, error: 'Invalid query', details });
	const limit = Number(query.get('limit') ?? '20');
	const offset = Number(query.get('offset') ?? '0');
	if (!Number.isInteger(limit) || limit < 1 || limit > 100) return bad('limit must be an integer from 1 to 100');
	if (!Number.isInteger(offset) || offset < 0) return bad('offset must be an integer of at least 0');
	const status = query.get('status');
	if (status !== null && !STATUSES.includes(status)) return bad(`status must be one of ${STATUSES.join(', ')}`);
	const from = query.get('from') === null ? -Infinity : timeOf(query.get('from') as string);
	const to = query.get('to') === null ? Infinity : timeOf(query.get('to') as string);
	if (Number.isNaN(from) || Number.isNaN(to)) return bad('from and to must be ISO 8601 times or Unix seconds');
	const model = query.get('model');
	const matching = state.runner.tasks
		.filter((task) => (model === null || task.model === model) && (status === null || executionStatus(task) === status))
		.filter((task) => task.createdAt >= from && task.createdAt <= to)
		.sort((a, b) => b.createdAt - a.createdAt);
	const executions = matching.slice(offset, offset + limit).map((task) => ({
		id: task.id,
		model: task.model,
		status: executionStatus(task),
		execution_cost: task.costUsd ?? 0,
		run_time: task.startedAt && task.completedAt ? (task.completedAt - task.startedAt) / 1000 : 0,
		created_at: new Date(task.createdAt).toISOString(),
	}));
	reply.json(200, { executions, total: matching.length, limit, offset });
}
