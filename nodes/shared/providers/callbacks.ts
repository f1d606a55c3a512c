/** The one place that picks a callback dialect for the trigger's Provider parameter. */
import type { CallbackDialect } from './callback';
import type { ProviderId } from './catalog';
import { DEFAULT_PROVIDER, PROVIDER_IDS, SELLER_BY_ID } from './catalog';

/** One dialect per catalog entry, in catalog order. */
export const CALLBACK_DIALECTS = Object.fromEntries(PROVIDER_IDS.map((id) => [id, SELLER_BY_ID[id].callbacks])) as Record<ProviderId, CallbackDialect>;

export const DEFAULT_CALLBACK_PROVIDER: ProviderId = DEFAULT_PROVIDER;

export function isCallbackProvider(value: unknown): value is ProviderId {
	return (PROVIDER_IDS as readonly unknown[]).includes(value);
}

export function callbackDialectFor(id: ProviderId): CallbackDialect {
	return SELLER_BY_ID[id].callbacks;
}
