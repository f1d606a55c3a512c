/** The WaveSpeed dialect: api.ts (routes), prediction.ts, validation.ts, reply.ts and webhooks.ts (v3 signatures). */
import { routeApi } from './api';
import type { Dialect } from './dialect';
import { toPrediction } from './prediction';
import { deliverWebhook } from './webhooks';

export const waveSpeedDialect: Dialect = {
	name: 'wavespeed',
	label: 'WaveSpeed',
	routeApi,
	deliverWebhook: (state, task, signal) =>
		deliverWebhook(task.webhook ?? '', task.id, { ...toPrediction(task, state.baseUrl), input: task.input }, state.webhookSecret, state.dispatcher, signal, state.config.webhookTamper),
};
