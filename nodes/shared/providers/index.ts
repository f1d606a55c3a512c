/** The one place that picks a provider: every other module receives the Provider it should use. */
import type { Provider, ProviderId } from './provider';
import { waveSpeed } from './wavespeed';

export const PROVIDERS: Record<ProviderId, Provider> = { wavespeed: waveSpeed };

export const DEFAULT_PROVIDER: ProviderId = 'wavespeed';

export function providerFor(id: ProviderId): Provider {
	return PROVIDERS[id];
}
