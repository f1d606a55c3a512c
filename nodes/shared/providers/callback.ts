/**
 * The callback port: what a seller must answer so the trigger can accept its completion callbacks.
 * Like the provider port, a dialect only reads and checks; it never sends, waits or remembers.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import type { Failure } from '../core/errors';
import type { RawResponse } from '../http/transport';
import type { ApiCall, Task } from './provider';
import type { ProviderEntry } from './entry';

/** The parts of an incoming callback that authenticity depends on. */
export interface CallbackRequest {
	/** Header names in lower case. */
	headers: Record<string, string | undefined>;
	/** The body exactly as it arrived: signatures cover these bytes, not a re-serialised JSON. */
	rawBody: Buffer;
	/** Seconds since the epoch, passed in so the check stays pure. */
	nowSec: number;
}

export type RejectReason = 'unsigned' | 'malformed' | 'stale' | 'forged' | 'replayed';

/** Authentic (with the key that identifies this delivery, for replay detection), or why not. */
export type Verdict = { ok: true; replayKey: string } | { ok: false; reason: RejectReason; detail: string };

export type SecretAnswer = { ok: true; secret: string } | { ok: false; failure: Failure };

/** Where the secret that authenticates callbacks comes from. */
export type SecretSource =
	| { from: 'api'; call: ApiCall; read(response: RawResponse): SecretAnswer }
	| { from: 'credential'; read(credentials: ICredentialDataDecryptedObject): SecretAnswer };

/** A verified callback's body, read: the finished or failed task, or why it cannot be read. */
export type CallbackReading = { ok: true; task: Task } | { ok: false; detail: string; predictionId: string | null };

/** A callback body its schema refused: the first issue in words, and the prediction id when the body names one. */
export function unreadableCallback(body: unknown, issues: ReadonlyArray<{ path: ReadonlyArray<string | number>; message: string }>, idField: string): CallbackReading {
	const id = body && typeof body === 'object' ? (body as Record<string, unknown>)[idField] : undefined;
	const issue = issues[0];
	return { ok: false, detail: `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'unreadable'}`, predictionId: typeof id === 'string' ? id : null };
}

/** A seller's catalog entry (its headers go on the secret request too), and how its callbacks are checked and read. */
export interface CallbackDialect extends ProviderEntry {
	secret: SecretSource;
	/** Pure: decides authenticity from the headers, the raw body, the secret and the clock. */
	verify(secret: string, request: CallbackRequest): Verdict;
	/** Pure: reads the (already authentic) parsed body. */
	read(body: unknown): CallbackReading;
	/** Where a prediction can be fetched again, when the callback does not say. */
	resultUrl(baseUrl: string, predictionId: string): string;
	/** How long a delivery key is remembered to refuse its replay. */
	replayWindowSeconds: number;
}
