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
/** A signature that fails with a secret at least this old triggers one fresh fetch (the secret may have rotated). */
export const SECRET_REFRESH_AFTER_MS = 10_000;

interface CachedSecret {
	answer: Promise<SecretAnswer>;
	fetchedAt: number;
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
	/** Whether a fresh fetch could give a different secret (the cached one is old enough to have rotated). */
	canRefresh: boolean;
}

/** The cached secret, fetching it when missing, expired, or (with `refresh`) when it may have rotated. */
export async function callbackSecret(
	fx: HttpContext,
	dialect: CallbackDialect,
	api: ApiTarget,
	{ refresh = false, nowMs = Date.now() }: { refresh?: boolean; nowMs?: number } = {},
): Promise<SecretLookup> {
	// A secret kept in the credential is read each time, so an edited credential applies to the next callback.
	if (dialect.secret.from === 'credential') return { answer: dialect.secret.read(api.credentials.data ?? {}), canRefresh: false };
	const key = secretCacheKey(dialect, api);
	let entry = cache.get(key);
	const expired = !entry || nowMs - entry.fetchedAt > SECRET_TTL_MS;
	const mayHaveRotated = entry !== undefined && refresh && nowMs - entry.fetchedAt >= SECRET_REFRESH_AFTER_MS;
	if (!entry || expired || mayHaveRotated) {
		entry = { answer: fetchSecret(fx, dialect, api), fetchedAt: nowMs };
		cache.set(key, entry);
	}
	const answer = await entry.answer;
	// A failed fetch is not kept: the next callback asks again.
	if (!answer.ok && cache.get(key) === entry) cache.delete(key);
	return { answer, canRefresh: dialect.secret.from === 'api' && nowMs - entry.fetchedAt >= SECRET_REFRESH_AFTER_MS };
}

/** Tests start from an empty cache. */
export function forgetCallbackSecrets(): void {
	cache.clear();
}
