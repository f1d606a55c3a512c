/**
 * each::labs' money: its published gpt-image-v2 prices are per token, so the formula adds the prompt and the
 * reference images to the output. There is no quote; the balance is a free read (`GET /v1/billing/balance`), and the
 * real charge arrives with the finished task (`metrics.cost` -> Task.costUsd) and replaces the estimate.
 */
import { z } from 'zod';

import type { RawResponse } from '../../http/transport';
import { parseJsonBody } from '../../http/transport';
import type { ApiCall, ProviderPricing } from '../provider';

/** USD per million tokens: text in $5, image in $10, image out $30. */
export const EACHLABS_TOKEN_PRICES = { imageOutputPerMillion: 30, textInputPerMillion: 5, imageInputPerMillion: 10 } as const;

const balanceSchema = z.object({ balance_usd: z.number().finite() });

export const balanceCall = (): ApiCall => ({ method: 'GET', path: '/v1/billing/balance' });

/** The balance in USD (may be 0 or negative); a 429 (3 reads a second) or a 503 (unavailable) is no balance, never 0. */
export function readBalance(response: RawResponse): number | undefined {
	if (response.status < 200 || response.status >= 300) return undefined;
	const parsed = balanceSchema.safeParse(parseJsonBody(response.body));
	return parsed.success ? parsed.data.balance_usd : undefined;
}

export const EACHLABS_PRICING: ProviderPricing = {
	tokenPrices: EACHLABS_TOKEN_PRICES,
	// No listed floor: a task costs what its tokens cost.
	floorUsd: 0,
	balanceCall,
	readBalance,
};
