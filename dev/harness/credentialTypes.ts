/** Credential classes by name, from this package first, then n8n-nodes-base (e.g. httpHeaderAuth). */
import type { ICredentialType } from 'n8n-workflow';
import { UserError } from 'n8n-workflow';

import type { Loaders } from './loaders';

export type CredentialTypeLookup = (name: string) => ICredentialType;

export function credentialTypesFrom(loaders: Loaders): CredentialTypeLookup {
	return (name) => {
		for (const loader of loaders.values()) {
			if (name in loader.credentialTypes || name in loader.known.credentials) return loader.getCredential(name).type;
		}
		throw new UserError(`Unknown credential type "${name}"`);
	};
}
