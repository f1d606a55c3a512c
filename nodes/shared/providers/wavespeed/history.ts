/** WaveSpeed's prediction history, `POST /api/v3/predictions` (docs/wavespeed-api.md "History"): the request and its page. */
import { z } from 'zod';

import type { RawResponse } from '../../http/transport';
import type { ApiCall, HistoryAnswer, HistoryFilters, HistoryPageRequest, TaskState, ProviderHistory } from '../provider';
import { toTask } from './api';
import { parseEnvelope } from './envelope';
import { MODELS, predictionSchema } from './schemas';

/** The history's status filter takes three words; 'processing' leaves out tasks still queued as 'created'. */
export const HISTORY_STATUS: Record<TaskState, 'completed' | 'failed' | 'processing'> = {
	succeeded: 'completed',
	failed: 'failed',
	running: 'processing',
};

export const historyPageSchema = z.object({
	page: z.number().optional(),
	total: z.number().nullish(),
	items: z.array(predictionSchema).nullish().transform((v) => v ?? []),
});

/** The documented body: `page` counts from 1, filters only when set. */
export function historyBody(filters: HistoryFilters, page: HistoryPageRequest): Record<string, string | number> {
	const body: Record<string, string | number> = { page: page.index + 1, page_size: page.size };
	if (filters.kind) body.model = MODELS[filters.kind];
	if (filters.state) body.status = HISTORY_STATUS[filters.state];
	if (filters.createdAfter) body.created_after = filters.createdAfter;
	if (filters.createdBefore) body.created_before = filters.createdBefore;
	return body;
}

export function historyCall(filters: HistoryFilters, page: HistoryPageRequest): ApiCall {
	return { method: 'POST', path: '/api/v3/predictions', body: historyBody(filters, page) };
}

export function readHistory(response: RawResponse): HistoryAnswer {
	const result = parseEnvelope(response, historyPageSchema, 'result');
	if (!result.ok) return result;
	return { ok: true, tasks: result.data.items.map(toTask), total: result.data.total ?? undefined };
}

export const WAVESPEED_HISTORY: ProviderHistory = {
	maxPageSize: 100,
	listsOutputs: true,
	historyCall,
	readHistory,
};
