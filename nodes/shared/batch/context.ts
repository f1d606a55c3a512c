/** What every row of one execute() call shares, and the Row value one row travels as. */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { ImageType } from '../core/imageFormat';
import { ACCEPTED_INPUT_TYPES } from '../core/imageFormat';
import type { NodeKind } from '../core/kinds';
import type { ImageSettings } from '../core/schemas';
import type { ApiTarget } from '../http/transport';
import type { FinishedItem } from '../item/finish';
import { finishTask } from '../item/finish';
import type { ItemSource, OriginName } from '../item/json';
import { costJson } from '../item/json';
import type { RowRequest, RowRequests } from '../item/request';
import type { CostEstimate } from '../money/cost';
import { itemCost } from '../money/cost';
import type { PaidWork } from '../money/paidWork';
import type { BalanceGuard, RunBudget } from '../money/pricing';
import type { RecoveryMemory } from '../money/recovery';
import type { GetResultPlan, SubmitPlan } from '../params/itemPlan';
import type { Task, PlannedRequest, PreparedProvider } from '../providers/provider';
import type { SubmitPacer } from '../schedule/pacing';
import type { ServerSlots } from '../schedule/serverSlots';

export interface BatchContext {
	fx: IExecuteFunctions;
	kind: NodeKind;
	provider: PreparedProvider;
	api: ApiTarget;
	asTool: boolean;
	shouldStop: () => boolean;
	/** Batch-wide: a 429 on one row paces every row's submit. */
	pacer: SubmitPacer;
	/** Predictions paid for earlier (this process and the workflow's static data). */
	memory: RecoveryMemory;
	/** What this run has paid for, row by row. */
	paid: PaidWork;
	/** Keeps submissions near the account's concurrency once the server is seen queueing this run's tasks. */
	slots: ServerSlots;
	/** Each submitted row's estimate, by input index (none for Get Result). */
	estimates: Array<CostEstimate | undefined>;
	balance: BalanceGuard;
	/** Max Cost Per Run and the balance: rows priced as free are counted here before they submit after all. */
	budget: RunBudget;
	/** Each submit row's request, built once (pricing may have built it already). */
	requests: RowRequests;
}

/** One row on its way: its plan, its clock (Poll Interval and Timeout converted once) and what the item says of its source. */
export interface Row<P extends SubmitPlan | GetResultPlan = SubmitPlan | GetResultPlan> {
	index: number;
	plan: P;
	started: number;
	/** started + Timeout; a submit row waiting for a server slot gets that wait added. */
	deadline: number;
	pollIntervalMs: number;
	timeoutSeconds: number;
	source: ItemSource;
}

/** A submit row also carries its request and fingerprint. */
export type SubmitRow = Row<SubmitPlan> & { request: RowRequest };

/** The type a row's output should have: a typed format when it is one the node reads (e.g. webp), else PNG or JPEG. */
function expectedTypeOf(settings: ImageSettings): ImageType {
	const typed = settings.schemaValues?.outputFormat;
	return ACCEPTED_INPUT_TYPES.find((type) => type === typed) ?? (settings.outputFormat === 'jpeg' ? 'jpeg' : 'png');
}

/** What a batch-level check needs to know about one row's request, before any image is uploaded. */
export function plannedRequest(ctx: Pick<BatchContext, 'kind'>, plan: SubmitPlan): PlannedRequest {
	return { kind: ctx.kind, settings: plan.settings, imageCount: plan.references.length };
}

export function startRow<P extends SubmitPlan | GetResultPlan>(index: number, plan: P, source: ItemSource): Row<P> {
	const started = Date.now();
	const { timeout, pollInterval } = plan.options;
	return { index, plan, started, deadline: started + timeout * 1000, pollIntervalMs: pollInterval * 1000, timeoutSeconds: timeout, source };
}

export function resultUrlOf(ctx: BatchContext, task: Pick<Task, 'id' | 'resultUrl'>): string {
	return task.resultUrl || ctx.provider.resultUrl(ctx.api.baseUrl, task.id);
}

/** The cost fields of an item: the provider's real charge when reported, else the row's estimate; none if neither. */
export function costOf(ctx: BatchContext, index: number, task: Pick<Task, 'costUsd'>): ReturnType<typeof costJson> | Record<string, never> {
	const cost = itemCost(ctx.estimates[index], task.costUsd);
	return cost ? costJson(cost) : {};
}

/** A finished row's output item: the shared finish step, then whether it was picked up and what it cost. */
export async function finishRow(ctx: BatchContext, row: Row, task: Task, origin?: OriginName): Promise<INodeExecutionData & FinishedItem> {
	const { plan } = row;
	const finished = await finishTask(
		{
			fx: ctx.fx,
			label: ctx.provider.label,
			source: row.source,
			baseUrl: ctx.api.baseUrl,
			resultUrl: resultUrlOf(ctx, task),
			output: ctx.asTool ? 'tool' : plan.options.output,
			binaryPropertyName: plan.options.binaryPropertyName,
			fileName: plan.options.fileName,
			expectedType: plan.operation !== 'getResult' ? expectedTypeOf(plan.settings) : 'png',
			limits: { deadline: row.deadline, timeoutSeconds: row.timeoutSeconds },
			estimateUsd: ctx.estimates[row.index]?.usd,
		},
		task,
	);
	const json = { ...finished.json, ...(origin ? { [origin]: true as const } : {}), ...costOf(ctx, row.index, task) };
	return { ...(finished.binary ? { binary: finished.binary } : {}), json, pairedItem: { item: row.index } };
}
