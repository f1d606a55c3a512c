/**
 * WaveSpeed's money: a free quote per settings (`/model/price`, else the legacy `/model/pricing`), the balance, and
 * the figures the formula uses when no quote comes (docs/wavespeed-api.md "Pricing").
 */
import { z } from 'zod';

import type { RawResponse } from '../../http/transport';
import type { ApiCall, TaskRequest, ProviderPricing } from '../provider';
import { buildSubmitBody } from './api';
import { parseEnvelope } from './envelope';
import { MODELS } from './schemas';

/** WaveSpeed lists gpt-image-2 from $0.06 per image; its own price grows with quality and resolution. */
export const WAVESPEED_FLOOR_USD = 0.06;

/** OpenAI's price for gpt-image-2 output tokens; WaveSpeed charges per image, so inputs are not priced by token. */
export const WAVESPEED_TOKEN_PRICES = { imageOutputPerMillion: 30 } as const;

/** `/model/price`: the charge is `discounted_price` when given; a currency other than USD is no quote (the node adds up dollars). */
export const priceQuoteSchema = z.object({
	price: z.number().nonnegative().finite(),
	discounted_price: z.number().nonnegative().finite().nullish(),
	currency: z.string().optional(),
});

/** The legacy `/model/pricing` answer. */
export const legacyQuoteSchema = z.object({
	unit_price: z.number().nonnegative().finite(),
	currency: z.string().optional(),
});

export const balanceSchema = z.object({ balance: z.number().finite() });

/** The quote asks about exactly the body a submit would send; images not uploaded yet are left out (price is per settings). */
export function quoteCalls(request: TaskRequest): ApiCall[] {
	const inputs = buildSubmitBody(request);
	if (inputs.images?.length === 0) delete inputs.images;
	const body = { model_id: MODELS[request.kind], inputs };
	return [
		{ method: 'POST', path: '/api/v3/model/price', body },
		{ method: 'POST', path: '/api/v3/model/pricing', body },
	];
}

const inUsd = (price: number, currency: string | undefined): number | undefined =>
	currency === undefined || currency.toUpperCase() === 'USD' ? price : undefined;

/** Either endpoint's answer; an error or an odd answer means "no quote", and the formula is used. */
export function readQuote(response: RawResponse): number | undefined {
	const current = parseEnvelope(response, priceQuoteSchema, 'pricing');
	if (current.ok) return inUsd(current.data.discounted_price ?? current.data.price, current.data.currency);
	const legacy = parseEnvelope(response, legacyQuoteSchema, 'pricing');
	return legacy.ok ? inUsd(legacy.data.unit_price, legacy.data.currency) : undefined;
}

export const balanceCall = (): ApiCall => ({ method: 'GET', path: '/api/v3/balance' });

export function readBalance(response: RawResponse): number | undefined {
	const result = parseEnvelope(response, balanceSchema, 'balance');
	return result.ok ? result.data.balance : undefined;
}

export const WAVESPEED_PRICING: ProviderPricing = {
	tokenPrices: WAVESPEED_TOKEN_PRICES,
	floorUsd: WAVESPEED_FLOOR_USD,
	quoteCalls,
	readQuote,
	balanceCall,
	readBalance,
};
