/** Reading a provider's recent predictions page by page (Get Many): how far to read, and the reads themselves. */
import type { IExecuteFunctions } from 'n8n-workflow';

import { FailureError } from '../core/errors';
import type { NodeKind } from '../core/kinds';
import { FREE_REQUEST_RETRY } from '../http/retry';
import type { ApiTarget } from '../http/transport';
import { sendApiRequest, withRetries } from '../http/transport';
import type { GetManyPlan } from '../params/getManyPlan';
import type { HistoryFilters, Task, Provider } from '../providers/provider';
import { fetchTask } from './wait';

/** The plan's filters in the port's words. */
export function historyFilters(kind: NodeKind, plan: GetManyPlan): HistoryFilters {
	return {
		...(plan.thisModel ? { kind } : {}),
		...(plan.state ? { state: plan.state } : {}),
		...(plan.createdAfter ? { createdAfter: plan.createdAfter } : {}),
		...(plan.createdBefore ? { createdBefore: plan.createdBefore } : {}),
	};
}

/** One page size for the whole read (page numbers depend on it): the wanted count, up to the seller's largest page. */
export function pageSizeFor(max: number, maxPageSize: number): number {
	return Math.max(1, Math.min(max, maxPageSize));
}

/** Whether another page may hold more: this one was full, the seller's total is not reached, and fewer than `max` are kept. */
export function morePages(state: { kept: number; read: number; lastPageCount: number; pageSize: number; total?: number; max: number }): boolean {
	if (state.kept >= state.max) return false;
	if (state.lastPageCount < state.pageSize) return false;
	return state.total === undefined || state.read < state.total;
}

async function readPage(fx: IExecuteFunctions, provider: Provider, api: ApiTarget, filters: HistoryFilters, index: number, size: number) {
	return await withRetries(fx, FREE_REQUEST_RETRY, async () => {
		const response = await sendApiRequest(fx, api, { ...provider.history.historyCall(filters, { index, size }), phase: 'result' });
		const answer = provider.history.readHistory(response);
		if (!answer.ok) throw new FailureError(answer.failure);
		return answer;
	});
}

/** Up to `max` predictions, newest first, each once (a prediction made while paging may push one onto the next page). */
export async function readRecent(fx: IExecuteFunctions, provider: Provider, api: ApiTarget, filters: HistoryFilters, max: number): Promise<Task[]> {
	const pageSize = pageSizeFor(max, provider.history.maxPageSize);
	const seen = new Set<string>();
	const tasks: Task[] = [];
	for (let index = 0, read = 0; ; index++) {
		const page = await readPage(fx, provider, api, filters, index, pageSize);
		read += page.tasks.length;
		for (const task of page.tasks) {
			if (seen.has(task.id) || tasks.length >= max) continue;
			seen.add(task.id);
			tasks.push(task);
		}
		if (!morePages({ kept: tasks.length, read, lastPageCount: page.tasks.length, pageSize, total: page.total, max })) return tasks;
	}
}

/** Sellers whose list has no outputs: each finished prediction is read once (a free read) for its output URLs. */
export async function withOutputs(fx: IExecuteFunctions, provider: Provider, api: ApiTarget, tasks: Task[]): Promise<Task[]> {
	if (provider.history.listsOutputs) return tasks;
	const complete: Task[] = [];
	for (const task of tasks) {
		if (task.state !== 'succeeded') {
			complete.push(task);
			continue;
		}
		const read = await fetchTask(fx, provider, api, task.id);
		complete.push({ ...task, outputs: read.outputs, nsfw: read.nsfw, resultUrl: read.resultUrl ?? task.resultUrl, costUsd: task.costUsd ?? read.costUsd });
	}
	return complete;
}
