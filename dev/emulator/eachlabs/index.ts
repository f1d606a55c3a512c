/** The each::labs dialect: /v1 routes, its prediction words, signed webhooks with retries, and real charges. */
import type { Dialect } from '../dialect';
import { routeEachLabsApi } from './api';
import { chargeOf } from './cost';
import { deliverEachLabsWebhook, redeliverEachLabsWebhook } from './webhooks';

export const eachLabsDialect: Dialect = {
	name: 'eachlabs',
	label: 'each::labs',
	routeApi: routeEachLabsApi,
	onFinished(state, task) {
		if (task.status !== 'completed') return;
		task.costUsd = chargeOf(task, state.config.costUsd);
		state.spentUsd += task.costUsd;
	},
	deliverWebhook: deliverEachLabsWebhook,
	redeliverWebhook: redeliverEachLabsWebhook,
};

export { EACHLABS_MODELS, EACHLABS_V25_SLUGS, EACHLABS_SLUGS, requestSchema, ARRAY_SIZES, SINGLE_SIZES, V25_SIZES } from './schema';
export { signEachLabs } from './webhooks';
