/**
 * The Estimate Cost operation: every row was checked exactly as a real run checks it (parameters, then the
 * first bytes of its binary references: execute.ts) and is priced here. Nothing billable is sent: no upload,
 * no submit; a quote and a balance read are free.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { PricedRow } from '../money/cost';
import { checkBalance, checkBudget, estimatedSize, runTotalUsd } from '../money/cost';
import type { Failure } from '../core/errors';
import type { EstimateItemJson } from '../item/json';
import { costJson, errorJson } from '../item/json';
import type { NodeKind } from '../core/kinds';
import type { EstimatePlan, ItemPlan } from '../params/itemPlan';
import { priceRows, readBalance } from '../money/pricing';
import type { Provider } from '../providers/provider';
import type { ApiTarget } from '../http/transport';

export const isEstimatePlan = (plan: ItemPlan | Failure): plan is EstimatePlan => 'operation' in plan && plan.operation === 'estimateCost';

function estimateJson(row: PricedRow, plan: EstimatePlan, run: EstimateItemJson['run']): EstimateItemJson {
	const { settings, references } = plan.submit;
	return {
		operation: 'estimateCost',
		...costJson(row.estimate),
		settings: {
			aspectRatio: settings.aspectRatio,
			resolution: settings.resolution,
			quality: settings.quality,
			outputFormat: settings.outputFormat,
			referenceImages: references.length,
			...estimatedSize(settings),
		},
		run,
	};
}

export interface EstimateBatch {
	fx: IExecuteFunctions;
	kind: NodeKind;
	provider: Provider;
	api: ApiTarget;
	/** Already validated, reference bytes included (execute.ts): failures here are Continue On Fail rows. */
	plans: Array<ItemPlan | Failure>;
}

/** One item per input: its estimate and the run's figures, or (Continue On Fail) the reason it would fail. */
export async function estimateCostItems(batch: EstimateBatch): Promise<INodeExecutionData[]> {
	const { fx, kind, provider, api, plans } = batch;
	const valid = plans.flatMap((plan, index) => (isEstimatePlan(plan) ? [{ index, plan: plan.submit }] : []));
	const priced = await priceRows(fx, provider, api, kind, valid);
	// Max Cost Per Run is a batch setting, read once per run from the first valid row, as a real run reads it.
	const limitUsd = valid[0]?.plan.options.maxCostPerRun;
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
	return plans.map((plan, index) => {
		const row = byIndex.get(index);
		const json = row && isEstimatePlan(plan) ? estimateJson(row, plan, run) : errorJson(plan as Failure, index, provider.id);
		return { json, pairedItem: { item: index } };
	});
}
