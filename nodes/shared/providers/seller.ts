/** What one seller folder gives the catalog: its entry, its provider and its callback dialect. */
import type { CallbackDialect } from './callback';
import type { ProviderEntry } from './entry';
import type { Provider } from './provider';

export interface Seller {
	entry: ProviderEntry;
	provider: Provider;
	callbacks: CallbackDialect;
}
