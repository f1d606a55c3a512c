/** The one place that picks a callback dialect for the trigger's Provider parameter. */
import type { CallbackDialect } from './callback';
import { eachLabsCallbacks } from './eachlabs/webhook';
import { waveSpeedCallbacks } from './wavespeed/webhook';

export const CALLBACK_DIALECTS = { wavespeed: waveSpeedCallbacks, eachlabs: eachLabsCallbacks } satisfies Record<string, CallbackDialect>;

export type CallbackProviderId = keyof typeof CALLBACK_DIALECTS;

export const DEFAULT_CALLBACK_PROVIDER: CallbackProviderId = 'wavespeed';

export function isCallbackProvider(value: unknown): value is CallbackProviderId {
	return typeof value === 'string' && Object.prototype.hasOwnProperty.call(CALLBACK_DIALECTS, value);
}

export function callbackDialectFor(id: CallbackProviderId): CallbackDialect {
	return CALLBACK_DIALECTS[id];
}
