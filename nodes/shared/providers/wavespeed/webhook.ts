/**
 * WaveSpeed's completion callbacks: the v3 signature (HMAC-SHA256 over `{id}.{timestamp}.{raw body}` with the
 * secret from `GET /api/v3/webhook/secret`, `whsec_` prefix stripped), the 300 s window, and the bare prediction body.
 */
import { createHmac } from 'crypto';
import { z } from 'zod';

import type { RawResponse } from '../../http/transport';
import type { CallbackDialect, CallbackReading, CallbackRequest, SecretAnswer, Verdict } from '../callback';
import { unreadableCallback } from '../callback';
import { resultUrl, toTask } from './api';
import { WAVESPEED } from './entry';
import { parseEnvelope } from './envelope';
import { predictionSchema } from './schemas';
import { sameSecret } from '../../core/sameSecret';

/** WaveSpeed documents callbacks older than this as to be rejected; the same bound applies to clocks running ahead. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export const webhookSecretSchema = z.object({ secret: z.string().min(1) });

/** The HMAC key is the secret without its `whsec_` prefix, used as text as-is (not base64-decoded). */
export function hmacKey(secret: string): string {
	return secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
}

/** Hex HMAC-SHA256 of `{id}.{timestamp}.` followed by the body's bytes. */
export function signatureHex(secret: string, id: string, timestamp: string, rawBody: Buffer): string {
	return createHmac('sha256', hmacKey(secret)).update(`${id}.${timestamp}.`).update(rawBody).digest('hex');
}

/** The `v3,<hex>` entries of a signature header (several may be sent, space-separated, during a key rotation). */
export function v3Signatures(header: string): string[] | undefined {
	const entries = header.trim().split(/\s+/).filter(Boolean);
	const hexes: string[] = [];
	for (const entry of entries) {
		const comma = entry.indexOf(',');
		if (comma < 0) return undefined;
		if (entry.slice(0, comma) === 'v3') hexes.push(entry.slice(comma + 1));
	}
	return hexes;
}

/** Constant-time equality of two hex strings; different lengths are unequal without comparing. */
export function sameHex(expected: string, given: string): boolean {
	return sameSecret(expected, given.toLowerCase());
}

const reject = (reason: Exclude<Verdict, { ok: true }>['reason'], detail: string): Verdict => ({ ok: false, reason, detail });

export function verifyWaveSpeedSignature(secret: string, { headers, rawBody, nowSec }: CallbackRequest): Verdict {
	const id = headers['webhook-id'];
	const timestamp = headers['webhook-timestamp'];
	const signature = headers['webhook-signature'];
	if (!id && !timestamp && !signature) return reject('unsigned', 'The request carries no webhook signature');
	if (!id || !timestamp || !signature) return reject('malformed', 'The request lacks webhook-id, webhook-timestamp or webhook-signature');
	if (!/^\d{1,12}$/.test(timestamp)) return reject('malformed', 'The webhook-timestamp is not a Unix time in seconds');
	const signatures = v3Signatures(signature);
	if (!signatures?.length) return reject('malformed', 'The webhook-signature has no v3 entry');
	if (Math.abs(nowSec - Number(timestamp)) > SIGNATURE_TOLERANCE_SECONDS) {
		return reject('stale', `The webhook-timestamp is more than ${SIGNATURE_TOLERANCE_SECONDS} s away from now`);
	}
	const expected = signatureHex(secret, id, timestamp, rawBody);
	// Every entry is compared, so the time taken does not tell which one was close.
	const matches = signatures.map((given) => sameHex(expected, given));
	if (!matches.includes(true)) return reject('forged', 'The webhook signature does not match');
	return { ok: true, replayKey: id };
}

/** The answer of `GET /api/v3/webhook/secret`. */
export function readWebhookSecret(response: RawResponse): SecretAnswer {
	const result = parseEnvelope(response, webhookSecretSchema, 'result');
	return result.ok ? { ok: true, secret: result.data.secret } : result;
}

/** WaveSpeed posts the bare prediction (no envelope), with its input added. */
export function readWaveSpeedCallback(body: unknown): CallbackReading {
	const parsed = predictionSchema.safeParse(body);
	if (!parsed.success) return unreadableCallback(body, parsed.error.issues, 'id');
	return { ok: true, task: toTask(parsed.data) };
}

export const waveSpeedCallbacks: CallbackDialect = {
	...WAVESPEED,
	secret: { from: 'api', call: { method: 'GET', path: '/api/v3/webhook/secret' }, read: readWebhookSecret },
	verify: verifyWaveSpeedSignature,
	read: readWaveSpeedCallback,
	resultUrl,
	// Timestamps are accepted up to the tolerance on either side, so an id must be remembered twice as long.
	replayWindowSeconds: 2 * SIGNATURE_TOLERANCE_SECONDS + 60,
};
