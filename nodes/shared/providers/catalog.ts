/**
 * THE list of sellers. Every other list (Provider ids, the editor's Provider options, the credentials shown, the
 * implementations and callback dialects) is derived from it; a new seller is one folder plus one line here.
 */
import { EACHLABS } from './eachlabs/entry';
import type { ProviderEntry } from './entry';
import { WAVESPEED } from './wavespeed/entry';

export const CATALOG = { [WAVESPEED.id]: WAVESPEED, [EACHLABS.id]: EACHLABS };

export type ProviderId = keyof typeof CATALOG;

const ENTRIES: ProviderEntry[] = Object.values(CATALOG);

/** Provider ids in catalog order (a tuple, for zod enums). */
export const PROVIDER_IDS = ENTRIES.map((entry) => entry.id) as [ProviderId, ...ProviderId[]];

/** The first seller: workflows saved before the Provider parameter existed keep it. */
export const DEFAULT_PROVIDER: ProviderId = PROVIDER_IDS[0];

/** The shortest time any seller says it keeps a finished prediction: how long a delivered result may be reused. */
export const SHORTEST_RETENTION = ENTRIES.flatMap(({ label, capabilities }) => (capabilities.retentionDays ? [{ label, days: capabilities.retentionDays }] : [])).reduce((a, b) => (b.days < a.days ? b : a));

/** The editor's Provider options and the credential each one needs, in catalog order. */
export const PROVIDER_CHOICES = ENTRIES.map(({ id, editorName, editorDescription, credentialName }) => ({ id: id as ProviderId, editorName, editorDescription, credentialName }));
