/**
 * THE list of sellers. Every other list (Provider ids, the editor's Provider options, the credentials shown, the
 * implementations and callback dialects) is derived from it; a new seller is one folder plus one line here.
 */
import { EACHLABS_SELLER } from './eachlabs/seller';
import type { ProviderEntry } from './entry';
import type { Seller } from './seller';
import { WAVESPEED_SELLER } from './wavespeed/seller';

const SELLERS = [WAVESPEED_SELLER, EACHLABS_SELLER] as const;

export type ProviderId = (typeof SELLERS)[number]['entry']['id'];

/** The sellers by id, in catalog order (the key is each seller's own entry id). */
export const SELLER_BY_ID: Record<ProviderId, Seller> = Object.fromEntries(SELLERS.map((seller) => [seller.entry.id, seller])) as Record<string, Seller>;

/** Each seller's catalog entry, by id. */
export const CATALOG = Object.fromEntries(SELLERS.map(({ entry }) => [entry.id, entry])) as { [S in (typeof SELLERS)[number] as S['entry']['id']]: S['entry'] };

const ENTRIES: ProviderEntry[] = SELLERS.map(({ entry }) => entry);

/** Provider ids in catalog order (a tuple, for zod enums). */
export const PROVIDER_IDS = ENTRIES.map((entry) => entry.id) as [ProviderId, ...ProviderId[]];

/** The first seller: workflows saved before the Provider parameter existed keep it. */
export const DEFAULT_PROVIDER: ProviderId = PROVIDER_IDS[0];

/** The shortest time any seller says it keeps a finished prediction: how long a delivered result may be reused. */
export const SHORTEST_RETENTION = ENTRIES.flatMap(({ label, capabilities }) => (capabilities.retentionDays ? [{ label, days: capabilities.retentionDays }] : [])).reduce((a, b) => (b.days < a.days ? b : a));

/** The editor's Provider options and the credential each one needs, in catalog order. */
export const PROVIDER_CHOICES = ENTRIES.map(({ id, editorName, editorDescription, credentialName }) => ({ id: id as ProviderId, editorName, editorDescription, credentialName }));
