/** When to try a request again and how long to wait first: pure decisions, no I/O. */

export interface RetryPolicy {
	/** Attempts in all, the first included. */
	maxAttempts: number;
	baseDelayMs: number;
	maxDelayMs: number;
	/** The longest Retry-After we honour; longer ones are capped (the caller's deadline still applies). */
	maxRetryAfterMs: number;
}

/** Free requests (result polls, uploads, downloads): network errors, 429 and 5xx. */
export const FREE_REQUEST_RETRY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 8000, maxRetryAfterMs: 30000 };

/** Exponential backoff with a little jitter so concurrent items do not retry in lockstep. */
export function backoffDelayMs(policy: RetryPolicy, attempt: number, retryAfterMs?: number, random = Math.random): number {
	if (retryAfterMs !== undefined && retryAfterMs >= 0) return Math.min(retryAfterMs, policy.maxRetryAfterMs);
	const exponential = Math.min(policy.baseDelayMs * 2 ** Math.max(0, attempt - 1), policy.maxDelayMs);
	return Math.round(exponential * (0.8 + 0.4 * random()));
}

/** Retry-After is seconds or an HTTP date; anything else is ignored. */
export function parseRetryAfterMs(header: unknown, now = Date.now()): number | undefined {
	if (typeof header !== 'string' && typeof header !== 'number') return undefined;
	const text = String(header).trim();
	if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
	// Only an HTTP date (e.g. "Wed, 21 Oct 2026 07:28:00 GMT"); Date.parse also accepts junk like "-1".
	if (!/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(text)) return undefined;
	const date = Date.parse(text);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Which HTTP statuses a free request may retry. */
export function isRetryableStatus(status: number): boolean {
	return status === 429 || status === 408 || status >= 500;
}
