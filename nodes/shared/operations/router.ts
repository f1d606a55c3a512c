/** The path of one item, and of a batch: what both nodes' execute() run. Provider-neutral: the money rules live here. */
import type { IBinaryKeyData, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { CostEstimate } from '../money/cost';
import { itemCost } from '../money/cost';
import type { Failure } from '../core/errors';
import { asFailure, cancelledFailure, FailureError, inputFailure, toNodeError, withPredictionId } from '../core/errors';
import { estimateCostItems, isEstimatePlan } from './estimateCost';
import type { ReferenceIdentity } from '../money/fingerprint';
import { requestFingerprint } from '../money/fingerprint';
import type { PreparedReference } from '../params/references';
import { checkBinaryHead, readReferenceImages, uploadReferences } from '../params/references';
import type { CostJson, ImageJson, ItemSource, OriginName } from '../item/json';
import { costJson, errorJson, finishedJson, imageJson, pendingJson } from '../item/json';
import type { NodeKind } from '../core/kinds';
import { localTargetProblem } from '../http/netPolicy';
import { classifyOutput, MAX_OUTPUTS, outputFieldName, outputFileName, storeOutput } from '../item/outputs';
import { SubmitPacer } from '../schedule/pacing';
import { PaidWork } from '../money/paidWork';
import type { GetResultPlan, ItemPlan, SubmitPlan } from '../params/itemPlan';
import { readItemPlan } from '../params/itemPlan';
import { BalanceGuard, estimatesByIndex, priceRows, recoveredFromMemory, refuseOverLimits, rowsToPrice } from '../money/pricing';
import { providerFor, readProviderId } from '../providers';
import type { Sighting, TaskKind } from '../schedule/pollSchedule';
import { queuedMsAtLeast, workTimesFor } from '../schedule/pollSchedule';
import type { Job, JobRequest, PlannedRequest, PreparedProvider } from '../providers/provider';
import { RecoveryMemory } from '../money/recovery';
import { FREE_REQUEST_RETRY } from '../http/retry';
import { secretsOf } from '../core/redact';
import { runItems } from '../batch/runItems';
import { flightTimes, ServerSlots } from '../schedule/serverSlots';
import { settle, settleSync } from '../core/settle';
import { submitJob } from '../item/submit';
import type { ApiTarget } from '../http/transport';
import { apiClient, cancelSignal, resolveApiTarget, throwIfCancelled } from '../http/transport';
import { assertSucceeded, fetchJob, pollUntilDone } from '../item/wait';

const isPlan = (value: ItemPlan | Failure): value is ItemPlan => 'operation' in value;
const optionsOf = (plan: ItemPlan) => (plan.operation === 'estimateCost' ? plan.submit.options : plan.options);

/** Shared by every item of one execute() call. */
interface BatchContext {
	fx: IExecuteFunctions;
	kind: NodeKind;
	provider: PreparedProvider;
	api: ApiTarget;
	asTool: boolean;
	shouldStop: () => boolean;
	/** Batch-wide: a 429 on one row paces every row's submit. */
	pacer: SubmitPacer;
	/** Predictions paid for earlier (this process and the workflow's static data). */
	memory: RecoveryMemory;
	/** What this run has paid for, row by row. */
	paid: PaidWork;
	/** Keeps submissions near the account's concurrency once the server is seen queueing this run's tasks. */
	slots: ServerSlots;
	/** Each submitted row's estimate, by input index (none for Get Result). */
	estimates: Array<CostEstimate | undefined>;
	balance: BalanceGuard;
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

/** Sync mode POSTs stay open until the task ends; the server gives up at 90 s, so allow longer than that. */
const SYNC_POST_TIMEOUT_MS = 150_000;

/** The cost fields of an item: the provider's real charge when reported, else the row's estimate; none if neither. */
function costOf(ctx: BatchContext, itemIndex: number, job: Pick<Job, 'costUsd'>): CostJson | Record<string, never> {
	const cost = itemCost(ctx.estimates[itemIndex], job.costUsd);
	return cost ? costJson(cost) : {};
}

function resultUrlOf(ctx: BatchContext, job: Pick<Job, 'id' | 'resultUrl'>): string {
	return job.resultUrl || ctx.provider.resultUrl(ctx.api.baseUrl, job.id);
}

/** The request's identity for recovery: everything sent, with references as their bytes' hashes and URL texts. */
function fingerprintOf(ctx: Pick<BatchContext, 'provider' | 'api'>, request: JobRequest, references: PreparedReference[]): string {
	const identities: ReferenceIdentity[] = references.map((r) => ('url' in r ? { type: 'url', url: r.url } : { type: 'binary', sha256: r.image.sha256 }));
	// Placeholders stand in for the upload URLs (they change per upload); the references' own identities follow.
	const call = ctx.provider.submitCall({ ...request, imageUrls: references.map((_, index) => `reference-${index}`) });
	return requestFingerprint({
		provider: ctx.provider.id,
		baseUrl: ctx.api.baseUrl,
		credentialId: ctx.api.credentials.id,
		model: call.path,
		settings: { ...(call.body as Record<string, unknown>) },
		references: identities,
		query: call.qs,
	});
}

/** The request a row sends, before its references are uploaded (recovery and pricing fingerprint this). */
function jobRequestOf(kind: NodeKind, plan: SubmitPlan, asTool: boolean): JobRequest {
	const inlineBase64 = plan.options.transfer === 'base64' && plan.options.output === 'binary' && !asTool;
	return { kind, prompt: plan.prompt, imageUrls: [], settings: plan.settings, inlineBase64, webhookUrl: plan.options.webhookUrl };
}

/** Whether a failure means the prediction itself failed on the server or is gone: then it is paid for again. */
function isDeadPrediction(error: unknown): boolean {
	return error instanceof FailureError && (error.failure.kind === 'task' || error.failure.kind === 'notFound');
}

async function runSubmit(ctx: BatchContext, itemIndex: number, plan: SubmitPlan): Promise<INodeExecutionData> {
	const { fx, provider, api } = ctx;
	// The balance ran out earlier in this run: nothing more is uploaded or submitted.
	ctx.balance.check();
	const started = Date.now();
	const references = plan.operation === 'editImage' ? await readReferenceImages(fx, itemIndex, plan.references) : [];
	const syncMode = plan.settings.waitMode === 'sync';
	const webhookSecret = plan.options.webhookUrl ? credentialText(api, 'webhookSecret') : undefined;
	const request: JobRequest = { ...jobRequestOf(ctx.kind, plan, ctx.asTool), webhookSecret };
	const source: ItemSource = { provider: provider.id, notes: provider.notes(plannedRequest(ctx.kind, plan)) };
	const fingerprint = fingerprintOf(ctx, request, references);

	const earlier = await pickUpEarlier(ctx, itemIndex, plan, fingerprint, started, started + plan.options.timeout * 1000, source);
	if (earlier) return earlier;

	request.imageUrls = await uploadReferences(fx, provider, api, references);
	// A row waiting here for the server's queue to drain is not using its Timeout.
	const deadline = started + (await waitForRoom(ctx)) + plan.options.timeout * 1000;
	const sent = await settle(
		submitJob(fx, provider, api, request, {
			timeoutMs: syncMode ? Math.max(SYNC_POST_TIMEOUT_MS, plan.options.timeout * 1000) : 60_000,
			deadline,
			timeoutSeconds: plan.options.timeout,
			shouldStop: ctx.shouldStop,
			pacer: ctx.pacer,
		}),
	);
	if (!sent.ok || plan.settings.waitMode === 'none') ctx.slots.release();
	if (!sent.ok) {
		// An ambiguous answer that named an id: the task may exist, so it is named and remembered like a paid one.
		const id = sent.error instanceof FailureError ? sent.error.failure.predictionId : undefined;
		if (id) {
			ctx.memory.rememberSubmitted(fingerprint, id);
			ctx.paid.submitted(itemIndex, id);
		}
		throw sent.error;
	}
	const submitted = sent.value;
	// Paid for from here: remembered until its result reaches the output, and named in any error of the run.
	ctx.memory.rememberSubmitted(fingerprint, submitted.id);
	ctx.paid.submitted(itemIndex, submitted.id);
	const submittedAt = syncMode ? started : Date.now();
	if (plan.settings.waitMode === 'none') {
		return { json: { ...pendingJson(submitted, resultUrlOf(ctx, submitted), source), ...costOf(ctx, itemIndex, submitted) }, pairedItem: { item: itemIndex } };
	}
	// From here on every failure carries the prediction id, so the user can recover it with Get Result.
	const finished = await settle(waitAndCollect(ctx, itemIndex, plan, submitted, submittedAt, deadline, source));
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
 * delivered one within the Reuse Earlier Results window. Failed or gone ones are forgotten and paid for again.
 */
async function pickUpEarlier(
	ctx: BatchContext,
	itemIndex: number,
	plan: SubmitPlan,
	fingerprint: string,
	started: number,
	deadline: number,
	source: ItemSource,
): Promise<INodeExecutionData | undefined> {
	const candidates: Array<{ origin: OriginName; id?: string }> = [{ origin: 'recovered', id: ctx.memory.claimPending(fingerprint)?.id }];
	if (plan.options.reuseWithinHours) {
		candidates.push({ origin: 'reused', id: ctx.memory.claimDelivered(fingerprint, plan.options.reuseWithinHours * 3_600_000)?.id });
	}
	for (const { origin, id } of candidates) {
		if (!id) continue;
		ctx.paid.submitted(itemIndex, id);
		const outcome = await settle(collectEarlier(ctx, itemIndex, plan, id, origin, started, deadline, source));
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
	origin: OriginName,
	started: number,
	deadline: number,
	source: ItemSource,
): Promise<INodeExecutionData> {
	const { fx, provider, api } = ctx;
	let job = await fetchJob(fx, provider, api, id, deadline);
	if (job.state === 'failed') assertSucceeded(job);
	if (job.state === 'running' && plan.settings.waitMode === 'none') {
		return { json: { ...pendingJson(job, resultUrlOf(ctx, job), source), [origin]: true }, pairedItem: { item: itemIndex } };
	}
	if (job.state === 'running') {
		job = await pollUntilDone(fx, provider, api, id, {
			pollIntervalMs: plan.options.pollInterval * 1000,
			deadline,
			timeoutSeconds: plan.options.timeout,
			submittedAt: started,
			shouldStop: ctx.shouldStop,
		});
	}
	return await finishedItem(ctx, itemIndex, assertSucceeded(job), plan, deadline, source, origin);
}

/** Waits until the run may submit one more task; a cancel while waiting reads as a cancel. */
async function waitForRoom(ctx: BatchContext): Promise<number> {
	const waited = await settle(ctx.slots.acquire(cancelSignal(ctx.fx)));
	throwIfCancelled(ctx.fx);
	if (!waited.ok) throw waited.error;
	return waited.value;
}

/** What was learned about task times applies to one provider, Base URL, model, quality and resolution. */
function timingKind(ctx: BatchContext, plan: SubmitPlan): TaskKind {
	return { provider: ctx.provider.id, baseUrl: ctx.api.baseUrl, model: ctx.kind, quality: plan.settings.quality, resolution: plan.settings.resolution };
}

async function waitAndCollect(
	ctx: BatchContext,
	itemIndex: number,
	plan: SubmitPlan,
	submitted: Job,
	submittedAt: number,
	deadline: number,
	source: ItemSource,
): Promise<INodeExecutionData> {
	let job = submitted;
	let sighting: Sighting | undefined;
	// Poll mode starts here at 'created'; sync mode only when the server's sync wait ran out.
	if (job.state === 'running') {
		const polled = await settle(
			pollUntilDone(ctx.fx, ctx.provider, ctx.api, job.id, {
				pollIntervalMs: plan.options.pollInterval * 1000,
				deadline,
				timeoutSeconds: plan.options.timeout,
				submittedAt,
				workTimes: workTimesFor(timingKind(ctx, plan)),
				flight: ctx.slots.submitted(job.id),
				onSighting: (seen) => (sighting = seen),
				shouldStop: ctx.shouldStop,
			}),
		);
		// The server slot is free once the task ended: the next row may go while this one downloads.
		ctx.slots.release(job.id, sighting && flightTimes(submittedAt, sighting));
		if (!polled.ok) throw polled.error;
		job = polled.value;
	} else {
		ctx.slots.release(job.id);
	}
	const item = await finishedItem(ctx, itemIndex, assertSucceeded(job), plan, deadline, source);
	item.json.queuedMs = sighting ? queuedMsAtLeast(sighting) : null;
	return item;
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
	return await finishedItem(ctx, itemIndex, assertSucceeded(job), plan, started + plan.options.timeout * 1000, { provider: provider.id });
}

async function finishedItem(
	ctx: BatchContext,
	itemIndex: number,
	job: Job,
	plan: SubmitPlan | GetResultPlan,
	deadline: number,
	source: ItemSource,
	origin?: OriginName,
): Promise<INodeExecutionData> {
	const { fx, provider } = ctx;
	// Answers whose content is the problem carry the (successful) HTTP status, which marks them as not worth retrying.
	const failure = (kind: 'nsfw' | 'malformed' | 'download', message: string, hint: string) =>
		new FailureError({ kind, predictionId: job.id, status: job.status, message, hint, ...(kind === 'nsfw' ? {} : { httpCode: 200 }) });
	const marked = origin ? { [origin]: true } : {};
	if (job.outputs.length > MAX_OUTPUTS) {
		throw failure(
			'malformed',
			`${provider.label} returned ${job.outputs.length} outputs for one prediction; at most ${MAX_OUTPUTS} are expected`,
			`None of them was downloaded. Use Output: URL Only to inspect the answer, and report it to ${provider.label} if it persists.`,
		);
	}
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
		return { json: { ...finishedJson(job, resultUrl, source), ...marked, ...costOf(ctx, itemIndex, job) }, pairedItem: { item: itemIndex } };
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
		const local = source.type === 'url' ? localTargetProblem(ctx.api.baseUrl, source.url) : undefined;
		if (local) throw failure('download', `The output URL was not fetched: ${local}`, 'Use Output: URL Only to see it, and check the Base URL of the credential.');
		const field = outputFieldName(plan.options.binaryPropertyName, index);
		const image = await storeOutput(fx, source, {
			fileNameFor: (kind) => outputFileName(plan.options.fileName, job.id, index, kind),
			expectedKind,
			label: provider.label,
			limits: { deadline, timeoutSeconds: plan.options.timeout },
		});
		binary[field] = image.binary;
		images.push(imageJson(field, image));
	}
	return { json: { ...finishedJson(job, resultUrl, source, images), ...marked, ...costOf(ctx, itemIndex, job) }, binary, pairedItem: { item: itemIndex } };
}

/** Pre-flight: the first bytes of every binary reference, before the first submit of the run (Estimate Cost too). */
async function checkReferenceHeads(fx: IExecuteFunctions, plans: Array<ItemPlan | Failure>): Promise<void> {
	for (const [index, entry] of plans.entries()) {
		const plan = isPlan(entry) && entry.operation === 'estimateCost' ? entry.submit : entry;
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
	const secrets = secretsOf(base.value.credentials.data);

	// ...including the bytes of every binary reference: a GIF named photo.png in row 37 costs rows 1 to 36 nothing.
	await checkReferenceHeads(fx, plans);
	const firstBadBytes = plans.findIndex((p) => !isPlan(p));
	if (firstBadBytes >= 0 && !continueOnFail) throw toNodeError(node, plans[firstBadBytes] as Failure, firstBadBytes, secrets);

	// The provider reads what its requests depend on (a model schema) once, then refuses what it cannot take, before any upload or submit.
	const prepared = await provider.prepare(apiClient(fx, base.value, FREE_REQUEST_RETRY), kind);
	for (const [index, plan] of plans.entries()) {
		if (!isPlan(plan) || plan.operation === 'getResult' || plan.operation === 'estimateCost') continue;
		const refusal = prepared.refuse(plannedRequest(kind, plan));
		if (refusal) plans[index] = refusal;
	}
	const firstRefused = plans.findIndex((p) => !isPlan(p));
	if (firstRefused >= 0 && !continueOnFail) throw toNodeError(node, plans[firstRefused] as Failure, firstRefused, secrets);

	if (plans.some(isEstimatePlan)) return [await estimateCostItems({ fx, kind, provider: prepared, api: base.value, plans })];

	// Priced before the first upload or submit; rows recovered from an earlier run cost nothing.
	const memory = openMemory(fx);
	const api = base.value;
	const costsNothing = recoveredFromMemory(memory, async (index, plan) => {
		const references = plan.operation === 'editImage' ? await readReferenceImages(fx, index, plan.references) : [];
		return fingerprintOf({ provider: prepared, api }, jobRequestOf(kind, plan, isToolRun(fx)), references);
	});
	const submitPlans = plans.map((plan) => (isPlan(plan) && plan.operation !== 'getResult' && plan.operation !== 'estimateCost' ? plan : undefined));
	const toPrice = await rowsToPrice(submitPlans, costsNothing);
	const priced = await priceRows(fx, prepared, base.value, kind, toPrice);
	// Max Cost Per Run is a batch setting: n8n resolves it per item, so it is read once, from the first valid row.
	const limitUsd = submitPlans.find((plan) => plan !== undefined)?.options.maxCostPerRun;
	const refusal = await refuseOverLimits(fx, prepared, base.value, priced, limitUsd);
	if (refusal) {
		if (!continueOnFail) throw toNodeError(node, refusal.failure, refusal.index, secrets);
		return [items.map((_, index) => ({ json: errorJson(isPlan(plans[index]) ? refusal.failure : (plans[index] as Failure), index, provider.id, secrets), pairedItem: { item: index } }))];
	}

	let stopped = false;
	const balance = new BalanceGuard(provider.label);
	const estimates = estimatesByIndex(items.length, priced);
	// Max Concurrent Requests is a batch setting: n8n resolves it per item, so the first valid item's value applies.
	const firstPlan = plans.find(isPlan);
	const concurrency = firstPlan ? optionsOf(firstPlan).maxConcurrency : 1;
	const ctx: BatchContext = {
		fx,
		kind,
		provider: prepared,
		api: base.value,
		asTool: isToolRun(fx),
		shouldStop: () => stopped,
		pacer: new SubmitPacer(concurrency),
		memory,
		paid: new PaidWork(),
		slots: new ServerSlots(concurrency),
		estimates,
		balance,
	};

	const outcomes = await runItems(
		items.length,
		async (index) => {
			const plan = plans[index];
			if (!isPlan(plan) || plan.operation === 'estimateCost') throw new FailureError(plan as Failure);
			return plan.operation === 'getResult' ? await runGetResult(ctx, index, plan) : await runSubmit(ctx, index, plan);
		},
		{
			concurrency,
			shouldStop: () => stopped,
			onFailure: (_index, error) => {
				// The balance running out stops new submits only: rows already running finish and keep their ids.
				const balanceRanOut = balance.absorbs(error);
				if (!continueOnFail && !balanceRanOut) stopped = true;
			},
		},
	);
	const cancelled = fx.getExecutionCancelSignal?.()?.aborted === true;

	if (!continueOnFail) {
		const failed = outcomes.findIndex((o) => o && !o.ok && !(o.error instanceof FailureError && o.error.failure.kind === 'cancelled' && stopped));
		const firstFailure = failed >= 0 ? failed : outcomes.findIndex((o) => o && !o.ok);
		if (firstFailure >= 0) {
			const outcome = outcomes[firstFailure] as { ok: false; error: unknown };
			// Nothing of this run reaches the output: every paid prediction is named, and stays remembered for the next run.
			const failure: Failure = { ...asFailure(outcome.error, cancelled), paidWork: ctx.paid.describe() };
			throw toNodeError(node, failure, firstFailure, secrets);
		}
	}
	fx.getExecutionCancelSignal?.()?.throwIfAborted?.();
	const output = outcomes.map((outcome, index) => {
		if (outcome?.ok) return outcome.value;
		const failure = outcome ? asFailure(outcome.error, cancelled) : cancelledFailure('notRun').failure;
		// Once a task exists, its error item says what it costs.
		const estimate = failure.predictionId ? estimates[index] : undefined;
		return { json: { ...errorJson(failure, index, provider.id, secrets), ...(estimate ? costJson(estimate) : {}) }, pairedItem: { item: index } };
	});
	// These results now reach the node's output: no longer for recovery (only for Reuse Earlier Results).
	for (const item of output) {
		const json: { id?: unknown; error?: unknown } = item.json;
		if (typeof json.id === 'string' && json.error === undefined) ctx.memory.markDelivered(json.id);
	}
	return [output];
}
