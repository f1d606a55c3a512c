/**
 * The items a verified callback becomes: a finished item exactly like the Edit/Generate node's (plus the callback
 * URL's query), or a failed item for the trigger's second output. README's trigger section documents both.
 */
import type { IBinaryKeyData, IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { Failure, FailureKind } from '../core/errors';
import { asFailure, describeFailureText, FailureError } from '../core/errors';
import type { FinishedItemJson, ImageJson } from '../item/json';
import { finishedJson, imageJson } from '../item/json';
import type { OutputContext } from '../item/outputs';
import { classifyOutput, outputFieldName, outputFileName, storeOutput } from '../item/outputs';
import type { Job } from '../providers/provider';
import { settle } from '../core/settle';
import type { TriggerOptions } from '../editor/triggerProperties';
import type { ProviderId } from '../providers/catalog';

export type SucceededCallbackJson = FinishedItemJson & { query: IDataObject };

/** The trigger did not watch the task, so its queue time is unknown (as with Sync Mode on the nodes). */
const NOT_WATCHED = null;

export type FailedCallbackJson = {
	provider: ProviderId;
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
	provider: ProviderId,
	failure: Failure,
	query: IDataObject,
	job?: Pick<Job, 'id' | 'model' | 'status'>,
	resultUrl?: string,
): CallbackOutcome {
	const json: FailedCallbackJson = {
		provider,
		predictionId: failure.predictionId ?? job?.id ?? null,
		model: job?.model || null,
		status: failure.status ?? job?.status ?? null,
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
	provider: ProviderId;
	fx: OutputContext;
	label: string;
	options: TriggerOptions;
	query: IDataObject;
	resultUrl: string;
}

/** A finished job: the same checks and downloads as the nodes; anything that stops it becomes a failed item. */
export async function finishedCallbackItem(ctx: FinishContext, job: Job): Promise<CallbackOutcome> {
	const { label, query, resultUrl } = ctx;
	const fail = (kind: FailureKind, message: string, hint: string) =>
		failedItem(ctx.provider, { kind, message, hint, predictionId: job.id, status: job.status }, query, job, resultUrl);
	if (job.nsfw.some(Boolean)) {
		return fail('nsfw', `${label}'s safety filter flagged the output as NSFW; the image may be blank or blurred`, 'Change the prompt or the reference images. The flagged output can still be fetched with Get Result.');
	}
	if (job.outputs.length === 0) {
		return fail('malformed', 'The prediction completed without any output image', 'Fetch it with Get Result in a moment; if it stays empty, run the submitting workflow again.');
	}
	if (ctx.options.output === 'url') {
		const json: SucceededCallbackJson = { ...finishedJson(job, resultUrl, { provider: ctx.provider }), queuedMs: NOT_WATCHED, query };
		return { output: 'succeeded', item: { json } };
	}
	const stored = await settle(storeImages(ctx, job));
	if (!stored.ok) {
		const failure = asFailure(stored.error);
		return failedItem(ctx.provider, { ...failure, predictionId: job.id, status: job.status }, query, job, resultUrl);
	}
	const json: SucceededCallbackJson = { ...finishedJson(job, resultUrl, { provider: ctx.provider }, stored.value.images), queuedMs: NOT_WATCHED, query };
	return { output: 'succeeded', item: { json, binary: stored.value.binary } };
}

async function storeImages(ctx: FinishContext, job: Job): Promise<{ binary: IBinaryKeyData; images: ImageJson[] }> {
	const binary: IBinaryKeyData = {};
	const images: ImageJson[] = [];
	for (const [index, output] of job.outputs.entries()) {
		const source = classifyOutput(output);
		if (source.type === 'invalid') {
			throw new FailureError({
				kind: 'download',
				message: `${ctx.label} returned an output that is ${source.reason}`,
				hint: `It was not fetched. Use Output: URL Only to see it, and report it to ${ctx.label} if it persists.`,
			});
		}
		const field = outputFieldName(ctx.options.binaryPropertyName, index);
		const image = await storeOutput(ctx.fx, source, {
			fileNameFor: (kind) => outputFileName(undefined, job.id, index, kind),
			// Callbacks do not say which format was asked for; the bytes decide (see storeOutput).
			expectedKind: 'png',
			label: ctx.label,
		});
		binary[field] = image.binary;
		images.push(imageJson(field, image));
	}
	return { binary, images };
}
