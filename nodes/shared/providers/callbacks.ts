/** The one place that picks a callback dialect for the trigger's Provider parameter. */
import type { CallbackDialect } from './callback';
import type { ProviderId } from './catalog';
import { DEFAULT_PROVIDER, PROVIDER_IDS } from './catalog';
import { eachLabsCallbacks } from './eachlabs/webhook';
import { waveSpeedCallbacks } from './wavespeed/webhook';

/** One dialect per catalog entry (the type refuses a missing or extra one). */
export const CALLBACK_DIALECTS: Record<ProviderId, CallbackDialect> = { wavespeed: waveSpeedCallbacks, eachlabs: eachLabsCallbacks };

export const DEFAULT_CALLBACK_PROVIDER: ProviderId = DEFAULT_PROVIDER;

export function isCallbackProvider(value: unknown): value is ProviderId {
	return (PROVIDER_IDS as readonly unknown[]).includes(value);
}

export function callbackDialectFor(id: ProviderId): CallbackDialect {
	return CALLBACK_DIALECTS[id];
}
