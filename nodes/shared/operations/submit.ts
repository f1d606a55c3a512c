/**
 * Edit Image and Generate Image, one row: pick up what an earlier run paid for, else upload, submit once, wait,
 * finish. From the submit on, the task is remembered and named in any error of the run.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { FailureError, withPredictionId } from '../core/errors';
import { settle } from '../core/settle';
import { cancelSignal, throwIfCancelled } from '../http/transport';
import type { OriginName } from '../item/json';
import { pendingJson } from '../item/json';
import { uploadReferences } from '../item/upload';
import type { SubmitPlan } from '../params/itemPlan';
import type { Task } from '../providers/provider';
import type { Sighting, TimingGroup } from '../schedule/pollSchedule';
import { queuedMsAtLeast, workTimesFor } from '../schedule/pollSchedule';
import { flightTimes } from '../schedule/serverSlots';
import { submitTask } from '../item/submit';
import { assertSucceeded, fetchTask, pollUntilDone } from '../item/wait';
import type { BatchContext, SubmitRow } from '../batch/context';
import { costOf, finishRow, plannedRequest, resultUrlOf, startRow } from '../batch/context';

/** Whether a failure means the prediction itself failed on the server or is gone: then it is paid for again. */
function isDeadPrediction(error: unknown): boolean {
	return error instanceof FailureError && (error.failure.kind === 'task' || error.failure.kind === 'notFound');
}

/** Sync requests stay open until the task ends: allow a minute past the seller's own sync limit. */
function submitTimeoutMs(ctx: BatchContext, row: SubmitRow): number {
	if (row.plan.waitMode !== 'sync') return 60_000;
	return Math.max(((ctx.provider.capabilities.syncLimitSeconds ?? 0) + 60) * 1000, row.timeoutSeconds * 1000);
}

export async function runSubmit(ctx: BatchContext, index: number, plan: SubmitPlan): Promise<INodeExecutionData> {
	// The balance ran out earlier in this run: nothing more is uploaded or submitted.
	ctx.balance.check();
	const started = startRow(index, plan, { provider: ctx.provider.id, notes: ctx.provider.notes(plannedRequest(ctx, plan)) });
	const row: SubmitRow = { ...started, request: await ctx.requests.take(index, plan) };

	const earlier = await pickUpEarlier(ctx, row);
	if (earlier) return earlier;
	// Priced as free because an earlier prediction might cover it: it pays after all, so it is counted (or refused) first.
	const charged = await ctx.budget.charge(index);
	if (charged) ctx.estimates[index] = charged;

	const { request, fingerprint } = row.request;
	const imageUrls = await uploadReferences(ctx.fx, ctx.provider, ctx.api, index, row.request.references);
	// A row waiting here for the server's queue to drain is not using its Timeout.
	row.deadline += await waitForRoom(ctx);
	const sent = await settle(
		submitTask(ctx.fx, ctx.provider, ctx.api, { ...request, imageUrls }, {
			timeoutMs: submitTimeoutMs(ctx, row),
			deadline: row.deadline,
			timeoutSeconds: row.timeoutSeconds,
			shouldStop: ctx.shouldStop,
			pacer: ctx.pacer,
			checkBalance: () => ctx.balance.check(),
		}),
	);
	const { waitMode } = plan;
	if (!sent.ok || waitMode === 'none') ctx.slots.release();
	if (!sent.ok) {
		// An ambiguous answer that named an id: the task may exist, so it is named and remembered like a paid one.
		const id = sent.error instanceof FailureError ? sent.error.failure.predictionId : undefined;
		if (id) {
			ctx.memory.rememberSubmitted(fingerprint, id);
			ctx.paid.submitted(index, id);
		}
		throw sent.error;
	}
	const submitted = sent.value;
	// Paid for from here: remembered until its result reaches the output, and named in any error of the run.
	ctx.memory.rememberSubmitted(fingerprint, submitted.id);
	ctx.paid.submitted(index, submitted.id);
	const submittedAt = waitMode === 'sync' ? row.started : Date.now();
	if (waitMode === 'none') {
		// Not watched: its end is unknown, so it holds no room under the account's limit of tasks at once.
		ctx.pacer.taskEnded();
		return { json: { ...pendingJson(submitted, resultUrlOf(ctx, submitted), row.source), ...costOf(ctx, index, submitted) }, pairedItem: { item: index } };
	}
	// From here on every failure carries the prediction id, so the user can recover it with Get Result.
	const finished = await settle(waitAndFinish(ctx, row, submitted, submittedAt));
	if (!finished.ok) {
		if (isDeadPrediction(finished.error)) {
			ctx.memory.forget(submitted.id);
			ctx.paid.ended(index, 'failed');
		}
		throw withPredictionId(finished.error, submitted.id, submitted.status);
	}
	ctx.paid.ended(index, 'done');
	return finished.value;
}

/** Whether a delivered result can no longer be fetched (its output file is gone from the CDN): then it is not reused. */
function isGoneOutput(error: unknown): boolean {
	if (!(error instanceof FailureError) || error.failure.kind !== 'download') return false;
	const code = error.failure.httpCode;
	return code === 403 || code === 404 || code === 410;
}

/**
 * A prediction paid for earlier for the same request: one whose result never reached an output (always), or a
 * delivered one within the Reuse Earlier Results window. Failed or gone ones are forgotten and paid for again; a
 * reused one is not named among this run's paid work (this run did not submit it).
 */
async function pickUpEarlier(ctx: BatchContext, row: SubmitRow): Promise<INodeExecutionData | undefined> {
	const { fingerprint } = row.request;
	const reuseHours = row.plan.options.reuseWithinHours;
	const candidates: Array<{ origin: OriginName; id?: string }> = [{ origin: 'recovered', id: ctx.memory.claimPending(fingerprint)?.id }];
	if (reuseHours) candidates.push({ origin: 'reused', id: ctx.memory.claimDelivered(fingerprint, reuseHours * 3_600_000)?.id });
	for (const { origin, id } of candidates) {
		if (!id) continue;
		const pending = origin === 'recovered';
		if (pending) ctx.paid.submitted(row.index, id);
		const outcome = await settle(collectEarlier(ctx, row, id, origin));
		if (outcome.ok) {
			if (pending) ctx.paid.ended(row.index, 'done');
			return outcome.value;
		}
		const gone = isDeadPrediction(outcome.error) || (!pending && isGoneOutput(outcome.error));
		if (!gone) throw withPredictionId(outcome.error, id);
		ctx.memory.forget(id);
		if (pending) ctx.paid.ended(row.index, 'failed');
	}
	return undefined;
}

async function collectEarlier(ctx: BatchContext, row: SubmitRow, id: string, origin: OriginName): Promise<INodeExecutionData> {
	const { fx, provider, api } = ctx;
	let task = await fetchTask(fx, provider, api, id, row.deadline);
	if (task.state === 'failed') assertSucceeded(task);
	if (task.state === 'running' && row.plan.waitMode === 'none') {
		return { json: { ...pendingJson(task, resultUrlOf(ctx, task), row.source), [origin]: true }, pairedItem: { item: row.index } };
	}
	if (task.state === 'running') {
		task = await pollUntilDone(fx, provider, api, id, {
			pollIntervalMs: row.pollIntervalMs,
			deadline: row.deadline,
			timeoutSeconds: row.timeoutSeconds,
			submittedAt: row.started,
			shouldStop: ctx.shouldStop,
		});
	}
	return await finishRow(ctx, row, assertSucceeded(task), origin);
}

/** Waits until the run may submit one more task; a cancel while waiting reads as a cancel. */
async function waitForRoom(ctx: BatchContext): Promise<number> {
	const waited = await settle(ctx.slots.acquire(cancelSignal(ctx.fx)));
	throwIfCancelled(ctx.fx);
	if (!waited.ok) throw waited.error;
	return waited.value;
}

/** What was learned about task times applies to one provider, Base URL, model, quality and resolution. */
function timingGroup(ctx: BatchContext, plan: SubmitPlan): TimingGroup {
	return { provider: ctx.provider.id, baseUrl: ctx.api.baseUrl, nodeKind: ctx.kind, quality: plan.settings.quality, resolution: plan.settings.resolution };
}

async function waitAndFinish(ctx: BatchContext, row: SubmitRow, submitted: Task, submittedAt: number): Promise<INodeExecutionData> {
	let task = submitted;
	let sighting: Sighting | undefined;
	// Poll mode starts here at 'created'; sync mode only when the server's sync wait ran out.
	if (task.state === 'running') {
		const polled = await settle(
			pollUntilDone(ctx.fx, ctx.provider, ctx.api, task.id, {
				pollIntervalMs: row.pollIntervalMs,
				deadline: row.deadline,
				timeoutSeconds: row.timeoutSeconds,
				submittedAt,
				workTimes: workTimesFor(timingGroup(ctx, row.plan)),
				flight: ctx.slots.submitted(task.id),
				onSighting: (seen) => (sighting = seen),
				shouldStop: ctx.shouldStop,
				createdHere: true,
			}),
		);
		// The server slot is free once the task ended: the next row may go while this one downloads.
		ctx.slots.release(task.id, sighting && flightTimes(submittedAt, sighting));
		ctx.pacer.taskEnded();
		if (!polled.ok) throw polled.error;
		task = polled.value;
	} else {
		ctx.slots.release(task.id);
		ctx.pacer.taskEnded();
	}
	const item = await finishRow(ctx, row, assertSucceeded(task));
	return { ...item, json: { ...item.json, queuedMs: sighting ? queuedMsAtLeast(sighting) : null } };
}
