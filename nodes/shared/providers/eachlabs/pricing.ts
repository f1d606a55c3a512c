/**
 * each::labs' money: its published gpt-image-v2 prices are per token, so the formula adds the prompt and the
 * reference images to the output. There is no quote and no balance read; the real charge arrives with the finished
 * task (`metrics.cost` -> Task.costUsd) and replaces the estimate (`costSource: "provider"`).
 * To wire it: `pricing: EACHLABS_PRICING` in this provider's object (and `pricedSize` once it maps ratios to sizes).
 */
import type { ProviderPricing } from '../provider';

/** USD per million tokens: text in $5, image in $10, image out $30. */
export const EACHLABS_TOKEN_PRICES = { imageOutputPerMillion: 30, textInputPerMillion: 5, imageInputPerMillion: 10 } as const;

export const EACHLABS_PRICING: ProviderPricing = {
	tokenPrices: EACHLABS_TOKEN_PRICES,
	// No listed floor: a task costs what its tokens cost.
	floorUsd: 0,
};
