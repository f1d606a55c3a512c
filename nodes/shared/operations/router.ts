/** What both nodes' execute() run: pre-flight, price the run, run the rows (one operation file each), collect. */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { FailureError } from '../core/errors';
import { maskItems } from '../core/redact';
import type { NodeKind } from '../core/kinds';
import { collectOutputs } from '../batch/collect';
import type { BatchContext } from '../batch/context';
import { preflight, readBatchSettings } from '../batch/preflight';
import { openBatch, priceRun, quoteOf, runRows } from '../batch/run';
import { isToolRun } from '../item/request';
import { GET_MANY_OPERATION } from '../params/getManyPlan';
import type { ItemPlan } from '../params/itemPlan';
import { estimateCostItems } from './estimateCost';
import { getManyItems } from './getMany';
import { runGetResult } from './getResult';
import { runSubmit } from './submit';

/** One row, by its operation's name. */
async function runRow(ctx: BatchContext, index: number, plan: ItemPlan): Promise<INodeExecutionData> {
	switch (plan.operation) {
		case 'editImage':
		case 'generateImage':
			return await runSubmit(ctx, index, plan);
		case 'getResult':
			return await runGetResult(ctx, index, plan);
		case 'estimateCost':
			// A run with any Estimate Cost row only estimates (see executeNode); nothing of it is sent.
			throw new FailureError({ kind: 'input', message: 'Estimate Cost rows are priced, not run', hint: 'Set Operation to Estimate Cost on every row, or on none.' });
	}
}

/** Runs every input item; one output item (or error item) per input, in input order. */
export async function executeNode(fx: IExecuteFunctions, kind: NodeKind): Promise<INodeExecutionData[][]> {
	// Get Many lists predictions (many items per input, free reads only): it has no rows to price or submit.
	if (fx.getNodeParameter('operation', 0) === GET_MANY_OPERATION) return [await getManyItems(fx, kind)];
	const continueOnFail = fx.continueOnFail();
	// Every row is validated before anything is sent: a bad row never costs the good ones a second run.
	const flight = await preflight(fx, kind, continueOnFail);
	if ('output' in flight) return [flight.output];
	const settings = readBatchSettings(flight.plans);

	if (flight.plans.some((p) => p.ok && p.plan.operation === 'estimateCost')) {
		const quotes = quoteOf({ kind, asTool: isToolRun(fx) });
		return [maskItems(await estimateCostItems({ fx, kind, provider: flight.provider, api: flight.api, plans: flight.plans, maxCostPerRunUsd: settings.maxCostPerRunUsd, quoteOf: quotes }), flight.secrets)];
	}

	const stop = { stopped: false };
	const ctx = openBatch(fx, kind, flight, settings, () => stop.stopped);
	// Priced before the first upload or submit; a refused run sends nothing.
	const refused = await priceRun(ctx, flight, settings, continueOnFail);
	if (refused) return [maskItems(refused, flight.secrets)];

	const end = await runRows(ctx, flight, settings, continueOnFail, stop, runRow);
	// Whatever a provider put in an answer (a URL, a model name, a date) may echo a secret: every item is masked once, here.
	return [maskItems(collectOutputs(ctx, end), flight.secrets)];
}
