/**
 * The checks that need a reference binary's bytes (empty, too large, not an image by its signature), made for every
 * row before the run's first request. A real run and Estimate Cost both use it, so they refuse exactly the same rows.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import type { Failure } from './errors';
import { asFailure } from './errors';
import { readBinaryImage } from './images';
import type { ItemPlan, SubmitPlan } from './params';
import { settle } from './settle';

function submitPlanOf(plan: ItemPlan | Failure): SubmitPlan | undefined {
	if (!('operation' in plan) || plan.operation === 'getResult') return undefined;
	return plan.operation === 'estimateCost' ? plan.submit : plan;
}

/** The first byte problem of a row's binary references, read without uploading anything. */
async function referenceBytesFailure(fx: IExecuteFunctions, index: number, plan: SubmitPlan): Promise<Failure | undefined> {
	for (const [position, reference] of plan.references.entries()) {
		if (reference.source !== 'binary') continue;
		const read = await settle(readBinaryImage(fx, index, reference.binaryField, position + 1));
		if (!read.ok) return asFailure(read.error);
	}
	return undefined;
}

/** Rows whose reference bytes fail become that failure (in place), one row at a time so memory holds one image. */
export async function checkReferenceBytes(fx: IExecuteFunctions, plans: Array<ItemPlan | Failure>): Promise<void> {
	for (const [index, plan] of plans.entries()) {
		const submit = submitPlanOf(plan);
		if (!submit) continue;
		const failure = await referenceBytesFailure(fx, index, submit);
		if (failure) plans[index] = failure;
	}
}
