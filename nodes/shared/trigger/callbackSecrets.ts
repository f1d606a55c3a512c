/**
 * The secret that authenticates a provider's callbacks, per provider, Base URL and API key: fetched once with the
 * credential or read from it (as the dialect says), so a burst of callbacks costs one secret request.
 */
import { createHash } from 'crypto';

import type { CallbackDialect, SecretAnswer } from '../providers/callback';
import { settle } from '../core/settle';
import type { ApiTarget, HttpContext } from '../http/transport';
import { asFailure } from '../core/errors';
import { sendApiRequest } from '../http/transport';

/** Long enough that callbacks never wait on it, short enough that a rotated secret is picked up the same hour. */
export const SECRET_TTL_MS = 60 * 60 * 1000;
/** Refetches for a possible rotation: a burst of this many at once, then one per REFRESH_REFILL_MS (forged requests cannot drive more). */
export const REFRESH_BURST = 3;
export const REFRESH_REFILL_MS = 5_000;
/** After a failed fetch no request asks again for this long, doubling per failure up to FAILURE_BACKOFF_MAX_MS. */
export const FAILURE_BACKOFF_MS = 1_000;
export const FAILURE_BACKOFF_MAX_MS = 60_000;

interface CachedSecret {
	answer: Promise<SecretAnswer>;
	fetchedAt: number;
	/** Set once the fetch ended: whether it gave a secret, and (when not) when the next fetch may start. */
	settled?: { ok: boolean; retryAt: number };
	/** Failed fetches in a row, for the backoff. */
	failures: number;
	/** Refetches for a rotation still allowed now, and when that was counted. */
	refreshTokens: number;
	refreshCountedAt: number;
}

const cache = new Map<string, CachedSecret>();

/** The cache key never holds the API key itself, only a short digest that tells two keys apart. */
export function secretCacheKey(dialect: CallbackDialect, api: ApiTarget): string {
	const apiKey = String(api.credentials.data?.apiKey ?? '');
	const digest = createHash('sha256').update(apiKey).digest('hex').slice(0, 16);
	return [dialect.id, api.baseUrl, api.credentials.id, digest].join('|');
}

async function fetchSecret(fx: HttpContext, dialect: CallbackDialect, api: ApiTarget): Promise<SecretAnswer> {
	const source = dialect.secret;
	if (source.from === 'credential') return source.read(api.credentials.data ?? {});
	const response = await settle(sendApiRequest(fx, api, { ...source.call, phase: 'result', timeoutMs: 15_000 }));
	if (!response.ok) return { ok: false, failure: asFailure(response.error) };
	return source.read(response.value);
}

export interface SecretLookup {
	answer: SecretAnswer;
	/** Whether this lookup asked the provider (or joined a request under way) instead of answering from the cache. */
	fetched: boolean;
}

/** Takes one rotation refetch from the entry's budget, refilled over time; false when the budget is spent. */
function takeRefresh(entry: CachedSecret, nowMs: number): boolean {
	const refill = Math.floor((nowMs - entry.refreshCountedAt) / REFRESH_REFILL_MS);
	if (refill > 0) {
		entry.refreshTokens = Math.min(REFRESH_BURST, entry.refreshTokens + refill);
		entry.refreshCountedAt += refill * REFRESH_REFILL_MS;
	}
	if (entry.refreshTokens <= 0) return false;
	entry.refreshTokens -= 1;
	return true;
}

/** Whether a fetch must start now: nothing cached, expired, a failure whose backoff ran out, or a granted rotation refetch. */
function needsFetch(entry: CachedSecret, refresh: boolean, nowMs: number): boolean {
	// A fetch under way is shared by every request that arrives meanwhile.
	if (!entry.settled) return false;
	if (!entry.settled.ok) return nowMs >= entry.settled.retryAt;
	if (nowMs - entry.fetchedAt > SECRET_TTL_MS) return true;
	return refresh && takeRefresh(entry, nowMs);
}

function startFetch(fx: HttpContext, dialect: CallbackDialect, api: ApiTarget, previous: CachedSecret | undefined, nowMs: number): CachedSecret {
	const entry: CachedSecret = {
		answer: fetchSecret(fx, dialect, api),
		fetchedAt: nowMs,
		failures: previous?.failures ?? 0,
		refreshTokens: previous?.refreshTokens ?? REFRESH_BURST,
		refreshCountedAt: previous?.refreshCountedAt ?? nowMs,
	};
	void entry.answer.then((answer) => {
		entry.failures = answer.ok ? 0 : entry.failures + 1;
		const backoff = Math.min(FAILURE_BACKOFF_MAX_MS, FAILURE_BACKOFF_MS * 2 ** Math.max(0, entry.failures - 1));
		entry.settled = { ok: answer.ok, retryAt: entry.fetchedAt + backoff };
	});
	return entry;
}

/**
 * The secret for a callback: from the cache, or fetched when missing, expired, after a failure's backoff, or (with
 * `refresh`, after a signature failed) because it may have rotated, within a small budget. Concurrent requests share
 * one fetch; while fetches fail, requests get the last failure instead of asking the provider again.
 */
export async function callbackSecret(
	fx: HttpContext,
	dialect: CallbackDialect,
	api: ApiTarget,
	{ refresh = false, nowMs = Date.now() }: { refresh?: boolean; nowMs?: number } = {},
): Promise<SecretLookup> {
	// A secret kept in the credential is read each time, so an edited credential applies to the next callback.
	if (dialect.secret.from === 'credential') return { answer: dialect.secret.read(api.credentials.data ?? {}), fetched: false };
	const key = secretCacheKey(dialect, api);
	const cached = cache.get(key);
	let entry = cached;
	if (!entry || needsFetch(entry, refresh, nowMs)) {
		entry = startFetch(fx, dialect, api, cached, nowMs);
		cache.set(key, entry);
	}
	const fetched = entry !== cached || !cached?.settled;
	return { answer: await entry.answer, fetched };
}

/** Tests start from an empty cache. */
export function forgetCallbackSecrets(): void {
	cache.clear();
}
