/**
 * each::labs' completion callbacks: `X-Webhook-Signature: sha256=<hex>`, an HMAC-SHA256 keyed with the prediction's
 * webhook_secret (the credential's Webhook Secret) over `<X-Webhook-Timestamp>.<raw body>`; the legacy
 * `X-Webhook-Secret` (the secret verbatim) counts only on a delivery with no signature at all. The body is
 * `{exec_id, status: "succeeded" | "failed", output, error}`.
 */
import { createHash, createHmac } from 'crypto';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { z } from 'zod';

import type { CallbackDialect, CallbackReading, CallbackRequest, SecretAnswer, Verdict } from '../callback';
import { unreadableCallback } from '../callback';
import { resultUrl, toTask } from './api';
import { EACHLABS } from './entry';
import type { OutputError, Prediction } from './schemas';
import { outputErrorSchema } from './schemas';
import { sameSecret } from '../../core/sameSecret';

/** Signatures older (or further ahead) than this are refused. */
export const EACHLABS_SIGNATURE_TOLERANCE_SECONDS = 300;

/** A delivery (exec_id and status) is remembered a day: its retries and a later redelivery of it start no second run. */
export const EACHLABS_REPLAY_WINDOW_SECONDS = 24 * 60 * 60;

export const eachLabsCallbackSchema = z.object({
	exec_id: z.string().min(1),
	status: z.string().min(1),
	output: z.unknown().optional(),
	error: z.unknown().optional(),
});
export type EachLabsCallback = z.infer<typeof eachLabsCallbackSchema>;

/** The reason some failed callbacks put in `output[0].error` (or `output.error`) instead of `error`. */
const outputReasonSchema = z.object({ error: z.union([z.string().min(1), outputErrorSchema.required({ error_message: true })]) });

export { sameSecret };

function parseJson(rawBody: Buffer): unknown {
	try {
		return JSON.parse(rawBody.toString('utf8')) as unknown;
	} catch {
		return undefined;
	}
}

/** One delivery is its exec_id and status: its retries (same signature) and redeliveries (signed afresh) share the key. */
export function eachLabsReplayKey(rawBody: Buffer): string {
	const parsed = eachLabsCallbackSchema.safeParse(parseJson(rawBody));
	// An unreadable body from the genuine sender still becomes a failed item once; its bytes identify it.
	return parsed.success ? `${parsed.data.exec_id}|${parsed.data.status}` : `body|${createHash('sha256').update(rawBody).digest('hex')}`;
}

/** Lowercase hex HMAC-SHA256 of `<timestamp>.` followed by the body's bytes. */
export function eachLabsSignatureHex(secret: string, timestamp: string, rawBody: Buffer): string {
	return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

const reject = (reason: Exclude<Verdict, { ok: true }>['reason'], detail: string): Verdict => ({ ok: false, reason, detail });

function verifySignature(secret: string, signature: string, { headers, rawBody, nowSec }: CallbackRequest): Verdict {
	const timestamp = headers['x-webhook-timestamp'];
	const hex = /^sha256=([0-9a-fA-F]{64})$/.exec(signature.trim())?.[1];
	if (!hex) return reject('malformed', 'The X-Webhook-Signature is not "sha256=" followed by 64 hex digits');
	if (!timestamp || !/^\d{1,12}$/.test(timestamp.trim())) return reject('malformed', 'The X-Webhook-Timestamp is missing or not a Unix time in seconds');
	if (Math.abs(nowSec - Number(timestamp)) > EACHLABS_SIGNATURE_TOLERANCE_SECONDS) {
		return reject('stale', `The X-Webhook-Timestamp is more than ${EACHLABS_SIGNATURE_TOLERANCE_SECONDS} s away from now`);
	}
	if (!sameSecret(eachLabsSignatureHex(secret, timestamp.trim(), rawBody), hex.toLowerCase())) {
		return reject('forged', 'The X-Webhook-Signature does not match the body and the credential\'s Webhook Secret');
	}
	return { ok: true, replayKey: eachLabsReplayKey(rawBody), verifiedBy: 'signature' };
}

/** A signed delivery is judged by its signature alone; the verbatim secret counts only when no signature came. */
export function verifyEachLabsCallback(secret: string, request: CallbackRequest): Verdict {
	const signature = request.headers['x-webhook-signature'];
	if (signature) return verifySignature(secret, signature, request);
	const given = request.headers['x-webhook-secret'];
	if (!given) return reject('unsigned', 'The request carries neither X-Webhook-Signature nor X-Webhook-Secret');
	if (!sameSecret(secret, given)) return reject('forged', 'The X-Webhook-Secret header does not match the credential\'s Webhook Secret');
	return { ok: true, replayKey: eachLabsReplayKey(request.rawBody), verifiedBy: 'secret' };
}

function outputReason(output: unknown): string | OutputError | undefined {
	const parsed = outputReasonSchema.safeParse(Array.isArray(output) ? output[0] : output);
	return parsed.success ? parsed.data.error : undefined;
}

/**
 * The callback in the prediction's shape, so the polling reader maps status words and failures the same way. An
 * `{error_code, error_message}` reason becomes the output's error object, where the polling reader looks for one.
 */
export function callbackPrediction({ exec_id, status, output, error }: EachLabsCallback): Prediction {
	const given = (typeof error === 'string' && error.trim()) || (error && typeof error === 'object' ? error : undefined);
	if (given) return { id: exec_id, status, output, error: given };
	const reason = outputReason(output);
	return typeof reason === 'object' ? { id: exec_id, status, output: [reason] } : { id: exec_id, status, output, error: reason };
}

export function readEachLabsCallback(body: unknown): CallbackReading {
	const parsed = eachLabsCallbackSchema.safeParse(body);
	if (!parsed.success) return unreadableCallback(body, parsed.error.issues, 'exec_id');
	// Callbacks do not name the model; the item's model is then empty, as on a failed item.
	return { ok: true, task: toTask(callbackPrediction(parsed.data), '') };
}

export function readEachLabsCredentialSecret(credentials: ICredentialDataDecryptedObject): SecretAnswer {
	// Trimmed as the submitting nodes trim it, so both sides compare the same text.
	const secret = typeof credentials.webhookSecret === 'string' ? credentials.webhookSecret.trim() : '';
	if (secret) return { ok: true, secret };
	return {
		ok: false,
		failure: {
			kind: 'input',
			message: 'The each::labs API credential has no Webhook Secret',
			hint: 'Set Webhook Secret in the credential: the nodes send it with each prediction, and the trigger checks it on each callback.',
		},
	};
}

export const eachLabsCallbacks: CallbackDialect = {
	...EACHLABS,
	secret: { from: 'credential', read: readEachLabsCredentialSecret },
	verify: verifyEachLabsCallback,
	read: readEachLabsCallback,
	resultUrl,
	replayWindowSeconds: EACHLABS_REPLAY_WINDOW_SECONDS,
};
