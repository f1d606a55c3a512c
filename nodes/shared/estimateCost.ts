/**
 * The Estimate Cost operation: every row is checked exactly as a real run would check it (parameters, then the
 * reference binaries' bytes), then priced. Nothing billable is sent: no upload, no submit; a quote and a balance
 * read are free.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { PricedRow } from './cost';
import { checkBalance, checkBudget, estimatedSize, runTotalUsd } from './cost';
import type { Failure } from './errors';
import { asFailure, toNodeError } from './errors';
import { readBinaryImage } from './images';
import type { EstimateItemJson } from './items';
import { costJson, errorJson } from './items';
import type { NodeKind } from './kinds';
import type { EstimatePlan, ItemPlan } from './params';
import { priceRows, readBalance } from './pricing';
import type { Provider } from './providers/provider';
import { settle } from './settle';
import type { ApiTarget } from './transport';

export const isEstimatePlan = (plan: ItemPlan | Failure): plan is EstimatePlan => 'operation' in plan && plan.operation === 'estimateCost';

/** The byte checks a real run makes just before uploading, made here without the upload. */
async function checkReferenceBytes(fx: IExecuteFunctions, index: number, plan: EstimatePlan): Promise<Failure | undefined> {
	for (const [position, reference] of plan.submit.references.entries()) {
		if (reference.source !== 'binary') continue;
		const read = await settle(readBinaryImage(fx, index, reference.binaryField, position + 1));
		if (!read.ok) return asFailure(read.error);
	}
	return undefined;
}

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
	plans: Array<ItemPlan | Failure>;
	continueOnFail: boolean;
}

/** One item per input: its estimate and the run's figures, or (Continue On Fail) the reason it would fail. */
export async function estimateCostItems(batch: EstimateBatch): Promise<INodeExecutionData[]> {
	const { fx, kind, provider, api, continueOnFail } = batch;
	const plans = [...batch.plans];
	for (const [index, plan] of plans.entries()) {
		if (!isEstimatePlan(plan)) continue;
		const failure = await checkReferenceBytes(fx, index, plan);
		if (failure && !continueOnFail) throw toNodeError(fx.getNode(), failure, index);
		if (failure) plans[index] = failure;
	}
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
		const json = row && isEstimatePlan(plan) ? estimateJson(row, plan, run) : errorJson(plan as Failure, index);
		return { json, pairedItem: { item: index } };
	});
}
