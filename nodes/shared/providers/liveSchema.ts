/**
 * The neutral half of live schemas: asks the seller's schema reads in order, keeps what it found per process, Base URL
 * and node kind, and binds the provider to it (or to the documented shape when no read gave a usable schema).
 */
import { BoundedMap } from '../core/boundedMap';
import type { NodeKind } from '../core/kinds';
import { settle } from '../core/settle';
import type { ApiClient } from '../http/transport';
import { parseJsonBody } from '../http/transport';
import type { FoundSchema, ModelInputSchema } from './modelSchema';
import type { PreparedProvider, Provider } from './provider';

/** n8n is long-running and a model's schema rarely changes: one read per process, Base URL and model. */
const SCHEMAS_REMEMBERED = 32;
const schemas = new BoundedMap<string, { schema: ModelInputSchema; readAt: number }>(SCHEMAS_REMEMBERED);
const SCHEMA_READ_TIMEOUT_MS = 15_000;

/** The live schema, or documented when every read failed (not remembered, so the next batch asks again). Never throws. */
export async function findSchema(client: ApiClient, provider: Provider, kind: NodeKind): Promise<FoundSchema> {
	const source = provider.liveSchema;
	if (!source) return { source: 'documented' };
	const key = `${provider.id}|${client.api.baseUrl}|${kind}`;
	const known = schemas.get(key);
	if (known && (source.rememberMs === undefined || Date.now() - known.readAt < source.rememberMs)) return { source: 'live', schema: known.schema };
	for (const call of source.calls(kind)) {
		const outcome = await settle(client.send({ ...call, phase: 'result', timeoutMs: SCHEMA_READ_TIMEOUT_MS }));
		if (!outcome.ok || outcome.value.status < 200 || outcome.value.status >= 300) continue;
		const schema = source.read(kind, parseJsonBody(outcome.value.body));
		if (!schema) continue;
		schemas.set(key, { schema, readAt: Date.now() });
		return { source: 'live', schema };
	}
	return { source: 'documented' };
}

/** The provider bound to this batch's node kind and its model's schema: what it refuses and sends follows from it. */
export async function prepareProvider(client: ApiClient, provider: Provider, kind: NodeKind): Promise<PreparedProvider> {
	return provider.bind(kind, await findSchema(client, provider, kind));
}
