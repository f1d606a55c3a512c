/** The each::labs dialect: /v1 routes, its prediction words, and webhooks that carry X-Webhook-Secret verbatim. */
import { request } from 'undici';

import type { Dialect } from '../dialect';
import type { WebhookDelivery } from '../types';
import { routeEachLabsApi } from './api';
import { webhookPayload } from './prediction';

export const eachLabsDialect: Dialect = {
	name: 'eachlabs',
	label: 'each::labs',
	routeApi: routeEachLabsApi,
	onFinished(state, task) {
		if (task.status !== 'completed') return;
		task.costUsd = state.config.costUsd;
		state.spentUsd += task.costUsd;
	},
	async deliverWebhook(state, task, signal): Promise<WebhookDelivery> {
		const url = task.webhook ?? '';
		const body = JSON.stringify(webhookPayload(task, state.config));
		const headers: Record<string, string> = { 'content-type': 'application/json' };
		if (task.webhookSecret) headers['x-webhook-secret'] = task.webhookSecret;
		try {
			const response = await request(url, { method: 'POST', body, headers, dispatcher: state.dispatcher, signal });
			await response.body.dump();
			return { url, status: response.statusCode, body, headers };
		} catch (error) {
			return { url, error: error instanceof Error ? error.message : String(error), body, headers };
		}
	},
};

export { EACHLABS_MODELS, requestSchema, ARRAY_SIZES, SINGLE_SIZES } from './schema';
