/**
 * each::labs' completion callbacks: header `X-Webhook-Secret` carries the credential's Webhook Secret verbatim (no
 * HMAC of the body), and the body is `{exec_id, status: "succeeded" | "failed", output, error}`.
 */
import { createHash } from 'crypto';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { z } from 'zod';

import type { CallbackDialect, CallbackReading, CallbackRequest, SecretAnswer, Verdict } from '../callback';
import { unreadableCallback } from '../callback';
import { resultUrl, toTask } from './api';
import { EACHLABS } from './entry';
import type { Prediction } from './schemas';
import { sameSecret } from '../../core/sameSecret';

/** each::labs retries a failed delivery up to 3 times about 10 s apart; a replay is refused well beyond that. */
export const EACHLABS_REPLAY_WINDOW_SECONDS = 600;

export const eachLabsCallbackSchema = z.object({
	exec_id: z.string().min(1),
	status: z.string().min(1),
	output: z.unknown().optional(),
	error: z.unknown().optional(),
});
export type EachLabsCallback = z.infer<typeof eachLabsCallbackSchema>;

/** The reason some failed callbacks put in `output[0].error` (or `output.error`) instead of `error`. */
const outputReasonSchema = z.object({ error: z.string().min(1) });

export { sameSecret };

function parseJson(rawBody: Buffer): unknown {
	try {
		return JSON.parse(rawBody.toString('utf8')) as unknown;
	} catch {
		return undefined;
	}
}

/** Execution id and status tell one delivery from its replay (the header is the same on every delivery). */
export function eachLabsReplayKey(rawBody: Buffer): string {
	const parsed = eachLabsCallbackSchema.safeParse(parseJson(rawBody));
	// An unreadable body from the genuine sender still becomes a failed item once; its bytes identify it.
	return parsed.success ? `${parsed.data.exec_id}|${parsed.data.status}` : `body|${createHash('sha256').update(rawBody).digest('hex')}`;
}

export function verifyEachLabsSecret(secret: string, { headers, rawBody }: CallbackRequest): Verdict {
	const given = headers['x-webhook-secret'];
	if (!given) return { ok: false, reason: 'unsigned', detail: 'The request carries no X-Webhook-Secret header' };
	if (!sameSecret(secret, given)) return { ok: false, reason: 'forged', detail: 'The X-Webhook-Secret header does not match the credential\'s Webhook Secret' };
	return { ok: true, replayKey: eachLabsReplayKey(rawBody) };
}

function outputReason(output: unknown): string | undefined {
	const parsed = outputReasonSchema.safeParse(Array.isArray(output) ? output[0] : output);
	return parsed.success ? parsed.data.error : undefined;
}

/** The callback in the prediction's shape, so the polling reader maps status words and failures the same way. */
export function callbackPrediction({ exec_id, status, output, error }: EachLabsCallback): Prediction {
	const reason = (typeof error === 'string' && error.trim()) || (error && typeof error === 'object' ? error : undefined) || outputReason(output);
	return { id: exec_id, status, output, error: reason };
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
	verify: verifyEachLabsSecret,
	read: readEachLabsCallback,
	resultUrl,
	replayWindowSeconds: EACHLABS_REPLAY_WINDOW_SECONDS,
};
