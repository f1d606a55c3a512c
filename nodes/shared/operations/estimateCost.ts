/**
 * The Estimate Cost operation: every row was checked exactly as a real run checks it (parameters, then the
 * first bytes of its binary references: batch/preflight.ts) and is priced here. Nothing billable is sent: no upload,
 * no submit; a quote and a balance read are free.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { Failure } from '../core/errors';
import type { PricedRow } from '../money/cost';
import { checkBalance, checkBudget, estimatedSize, runTotalUsd } from '../money/cost';
import type { EstimateItemJson } from '../item/json';
import { costJson, errorJson } from '../item/json';
import type { NodeKind } from '../core/kinds';
import type { EstimatePlan, SubmitPlan } from '../params/itemPlan';
import type { Provider, TaskRequest } from '../providers/provider';
import type { PlanResult } from '../batch/preflight';
import { priceRows, readBalance } from '../money/pricing';
import type { ApiTarget } from '../http/transport';

/** The size the row would ask for: the provider's own when it sends sizes (what its run sends and the formula prices). */
function sizeOf(provider: Provider, kind: NodeKind, settings: EstimatePlan['submit']['settings']) {
	return provider.pricing.pricedSize?.(kind, settings) ?? estimatedSize(settings);
}

function estimateJson(row: PricedRow, plan: EstimatePlan, run: EstimateItemJson['run'], provider: Provider): EstimateItemJson {
	const { settings, references } = plan.submit;
	return {
		operation: 'estimateCost',
		...costJson(row.estimate),
		settings: {
			aspectRatio: settings.aspectRatio,
			resolution: settings.resolution,
			// As typed; a quality beyond the node's list is priced as High.
			quality: settings.schemaValues?.quality ?? settings.quality,
			outputFormat: settings.schemaValues?.outputFormat ?? settings.outputFormat,
			referenceImages: references.length,
			...sizeOf(provider, row.kind, settings),
		},
		run,
	};
}

export interface EstimateBatch {
	fx: IExecuteFunctions;
	kind: NodeKind;
	provider: Provider;
	api: ApiTarget;
	/** Already validated, reference bytes included (batch/preflight.ts): failures here are Continue On Fail rows. */
	plans: readonly PlanResult[];
	/** Max Cost Per Run, read once for the run (batch/preflight.ts). */
	maxCostPerRunUsd: number | undefined;
	/** The request a row's quote asks about, as its submit would send it. */
	quoteOf: (plan: SubmitPlan) => TaskRequest;
}

/** A row whose Operation (an expression) is not Estimate Cost, in a run that estimates: nothing is sent for it either. */
const notEstimated: Failure = {
	kind: 'input',
	message: 'Not estimated: this row\'s Operation is not Estimate Cost, and nothing is sent in a run that estimates',
	hint: 'Set Operation to Estimate Cost on every row, or run the rows without it.',
};

const estimatePlanOf = (result: PlanResult): EstimatePlan | undefined => (result.ok && result.plan.operation === 'estimateCost' ? result.plan : undefined);

/** One item per input: its estimate and the run's figures, or (Continue On Fail) the reason it would fail. */
export async function estimateCostItems(batch: EstimateBatch): Promise<INodeExecutionData[]> {
	const { fx, kind, provider, api, plans, maxCostPerRunUsd: limitUsd } = batch;
	const valid = plans.flatMap((result, index) => {
		const plan = estimatePlanOf(result);
		return plan ? [{ index, plan: plan.submit }] : [];
	});
	const priced = await priceRows(fx, provider, api, kind, valid, batch.quoteOf);
	const balanceUsd = priced.length > 0 ? await readBalance(fx, provider, api) : undefined;
	const run: EstimateItemJson['run'] = {
		rows: priced.length,
		totalUsd: runTotalUsd(priced.map((row) => row.estimate)),
		maxCostPerRunUsd: limitUsd ?? null,
		withinMaxCost: limitUsd === undefined ? null : checkBudget(priced, limitUsd).ok,
		balanceUsd: balanceUsd ?? null,
		withinBalance: balanceUsd === undefined ? null : checkBalance(priced, balanceUsd).ok,
	};
	const byIndex = new Map(priced.map((row) => [row.index, row]));
	return plans.map((result, index) => {
		const row = byIndex.get(index);
		const plan = estimatePlanOf(result);
		// Every row is valid here, or a Continue On Fail failure; a row of another operation is priced as nothing.
		const json = row && plan ? estimateJson(row, plan, run, provider) : errorJson(result.ok ? notEstimated : result.failure, index, provider.id);
		return { json, pairedItem: { item: index } };
	});
}
