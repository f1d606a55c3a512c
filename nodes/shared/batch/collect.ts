/** The run's output: one item per input, in input order; or, without Continue On Fail, the first failure with every paid task named. */
import type { INodeExecutionData } from 'n8n-workflow';

import type { Failure } from '../core/errors';
import { asFailure, cancelledFailure, FailureError, toNodeError } from '../core/errors';
import type { Outcome } from '../core/settle';
import { costJson, errorJson } from '../item/json';
import type { BatchContext } from './context';

export interface RunEnd {
	outcomes: Array<Outcome<INodeExecutionData> | undefined>;
	continueOnFail: boolean;
	/** Whether the run stopped itself on a failure (rows cancelled by that are not the failure to show). */
	stopped: boolean;
	secrets: readonly string[];
}

export function collectOutputs(ctx: BatchContext, end: RunEnd): INodeExecutionData[] {
	const { fx } = ctx;
	const { outcomes, stopped, secrets } = end;
	const cancelled = fx.getExecutionCancelSignal?.()?.aborted === true;
	if (!end.continueOnFail) {
		const failed = outcomes.findIndex((o) => o && !o.ok && !(o.error instanceof FailureError && o.error.failure.kind === 'cancelled' && stopped));
		const firstFailure = failed >= 0 ? failed : outcomes.findIndex((o) => o && !o.ok);
		const outcome = outcomes[firstFailure];
		if (outcome && !outcome.ok) {
			// Nothing of this run reaches the output: every paid prediction is named, and stays remembered for the next run.
			const failure: Failure = { ...asFailure(outcome.error, cancelled), paidWork: ctx.paid.describe() };
			throw toNodeError(fx.getNode(), failure, firstFailure, secrets);
		}
	}
	fx.getExecutionCancelSignal?.()?.throwIfAborted?.();
	const output = outcomes.map((outcome, index) => {
		if (outcome?.ok) return outcome.value;
		const failure = outcome ? asFailure(outcome.error, cancelled) : cancelledFailure('notRun').failure;
		// Once a task exists, its error item says what it costs.
		const estimate = failure.predictionId ? ctx.estimates[index] : undefined;
		return { json: { ...errorJson(failure, index, ctx.provider.id, secrets), ...(estimate ? costJson(estimate) : {}) }, pairedItem: { item: index } };
	});
	// These results now reach the node's output: no longer for recovery (only for Reuse Earlier Results).
	for (const item of output) {
		const json: { id?: unknown; error?: unknown } = item.json;
		if (typeof json.id === 'string' && json.error === undefined) ctx.memory.markDelivered(json.id);
	}
	return output;
}
