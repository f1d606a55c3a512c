/** Prices the run, then runs its rows with bounded concurrency: what every submitting execute() does after pre-flight. */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { FailureError, toNodeError } from '../core/errors';
import type { NodeKind } from '../core/kinds';
import { isToolRun, taskRequestOf, quoteRequestOf, RowRequests } from '../item/request';
import { errorJson } from '../item/json';
import { PaidWork } from '../money/paidWork';
import { BalanceGuard, estimatesByIndex, NOTHING_RECOVERED, priceRows, readBalance, recoveredFromMemory, refuseOverLimits, rowsToPrice, RunBudget } from '../money/pricing';
import { RecoveryMemory } from '../money/recovery';
import type { ItemPlan, SubmitPlan } from '../params/itemPlan';
import { SubmitPacer } from '../schedule/pacing';
import { ServerSlots } from '../schedule/serverSlots';
import { runItems } from './runItems';
import type { BatchContext } from './context';
import type { RunEnd } from './collect';
import type { BatchSettings, Flight } from './preflight';

/** Where the memory of paid predictions lives: this workflow's node (static data is per node). */
function openMemory(fx: IExecuteFunctions): RecoveryMemory {
	const workflowId = fx.getWorkflow().id ?? 'unsaved';
	const node = fx.getNode();
	return new RecoveryMemory({ scope: `${workflowId}|${node.id ?? node.name}`, staticData: fx.getWorkflowStaticData('node') });
}

/** The batch's shared state, before pricing: each row's request is built at most once from here on. */
export function openBatch(fx: IExecuteFunctions, kind: NodeKind, flight: Flight, settings: BatchSettings, shouldStop: () => boolean): BatchContext {
	const { provider, api } = flight;
	const asTool = isToolRun(fx);
	return {
		fx,
		kind,
		provider,
		api,
		asTool,
		shouldStop,
		pacer: new SubmitPacer(settings.concurrency),
		memory: openMemory(fx),
		paid: new PaidWork(),
		slots: new ServerSlots(settings.concurrency),
		estimates: [],
		balance: new BalanceGuard(provider.label),
		// Replaced by priceRun before any row runs; until then nothing is held apart.
		budget: new RunBudget([], [], settings.maxCostPerRunUsd, async () => undefined, provider.label),
		requests: new RowRequests({ fx, kind, provider, api, asTool }),
	};
}

/** The request a row's quote asks about: the row's own request, as far as it is known before uploads. */
export const quoteOf = (ctx: Pick<BatchContext, 'kind' | 'asTool'>) => (plan: SubmitPlan) => quoteRequestOf(taskRequestOf(ctx.kind, plan, ctx.asTool), plan);

/**
 * Prices every row that would be submitted, before the first upload or submit. Rows an earlier run's prediction may
 * cover are priced but not counted: each is counted before its submit if its pick-up does not happen (RunBudget).
 * A run over Max Cost Per Run or the balance is refused: error items (Continue On Fail) or a throw.
 */
export async function priceRun(ctx: BatchContext, flight: Flight, settings: BatchSettings, continueOnFail: boolean): Promise<INodeExecutionData[] | undefined> {
	const { fx, kind, provider, api, memory } = ctx;
	const costsNothing = recoveredFromMemory(memory, async (index, plan) => (await ctx.requests.get(index, plan)).fingerprint);
	const submitPlans = flight.plans.map((p) => (p.ok && p.plan.operation !== 'getResult' && p.plan.operation !== 'estimateCost' ? p.plan : undefined));
	const toPay = new Set((await rowsToPrice(submitPlans, costsNothing)).map((row) => row.index));
	const priced = await priceRows(fx, provider, api, kind, await rowsToPrice(submitPlans, NOTHING_RECOVERED), quoteOf(ctx));
	const counted = priced.filter((row) => toPay.has(row.index));
	const { refusal, balanceUsd } = await refuseOverLimits(fx, provider, api, counted, settings.maxCostPerRunUsd);
	if (refusal) {
		if (!continueOnFail) throw toNodeError(fx.getNode(), refusal.failure, refusal.index, flight.secrets);
		return flight.plans.map((p, index) => ({ json: errorJson(p.ok ? refusal.failure : p.failure, index, provider.id, flight.secrets), pairedItem: { item: index } }));
	}
	ctx.estimates = estimatesByIndex(flight.plans.length, counted);
	const deferred = priced.filter((row) => !toPay.has(row.index));
	const balanceRead = async () => (counted.length > 0 ? balanceUsd : await readBalance(fx, provider, api));
	ctx.budget = new RunBudget(counted, deferred, settings.maxCostPerRunUsd, balanceRead, provider.label);
	return undefined;
}

export type RowRunner = (ctx: BatchContext, index: number, plan: ItemPlan) => Promise<INodeExecutionData>;

/** Runs every row; a failure stops new rows (unless Continue On Fail, or the balance ran out: running rows finish). */
export async function runRows(
	ctx: BatchContext,
	flight: Flight,
	settings: BatchSettings,
	continueOnFail: boolean,
	stop: { stopped: boolean },
	runRow: RowRunner,
): Promise<RunEnd> {
	const outcomes = await runItems(
		flight.plans.length,
		async (index) => {
			const entry = flight.plans[index];
			if (!entry.ok) throw new FailureError(entry.failure);
			return await runRow(ctx, index, entry.plan);
		},
		{
			concurrency: settings.concurrency,
			shouldStop: ctx.shouldStop,
			onFailure: (_index, error) => {
				// The balance running out stops new submits only: rows already running finish and keep their ids.
				const balanceRanOut = ctx.balance.absorbs(error);
				if (!continueOnFail && !balanceRanOut) stop.stopped = true;
			},
		},
	);
	return { outcomes, continueOnFail, stopped: stop.stopped, secrets: flight.secrets };
}
