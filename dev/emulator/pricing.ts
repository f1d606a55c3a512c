/**
 * Quotes of the price table (billing.ts): `POST /api/v3/model/price` (what WaveSpeed's CLI and MCP server call:
 * `price`, `discounted_price`) and the legacy `POST /api/v3/model/pricing` (`unit_price`). Knobs: `priceEndpoint:
 * 'absent'` (404 on /model/price, so clients fall back), `pricingEndpoint` ('absent' 404, 'odd' an undocumented
 * shape) and `quoteOverride` ('zero' or 'absurd' figures on both, for clients' hardening tests).
 */
import { priceOf } from './billing';
import { BASE_PRICE, familyOf, isModelId, MODEL_IDS, requestSchemaOf } from './catalog';
import type { Reply } from './reply';
import type { Exchange } from './server';
import type { EmulatorState } from './state';
import type { ModelId } from './types';

/** What 'absurd' quotes: far above any real image price. */
export const ABSURD_QUOTE = 123456.78;

type Quoted = { model: ModelId; price: number } | { error: string };

/** The quote for `{ model_id, inputs }`; a body missing a required input is quoted at the model's base_price. */
function quote(state: EmulatorState, exchange: Exchange, partialAtBase: boolean): Quoted {
	const body = exchange.record.json as { model_id?: unknown; inputs?: unknown } | undefined;
	const model = body?.model_id;
	if (!isModelId(model)) return { error: `[1401] Invalid parameter model_id: must be one of ${MODEL_IDS.join(', ')}` };
	const inputs = body?.inputs && typeof body.inputs === 'object' ? (body.inputs as Record<string, unknown>) : {};
	const partial = requestSchemaOf(model).required.some((field) => !(field in inputs));
	const price = partialAtBase && partial ? BASE_PRICE[familyOf(model)] : priceOf(model, inputs);
	const override = state.config.quoteOverride;
	return { model, price: override === 'zero' ? 0 : override === 'absurd' ? ABSURD_QUOTE : price };
}

/** POST /api/v3/model/pricing `{ model_id, inputs }` -> `{ model_id, unit_price, currency }`. */
export function pricingHandler(state: EmulatorState, exchange: Exchange, reply: Reply): void {
	const mode = state.config.pricingEndpoint;
	if (mode === 'absent') return reply.error(404, `Endpoint not found: POST ${exchange.url.pathname}`);
	if (mode === 'odd') return reply.data({ price: 'about six cents', note: 'a shape no documentation describes' });
	const quoted = quote(state, exchange, false);
	if ('error' in quoted) return reply.error(400, quoted.error);
	reply.data({ model_id: quoted.model, unit_price: quoted.price, currency: 'USD' });
}

/** POST /api/v3/model/price `{ model_id, inputs }` -> `{ model_id, price, discounted_price, discount_rate, currency }`. */
export function priceHandler(state: EmulatorState, exchange: Exchange, reply: Reply): void {
	if (state.config.priceEndpoint === 'absent') return reply.error(404, `Endpoint not found: POST ${exchange.url.pathname}`);
	const quoted = quote(state, exchange, true);
	if ('error' in quoted) return reply.error(400, quoted.error);
	const rate = state.config.discountRate;
	const discounted = Math.round(quoted.price * (1 - rate) * 10_000) / 10_000;
	reply.data({ model_id: quoted.model, price: quoted.price, discounted_price: discounted, discount_rate: rate, currency: 'USD' });
}
