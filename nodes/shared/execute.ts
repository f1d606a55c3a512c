/** The path of one item, and of a batch: what both nodes' execute() run. */
import type { IBinaryKeyData, IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { Failure } from './errors';
import { inputFailure, toErrorJson, toNodeError, WaveSpeedFailure } from './errors';
import { resolveReferenceImages } from './images';
import type { OutputImage } from './outputs';
import { classifyOutput, imageJson, outputFieldName, outputFileName, predictionJson, storeOutput } from './outputs';
import type { GetResultPlan, ItemPlan, SubmitPlan } from './params';
import { readItemPlan } from './params';
import { runItems } from './runItems';
import { settle, settleSync } from './settle';
import type { ModelId, Prediction, SubmitRequest } from './schemas';
import { MODELS } from './schemas';
import { submitPrediction } from './submit';
import type { ApiTarget } from './transport';
import { cancelSignal, resolveApiTarget, throwIfCancelled } from './transport';
import type { Sighting } from './pollSchedule';
import { queuedMsAtLeast, workTimesFor } from './pollSchedule';
import { flightTimes, ServerSlots } from './serverSlots';
import {
	assertSucceeded,
	fetchPrediction,
	isTerminal,
	pollUntilDone,
	withPredictionId,
} from './wait';

export type NodeKind = 'edit' | 'generate';

const isPlan = (value: ItemPlan | Failure): value is ItemPlan => 'operation' in value;

/** Shared by every item of one execute() call. */
interface BatchContext {
	fx: IExecuteFunctions;
	kind: NodeKind;
	api: ApiTarget;
	asTool: boolean;
	shouldStop: () => boolean;
	/** Keeps submissions near the account's concurrency once the server is seen queueing this run's tasks. */
	slots: ServerSlots;
}

/** Binary cannot cross the AI tool boundary, so a tool run returns URLs in JSON. */
export function isToolRun(fx: IExecuteFunctions): boolean {
	const byContext = typeof fx.isToolExecution === 'function' && fx.isToolExecution();
	return byContext || fx.getNode().type.endsWith('Tool');
}

/** The documented body, built from validated values only; 'match' means: let WaveSpeed take the first image's ratio. */
export function buildSubmitBody(plan: SubmitPlan, images: string[], inlineBase64: boolean): SubmitRequest {
	const body: SubmitRequest = {
		prompt: plan.prompt,
		resolution: plan.settings.resolution,
		quality: plan.settings.quality,
		output_format: plan.settings.outputFormat,
		enable_sync_mode: plan.settings.waitMode === 'sync',
		enable_base64_output: inlineBase64,
	};
	if (plan.operation === 'editImage') body.images = images;
	if (plan.settings.aspectRatio !== 'match') body.aspect_ratio = plan.settings.aspectRatio;
	return body;
}

export function resultUrlFor(baseUrl: string, prediction: Pick<Prediction, 'id' | 'urls'>): string {
	return prediction.urls?.get || `${baseUrl}/api/v3/predictions/${prediction.id}/result`;
}

/** Waits until the run may submit one more task; a cancel while waiting reads as a cancel. */
async function waitForRoom(ctx: BatchContext): Promise<number> {
	const waited = await settle(ctx.slots.acquire(cancelSignal(ctx.fx)));
	throwIfCancelled(ctx.fx);
	if (!waited.ok) throw waited.error;
	return waited.value;
}

/** Sync mode POSTs stay open until the task ends; the server gives up at 90 s, so allow longer than that. */
const SYNC_POST_TIMEOUT_MS = 150_000;

async function runSubmit(ctx: BatchContext, itemIndex: number, plan: SubmitPlan): Promise<INodeExecutionData> {
	const { fx, api } = ctx;
	const started = Date.now();
	const inlineBase64 = plan.options.transfer === 'base64' && plan.options.output === 'binary' && !ctx.asTool;
	const images = plan.operation === 'editImage' ? await resolveReferenceImages(fx, api, itemIndex, plan.references) : [];
	const model: ModelId = ctx.kind === 'edit' ? MODELS.edit : MODELS.generate;
	const syncMode = plan.settings.waitMode === 'sync';
	// A row waiting here for the server's queue to drain is not using its Timeout.
	const deadline = started + (await waitForRoom(ctx)) + plan.options.timeout * 1000;
	const sent = await settle(
		submitPrediction(fx, api, model, buildSubmitBody(plan, images, inlineBase64), {
			webhookUrl: plan.options.webhookUrl,
			timeoutMs: syncMode ? Math.max(SYNC_POST_TIMEOUT_MS, plan.options.timeout * 1000) : 60_000,
			deadline,
			shouldStop: ctx.shouldStop,
		}),
	);
	if (!sent.ok || plan.settings.waitMode === 'none') ctx.slots.release();
	if (!sent.ok) throw sent.error;
	const submitted = sent.value;
	const submittedAt = syncMode ? started : Date.now();
	if (plan.settings.waitMode === 'none') return pendingItem(ctx, itemIndex, submitted);
	// From here on every failure carries the prediction id, so the user can recover it with Get Result.
	const finished = await settle(waitAndCollect(ctx, itemIndex, plan, submitted, submittedAt, deadline));
	if (!finished.ok) throw withPredictionId(finished.error, submitted.id, submitted.status);
	return finished.value;
}

async function waitAndCollect(
	ctx: BatchContext,
	itemIndex: number,
	plan: SubmitPlan,
	submitted: Prediction,
	submittedAt: number,
	deadline: number,
): Promise<INodeExecutionData> {
	const { fx, api } = ctx;
	let prediction = submitted;
	let sighting: Sighting | undefined;
	// Poll mode starts here at 'created'; sync mode only when the server's sync wait ran out (5004).
	if (!isTerminal(prediction.status)) {
		const model: ModelId = ctx.kind === 'edit' ? MODELS.edit : MODELS.generate;
		const kind = { provider: 'wavespeed', baseUrl: api.baseUrl, model, quality: plan.settings.quality, resolution: plan.settings.resolution };
		const polled = await settle(
			pollUntilDone(fx, api, prediction.id, {
				pollIntervalMs: plan.options.pollInterval * 1000,
				deadline,
				timeoutSeconds: plan.options.timeout,
				submittedAt,
				workTimes: workTimesFor(kind),
				flight: ctx.slots.submitted(prediction.id),
				onSighting: (seen) => (sighting = seen),
				shouldStop: ctx.shouldStop,
			}),
		);
		// The server slot is free once the task ended: the next row may go while this one downloads.
		ctx.slots.release(prediction.id, sighting && flightTimes(submittedAt, sighting));
		if (!polled.ok) throw polled.error;
		prediction = polled.value;
	} else {
		ctx.slots.release(prediction.id);
	}
	const item = await finishedItem(ctx, itemIndex, assertSucceeded(prediction), plan);
	item.json.queuedMs = sighting ? queuedMsAtLeast(sighting) : null;
	return item;
}

async function runGetResult(ctx: BatchContext, itemIndex: number, plan: GetResultPlan): Promise<INodeExecutionData> {
	const outcome = await settle(fetchAndCollect(ctx, itemIndex, plan));
	if (!outcome.ok) throw withPredictionId(outcome.error, plan.predictionId);
	return outcome.value;
}

async function fetchAndCollect(ctx: BatchContext, itemIndex: number, plan: GetResultPlan): Promise<INodeExecutionData> {
	const { fx, api } = ctx;
	const started = Date.now();
	let prediction = await fetchPrediction(fx, api, plan.predictionId, started + plan.options.timeout * 1000);
	if (!isTerminal(prediction.status)) {
		if (!plan.waitForCompletion) return pendingItem(ctx, itemIndex, prediction);
		prediction = await pollUntilDone(fx, api, plan.predictionId, {
			pollIntervalMs: plan.options.pollInterval * 1000,
			deadline: started + plan.options.timeout * 1000,
			timeoutSeconds: plan.options.timeout,
			submittedAt: started,
			shouldStop: ctx.shouldStop,
		});
	}
	return await finishedItem(ctx, itemIndex, assertSucceeded(prediction), plan);
}

/** Don't Wait, or Get Result without waiting: the id and where to fetch the result. */
function pendingItem(ctx: BatchContext, itemIndex: number, prediction: Prediction): INodeExecutionData {
	const json: IDataObject = {
		id: prediction.id,
		model: prediction.model,
		status: prediction.status,
		resultUrl: resultUrlFor(ctx.api.baseUrl, prediction),
		createdAt: prediction.created_at ?? null,
	};
	return { json, pairedItem: { item: itemIndex } };
}

async function finishedItem(
	ctx: BatchContext,
	itemIndex: number,
	prediction: Prediction,
	plan: SubmitPlan | GetResultPlan,
): Promise<INodeExecutionData> {
	const { fx } = ctx;
	const flagged = prediction.has_nsfw_contents.some(Boolean);
	if (flagged) {
		throw new WaveSpeedFailure({
			kind: 'nsfw',
			predictionId: prediction.id,
			status: prediction.status,
			message: "WaveSpeed's safety filter flagged the output as NSFW; the image may be blank or blurred",
			hint: 'Change the prompt or the reference images. The flagged output can still be fetched with Get Result.',
		});
	}
	const urlOnly = plan.options.output === 'url' || ctx.asTool;
	const json = predictionJson(prediction, resultUrlFor(ctx.api.baseUrl, prediction), true);
	if (prediction.outputs.length === 0) {
		throw new WaveSpeedFailure({
			kind: 'malformed',
			predictionId: prediction.id,
			status: prediction.status,
			message: 'The prediction completed without any output image',
			hint: 'Try Get Result again in a moment; if it stays empty, run the node again.',
		});
	}
	if (urlOnly) {
		const urls = prediction.outputs.filter((o) => classifyOutput(o).type === 'url');
		if (urls.length === 0 && ctx.asTool) {
			throw inputFailure('The outputs are inline base64, which cannot be returned to an AI agent', 'Set Transfer to Download From URL.');
		}
		return { json, pairedItem: { item: itemIndex } };
	}
	const expectedKind = 'operation' in plan && plan.operation !== 'getResult' && plan.settings.outputFormat === 'jpeg' ? 'jpeg' : 'png';
	const requestedName = plan.options.fileName;
	const binary: IBinaryKeyData = {};
	const images: IDataObject[] = [];
	for (const [index, output] of prediction.outputs.entries()) {
		const source = classifyOutput(output);
		if (source.type === 'invalid') {
			throw new WaveSpeedFailure({
				kind: 'download',
				predictionId: prediction.id,
				status: prediction.status,
				message: `WaveSpeed returned an output that is ${source.reason}`,
				hint: 'It was not fetched. Use Output: URL Only to see it, and report it to WaveSpeed if it persists.',
			});
		}
		const field = outputFieldName(plan.options.binaryPropertyName, index);
		const image: OutputImage = await storeOutput(fx, source, (kind) => outputFileName(requestedName, prediction.id, index, kind), expectedKind);
		binary[field] = image.binary;
		images.push(imageJson(field, image));
	}
	// Base64 outputs are not worth repeating in JSON: they are in the binary.
	json.outputs = prediction.outputs.filter((o) => classifyOutput(o).type === 'url');
	if ((json.outputs as string[]).length === 0) delete json.outputs;
	json.images = images;
	return { json, binary, pairedItem: { item: itemIndex } };
}

function asFailure(error: unknown): Failure {
	if (error instanceof WaveSpeedFailure) return error.failure;
	// n8n's own errors (e.g. an expression that does not resolve) already read well.
	if (error instanceof Error && /^Node(Operation|Api)Error$|^ExpressionError$/.test(error.constructor.name)) {
		const description = (error as { description?: string | null }).description;
		return { kind: 'input', message: error.message.replace(/ \[item \d+\]$/, ''), hint: description || 'Check the parameter values.' };
	}
	// Never forward a raw error's text: HTTP client errors can hold request headers.
	return {
		kind: 'network',
		message: `Unexpected error: ${error instanceof Error ? error.name : 'unknown'}`,
		hint: 'Run the node again; if it persists, please report it with the workflow.',
	};
}

function maxConcurrency(plans: Array<ItemPlan | Failure>): number {
	return plans.find(isPlan)?.options.maxConcurrency ?? 1;
}

/** Runs every input item; one output item (or error item) per input, in input order. */
export async function executeNode(fx: IExecuteFunctions, kind: NodeKind): Promise<INodeExecutionData[][]> {
	const items = fx.getInputData();
	const continueOnFail = fx.continueOnFail();
	const node = fx.getNode();

	// Every item is validated before anything is sent: a bad row never costs the good ones a second run.
	const plans: Array<ItemPlan | Failure> = items.map((_, index) => {
		const plan = settleSync(() => readItemPlan(fx, index, kind));
		return plan.ok ? plan.value : asFailure(plan.error);
	});
	const firstInvalid = plans.findIndex((p) => !isPlan(p));
	if (firstInvalid >= 0 && !continueOnFail) throw toNodeError(node, plans[firstInvalid] as Failure, firstInvalid);

	const base = await settle(resolveApiTarget(fx));
	if (!base.ok) {
		const failure = asFailure(base.error);
		if (!continueOnFail) throw toNodeError(node, failure, 0);
		return [items.map((_, index) => ({ json: toErrorJson(failure, index), pairedItem: { item: index } }))];
	}
	const api = base.value;

	let stopped = false;
	const ctx: BatchContext = {
		fx,
		kind,
		api,
		asTool: isToolRun(fx),
		shouldStop: () => stopped,
		slots: new ServerSlots(maxConcurrency(plans)),
	};
	const concurrency = maxConcurrency(plans);

	const outcomes = await runItems(
		items.length,
		async (index) => {
			const plan = plans[index];
			if (!isPlan(plan)) throw new WaveSpeedFailure(plan);
			return plan.operation === 'getResult' ? await runGetResult(ctx, index, plan) : await runSubmit(ctx, index, plan);
		},
		{
			concurrency,
			shouldStop: () => stopped,
			onFailure: () => {
				if (!continueOnFail) stopped = true;
			},
		},
	);

	if (!continueOnFail) {
		const failed = outcomes.findIndex((o) => o && !o.ok && !(o.error instanceof WaveSpeedFailure && o.error.failure.kind === 'cancelled' && stopped));
		const firstFailure = failed >= 0 ? failed : outcomes.findIndex((o) => o && !o.ok);
		if (firstFailure >= 0) {
			const outcome = outcomes[firstFailure] as { ok: false; error: unknown };
			throw toNodeError(node, asFailure(outcome.error), firstFailure);
		}
	}
	fx.getExecutionCancelSignal?.()?.throwIfAborted?.();
	return [
		outcomes.map((outcome, index) => {
			if (outcome?.ok) return outcome.value;
			const failure = outcome ? asFailure(outcome.error) : asFailure(new WaveSpeedFailure({ kind: 'cancelled', message: 'Not run', hint: 'Run the workflow again.' }));
			return { json: toErrorJson(failure, index), pairedItem: { item: index } };
		}),
	];
}
