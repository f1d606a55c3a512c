/**
 * Pre-flight: every row is read and checked before anything is sent (its parameters, the first bytes of its binary
 * references, what the provider refuses), so a bad row never costs the good ones a second run.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { Failure } from '../core/errors';
import { asFailure, toNodeError } from '../core/errors';
import { secretsOf } from '../core/redact';
import type { NodeKind } from '../core/kinds';
import { settle, settleSync } from '../core/settle';
import type { ItemOptions } from '../params/options';
import type { ItemPlan, SubmitPlan } from '../params/itemPlan';
import { readItemPlan } from '../params/itemPlan';
import { checkBinaryHead } from '../params/references';
import { FREE_REQUEST_RETRY } from '../http/retry';
import type { ApiTarget } from '../http/transport';
import { apiClient, resolveApiTarget } from '../http/transport';
import { errorJson } from '../item/json';
import { providerFor, readProviderId } from '../providers';
import type { PreparedProvider, Provider } from '../providers/provider';
import { plannedRequest } from './context';

/** One row after pre-flight: its plan, or why it cannot run. */
export type PlanResult = { ok: true; plan: ItemPlan } | { ok: false; failure: Failure };

export function readPlans(fx: IExecuteFunctions, kind: NodeKind, provider: Provider): PlanResult[] {
	return fx.getInputData().map((_, index) => {
		const plan = settleSync(() => readItemPlan(fx, index, kind, provider));
		return plan.ok ? { ok: true, plan: plan.value } : { ok: false, failure: asFailure(plan.error) };
	});
}

/** The row a submit or an estimate would send (Estimate Cost reads exactly what its submit would). */
export function submitPlanOf(plan: ItemPlan): SubmitPlan | undefined {
	if (plan.operation === 'getResult') return undefined;
	return plan.operation === 'estimateCost' ? plan.submit : plan;
}

const optionsOf = (plan: ItemPlan): ItemOptions => (plan.operation === 'estimateCost' ? plan.submit.options : plan.options);

/** The first row that cannot run, if any. */
export function firstFailure(plans: readonly PlanResult[]): { index: number; failure: Failure } | undefined {
	const index = plans.findIndex((p) => !p.ok);
	const found = plans[index];
	return found && !found.ok ? { index, failure: found.failure } : undefined;
}

/** The first bytes of every binary reference, before the first submit of the run (Estimate Cost too). */
export async function checkReferenceHeads(fx: IExecuteFunctions, plans: PlanResult[]): Promise<void> {
	for (const [index, entry] of plans.entries()) {
		const plan = entry.ok ? submitPlanOf(entry.plan) : undefined;
		if (plan?.operation !== 'editImage') continue;
		for (const [position, reference] of plan.references.entries()) {
			if (reference.source !== 'binary') continue;
			const checked = await settle(checkBinaryHead(fx, index, reference.binaryField, position + 1));
			if (!checked.ok) {
				plans[index] = { ok: false, failure: asFailure(checked.error) };
				break;
			}
		}
	}
}

/** What the prepared provider cannot take (e.g. more images than its schema has fields), row by row. */
export function refuseByProvider(provider: PreparedProvider, kind: NodeKind, plans: PlanResult[]): void {
	for (const [index, entry] of plans.entries()) {
		if (!entry.ok || entry.plan.operation === 'getResult' || entry.plan.operation === 'estimateCost') continue;
		const refusal = provider.refuse(plannedRequest({ kind }, entry.plan));
		if (refusal) plans[index] = { ok: false, failure: refusal };
	}
}

/** Settings that hold for the whole run; n8n resolves them per item, so they are read once, from the first valid row. */
export interface BatchSettings {
	/** Max Concurrent Requests, from the first valid row of any operation. */
	concurrency: number;
	/** Max Cost Per Run, from the first valid row that would be priced. */
	maxCostPerRunUsd?: number;
}

export function readBatchSettings(plans: readonly PlanResult[]): BatchSettings {
	const valid = plans.flatMap((p) => (p.ok ? [p.plan] : []));
	const priced = valid.flatMap((plan) => submitPlanOf(plan) ?? []);
	return { concurrency: valid[0] ? optionsOf(valid[0]).maxConcurrency : 1, maxCostPerRunUsd: priced[0]?.options.maxCostPerRun };
}

/** A run that passed pre-flight: its rows, the credential's target and the provider bound to this batch. */
export interface Flight {
	plans: PlanResult[];
	api: ApiTarget;
	provider: PreparedProvider;
	secrets: readonly string[];
}

/**
 * Provider and credential, then every row: parameters, reference heads, the provider's refusals. Without Continue
 * On Fail the first bad row stops the run here; with it, a credential that cannot be used fails every row.
 */
export async function preflight(fx: IExecuteFunctions, kind: NodeKind, continueOnFail: boolean): Promise<Flight | { output: INodeExecutionData[] }> {
	const node = fx.getNode();
	// Provider is a batch setting (one credential per execution): n8n resolves it per item, so the first item's value applies.
	const providerId = settleSync(() => readProviderId(fx));
	if (!providerId.ok) throw toNodeError(node, asFailure(providerId.error), 0);
	const provider = providerFor(providerId.value);
	const stopAtFirstFailure = (plans: readonly PlanResult[], secrets?: readonly string[]) => {
		const first = firstFailure(plans);
		if (first && !continueOnFail) throw toNodeError(node, first.failure, first.index, secrets);
	};

	const plans = readPlans(fx, kind, provider);
	stopAtFirstFailure(plans);
	const base = await settle(resolveApiTarget(fx, provider));
	if (!base.ok) {
		const failure = asFailure(base.error);
		if (!continueOnFail) throw toNodeError(node, failure, 0);
		return { output: plans.map((_, index) => ({ json: errorJson(failure, index, provider.id), pairedItem: { item: index } })) };
	}
	const api = base.value;
	const secrets = secretsOf(api.credentials.data);
	// ...including the bytes of every binary reference: a GIF named photo.png in row 37 costs rows 1 to 36 nothing.
	await checkReferenceHeads(fx, plans);
	stopAtFirstFailure(plans, secrets);
	// The provider reads what its requests depend on (a model schema) once, then refuses what it cannot take, before any upload or submit.
	const prepared = await provider.prepare(apiClient(fx, api, FREE_REQUEST_RETRY), kind);
	refuseByProvider(prepared, kind, plans);
	stopAtFirstFailure(plans, secrets);
	return { plans, api, provider: prepared, secrets };
}
