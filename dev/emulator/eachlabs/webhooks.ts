/**
 * each::labs callbacks (docs/eachlabs-api.md, Webhooks): with a `webhook_secret`, `X-Webhook-Signature:
 * sha256=<hex>` = HMAC-SHA256(secret, `<X-Webhook-Timestamp>.<raw body>`), the timestamp in Unix seconds, plus the
 * secret verbatim in the legacy `X-Webhook-Secret`; without a secret, unsigned. A delivery not answered 2xx is tried
 * again (3 attempts, `eachlabsWebhookRetryMs` apart, same body, signature and timestamp); a redelivery is signed
 * afresh and carries `X-Webhook-Redelivery: true`. The `webhookTamper` knob sends deliveries a receiver must refuse.
 */
import { createHmac } from 'node:crypto';
import { request } from 'undici';
import type { EmulatorState } from '../state';
import type { EmulatedTask, WebhookDelivery, WebhookTamper } from '../types';
import { webhookPayload } from './prediction';

export const EACHLABS_WEBHOOK_ATTEMPTS = 3;
/** Receivers reject signatures older than about this. */
export const EACHLABS_TOLERANCE_SECONDS = 300;
const FORGERY_SECRET = 'not-the-secret-you-gave-0000';

/** Lowercase hex HMAC-SHA256 over `<timestamp>.<raw body>`. */
export function signEachLabs(secret: string, timestamp: number, rawBody: string): string {
	return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
}

/** The headers of a genuine delivery (no signature headers without a secret). */
export function eachLabsHeaders(secret: string | undefined, rawBody: string, nowSec: number): Record<string, string> {
	if (!secret) return { 'content-type': 'application/json' };
	return {
		'content-type': 'application/json',
		'x-webhook-timestamp': String(nowSec),
		'x-webhook-signature': `sha256=${signEachLabs(secret, nowSec, rawBody)}`,
		'x-webhook-secret': secret,
	};
}

/** Body and headers of one delivery, tampered with as the knob says. */
export function eachLabsRequest(tamper: WebhookTamper | undefined, secret: string | undefined, body: string, nowSec: number): { body: string; headers: Record<string, string> } {
	const genuine = eachLabsHeaders(secret, body, nowSec);
	switch (tamper) {
		case 'forged':
			return { body, headers: eachLabsHeaders(FORGERY_SECRET, body, nowSec) };
		case 'stale':
			return { body, headers: eachLabsHeaders(secret, body, nowSec - EACHLABS_TOLERANCE_SECONDS - 60) };
		case 'malformed':
			return { body, headers: { ...genuine, 'x-webhook-signature': `sha256:${'z'.repeat(64)}`, 'x-webhook-timestamp': 'yesterday' } };
		case 'unsigned':
			return { body, headers: { 'content-type': 'application/json' } };
		case 'secretOnly':
			return { body, headers: secret ? { 'content-type': 'application/json', 'x-webhook-secret': secret } : { 'content-type': 'application/json' } };
		case 'notJson': {
			const garbled = body.slice(0, Math.max(1, body.length - 3));
			return { body: garbled, headers: eachLabsHeaders(secret, garbled, nowSec) };
		}
		case 'altered': {
			const parsed = JSON.parse(body) as Record<string, unknown>;
			const changed = JSON.stringify({ ...parsed, status: 'succeeded', output: 'https://attacker.example/swapped.png' });
			return { body: changed === body ? `${body} ` : changed, headers: genuine };
		}
		default:
			return { body, headers: genuine };
	}
}

async function post(state: EmulatorState, url: string, sent: { body: string; headers: Record<string, string> }, signal: AbortSignal): Promise<WebhookDelivery> {
	try {
		const response = await request(url, { method: 'POST', body: sent.body, headers: sent.headers, dispatcher: state.dispatcher, signal });
		await response.body.dump();
		return { url, status: response.statusCode, ...sent };
	} catch (error) {
		return { url, error: error instanceof Error ? error.message : String(error), ...sent };
	}
}

const acknowledged = (delivery: WebhookDelivery): boolean => delivery.status !== undefined && delivery.status >= 200 && delivery.status < 300;

/** Records a retry's delivery, unless the task was forgotten by a reset meanwhile. */
function recordLater(state: EmulatorState, task: EmulatedTask, delivery: WebhookDelivery): void {
	if (state.runner.get(task.id) === task) state.webhookDeliveries.push(delivery);
}

/** Schedules the next attempt of the same bytes when this one was not acknowledged. */
function retryIfNeeded(state: EmulatorState, task: EmulatedTask, delivery: WebhookDelivery, signal: AbortSignal): void {
	if (acknowledged(delivery) || (delivery.attempt ?? 1) >= EACHLABS_WEBHOOK_ATTEMPTS || signal.aborted) return;
	const timer = state.timers.later(state.config.eachlabsWebhookRetryMs, () => {
		state.webhookRetries.delete(timer);
		void post(state, delivery.url, { body: delivery.body, headers: delivery.headers }, signal).then((next) => {
			const attempt = { ...next, attempt: (delivery.attempt ?? 1) + 1, ...(delivery.tamper ? { tamper: delivery.tamper } : {}) };
			recordLater(state, task, attempt);
			retryIfNeeded(state, task, attempt, signal);
		});
	});
	state.webhookRetries.add(timer);
}

/** The first attempt (returned, the engine records it) and, when it is not acknowledged, up to two retries. */
export async function deliverEachLabsWebhook(state: EmulatorState, task: EmulatedTask, signal: AbortSignal): Promise<WebhookDelivery> {
	const url = task.webhook ?? '';
	const knob = state.config.webhookTamper;
	const tamper = knob === 'none' ? undefined : knob;
	const body = JSON.stringify(webhookPayload(task, state.config));
	const nowSec = Math.floor(Date.now() / 1000);
	const sent = eachLabsRequest(tamper === 'replayed' ? undefined : tamper, task.webhookSecret, body, nowSec);
	const first: WebhookDelivery = { ...(await post(state, url, sent, signal)), attempt: 1, ...(tamper ? { tamper } : {}) };
	if (tamper === 'replayed') {
		const copy = await post(state, url, sent, signal);
		return { ...copy, attempt: 1, tamper, replayOf: { status: first.status, error: first.error } };
	}
	retryIfNeeded(state, task, first, signal);
	return first;
}

/** A later redelivery of a finished prediction's callback: signed afresh, `X-Webhook-Redelivery: true`. */
export async function redeliverEachLabsWebhook(state: EmulatorState, task: EmulatedTask, signal: AbortSignal): Promise<WebhookDelivery> {
	const body = JSON.stringify(webhookPayload(task, state.config));
	const headers = { ...eachLabsHeaders(task.webhookSecret, body, Math.floor(Date.now() / 1000)), 'x-webhook-redelivery': 'true' };
	const delivery: WebhookDelivery = { ...(await post(state, task.webhook ?? '', { body, headers }, signal)), redelivery: true };
	recordLater(state, task, delivery);
	return delivery;
}
