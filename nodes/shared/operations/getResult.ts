/** Get Result, one row: read a prediction submitted earlier, wait for it if asked, finish it like a submitted one. */
import type { INodeExecutionData } from 'n8n-workflow';

import { withPredictionId } from '../core/errors';
import { settle } from '../core/settle';
import { pendingJson } from '../item/json';
import { assertSucceeded, fetchTask, pollUntilDone } from '../item/wait';
import type { GetResultPlan } from '../params/itemPlan';
import type { BatchContext, Row } from '../batch/context';
import { finishRow, resultUrlOf, startRow } from '../batch/context';

export async function runGetResult(ctx: BatchContext, index: number, plan: GetResultPlan): Promise<INodeExecutionData> {
	const outcome = await settle(fetchAndFinish(ctx, startRow(index, plan, { provider: ctx.provider.id })));
	if (!outcome.ok) throw withPredictionId(outcome.error, plan.predictionId);
	return outcome.value;
}

async function fetchAndFinish(ctx: BatchContext, row: Row<GetResultPlan>): Promise<INodeExecutionData> {
	const { fx, provider, api } = ctx;
	const { predictionId } = row.plan;
	let task = await fetchTask(fx, provider, api, predictionId, row.deadline);
	if (task.state === 'running') {
		if (!row.plan.waitForCompletion) return { json: pendingJson(task, resultUrlOf(ctx, task), row.source), pairedItem: { item: row.index } };
		task = await pollUntilDone(fx, provider, api, predictionId, {
			pollIntervalMs: row.pollIntervalMs,
			deadline: row.deadline,
			timeoutSeconds: row.timeoutSeconds,
			submittedAt: row.started,
			shouldStop: ctx.shouldStop,
		});
	}
	return await finishRow(ctx, row, assertSucceeded(task));
}
