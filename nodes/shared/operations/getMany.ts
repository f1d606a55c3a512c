/**
 * Get Many: the provider's recent predictions, once per input item with that item's filters. Every item's filters are
 * checked before the first request; only free reads are sent (the list, the results of sellers whose list has no outputs, the downloads).
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { Failure } from '../core/errors';
import { asFailure, redactSecrets, toNodeError } from '../core/errors';
import type { NodeKind } from '../core/kinds';
import { secretsOf } from '../core/redact';
import { settle, settleSync } from '../core/settle';
import type { ApiTarget } from '../http/transport';
import { resolveApiTarget } from '../http/transport';
import { finishTask } from '../item/finish';
import type { DownloadLimits } from '../item/outputs';
import { historyFilters, readRecent, withOutputs } from '../item/history';
import { errorJson, listedJson } from '../item/json';
import type { GetManyPlan } from '../params/getManyPlan';
import { readGetManyPlan } from '../params/getManyPlan';
import { providerFor, readProviderId } from '../providers';
import type { Task, Provider } from '../providers/provider';

type PlanResult = { ok: true; plan: GetManyPlan } | { ok: false; failure: Failure };

export async function getManyItems(fx: IExecuteFunctions, kind: NodeKind): Promise<INodeExecutionData[]> {
	const node = fx.getNode();
	const continueOnFail = fx.continueOnFail();
	const providerId = settleSync(() => readProviderId(fx));
	if (!providerId.ok) throw toNodeError(node, asFailure(providerId.error), 0);
	const provider = providerFor(providerId.value);

	// Every item's filters first: a bad date in item 7 sends nothing for items 0 to 6 either.
	const plans: PlanResult[] = fx.getInputData().map((_, index) => {
		const plan = settleSync(() => readGetManyPlan(fx, index));
		return plan.ok ? { ok: true, plan: plan.value } : { ok: false, failure: asFailure(plan.error) };
	});
	const firstBad = plans.findIndex((p) => !p.ok);
	const bad = plans[firstBad];
	if (bad && !bad.ok && !continueOnFail) throw toNodeError(node, bad.failure, firstBad);

	const target = await settle(resolveApiTarget(fx, provider));
	if (!target.ok) {
		const failure = asFailure(target.error);
		if (!continueOnFail) throw toNodeError(node, failure, 0);
		return plans.map((_, index) => ({ json: errorJson(failure, index, provider.id), pairedItem: { item: index } }));
	}
	const api = target.value;
	const secrets = secretsOf(api.credentials.data);

	const output: INodeExecutionData[] = [];
	for (const [index, entry] of plans.entries()) {
		const listed = entry.ok ? await settle(listFor(fx, kind, provider, api, entry.plan, secrets)) : { ok: false as const, error: entry.failure };
		if (listed.ok) {
			output.push(...listed.value.map((item) => ({ ...item, pairedItem: { item: index } })));
			continue;
		}
		const failure = entry.ok ? asFailure(listed.error) : entry.failure;
		if (!continueOnFail) throw toNodeError(node, failure, index, secrets);
		output.push({ json: errorJson(failure, index, provider.id, secrets), pairedItem: { item: index } });
	}
	return output;
}

/** One input item: read the pages, complete what the list leaves out, one item per prediction. */
async function listFor(fx: IExecuteFunctions, kind: NodeKind, provider: Provider, api: ApiTarget, plan: GetManyPlan, secrets: readonly string[]): Promise<INodeExecutionData[]> {
	const recent = await readRecent(fx, provider, api, historyFilters(kind, plan), plan.max);
	const tasks = await withOutputs(fx, provider, api, recent);
	const limits: DownloadLimits = { deadline: Date.now() + plan.timeoutSeconds * 1000, timeoutSeconds: plan.timeoutSeconds };
	const items: INodeExecutionData[] = [];
	for (const task of tasks) items.push(plan.downloadImages && task.state === 'succeeded' ? await downloaded(fx, provider, api, task, secrets, limits) : { json: listedJson(task, resultUrlOf(provider, api, task), provider.id) });
	return items;
}

function resultUrlOf(provider: Provider, api: ApiTarget, task: Task): string {
	return task.resultUrl || provider.resultUrl(api.baseUrl, task.id);
}

/** Downloads through the same finish step as Get Result; a prediction whose images cannot be stored keeps its URLs and says why. */
async function downloaded(fx: IExecuteFunctions, provider: Provider, api: ApiTarget, task: Task, secrets: readonly string[], limits: DownloadLimits): Promise<INodeExecutionData> {
	const resultUrl = resultUrlOf(provider, api, task);
	const json = listedJson(task, resultUrl, provider.id);
	const finished = await settle(
		finishTask({ fx, label: provider.label, source: { provider: provider.id }, baseUrl: api.baseUrl, resultUrl, output: 'binary', binaryPropertyName: 'data', expectedType: 'png', limits }, task),
	);
	if (!finished.ok) {
		const failure = asFailure(finished.error);
		return { json: { ...json, downloadError: redactSecrets(`${failure.message}. ${failure.hint}`, secrets) } };
	}
	return { json: { ...json, images: finished.value.json.images ?? [] }, ...(finished.value.binary ? { binary: finished.value.binary } : {}) };
}
