/**
 * The items a verified callback becomes: a finished item exactly like the Edit/Generate node's (plus the callback
 * URL's query), or a failed item for the trigger's second output. README's trigger section documents both.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { Failure, FailureKind } from '../core/errors';
import { asFailure, describeFailureText } from '../core/errors';
import { finishTask } from '../item/finish';
import type { FinishedItemJson } from '../item/json';
import type { OutputContext } from '../item/outputs';
import type { Task } from '../providers/provider';
import { settle } from '../core/settle';
import type { TriggerOptions } from '../editor/triggerProperties';

export type SucceededCallbackJson = FinishedItemJson & { query: IDataObject };

/** The trigger did not watch the task, so its queue time is unknown (as with Sync Mode on the nodes). */
const NOT_WATCHED = null;

export type FailedCallbackJson = {
	provider: string;
	predictionId: string | null;
	model: string | null;
	status: string | null;
	/** The provider's task error code, when it gave one. */
	code: number | null;
	kind: FailureKind;
	error: string;
	description: string;
	resultUrl: string | null;
	query: IDataObject;
};

/** What the trigger emits for one callback: one item on one of its two outputs. */
export type CallbackOutcome = { output: 'succeeded'; item: INodeExecutionData } | { output: 'failed'; item: INodeExecutionData };

export function failedItem(
	provider: string,
	failure: Failure,
	query: IDataObject,
	task?: Pick<Task, 'id' | 'model' | 'status'>,
	resultUrl?: string,
): CallbackOutcome {
	const json: FailedCallbackJson = {
		provider,
		predictionId: failure.predictionId ?? task?.id ?? null,
		model: task?.model || null,
		status: failure.status ?? task?.status ?? null,
		code: failure.taskCode ?? null,
		kind: failure.kind,
		error: failure.message,
		description: describeFailureText(failure),
		resultUrl: resultUrl ?? null,
		query,
	};
	return { output: 'failed', item: { json } };
}

export interface FinishContext {
	provider: string;
	fx: OutputContext;
	label: string;
	/** The credential's Base URL: output URLs on local hosts are refused when it is public, as in the nodes. */
	baseUrl: string;
	options: TriggerOptions;
	query: IDataObject;
	resultUrl: string;
}

/** A finished task: the nodes' own finish step; anything that stops it becomes a failed item. */
export async function finishedCallbackItem(ctx: FinishContext, task: Task): Promise<CallbackOutcome> {
	const { query, resultUrl } = ctx;
	const finished = await settle(
		finishTask(
			{
				fx: ctx.fx,
				label: ctx.label,
				source: { provider: ctx.provider },
				baseUrl: ctx.baseUrl,
				resultUrl,
				output: ctx.options.output,
				binaryPropertyName: ctx.options.binaryPropertyName,
				// Callbacks do not say which format was asked for; the bytes decide (see storeOutput).
				expectedType: 'png',
				// Downloads end as the nodes' do: by their bytes, a stall, or the Timeout counted from the callback.
				limits: { deadline: Date.now() + ctx.options.timeout * 1000, timeoutSeconds: ctx.options.timeout },
			},
			task,
		),
	);
	if (!finished.ok) {
		const failure = asFailure(finished.error);
		return failedItem(ctx.provider, { ...failure, predictionId: task.id, status: task.status }, query, task, resultUrl);
	}
	const json: SucceededCallbackJson = { ...finished.value.json, queuedMs: NOT_WATCHED, query };
	return { output: 'succeeded', item: finished.value.binary ? { json, binary: finished.value.binary } : { json } };
}
