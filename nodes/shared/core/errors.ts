/** What went wrong, in words a user can act on: one place that turns every failure into an n8n error. */
import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { maskSecrets } from './redact';

export type FailureKind =
	| 'input' // bad parameter or input item: nothing was sent
	| 'auth' // 401
	| 'forbidden' // 403
	| 'balance' // insufficient balance
	| 'budget' // the run would cost more than Max Cost Per Run: nothing was sent
	| 'rateLimit' // 429 that outlived its retries
	| 'badRequest' // other 4xx
	| 'notFound' // unknown prediction
	| 'server' // 5xx
	| 'network' // reset, refused, client timeout
	| 'gatewayTimeout' // 504 from a gateway, usually in sync mode
	| 'malformed' // an answer that does not match the documented shape
	| 'task' // the task itself failed (data.code)
	| 'timeout' // our own wait ran out
	| 'nsfw'
	| 'download'
	| 'upload'
	| 'cancelled';

export interface Failure {
	kind: FailureKind;
	/** What happened, one sentence. */
	message: string;
	/** How to fix it. */
	hint: string;
	httpCode?: number;
	predictionId?: string;
	status?: string;
	taskCode?: number;
	/** Set on rate limits when the server said how long to wait. */
	retryAfterMs?: number;
	/** A 429 for the account's limit of tasks at once (not a request rate): nothing more is accepted until one ends. */
	capReached?: boolean;
	/** When the run stops on this failure: every prediction the run already paid for (see paidWork.ts). */
	paidWork?: string;
}

/** A failure travelling up to the item loop; never wraps raw HTTP errors (their config holds the key). */
export class FailureError extends Error {
	constructor(readonly failure: Failure) {
		super(failure.message);
		this.name = 'FailureError';
	}

	withPrediction(predictionId: string | undefined, status?: string): FailureError {
		if (!predictionId || this.failure.predictionId) return this;
		return new FailureError({ ...this.failure, predictionId, status: this.failure.status ?? status });
	}
}

export const inputFailure = (message: string, hint: string): FailureError =>
	new FailureError({ kind: 'input', message, hint });

/** Why an item ended without finishing: the one spelling of each "cancelled" case. */
export const CANCELLED = {
	execution: { message: 'The execution was cancelled', hint: 'Run the workflow again.' },
	notStarted: {
		message: 'Not started because an earlier item failed',
		hint: 'Fix the first error, or turn on Continue On Fail to process the other items anyway.',
	},
	stoppedWaiting: { message: 'Stopped waiting because an earlier item failed', hint: 'Fix the first error, or turn on Continue On Fail.' },
	notRun: { message: 'Not run', hint: 'Run the workflow again.' },
} as const;

export function cancelledFailure(reason: keyof typeof CANCELLED, predictionId?: string, status?: string): FailureError {
	return new FailureError({ kind: 'cancelled', ...CANCELLED[reason], predictionId, status });
}

/** Adds the prediction id to a failure that happened after submission, so the user can recover the result. */
export function withPredictionId(error: unknown, predictionId: string, status?: string): unknown {
	return error instanceof FailureError ? error.withPrediction(predictionId, status) : error;
}

/**
 * Any error as a Failure: ours as they are, n8n's by their message, anything else without its text. `cancelled`
 * says the execution was stopped: a wait or request cut short by Stop then reads as such, not as its class name.
 */
export function asFailure(error: unknown, cancelled = false): Failure {
	if (error instanceof FailureError) return error.failure;
	if (cancelled || (error instanceof Error && error.name === 'AbortError')) return { kind: 'cancelled', ...CANCELLED.execution };
	// n8n's own errors (e.g. an expression that does not resolve) already read well.
	if (error instanceof Error && /^Node(Operation|Api)Error$|^ExpressionError$/.test(error.constructor.name)) {
		const description = (error as { description?: string | null }).description;
		return { kind: 'input', message: error.message.replace(/ \[item \d+\]$/, ''), hint: description || 'Check the parameter values.' };
	}
	// Never forward a raw error's text: HTTP client errors can hold request headers.
	return {
		kind: 'network',
		message: `Unexpected error: ${error instanceof Error ? error.name : 'unknown'}`,
		hint: 'Run the node again; if it persists, please report it with the workflow.',
	};
}

/** "Acme's", but "Widgets'": a name ending in s takes only the apostrophe. */
export function possessive(name: string): string {
	return /s$/i.test(name) ? `${name}'` : `${name}'s`;
}

export const RECOVER_HINT = 'Use the Get Result operation with this prediction ID to fetch it instead of paying again.';

export function describeTimeout(predictionId: string, status: string, seconds: number): Failure {
	return {
		kind: 'timeout',
		predictionId,
		status,
		message: `The prediction is still running after ${seconds} s (status "${status}")`,
		hint: `Use Get Result with prediction ID ${predictionId} to fetch it later, or raise Options > Timeout.`,
	};
}

/** Masks the key's value and any bearer token, in case a server or proxy echoes them back (see redact.ts). */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
	return maskSecrets(text, secrets);
}

export function describeFailureText(failure: Failure): string {
	const id = failure.predictionId ? ` Prediction ID: ${failure.predictionId}.` : '';
	const recover = failure.predictionId && failure.kind !== 'timeout' && failure.kind !== 'task' ? ` ${RECOVER_HINT}` : '';
	return `${failure.hint}${id}${recover}${failure.paidWork ? ` ${failure.paidWork}` : ''}`;
}

const API_KINDS = new Set<FailureKind>(['auth', 'forbidden', 'balance', 'rateLimit', 'badRequest', 'notFound', 'server', 'network', 'gatewayTimeout', 'malformed', 'upload', 'download']);

/** The n8n error shown in the editor: what happened [item N], and how to fix it in the description. */
export function toNodeError(node: INode, failure: Failure, itemIndex: number, secrets: readonly string[] = []): NodeApiError | NodeOperationError {
	const message = redactSecrets(`${failure.message} [item ${itemIndex}]`, secrets);
	const description = redactSecrets(describeFailureText(failure), secrets);
	if (API_KINDS.has(failure.kind)) {
		const response: JsonObject = { message, kind: failure.kind };
		if (failure.httpCode) response.httpCode = String(failure.httpCode);
		if (failure.predictionId) response.predictionId = failure.predictionId;
		return keepMessage(
			new NodeApiError(node, response, {
				message,
				description,
				httpCode: failure.httpCode ? String(failure.httpCode) : undefined,
				itemIndex,
			}),
			message,
		);
	}
	return keepMessage(new NodeOperationError(node, message, { description, itemIndex }), message);
}

/**
 * n8n swaps a message that mentions a Node error code (ECONNRESET, ETIMEDOUT, ...) for a generic text that
 * invites an immediate retry and drops the item number; after an ambiguous submit that advice could bill twice.
 */
function keepMessage<T extends NodeApiError | NodeOperationError>(error: T, message: string): T {
	error.message = message;
	return error;
}
