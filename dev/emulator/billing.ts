/**
 * Money in the emulator: a price per task from a table by resolution and quality, and a balance that each
 * accepted task decrements (the pricing endpoint that quotes this table is in pricing.ts).
 *
 * | resolution | low   | medium | high  |
 * |------------|-------|--------|-------|
 * | 1k         | $0.06 | $0.09  | $0.24 |
 * | 2k         | $0.09 | $0.15  | $0.40 |
 * | 4k         | $0.12 | $0.24  | $0.72 |
 *
 * The figures are made up (WaveSpeed publishes only its $0.06 floor) but differ from the token formula, so a test
 * can tell a quote from a formula estimate. Unknown or missing values price as 1k / medium, like the server's defaults.
 * The 2.5 and 2.6 families (no published table either) start at their catalog base_price and grow by the factors
 * below, so their quotes differ from gpt-image-2's and from each other.
 */
import { BASE_PRICE, familyOf } from './catalog';
import type { ModelId, Resolution } from './types';

type Quality = 'low' | 'medium' | 'high';

export const PRICE_TABLE: Record<Resolution, Record<Quality, number>> = {
	'1k': { low: 0.06, medium: 0.09, high: 0.24 },
	'2k': { low: 0.09, medium: 0.15, high: 0.4 },
	'4k': { low: 0.12, medium: 0.24, high: 0.72 },
};

const FAMILY_FACTORS = {
	resolution: { '1k': 1, '2k': 1.5, '4k': 2 } as Record<string, number>,
	quality: { low: 1, medium: 1.5, high: 4, xhigh: 6, max: 8 } as Record<string, number>,
	complexity: { low: 1, medium: 1.25, high: 1.5 } as Record<string, number>,
};

/** The price of one task of this model with these submit inputs (USD, to a hundredth of a cent). */
export function priceOf(model: ModelId, input: Record<string, unknown>): number {
	const family = familyOf(model);
	if (family === 'gpt-image-2') {
		const resolution = (Object.keys(PRICE_TABLE) as Resolution[]).find((r) => r === input.resolution) ?? '1k';
		const quality = (['low', 'medium', 'high'] as const).find((q) => q === input.quality) ?? 'medium';
		return PRICE_TABLE[resolution][quality];
	}
	const factor = (table: Record<string, number>, value: unknown, fallback: string): number => table[String(value)] ?? table[fallback];
	const complexity = family.startsWith('gpt-image-2.6') ? factor(FAMILY_FACTORS.complexity, input.complexity, 'medium') : 1;
	const price = BASE_PRICE[family] * factor(FAMILY_FACTORS.resolution, input.resolution, '1k') * factor(FAMILY_FACTORS.quality, input.quality, 'medium') * complexity;
	return Math.round(price * 10_000) / 10_000;
}

/** Dollars with cents, or with the finer digits a 2.5/2.6 price has ($0.0675). */
const usd = (amount: number): string => `$${amount.toFixed(Math.max(2, Math.min(4, (String(amount).split('.')[1] ?? '').length)))}`;

/** Money spent since the last reset; the balance shown is the configured one minus this. */
export class Billing {
	private spentCents = 0;

	get spentUsd(): number {
		return this.spentCents / 100;
	}

	balanceUsd(configured: number): number {
		return Math.round(configured * 10_000 - this.spentCents * 100) / 10_000;
	}

	/** Takes the price of an accepted task, or says how much is missing (nothing is taken then). */
	charge(configured: number, priceUsd: number): { ok: true } | { ok: false; message: string } {
		const balance = this.balanceUsd(configured);
		if (priceUsd > balance + 1e-9) {
			return { ok: false, message: `Insufficient balance: this task costs ${usd(priceUsd)}, your balance is ${usd(balance)}. Please top up.` };
		}
		this.spentCents += priceUsd * 100;
		return { ok: true };
	}

	reset(): void {
		this.spentCents = 0;
	}
}

