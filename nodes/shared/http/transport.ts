/** HTTP to a provider: its API (with the key, only to the credential's Base URL) and plain requests (never the key). */
import type { ICredentialsDecrypted, IExecuteFunctions, IHookFunctions, IHttpRequestMethods, IN8nHttpFullResponse, IWebhookFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';
import type { z } from 'zod';

import { checkBaseUrl } from './baseUrl';
import { localTargetProblem } from './netPolicy';
import type { Failure } from '../core/errors';
import { cancelledFailure, FailureError } from '../core/errors';
import type { RetryPolicy } from './retry';
import { settle } from '../core/settle';
import { backoffDelayMs, isRetryableStatus } from './retry';

/** The node contexts that send HTTP: the nodes' execute(), the trigger's webhook() and activation hooks (no cancel signal). */
export type HttpContext = IExecuteFunctions | IWebhookFunctions | IHookFunctions;

export interface RawResponse {
	status: number;
	headers: Record<string, string>;
	body: unknown;
}

export type ApiPhase = 'submit' | 'result' | 'upload' | 'balance' | 'pricing';

export interface ApiRequest {
	method: IHttpRequestMethods;
	path: string;
	qs?: Record<string, string>;
	body?: unknown;
	timeoutMs?: number;
	phase: ApiPhase;
}

/** The part of a provider that HTTP needs: whose credential, its name in messages, its attribution headers. */
export interface ApiIdentity {
	credentialName: string;
	defaultBaseUrl: string;
	label: string;
	headers: Record<string, string>;
}

/** Where API requests go, and the credential n8n applies to them (the key is only ever added by n8n). */
export interface ApiTarget {
	baseUrl: string;
	credentials: ICredentialsDecrypted;
	label: string;
	headers: Record<string, string>;
}

/** The credential's Base URL, checked, read once per execution. */
export async function resolveApiTarget(fx: HttpContext, identity: ApiIdentity): Promise<ApiTarget> {
	const { credentialName } = identity;
	const data = await fx.getCredentials(credentialName);
	const check = checkBaseUrl(data.baseUrl, identity.defaultBaseUrl);
	if (!check.ok) {
		throw new FailureError({ kind: 'input', message: check.reason, hint: `Edit the ${identity.label} API credential.` });
	}
	const reference = fx.getNode().credentials?.[credentialName];
	return {
		baseUrl: check.baseUrl,
		credentials: { id: reference?.id ?? credentialName, name: reference?.name ?? credentialName, type: credentialName, data },
		label: identity.label,
		headers: identity.headers,
	};
}

export function cancelSignal(fx: HttpContext): AbortSignal | undefined {
	return 'getExecutionCancelSignal' in fx ? fx.getExecutionCancelSignal?.() : undefined;
}

export function throwIfCancelled(fx: HttpContext): void {
	if (cancelSignal(fx)?.aborted) throw cancelledFailure('execution');
}

/** One authenticated request; HTTP errors come back as responses, network errors as a 'network' failure. */
export async function sendApiRequest(fx: HttpContext, api: ApiTarget, request: ApiRequest): Promise<RawResponse> {
	throwIfCancelled(fx);
	const outcome = await settle(
		fx.helpers.httpRequestWithAuthentication.call(fx, api.credentials.type, {
			method: request.method,
			url: `${api.baseUrl}${request.path}`,
			qs: request.qs,
			body: request.body as never,
			json: !(request.body instanceof FormData),
			headers: api.headers,
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
	if (!outcome.ok) throw new FailureError(describeNetworkFailure(outcome.error, request.phase, api.label));
	const response = outcome.value;
	return { status: response.statusCode, headers: lowerCaseHeaders(response.headers), body: response.body };
}

/** How many redirects a key-less request follows; each hop is checked against the address policy first. */
export const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export interface PlainRequest {
	method: IHttpRequestMethods;
	url: string;
	headers?: Record<string, string>;
	body?: Buffer;
	stream?: boolean;
	timeoutMs?: number;
	/** Aborts the request (and its streamed body) besides the execution's cancel, e.g. a download's own watchdog. */
	signal?: AbortSignal;
	/** The credential's Base URL: where every hop may lead is judged against it (http/netPolicy.ts). */
	baseUrl: string;
}

/** The next hop of a redirect, or why it is not followed. */
function redirectTarget(location: string | undefined, from: string, baseUrl: string): { url: string } | { refused: string } | undefined {
	if (!location) return undefined;
	let next: URL;
	try {
		next = new URL(location, from);
	} catch {
		return { refused: 'its Location is not a URL' };
	}
	if (next.protocol !== 'http:' && next.protocol !== 'https:') return { refused: `it leads to a ${next.protocol} URL` };
	const local = localTargetProblem(baseUrl, next.href);
	return local ? { refused: local } : { url: next.href };
}

function discardBody(body: unknown): void {
	const stream = body as { destroy?: () => unknown } | null;
	if (stream && typeof stream === 'object' && typeof stream.destroy === 'function') stream.destroy();
}

/**
 * A request that must not carry the key: CDN downloads and pre-signed uploads. Redirects are followed here, hop by
 * hop (at most MAX_REDIRECTS), each Location checked against the address policy before anything is sent there.
 */
export async function sendPlainRequest(fx: HttpContext, options: PlainRequest, phase: 'download' | 'upload', label: string): Promise<RawResponse> {
	let hop = { method: options.method, url: options.url, body: options.body };
	for (let redirects = 0; ; redirects++) {
		const response = await sendPlainOnce(fx, { ...options, ...hop }, phase, label);
		if (!REDIRECT_STATUSES.has(response.status)) return response;
		const target = redirectTarget(response.headers.location, hop.url, options.baseUrl);
		if (!target) return response;
		discardBody(response.body);
		const what = phase === 'upload' ? `The upload URL ${label} gave` : 'The output URL';
		if ('refused' in target) {
			throw new FailureError({
				kind: phase,
				httpCode: response.status,
				message: `${what} redirected (${response.status}) to an address that was not followed: ${target.refused}`,
				hint: 'Nothing was sent there. Check the Base URL of the credential; use Output: URL Only to see the URL.',
			});
		}
		if (redirects >= MAX_REDIRECTS) {
			throw new FailureError({
				kind: phase,
				httpCode: response.status,
				message: `${what} redirected more than ${MAX_REDIRECTS} times`,
				hint: 'Try again later; use Output: URL Only to see the URL.',
			});
		}
		// 303, and 301/302 after a POST, continue as a GET without a body (as browsers do); the rest keep method and body.
		const toGet = response.status === 303 || ((response.status === 301 || response.status === 302) && hop.method === 'POST');
		hop = toGet ? { method: 'GET', url: target.url, body: undefined } : { ...hop, url: target.url };
	}
}

/** One request, redirects not followed (n8n would follow them without asking the address policy). */
async function sendPlainOnce(fx: HttpContext, options: PlainRequest, phase: 'download' | 'upload', label: string): Promise<RawResponse> {
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
			disableFollowRedirect: true,
			abortSignal: combineSignals(cancelSignal(fx), options.signal),
			timeout: options.timeoutMs ?? 120000,
		}) as Promise<IN8nHttpFullResponse>,
	);
	throwIfCancelled(fx);
	if (!outcome.ok) {
		const failure = describeNetworkFailure(outcome.error, phase === 'upload' ? 'upload' : 'result', label);
		throw new FailureError({ ...failure, kind: phase });
	}
	const response = outcome.value;
	return { status: response.statusCode, headers: lowerCaseHeaders(response.headers), body: response.body };
}

function combineSignals(...signals: Array<AbortSignal | undefined>): AbortSignal | undefined {
	const present = signals.filter((signal): signal is AbortSignal => signal !== undefined);
	return present.length <= 1 ? present[0] : AbortSignal.any(present);
}

export function describeNetworkFailure(error: unknown, phase: ApiPhase, label: string): Failure {
	const code = errorCode(error);
	const what = code ? ` (${code})` : '';
	return {
		kind: 'network',
		message: `Could not reach ${label}${what}`,
		hint:
			phase === 'submit'
				? `The connection failed after the request may have arrived, so it was not submitted again (that could bill twice). Check your ${label} dashboard before running it again.`
				: `Check the network connection and the Base URL of the ${label} API credential, then try again.`,
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

export function describeZod(error: z.ZodError): string {
	return error.issues
		.slice(0, 3)
		.map((issue) => `${issue.path.length ? issue.path.join('.') : 'body'}: ${issue.message}`)
		.join('; ');
}

/**
 * Runs a free request (safe to repeat) with backoff on network errors, 429 and 5xx.
 * `attempt` returns the value or throws a FailureError; `deadline` bounds the waiting.
 */
export async function withRetries<T>(
	fx: HttpContext,
	policy: RetryPolicy,
	attempt: () => Promise<T>,
	deadline = Number.POSITIVE_INFINITY,
): Promise<T> {
	for (let tryNumber = 1; ; tryNumber++) {
		const outcome = await settle(attempt());
		if (outcome.ok) return outcome.value;
		const error = outcome.error;
		if (!(error instanceof FailureError) || !isTransient(error.failure) || tryNumber >= policy.maxAttempts) throw error;
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

/** The neutral HTTP a provider may use inside its upload: requests with the key, plain requests, retries. */
export interface ApiClient {
	api: ApiTarget;
	/** An authenticated request to the Base URL (one attempt). */
	send(request: ApiRequest): Promise<RawResponse>;
	/** A request without the key (pre-signed storage), one attempt. */
	sendPlain(options: { method: IHttpRequestMethods; url: string; headers?: Record<string, string>; body?: Buffer }): Promise<RawResponse>;
	/** Runs a free request again on network errors, 429 and 5xx. */
	retrying<T>(attempt: () => Promise<T>): Promise<T>;
}

export function apiClient(fx: IExecuteFunctions, api: ApiTarget, retryPolicy: RetryPolicy): ApiClient {
	return {
		api,
		send: async (request) => await sendApiRequest(fx, api, request),
		sendPlain: async (options) => {
			// A URL from the API's answer (e.g. an upload ticket) may not lead into the network the node runs in.
			const local = localTargetProblem(api.baseUrl, options.url);
			if (local) {
				throw new FailureError({
					kind: 'upload',
					// The answer itself was a 2xx: marks the failure as not worth retrying.
					httpCode: 200,
					message: `The upload URL ${api.label} gave was refused: ${local}`,
					hint: 'Nothing was sent there. Check the Base URL of the credential; pass the image as a public URL if it persists.',
				});
			}
			return await sendPlainRequest(fx, { ...options, baseUrl: api.baseUrl }, 'upload', api.label);
		},
		retrying: async (attempt) => await withRetries(fx, retryPolicy, attempt),
	};
}
