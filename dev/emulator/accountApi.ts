/**
 * WaveSpeed's account-side reads (docs/wavespeed-api.md): the model catalog, real charges (`billings/search`),
 * prediction history and delete. All free; none creates a task.
 */
import { catalogEntry, MODEL_IDS } from './catalog';
import { toPrediction } from './prediction';
import type { Reply } from './reply';
import type { Exchange } from './server';
import type { EmulatorState } from './state';
import { isFinished } from './tasks';
import type { EmulatedTask } from './types';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Predictions (and their history entries) live 7 days. */
export const HISTORY_DAYS = 7;

const bodyOf = (exchange: Exchange): Record<string, unknown> => {
	const json = exchange.record.json;
	return json && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : {};
};

/** GET /api/v3/models: every served model with its request schema; `catalogEndpoint` and `catalogOmits` knobs. */
export function modelsCatalog(state: EmulatorState, exchange: Exchange, reply: Reply): void {
	const mode = state.config.catalogEndpoint;
	if (mode === 'absent') return reply.error(404, `Endpoint not found: GET ${exchange.url.pathname}`);
	if (mode === 'error') return reply.error(500, 'Internal server error: the model list is unavailable');
	const served = MODEL_IDS.filter((model) => !state.config.catalogOmits.includes(model));
	reply.data(served.map((model, index) => catalogEntry(model, index + 1)));
}

/** A page number and size (page_size 1-100), or the reason they are refused. */
function paging(body: Record<string, unknown>, required: boolean, defaultSize = 10): { page: number; size: number } | { error: string } {
	if (required && (!('page' in body) || !('page_size' in body))) return { error: `[1400] Missing required parameter: ${'page' in body ? 'page_size' : 'page'}` };
	const page = body.page ?? 1;
	const size = body.page_size ?? defaultSize;
	if (!Number.isInteger(page) || (page as number) < 1) return { error: '[1401] Invalid parameter page: must be an integer of at least 1' };
	if (!Number.isInteger(size) || (size as number) < 1 || (size as number) > 100) return { error: '[1401] Invalid parameter page_size: must be an integer from 1 to 100' };
	return { page: page as number, size: size as number };
}

const pageOf = <T>(items: T[], page: number, size: number): T[] => items.slice((page - 1) * size, page * size);

/** A task's charge is 'pre' right after submit and 'done' once it finished and `billingSettleMs` passed. */
function orderState(state: EmulatorState, task: EmulatedTask, now: number): 'pre' | 'done' {
	return isFinished(task) && now >= (task.completedAt ?? now) + state.config.billingSettleMs ? 'done' : 'pre';
}

/** POST /api/v3/billings/search `{ prediction_uuids, page, page_size, billing_type?, sort?, start_time?, end_time? }`. */
export function billingsSearch(state: EmulatorState, exchange: Exchange, reply: Reply): void {
	const body = bodyOf(exchange);
	const paged = paging(body, false);
	if ('error' in paged) return reply.error(400, paged.error);
	const ids = body.prediction_uuids;
	if (ids !== undefined && (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string'))) {
		return reply.error(400, '[1401] Invalid parameter prediction_uuids: must be an array of prediction ids');
	}
	if (body.billing_type !== undefined && body.billing_type !== 'deduct' && body.billing_type !== 'refund') {
		return reply.error(400, '[1401] Invalid parameter billing_type: must be one of deduct, refund');
	}
	const start = body.start_time === undefined ? -Infinity : Number(body.start_time);
	const end = body.end_time === undefined ? Infinity : Number(body.end_time);
	const now = Date.now();
	// Every accepted task has one 'deduct' record; the emulator makes no refunds.
	const charged = body.billing_type === 'refund' ? [] : state.runner.tasks.filter((task) => task.priceUsd !== undefined);
	const items = charged
		.filter((task) => (ids === undefined ? true : (ids as string[]).includes(task.id)))
		.filter((task) => task.createdAt >= start && task.createdAt <= end)
		.map((task) => ({
			id: `bill_${task.id}`,
			price: task.priceUsd,
			billing_type: 'deduct',
			created_at: new Date(task.createdAt).toISOString(),
			order: { state: orderState(state, task, now) },
			prediction: { uuid: task.id, model_uuid: task.model, status: task.status },
		}));
	if (body.sort === 'created_at DESC') items.reverse();
	reply.data({ page: paged.page, page_size: paged.size, total: items.length, items: pageOf(items, paged.page, paged.size) });
}

const STATUS_FILTER = ['created', 'processing', 'completed', 'failed', 'cancelled', 'timeout'];

/** POST /api/v3/predictions: the last 7 days, newest first, filtered; items carry no input. */
export function history(state: EmulatorState, exchange: Exchange, reply: Reply): void {
	const body = bodyOf(exchange);
	const paged = paging(body, true);
	if ('error' in paged) return reply.error(400, paged.error);
	if (body.status !== undefined && !STATUS_FILTER.includes(String(body.status))) {
		return reply.error(400, `[1401] Invalid parameter status: must be one of ${STATUS_FILTER.join(', ')}`);
	}
	const time = (field: 'created_after' | 'created_before'): number | undefined | null => {
		if (body[field] === undefined) return undefined;
		const at = typeof body[field] === 'string' ? Date.parse(body[field] as string) : NaN;
		return Number.isNaN(at) ? null : at;
	};
	const after = time('created_after');
	const before = time('created_before');
	if (after === null || before === null) return reply.error(400, `[1401] Invalid parameter ${after === null ? 'created_after' : 'created_before'}: must be an ISO 8601 time`);
	const now = Date.now();
	const matching = state.runner.tasks
		.filter((task) => !task.deleted && now - task.createdAt <= HISTORY_DAYS * DAY_MS)
		.filter((task) => body.model === undefined || task.model === body.model)
		.filter((task) => body.status === undefined || task.status === body.status)
		.filter((task) => (after === undefined || task.createdAt >= after) && (before === undefined || task.createdAt <= before))
		.sort((a, b) => b.createdAt - a.createdAt);
	const items = pageOf(matching, paged.page, paged.size).map((task) => {
		const prediction = toPrediction(task, state.baseUrl);
		return {
			id: prediction.id,
			model: prediction.model,
			outputs: prediction.outputs,
			urls: prediction.urls,
			has_nsfw_contents: prediction.has_nsfw_contents,
			status: prediction.status,
			created_at: prediction.created_at,
			error: prediction.error,
			executionTime: prediction.timings.inference,
			timings: prediction.timings,
		};
	});
	reply.data({ page: paged.page, page_size: paged.size, total: matching.length, items });
}

/** POST /api/v3/predictions/delete `{ ids }`: the predictions disappear from history and their result answers 404. */
export function deletePredictions(state: EmulatorState, exchange: Exchange, reply: Reply): void {
	const ids = bodyOf(exchange).ids;
	if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === 'string')) {
		return reply.error(400, '[1401] Invalid parameter ids: must be a non-empty array of prediction ids');
	}
	const deleted: string[] = [];
	for (const id of ids as string[]) {
		const task = state.runner.get(id);
		if (task && !task.deleted) {
			task.deleted = true;
			deleted.push(id);
		}
	}
	reply.data({ deleted });
}

