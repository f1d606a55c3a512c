/** WaveSpeed HTTP: the API (with the key, only to the credential's Base URL) and plain requests (never the key). */
import type { ICredentialsDecrypted, IExecuteFunctions, IHttpRequestMethods, IN8nHttpFullResponse } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';
import type { z } from 'zod';

import { checkBaseUrl } from './baseUrl';
import type { Failure } from './errors';
import { describeHttpFailure, WaveSpeedFailure } from './errors';
import type { RetryPolicy } from './retry';
import { settle } from './settle';
import { backoffDelayMs, isRetryableStatus, parseRetryAfterMs } from './retry';
import { envelopeSchema } from './schemas';

export const CREDENTIAL_NAME = 'waveSpeedApi';
/** Attribution headers WaveSpeed documents; a unit test keeps them equal to package.json's name and version. */
export const CLIENT_NAME = 'n8n-nodes-gpt-image-2';
export const CLIENT_VERSION = '0.1.0';

export interface RawResponse {
	status: number;
	headers: Record<string, string>;
	body: unknown;
}

export type ApiPhase = 'submit' | 'result' | 'upload' | 'balance';

export interface ApiRequest {
	method: IHttpRequestMethods;
	path: string;
	qs?: Record<string, string>;
	body?: unknown;
	timeoutMs?: number;
	phase: ApiPhase;
}

/** Where API requests go, and the credential n8n applies to them (the key is only ever added by n8n). */
export interface ApiTarget {
	baseUrl: string;
	credentials: ICredentialsDecrypted;
}

/** The credential's Base URL, checked, read once per execution. */
export async function resolveApiTarget(fx: IExecuteFunctions): Promise<ApiTarget> {
	const data = await fx.getCredentials(CREDENTIAL_NAME);
	const check = checkBaseUrl(data.baseUrl);
	if (!check.ok) {
		throw new WaveSpeedFailure({ kind: 'input', message: check.reason, hint: 'Edit the WaveSpeed API credential.' });
	}
	const reference = fx.getNode().credentials?.[CREDENTIAL_NAME];
	return {
		baseUrl: check.baseUrl,
		credentials: { id: reference?.id ?? CREDENTIAL_NAME, name: reference?.name ?? CREDENTIAL_NAME, type: CREDENTIAL_NAME, data },
	};
}

export function cancelSignal(fx: IExecuteFunctions): AbortSignal | undefined {
	return fx.getExecutionCancelSignal?.();
}

export function throwIfCancelled(fx: IExecuteFunctions): void {
	if (cancelSignal(fx)?.aborted) {
		throw new WaveSpeedFailure({ kind: 'cancelled', message: 'The execution was cancelled', hint: 'Run the workflow again.' });
	}
}

/** One authenticated request; HTTP errors come back as responses, network errors as a 'network' failure. */
export async function sendApiRequest(fx: IExecuteFunctions, api: ApiTarget, request: ApiRequest): Promise<RawResponse> {
	throwIfCancelled(fx);
	const outcome = await settle(
		fx.helpers.httpRequestWithAuthentication.call(fx, CREDENTIAL_NAME, {
			method: request.method,
			url: `${api.baseUrl}${request.path}`,
			qs: request.qs,
			body: request.body as never,
			json: !(request.body instanceof FormData),
			headers: { 'X-Client-Name': CLIENT_NAME, 'X-Client-Version': CLIENT_VERSION },
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			// The API never redirects; refusing keeps the key from following one to another host.
			disableFollowRedirect: true,
			sendCredentialsOnCrossOriginRedirect: false,
			timeout: request.timeoutMs ?? 60000,
		},
		// Credentials already in hand: no lookup between the cancel check above and the send, where a cancel would
		// be missed (axios still sends a request whose signal was aborted before it started).
		{ credentialsDecrypted: api.credentials },
		) as Promise<IN8nHttpFullResponse>,
	);
	throwIfCancelled(fx);
	if (!outcome.ok) throw new WaveSpeedFailure(describeNetworkFailure(outcome.error, request.phase));
	const response = outcome.value;
	return { status: response.statusCode, headers: lowerCaseHeaders(response.headers), body: response.body };
}

/** A request that must not carry the key: CDN downloads and pre-signed uploads. */
export async function sendPlainRequest(
	fx: IExecuteFunctions,
	options: {
		method: IHttpRequestMethods;
		url: string;
		headers?: Record<string, string>;
		body?: Buffer;
		stream?: boolean;
		timeoutMs?: number;
		/** Aborts the request (and its streamed body) besides the execution's cancel, e.g. a download's own watchdog. */
		signal?: AbortSignal;
	},
	phase: 'download' | 'upload',
): Promise<RawResponse> {
	throwIfCancelled(fx);
	const outcome = await settle(
		fx.helpers.httpRequest({
			method: options.method,
			url: options.url,
			headers: options.headers,
			body: options.body,
			encoding: options.stream ? 'stream' : 'arraybuffer',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			abortSignal: combineSignals(cancelSignal(fx), options.signal),
			timeout: options.timeoutMs ?? 120000,
		}) as Promise<IN8nHttpFullResponse>,
	);
	throwIfCancelled(fx);
	if (!outcome.ok) {
		const failure = describeNetworkFailure(outcome.error, phase === 'upload' ? 'upload' : 'result');
		throw new WaveSpeedFailure({ ...failure, kind: phase });
	}
	const response = outcome.value;
	return { status: response.statusCode, headers: lowerCaseHeaders(response.headers), body: response.body };
}

function combineSignals(...signals: Array<AbortSignal | undefined>): AbortSignal | undefined {
	const present = signals.filter((signal): signal is AbortSignal => signal !== undefined);
	return present.length <= 1 ? present[0] : AbortSignal.any(present);
}

export function describeNetworkFailure(error: unknown, phase: ApiPhase): Failure {
	const code = errorCode(error);
	const what = code ? ` (${code})` : '';
	return {
		kind: 'network',
		message: `Could not reach WaveSpeed${what}`,
		hint:
			phase === 'submit'
				? 'The connection failed after the request may have arrived, so it was not submitted again (that could bill twice). Check your WaveSpeed dashboard before running it again.'
				: 'Check the network connection and the Base URL of the WaveSpeed API credential, then try again.',
	};
}

/** Node's error code (ECONNRESET, ETIMEDOUT, ...) without anything else from the error (its config holds the key). */
function errorCode(error: unknown): string | undefined {
	for (let current: unknown = error, depth = 0; current && depth < 4; depth++) {
		const candidate = (current as { code?: unknown }).code;
		if (typeof candidate === 'string' && /^[A-Z_]+$/.test(candidate)) return candidate;
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

function lowerCaseHeaders(headers: unknown): Record<string, string> {
	const out: Record<string, string> = {};
	if (headers && typeof headers === 'object') {
		for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
			if (value !== undefined && value !== null) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
		}
	}
	return out;
}

/** Bodies arrive parsed, as a string (not JSON) or as bytes, depending on the server's content type. */
export function parseJsonBody(body: unknown): unknown {
	if (Buffer.isBuffer(body)) body = body.toString('utf8');
	if (typeof body !== 'string') return body;
	try {
		return JSON.parse(body);
	} catch {
		return body;
	}
}

/** A successful envelope's `data`, validated; anything else a failure that says what was wrong. */
export function readEnvelope<T extends z.ZodTypeAny>(response: RawResponse, dataSchema: T, phase: ApiPhase): z.infer<T> {
	const result = parseEnvelope(response, dataSchema, phase);
	if (!result.ok) throw new WaveSpeedFailure(result.failure);
	return result.data;
}

export type EnvelopeResult<T> = { ok: true; data: T } | { ok: false; failure: Failure };

export function parseEnvelope<T extends z.ZodTypeAny>(response: RawResponse, dataSchema: T, phase: ApiPhase): EnvelopeResult<z.infer<T>> {
	const body = parseJsonBody(response.body);
	const envelope = envelopeSchema.safeParse(body);
	const apiMessage = envelope.success ? envelope.data.message : messageFromOddBody(body);
	if (response.status < 200 || response.status >= 300 || (envelope.success && envelope.data.code !== 200)) {
		const code = response.status >= 300 || response.status < 200 ? response.status : envelope.success ? envelope.data.code : response.status;
		return { ok: false, failure: describeHttpFailure(code, apiMessage, phase, parseRetryAfterMs(response.headers['retry-after'])) };
	}
	if (!envelope.success) {
		return { ok: false, failure: {
			kind: 'malformed',
			httpCode: response.status,
			message: `WaveSpeed answered in an unexpected format (${describeZod(envelope.error)})`,
			hint: 'This is usually a passing problem with WaveSpeed or a proxy in between. Try again; if it persists, check the Base URL.',
		} };
	}
	const data = dataSchema.safeParse(envelope.data.data);
	if (!data.success) {
		return { ok: false, failure: {
			kind: 'malformed',
			httpCode: response.status,
			message: `WaveSpeed's answer is missing fields (${describeZod(data.error)})`,
			hint: 'This is usually a passing problem with WaveSpeed. Try again; if it persists, please report it.',
		} };
	}
	return { ok: true, data: data.data };
}

function messageFromOddBody(body: unknown): string {
	if (body && typeof body === 'object') {
		const record = body as Record<string, unknown>;
		for (const key of ['message', 'error', 'detail']) if (typeof record[key] === 'string') return record[key] as string;
	}
	if (typeof body === 'string') return body.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200);
	return '';
}

export function describeZod(error: z.ZodError): string {
	return error.issues
		.slice(0, 3)
		.map((issue) => `${issue.path.length ? issue.path.join('.') : 'body'}: ${issue.message}`)
		.join('; ');
}

/**
 * Runs a free request (safe to repeat) with backoff on network errors, 429 and 5xx.
 * `attempt` returns the value or throws a WaveSpeedFailure; `deadline` bounds the waiting.
 */
export async function withRetries<T>(
	fx: IExecuteFunctions,
	policy: RetryPolicy,
	attempt: () => Promise<T>,
	deadline = Number.POSITIVE_INFINITY,
): Promise<T> {
	for (let tryNumber = 1; ; tryNumber++) {
		const outcome = await settle(attempt());
		if (outcome.ok) return outcome.value;
		const error = outcome.error;
		if (!(error instanceof WaveSpeedFailure) || !isTransient(error.failure) || tryNumber >= policy.maxAttempts) throw error;
		const delay = backoffDelayMs(policy, tryNumber, error.failure.retryAfterMs);
		if (Date.now() + delay > deadline) throw error;
		await sleep(delay, cancelSignal(fx));
		throwIfCancelled(fx);
	}
}

/** Failures that say nothing about the request itself: the same request may succeed later. */
export function isTransient(failure: Failure): boolean {
	if (failure.kind === 'network' || failure.kind === 'malformed' || failure.kind === 'rateLimit') return true;
	if (failure.kind === 'server' || failure.kind === 'gatewayTimeout') return true;
	if ((failure.kind === 'download' || failure.kind === 'upload') && (!failure.httpCode || isRetryableStatus(failure.httpCode))) return true;
	return false;
}
