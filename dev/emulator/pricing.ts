/** POST /api/v3/model/pricing: quotes the price table (billing.ts); `pricingEndpoint` makes it absent (404) or odd. */
import { priceOf } from './billing';
import type { Reply } from './reply';
import type { Exchange } from './server';
import type { EmulatorState } from './state';
import type { ModelId } from './types';

const MODELS: readonly ModelId[] = ['openai/gpt-image-2/edit', 'openai/gpt-image-2/text-to-image'];

/** POST /api/v3/model/pricing `{ model_id, inputs }` -> `{ model_id, unit_price, currency }`. */
export function pricingHandler(state: EmulatorState, exchange: Exchange, reply: Reply): void {
	const mode = state.config.pricingEndpoint;
	if (mode === 'absent') return reply.error(404, `Endpoint not found: POST ${exchange.url.pathname}`);
	if (mode === 'odd') return reply.data({ price: 'about six cents', note: 'a shape no documentation describes' });
	const body = exchange.record.json as { model_id?: unknown; inputs?: unknown } | undefined;
	const model = MODELS.find((m) => m === body?.model_id);
	if (!model) return reply.error(400, `[1401] Invalid parameter model_id: must be one of ${MODELS.join(', ')}`);
	const inputs = body?.inputs && typeof body.inputs === 'object' ? (body.inputs as Record<string, unknown>) : {};
	reply.data({ model_id: model, unit_price: priceOf(inputs), currency: 'USD' });
}
