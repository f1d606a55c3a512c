/** The path of one item, and of a batch: what both nodes' execute() run. Provider-neutral: the money rules live here. */
import type { IBinaryKeyData, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { Failure } from './errors';
import { asFailure, cancelledFailure, FailureError, inputFailure, toNodeError, withPredictionId } from './errors';
import { resolveReferenceImages } from './images';
import type { ImageJson, ItemOrigin } from './items';
import { errorJson, finishedJson, imageJson, pendingJson } from './items';
import type { NodeKind } from './kinds';
import { classifyOutput, outputFieldName, outputFileName, storeOutput } from './outputs';
import type { GetResultPlan, ItemPlan, SubmitPlan } from './params';
import { readItemPlan } from './params';
import { readProviderId, providerFor } from './providers';
import type { Job, PlannedRequest, PreparedProvider } from './providers/provider';
import { FREE_REQUEST_RETRY } from './retry';
import { runItems } from './runItems';
import { settle, settleSync } from './settle';
import { submitJob } from './submit';
import type { ApiTarget } from './transport';
import { apiClient, resolveApiTarget } from './transport';
import { assertSucceeded, estimatorFor, fetchJob, pollUntilDone } from './wait';

const isPlan = (value: ItemPlan | Failure): value is ItemPlan => 'operation' in value;

/** Shared by every item of one execute() call. */
interface BatchContext {
	fx: IExecuteFunctions;
	kind: NodeKind;
	provider: PreparedProvider;
	api: ApiTarget;
	asTool: boolean;
	shouldStop: () => boolean;
	/** True also after a balance refusal: no new submit, while predictions already running are still collected. */
	shouldStopSubmitting: () => boolean;
}

/** Binary cannot cross the AI tool boundary, so a tool run returns URLs in JSON. */
export function isToolRun(fx: IExecuteFunctions): boolean {
	const byContext = typeof fx.isToolExecution === 'function' && fx.isToolExecution();
	return byContext || fx.getNode().type.endsWith('Tool');
}

function plannedRequest(kind: NodeKind, plan: SubmitPlan): PlannedRequest {
	return { kind, settings: plan.settings, imageCount: plan.references.length };
}

/** An optional text field of the credential (e.g. a webhook secret); empty counts as unset. */
function credentialText(api: ApiTarget, field: string): string | undefined {
	const value = api.credentials.data?.[field];
	return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

const isBalanceRefusal = (error: unknown): boolean => error instanceof FailureError && error.failure.kind === 'balance';

/** Sync mode POSTs stay open until the task ends; the server gives up at 90 s, so allow longer than that. */
const SYNC_POST_TIMEOUT_MS = 150_000;

function resultUrlOf(ctx: BatchContext, job: Pick<Job, 'id' | 'resultUrl'>): string {
	return job.resultUrl || ctx.provider.resultUrl(ctx.api.baseUrl, job.id);
}

async function runSubmit(ctx: BatchContext, itemIndex: number, plan: SubmitPlan): Promise<INodeExecutionData> {
	const { fx, provider, api } = ctx;
	const started = Date.now();
	const deadline = started + plan.options.timeout * 1000;
	const inlineBase64 = plan.options.transfer === 'base64' && plan.options.output === 'binary' && !ctx.asTool;
	const imageUrls = plan.operation === 'editImage' ? await resolveReferenceImages(fx, provider, api, itemIndex, plan.references) : [];
	const syncMode = plan.settings.waitMode === 'sync';
	const webhookSecret = plan.options.webhookUrl ? credentialText(api, 'webhookSecret') : undefined;
	const request = { kind: ctx.kind, prompt: plan.prompt, imageUrls, settings: plan.settings, inlineBase64, webhookUrl: plan.options.webhookUrl, webhookSecret };
	const origin = { provider: provider.id, notes: provider.notes(plannedRequest(ctx.kind, plan)) };
	const submitted = await submitJob(fx, provider, api, request, {
		timeoutMs: syncMode ? Math.max(SYNC_POST_TIMEOUT_MS, plan.options.timeout * 1000) : 60_000,
		deadline,
		shouldStop: ctx.shouldStopSubmitting,
	});
	const submittedAt = syncMode ? started : Date.now();
	if (plan.settings.waitMode === 'none') return { json: pendingJson(submitted, resultUrlOf(ctx, submitted), origin), pairedItem: { item: itemIndex } };
	// From here on every failure carries the prediction id, so the user can recover it with Get Result.
	const finished = await settle(waitAndCollect(ctx, itemIndex, plan, submitted, submittedAt, deadline, origin));
	if (!finished.ok) throw withPredictionId(finished.error, submitted.id, submitted.status);
	return finished.value;
}

/** What was learned about task times applies to one provider, Base URL, model, quality and resolution. */
function timingKind(ctx: BatchContext, plan: SubmitPlan): string {
	return [ctx.provider.id, ctx.api.baseUrl, ctx.kind, plan.settings.quality, plan.settings.resolution].join('|');
}

async function waitAndCollect(
	ctx: BatchContext,
	itemIndex: number,
	plan: SubmitPlan,
	submitted: Job,
	submittedAt: number,
	deadline: number,
	origin: ItemOrigin,
): Promise<INodeExecutionData> {
	let job = submitted;
	// Poll mode starts here at 'created'; sync mode only when the server's sync wait ran out.
	if (job.state === 'running') {
		job = await pollUntilDone(ctx.fx, ctx.provider, ctx.api, job.id, {
			pollIntervalMs: plan.options.pollInterval * 1000,
			deadline,
			timeoutSeconds: plan.options.timeout,
			submittedAt,
			estimator: estimatorFor(timingKind(ctx, plan)),
			shouldStop: ctx.shouldStop,
		});
	}
	return await finishedItem(ctx, itemIndex, assertSucceeded(job), plan, origin);
}

async function runGetResult(ctx: BatchContext, itemIndex: number, plan: GetResultPlan): Promise<INodeExecutionData> {
	const outcome = await settle(fetchAndCollect(ctx, itemIndex, plan));
	if (!outcome.ok) throw withPredictionId(outcome.error, plan.predictionId);
	return outcome.value;
}

async function fetchAndCollect(ctx: BatchContext, itemIndex: number, plan: GetResultPlan): Promise<INodeExecutionData> {
	const { fx, provider, api } = ctx;
	const started = Date.now();
	let job = await fetchJob(fx, provider, api, plan.predictionId, started + plan.options.timeout * 1000);
	if (job.state === 'running') {
		if (!plan.waitForCompletion) return { json: pendingJson(job, resultUrlOf(ctx, job), { provider: provider.id }), pairedItem: { item: itemIndex } };
		job = await pollUntilDone(fx, provider, api, plan.predictionId, {
			pollIntervalMs: plan.options.pollInterval * 1000,
			deadline: started + plan.options.timeout * 1000,
			timeoutSeconds: plan.options.timeout,
			submittedAt: started,
			shouldStop: ctx.shouldStop,
		});
	}
	return await finishedItem(ctx, itemIndex, assertSucceeded(job), plan, { provider: provider.id });
}

async function finishedItem(
	ctx: BatchContext,
	itemIndex: number,
	job: Job,
	plan: SubmitPlan | GetResultPlan,
	origin: ItemOrigin,
): Promise<INodeExecutionData> {
	const { fx, provider } = ctx;
	const failure = (kind: 'nsfw' | 'malformed' | 'download', message: string, hint: string) =>
		new FailureError({ kind, predictionId: job.id, status: job.status, message, hint });
	if (job.nsfw.some(Boolean)) {
		throw failure(
			'nsfw',
			`${provider.label}'s safety filter flagged the output as NSFW; the image may be blank or blurred`,
			'Change the prompt or the reference images. The flagged output can still be fetched with Get Result.',
		);
	}
	if (job.outputs.length === 0) {
		throw failure('malformed', 'The prediction completed without any output image', 'Try Get Result again in a moment; if it stays empty, run the node again.');
	}
	const resultUrl = resultUrlOf(ctx, job);
	if (plan.options.output === 'url' || ctx.asTool) {
		const hasUrl = job.outputs.some((o) => classifyOutput(o).type === 'url');
		if (!hasUrl && ctx.asTool) {
			throw inputFailure('The outputs are inline base64, which cannot be returned to an AI agent', 'Set Transfer to Download From URL.');
		}
		return { json: finishedJson(job, resultUrl, origin), pairedItem: { item: itemIndex } };
	}
	const expectedKind = plan.operation !== 'getResult' && plan.settings.outputFormat === 'jpeg' ? 'jpeg' : 'png';
	const binary: IBinaryKeyData = {};
	const images: ImageJson[] = [];
	for (const [index, output] of job.outputs.entries()) {
		const source = classifyOutput(output);
		if (source.type === 'invalid') {
			throw failure(
				'download',
				`${provider.label} returned an output that is ${source.reason}`,
				`It was not fetched. Use Output: URL Only to see it, and report it to ${provider.label} if it persists.`,
			);
		}
		const field = outputFieldName(plan.options.binaryPropertyName, index);
		const image = await storeOutput(fx, source, {
			fileNameFor: (kind) => outputFileName(plan.options.fileName, job.id, index, kind),
			expectedKind,
			label: provider.label,
		});
		binary[field] = image.binary;
		images.push(imageJson(field, image));
	}
	return { json: finishedJson(job, resultUrl, origin, images), binary, pairedItem: { item: itemIndex } };
}

/** Runs every input item; one output item (or error item) per input, in input order. */
export async function executeNode(fx: IExecuteFunctions, kind: NodeKind): Promise<INodeExecutionData[][]> {
	const items = fx.getInputData();
	const continueOnFail = fx.continueOnFail();
	const node = fx.getNode();
	// Provider is a batch setting (one credential per execution): n8n resolves it per item, so the first item's value applies.
	const providerId = settleSync(() => readProviderId(fx));
	if (!providerId.ok) throw toNodeError(node, asFailure(providerId.error), 0);
	const provider = providerFor(providerId.value);

	// Every item is validated before anything is sent: a bad row never costs the good ones a second run.
	const plans: Array<ItemPlan | Failure> = items.map((_, index) => {
		const plan = settleSync(() => readItemPlan(fx, index, kind, provider));
		return plan.ok ? plan.value : asFailure(plan.error);
	});
	const firstInvalid = plans.findIndex((p) => !isPlan(p));
	if (firstInvalid >= 0 && !continueOnFail) throw toNodeError(node, plans[firstInvalid] as Failure, firstInvalid);

	const base = await settle(resolveApiTarget(fx, provider));
	if (!base.ok) {
		const failure = asFailure(base.error);
		if (!continueOnFail) throw toNodeError(node, failure, 0);
		return [items.map((_, index) => ({ json: errorJson(failure, index, provider.id), pairedItem: { item: index } }))];
	}

	// The provider reads what its requests depend on (a model schema) once, then refuses what it cannot take, before any upload or submit.
	const prepared = await provider.prepare(apiClient(fx, base.value, FREE_REQUEST_RETRY), kind);
	for (const [index, plan] of plans.entries()) {
		if (!isPlan(plan) || plan.operation === 'getResult') continue;
		const refusal = prepared.refuse(plannedRequest(kind, plan));
		if (refusal) plans[index] = refusal;
	}
	const firstRefused = plans.findIndex((p) => !isPlan(p));
	if (firstRefused >= 0 && !continueOnFail) throw toNodeError(node, plans[firstRefused] as Failure, firstRefused);

	let stopped = false;
	let outOfBalance = false;
	const ctx: BatchContext = {
		fx,
		kind,
		provider: prepared,
		api: base.value,
		asTool: isToolRun(fx),
		shouldStop: () => stopped,
		shouldStopSubmitting: () => stopped || outOfBalance,
	};
	// Max Concurrent Requests is a batch setting: n8n resolves it per item, so the first valid item's value applies.
	const concurrency = plans.find(isPlan)?.options.maxConcurrency ?? 1;

	const outcomes = await runItems(
		items.length,
		async (index) => {
			const plan = plans[index];
			if (!isPlan(plan)) throw new FailureError(plan);
			return plan.operation === 'getResult' ? await runGetResult(ctx, index, plan) : await runSubmit(ctx, index, plan);
		},
		{
			concurrency,
			shouldStop: () => stopped || outOfBalance,
			onFailure: (_index, error) => {
				if (!continueOnFail) stopped = true;
				// A balance refusal would refuse every later row too: stop submitting, even under Continue On Fail.
				if (isBalanceRefusal(error)) outOfBalance = true;
			},
		},
	);

	if (!continueOnFail) {
		const failed = outcomes.findIndex((o) => o && !o.ok && !(o.error instanceof FailureError && o.error.failure.kind === 'cancelled' && stopped));
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
			const failure = outcome ? asFailure(outcome.error) : cancelledFailure(outOfBalance ? 'noBalance' : 'notRun').failure;
			return { json: errorJson(failure, index, provider.id), pairedItem: { item: index } };
		}),
	];
}
