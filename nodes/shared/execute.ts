/** The path of one item, and of a batch: what both nodes' execute() run. */
import type { IBinaryKeyData, IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { Failure } from './errors';
import { inputFailure, toErrorJson, toNodeError, WaveSpeedFailure } from './errors';
import type { ReferenceIdentity } from './fingerprint';
import { requestFingerprint } from './fingerprint';
import type { PreparedReference } from './images';
import { checkBinaryHead, readReferenceImages, uploadReferences } from './images';
import { localTargetProblem } from './netPolicy';
import type { DownloadLimits, OutputImage } from './outputs';
import { classifyOutput, imageJson, MAX_OUTPUTS, outputFieldName, outputFileName, predictionJson, storeOutput } from './outputs';
import { SubmitPacer } from './pacing';
import { PaidWork } from './paidWork';
import type { GetResultPlan, ItemPlan, SubmitPlan } from './params';
import { readItemPlan } from './params';
import { RecoveryMemory } from './recovery';
import { secretsOf } from './redact';
import { runItems } from './runItems';
import { settle, settleSync } from './settle';
import type { ModelId, Prediction, SubmitRequest } from './schemas';
import { MODELS } from './schemas';
import { submitPrediction } from './submit';
import type { ApiTarget } from './transport';
import { resolveApiTarget } from './transport';
import {
	assertSucceeded,
	estimatorFor,
	fetchPrediction,
	isSuccess,
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
	/** Batch-wide: a 429 on one row paces every row's submit. */
	pacer: SubmitPacer;
	/** Predictions paid for earlier (this process and the workflow's static data). */
	memory: RecoveryMemory;
	/** What this run has paid for, row by row. */
	paid: PaidWork;
}

/** How an item's result was obtained without a new submit. */
type Origin = 'recovered' | 'reused';

/** Provider name in fingerprints: a second provider's predictions never match these. */
const PROVIDER = 'wavespeed';

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

/** Sync mode POSTs stay open until the task ends; the server gives up at 90 s, so allow longer than that. */
const SYNC_POST_TIMEOUT_MS = 150_000;

/** The request's identity for recovery: everything sent, with references as bytes' hashes and URL texts. */
function fingerprintOf(ctx: BatchContext, model: ModelId, plan: SubmitPlan, body: SubmitRequest, references: PreparedReference[]): string {
	const identities: ReferenceIdentity[] = references.map((r) => ('url' in r ? { type: 'url', url: r.url } : { type: 'binary', sha256: r.image.sha256 }));
	return requestFingerprint({
		provider: PROVIDER,
		baseUrl: ctx.api.baseUrl,
		credentialId: ctx.api.credentials.id,
		model,
		settings: { ...body },
		references: identities,
		query: { webhook: plan.options.webhookUrl },
	});
}

/** Whether a failure means the prediction itself is gone or failed on the server: then it is paid for again. */
function isDeadPrediction(error: unknown): boolean {
	return error instanceof WaveSpeedFailure && (error.failure.kind === 'task' || error.failure.kind === 'notFound');
}

async function runSubmit(ctx: BatchContext, itemIndex: number, plan: SubmitPlan): Promise<INodeExecutionData> {
	const { fx, api } = ctx;
	const started = Date.now();
	const deadline = started + plan.options.timeout * 1000;
	const inlineBase64 = plan.options.transfer === 'base64' && plan.options.output === 'binary' && !ctx.asTool;
	const references = plan.operation === 'editImage' ? await readReferenceImages(fx, itemIndex, plan.references) : [];
	const model: ModelId = ctx.kind === 'edit' ? MODELS.edit : MODELS.generate;
	const fingerprint = fingerprintOf(ctx, model, plan, buildSubmitBody(plan, [], inlineBase64), references);

	const earlier = await pickUpEarlier(ctx, itemIndex, plan, fingerprint, started, deadline);
	if (earlier) return earlier;

	const images = await uploadReferences(fx, api, references);
	const syncMode = plan.settings.waitMode === 'sync';
	const submitted = await submitPrediction(fx, api, model, buildSubmitBody(plan, images, inlineBase64), {
		webhookUrl: plan.options.webhookUrl,
		timeoutMs: syncMode ? Math.max(SYNC_POST_TIMEOUT_MS, plan.options.timeout * 1000) : 60_000,
		deadline,
		timeoutSeconds: plan.options.timeout,
		shouldStop: ctx.shouldStop,
		pacer: ctx.pacer,
	});
	// Paid for from here: remembered until its result reaches the output, and named in any error of the run.
	ctx.memory.rememberSubmitted(fingerprint, submitted.id);
	ctx.paid.submitted(itemIndex, submitted.id);
	const submittedAt = syncMode ? started : Date.now();
	if (plan.settings.waitMode === 'none') return pendingItem(ctx, itemIndex, submitted);
	// From here on every failure carries the prediction id, so the user can recover it with Get Result.
	const finished = await settle(waitAndCollect(ctx, itemIndex, plan, submitted, submittedAt, deadline));
	if (!finished.ok) {
		if (isDeadPrediction(finished.error)) {
			ctx.memory.forget(submitted.id);
			ctx.paid.ended(itemIndex, 'failed');
		}
		throw withPredictionId(finished.error, submitted.id, submitted.status);
	}
	ctx.paid.ended(itemIndex, 'done');
	return finished.value;
}

/**
 * A prediction paid for earlier for the same request: one whose result never reached an output (always), or a
 * delivered one within the Reuse Earlier Results window. Gone or failed ones are forgotten and paid for again.
 */
async function pickUpEarlier(
	ctx: BatchContext,
	itemIndex: number,
	plan: SubmitPlan,
	fingerprint: string,
	started: number,
	deadline: number,
): Promise<INodeExecutionData | undefined> {
	const candidates: Array<{ origin: Origin; id?: string }> = [{ origin: 'recovered', id: ctx.memory.claimPending(fingerprint)?.id }];
	if (plan.options.reuseWithinHours) {
		candidates.push({ origin: 'reused', id: ctx.memory.claimDelivered(fingerprint, plan.options.reuseWithinHours * 3_600_000)?.id });
	}
	for (const { origin, id } of candidates) {
		if (!id) continue;
		ctx.paid.submitted(itemIndex, id);
		const outcome = await settle(collectEarlier(ctx, itemIndex, plan, id, origin, started, deadline));
		if (outcome.ok) {
			ctx.paid.ended(itemIndex, 'done');
			return outcome.value;
		}
		if (!isDeadPrediction(outcome.error)) throw withPredictionId(outcome.error, id);
		ctx.memory.forget(id);
		ctx.paid.ended(itemIndex, 'failed');
	}
	return undefined;
}

async function collectEarlier(
	ctx: BatchContext,
	itemIndex: number,
	plan: SubmitPlan,
	id: string,
	origin: Origin,
	started: number,
	deadline: number,
): Promise<INodeExecutionData> {
	const { fx, api } = ctx;
	let prediction = await fetchPrediction(fx, api, id, deadline);
	if (TERMINAL_FAILED(prediction.status)) assertSucceeded(prediction);
	if (plan.settings.waitMode === 'none' && !isTerminal(prediction.status)) return withOrigin(pendingItem(ctx, itemIndex, prediction), origin);
	if (!isTerminal(prediction.status)) {
		prediction = await pollUntilDone(fx, api, id, {
			pollIntervalMs: plan.options.pollInterval * 1000,
			deadline,
			timeoutSeconds: plan.options.timeout,
			submittedAt: started,
			shouldStop: ctx.shouldStop,
		});
	}
	return withOrigin(await finishedItem(ctx, itemIndex, assertSucceeded(prediction), plan, deadline), origin);
}

const TERMINAL_FAILED = (status: string): boolean => isTerminal(status) && !isSuccess(status);

function withOrigin(item: INodeExecutionData, origin: Origin): INodeExecutionData {
	item.json[origin] = true;
	return item;
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
	// Poll mode starts here at 'created'; sync mode only when the server's sync wait ran out (5004).
	if (!isTerminal(prediction.status)) {
		prediction = await pollUntilDone(fx, api, prediction.id, {
			pollIntervalMs: plan.options.pollInterval * 1000,
			deadline,
			timeoutSeconds: plan.options.timeout,
			submittedAt,
			estimator: estimatorFor(`${ctx.kind}|${plan.settings.quality}|${plan.settings.resolution}`),
			shouldStop: ctx.shouldStop,
		});
	}
	return await finishedItem(ctx, itemIndex, assertSucceeded(prediction), plan, deadline);
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
	return await finishedItem(ctx, itemIndex, assertSucceeded(prediction), plan, started + plan.options.timeout * 1000);
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
	deadline: number,
): Promise<INodeExecutionData> {
	const { fx } = ctx;
	if (prediction.outputs.length > MAX_OUTPUTS) {
		throw new WaveSpeedFailure({
			kind: 'malformed',
			httpCode: 200,
			predictionId: prediction.id,
			status: prediction.status,
			message: `WaveSpeed returned ${prediction.outputs.length} outputs for one prediction; at most ${MAX_OUTPUTS} are expected`,
			hint: 'None of them was downloaded. Use Output: URL Only to inspect the answer, and report it to WaveSpeed if it persists.',
		});
	}
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
		const local = source.type === 'url' ? localTargetProblem(ctx.api.baseUrl, source.url) : undefined;
		if (local) {
			throw new WaveSpeedFailure({
				kind: 'download',
				httpCode: 200,
				predictionId: prediction.id,
				status: prediction.status,
				message: `The output URL was not fetched: ${local}`,
				hint: 'Use Output: URL Only to see it, and check the Base URL of the credential.',
			});
		}
		const field = outputFieldName(plan.options.binaryPropertyName, index);
		const limits: DownloadLimits = { deadline, timeoutSeconds: plan.options.timeout };
		const image: OutputImage = await storeOutput(fx, source, (kind) => outputFileName(requestedName, prediction.id, index, kind), expectedKind, limits);
		binary[field] = image.binary;
		images.push(imageJson(field, image));
	}
	// Base64 outputs are not worth repeating in JSON: they are in the binary.
	json.outputs = prediction.outputs.filter((o) => classifyOutput(o).type === 'url');
	if ((json.outputs as string[]).length === 0) delete json.outputs;
	json.images = images;
	return { json, binary, pairedItem: { item: itemIndex } };
}

const CANCELLED: Failure = { kind: 'cancelled', message: 'The execution was cancelled', hint: 'Run the workflow again.' };

function asFailure(error: unknown, cancelled = false): Failure {
	if (error instanceof WaveSpeedFailure) return error.failure;
	// A wait or request cut short by Stop rejects with an AbortError: say what happened, not its class name.
	if (cancelled || (error instanceof Error && error.name === 'AbortError')) return CANCELLED;
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

/** Pre-flight: the first bytes of every binary reference, before the first submit of the run. */
async function checkReferenceHeads(fx: IExecuteFunctions, plans: Array<ItemPlan | Failure>): Promise<void> {
	for (const [index, plan] of plans.entries()) {
		if (!isPlan(plan) || plan.operation !== 'editImage') continue;
		for (const [position, reference] of plan.references.entries()) {
			if (reference.source !== 'binary') continue;
			const checked = await settle(checkBinaryHead(fx, index, reference.binaryField, position + 1));
			if (!checked.ok) {
				plans[index] = asFailure(checked.error);
				break;
			}
		}
	}
}

/** Where the memory of paid predictions lives: this workflow's node (static data is per node). */
function openMemory(fx: IExecuteFunctions): RecoveryMemory {
	const workflowId = fx.getWorkflow().id ?? 'unsaved';
	const node = fx.getNode();
	return new RecoveryMemory({ scope: `${workflowId}|${node.id ?? node.name}`, staticData: fx.getWorkflowStaticData('node') });
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
	const secrets = secretsOf(api.credentials.data);

	// ...including the bytes of every binary reference: a GIF named photo.png in row 37 costs rows 1 to 36 nothing.
	await checkReferenceHeads(fx, plans);
	const firstBadBytes = plans.findIndex((p) => !isPlan(p));
	if (firstBadBytes >= 0 && !continueOnFail) throw toNodeError(node, plans[firstBadBytes] as Failure, firstBadBytes, secrets);

	let stopped = false;
	// Batch-wide settings come from the first runnable item's options (n8n evaluates options per item).
	const firstPlan = plans.find(isPlan);
	const concurrency = firstPlan?.options.maxConcurrency ?? 1;
	const ctx: BatchContext = {
		fx,
		kind,
		api,
		asTool: isToolRun(fx),
		shouldStop: () => stopped,
		pacer: new SubmitPacer(concurrency),
		memory: openMemory(fx),
		paid: new PaidWork(),
	};

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
	const cancelled = fx.getExecutionCancelSignal?.()?.aborted === true;

	if (!continueOnFail) {
		const failed = outcomes.findIndex((o) => o && !o.ok && !(o.error instanceof WaveSpeedFailure && o.error.failure.kind === 'cancelled' && stopped));
		const firstFailure = failed >= 0 ? failed : outcomes.findIndex((o) => o && !o.ok);
		if (firstFailure >= 0) {
			const outcome = outcomes[firstFailure] as { ok: false; error: unknown };
			// Nothing of this run reaches the output: every paid prediction is named, and stays remembered for the next run.
			const failure = { ...asFailure(outcome.error, cancelled), paidWork: ctx.paid.describe() };
			throw toNodeError(node, failure, firstFailure, secrets);
		}
	}
	fx.getExecutionCancelSignal?.()?.throwIfAborted?.();
	const output = outcomes.map((outcome, index) => {
		if (outcome?.ok) return outcome.value;
		const failure = outcome ? asFailure(outcome.error, cancelled) : asFailure(new WaveSpeedFailure({ kind: 'cancelled', message: 'Not run', hint: 'Run the workflow again.' }));
		return { json: toErrorJson(failure, index, secrets), pairedItem: { item: index } };
	});
	// These results are now in the node's output: no longer for recovery (only for Reuse Earlier Results).
	for (const item of output) if (typeof item.json.id === 'string' && !item.json.error) ctx.memory.markDelivered(item.json.id);
	return [output];
}
