/** Webhook delivery with WaveSpeed's v3 signature, and the matching verification helper. */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { request, type Dispatcher } from 'undici';
import type { WebhookDelivery, WebhookTamper } from './types';

/** Signatures older than this are rejected by verifyWebhookSignature. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/** HMAC key: the secret without its 'whsec_' prefix, used as a UTF-8 string as-is. */
const hmacKey = (secret: string): string => (secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret);

/** Hex HMAC-SHA256 over `${id}.${timestamp}.${rawBody}`. */
export function signWebhook(secret: string, id: string, timestamp: number, rawBody: string): string {
	return createHmac('sha256', hmacKey(secret)).update(`${id}.${timestamp}.${rawBody}`).digest('hex');
}

/** The headers a delivery carries. */
export function webhookHeaders(secret: string, id: string, rawBody: string, nowSec = Math.floor(Date.now() / 1000)): Record<string, string> {
	return {
		'content-type': 'application/json',
		'webhook-id': id,
		'webhook-timestamp': String(nowSec),
		'webhook-signature': `v3,${signWebhook(secret, id, nowSec, rawBody)}`,
	};
}

/**
 * Checks a delivery: signature `v3,<hex>` (several space-separated entries allowed), constant-time compare,
 * timestamp not older (or further in the future) than 300 s.
 */
export function verifyWebhookSignature(
	secret: string,
	headers: Record<string, string | string[] | undefined>,
	rawBody: string,
	nowSec = Math.floor(Date.now() / 1000),
): boolean {
	const header = (name: string): string | undefined => {
		const value = headers[name] ?? headers[name.toLowerCase()];
		return Array.isArray(value) ? value[0] : value;
	};
	const id = header('webhook-id');
	const timestamp = Number(header('webhook-timestamp'));
	const signatures = header('webhook-signature');
	if (!id || !signatures || !Number.isFinite(timestamp)) return false;
	if (Math.abs(nowSec - timestamp) > WEBHOOK_TOLERANCE_SECONDS) return false;
	const expected = Buffer.from(signWebhook(secret, id, timestamp, rawBody), 'utf8');
	return signatures.split(' ').some((entry) => {
		const [version, hex] = entry.split(',');
		const given = Buffer.from(hex ?? '', 'utf8');
		return version === 'v3' && given.length === expected.length && timingSafeEqual(given, expected);
	});
}

/** A secret the receiver cannot know, for forged deliveries. */
const FORGERY_SECRET = 'whsec_Zm9yZ2VkLXNlY3JldC1ub2JvZHkta25vd3M=';

/** What one delivery sends: the body and headers, tampered with when asked. */
export function tamperedRequest(
	tamper: WebhookTamper | undefined,
	secret: string,
	id: string,
	body: string,
	nowSec = Math.floor(Date.now() / 1000),
): { body: string; headers: Record<string, string> } {
	switch (tamper) {
		case 'forged':
			return { body, headers: webhookHeaders(FORGERY_SECRET, id, body, nowSec) };
		case 'stale':
			return { body, headers: webhookHeaders(secret, id, body, nowSec - WEBHOOK_TOLERANCE_SECONDS - 60) };
		case 'malformed': {
			const headers = webhookHeaders(secret, id, body, nowSec);
			return { body, headers: { ...headers, 'webhook-signature': headers['webhook-signature'].replace('v3,', 'v3;'), 'webhook-timestamp': 'yesterday' } };
		}
		case 'unsigned':
		case 'secretOnly':
			return { body, headers: { 'content-type': 'application/json' } };
		case 'altered': {
			const parsed = JSON.parse(body) as Record<string, unknown>;
			const changed = JSON.stringify({ ...parsed, status: 'completed', outputs: ['https://attacker.example/swapped.png'] });
			return { body: changed === body ? `${body} ` : changed, headers: webhookHeaders(secret, id, body, nowSec) };
		}
		case 'notJson': {
			const garbled = body.slice(0, Math.max(1, body.length - 3));
			return { body: garbled, headers: webhookHeaders(secret, id, garbled, nowSec) };
		}
		default:
			return { body, headers: webhookHeaders(secret, id, body, nowSec) };
	}
}

async function post(url: string, body: string, headers: Record<string, string>, dispatcher: Dispatcher, signal: AbortSignal): Promise<WebhookDelivery> {
	try {
		const response = await request(url, { method: 'POST', body, headers, dispatcher, signal });
		await response.body.dump();
		return { url, status: response.statusCode, body, headers };
	} catch (error) {
		return { url, error: error instanceof Error ? error.message : String(error), body, headers };
	}
}

/**
 * POSTs a webhook once (WaveSpeed's retry policy is undocumented: no retries); with the 'replayed' knob the genuine
 * delivery is followed by the same bytes and headers again, and the record is the copy's (`replayOf`: the first).
 */
export async function deliverWebhook(
	url: string,
	id: string,
	payload: unknown,
	secret: string,
	dispatcher: Dispatcher,
	signal: AbortSignal,
	knob: WebhookTamper | 'none' = 'none',
): Promise<WebhookDelivery> {
	const tamper = knob === 'none' ? undefined : knob;
	const sent = tamperedRequest(tamper === 'replayed' ? undefined : tamper, secret, id, JSON.stringify(payload));
	const first = await post(url, sent.body, sent.headers, dispatcher, signal);
	if (tamper !== 'replayed') return tamper ? { ...first, tamper } : first;
	const copy = await post(url, sent.body, sent.headers, dispatcher, signal);
	return { ...copy, tamper, replayOf: { status: first.status, error: first.error } };
}
