/** The one place that picks a provider: every other module receives the Provider it should use. */
import type { IExecuteFunctions } from 'n8n-workflow';
import { z } from 'zod';

import { inputFailure } from '../core/errors';
import type { ProviderId } from './catalog';
import { DEFAULT_PROVIDER, PROVIDER_IDS, SELLER_BY_ID } from './catalog';
import type { Provider } from './provider';

/** One implementation per catalog entry, in catalog order. */
export const PROVIDERS = Object.fromEntries(PROVIDER_IDS.map((id) => [id, SELLER_BY_ID[id].provider])) as Record<ProviderId, Provider>;

export function providerFor(id: ProviderId): Provider {
	return SELLER_BY_ID[id].provider;
}

/** The Provider parameter of a run; workflows saved before it existed have none and keep the catalog's first seller. */
export function readProviderId(fx: IExecuteFunctions): ProviderId {
	const raw = fx.getNodeParameter('provider', 0, DEFAULT_PROVIDER);
	const parsed = z.enum(PROVIDER_IDS).safeParse(raw);
	if (!parsed.success) throw inputFailure(`Provider "${String(raw)}" is not a supported value`, `Use one of: ${PROVIDER_IDS.join(', ')}.`);
	return parsed.data;
}
