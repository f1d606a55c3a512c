/**
 * Money you can see and cap, as pure decisions: the token formula, a row's estimate, the run's total, and whether a
 * run fits under Max Cost Per Run and the balance. No requests here (money/pricing.ts asks for quotes and balances).
 */
import type { Failure } from '../core/errors';
import type { NodeKind } from '../core/kinds';
import { SUBMIT_OPERATION_LABEL } from '../core/kinds';
import type { ImageSettings, Quality } from '../core/schemas';
import type { PixelSize } from '../core/sizes';
import { outputSize } from '../core/sizes';
import type { FormulaPricing } from '../providers/provider';

/**
 * Where a figure comes from: `quote` the provider's own price for these settings, asked before the run; `formula`
 * the published token formula (an estimate); `provider` the real charge the provider reported for the finished task.
 */
export type CostSource = 'quote' | 'formula' | 'provider';

export interface CostEstimate {
	/** US dollars for one task. */
	usd: number;
	source: CostSource;
}

/** One task as the formula sees it: what it asks for, not how it is sent. */
export interface CostInput {
	kind: NodeKind;
	promptLength: number;
	referenceCount: number;
	settings: Pick<ImageSettings, 'aspectRatio' | 'resolution' | 'quality'>;
	/** The size the provider would ask for, when it decides one; otherwise it follows from the settings. */
	size?: PixelSize;
}

/** OpenAI's per-quality base for gpt-image-2 output tokens. */
export const QUALITY_BASE: Record<Quality, number> = { low: 16, medium: 48, high: 96 };

/** Rough input-token counts: about 4 characters per text token; a reference read at high fidelity (1024² in tiles). */
export const CHARS_PER_TEXT_TOKEN = 4;
export const TOKENS_PER_REFERENCE_IMAGE = 765;

/** OpenAI's published output-token formula: 1024x1024 gives 196 / 1756 / 7024 tokens for low / medium / high. */
export function imageOutputTokens(size: PixelSize, quality: Quality): number {
	const base = QUALITY_BASE[quality];
	const short = Math.min(size.width, size.height);
	const long = Math.max(size.width, size.height);
	return Math.ceil((base * Math.round((base * short) / long) * (2_000_000 + size.width * size.height)) / 4_000_000);
}

/** 'match' takes the first image's shape, unknown before the run: a square is the most any shape costs at a resolution. */
export function estimatedSize(settings: CostInput['settings']): PixelSize {
	return outputSize(settings.aspectRatio === 'match' ? '1:1' : settings.aspectRatio, settings.resolution);
}

/** Four decimals: a tenth of a cent is the smallest step any price list uses. */
export function roundUsd(usd: number): number {
	return Math.round(usd * 10_000) / 10_000;
}

/** The token formula's price for one task, never below the provider's listed floor. */
export function formulaUsd(input: CostInput, pricing: FormulaPricing): number {
	const { tokenPrices: prices } = pricing;
	const output = imageOutputTokens(input.size ?? estimatedSize(input.settings), input.settings.quality) * prices.imageOutputPerMillion;
	const text = Math.ceil(input.promptLength / CHARS_PER_TEXT_TOKEN) * (prices.textInputPerMillion ?? 0);
	const images = input.referenceCount * TOKENS_PER_REFERENCE_IMAGE * (prices.imageInputPerMillion ?? 0);
	return roundUsd(Math.max(pricing.floorUsd, (output + text + images) / 1_000_000));
}

/** How far a quote may stray from the formula (either way) and still be believed. */
export const QUOTE_BAND = 10;

/** A quote below the provider's floor, free, or far from the formula is no quote: believing it could switch the cap off. */
export function isSaneQuote(quoteUsd: number, formula: number, floorUsd: number): boolean {
	if (!Number.isFinite(quoteUsd) || quoteUsd <= 0 || quoteUsd < floorUsd) return false;
	return quoteUsd >= formula / QUOTE_BAND && quoteUsd <= formula * QUOTE_BAND;
}

export function formulaEstimate(input: CostInput, pricing: FormulaPricing): CostEstimate {
	return { usd: formulaUsd(input, pricing), source: 'formula' };
}

/** No single GPT Image task costs anything near this; a reported charge above it is not believed without an estimate. */
export const MAX_PLAUSIBLE_CHARGE_USD = 20;
/** A reported charge above this multiple of the row's estimate is not believed either. */
export const CHARGE_ESTIMATE_FACTOR = 10;

/** Why a charge the provider reported cannot be the real one (negative, not a number, far above the estimate), or undefined. */
export function implausibleCharge(reportedUsd: number, estimateUsd?: number): string | undefined {
	const shown = Number.isFinite(reportedUsd) ? `$${reportedUsd}` : String(reportedUsd);
	if (!Number.isFinite(reportedUsd) || reportedUsd < 0) return `The provider reported a charge of ${shown}, which cannot be a real charge; it is not shown. Check the charge in your account's billing.`;
	const ceiling = estimateUsd !== undefined && estimateUsd > 0 ? Math.min(MAX_PLAUSIBLE_CHARGE_USD, estimateUsd * CHARGE_ESTIMATE_FACTOR) : MAX_PLAUSIBLE_CHARGE_USD;
	if (reportedUsd > ceiling) {
		const against = estimateUsd !== undefined && estimateUsd > 0 ? `more than ${CHARGE_ESTIMATE_FACTOR} times the estimate of $${roundUsd(estimateUsd)}` : `more than $${MAX_PLAUSIBLE_CHARGE_USD} for one task`;
		return `The provider reported a charge of ${shown}, ${against}; it is not shown as the charge. Check the charge in your account's billing.`;
	}
	return undefined;
}

/** The figure an item shows: the provider's real charge when it reported a plausible one, otherwise the estimate (if any). */
export function itemCost(estimate: CostEstimate | undefined, reportedUsd: number | undefined): CostEstimate | undefined {
	if (reportedUsd === undefined || implausibleCharge(reportedUsd, estimate?.usd)) return estimate;
	return { usd: roundUsd(reportedUsd), source: 'provider' };
}

/** The run's total: rows without an estimate (they cost nothing) add nothing. */
export function runTotalUsd(estimates: ReadonlyArray<CostEstimate | undefined>): number {
	return roundUsd(estimates.reduce((sum, estimate) => sum + (estimate?.usd ?? 0), 0));
}

/** A priced row: its index in the input and what it would send. */
export interface PricedRow {
	index: number;
	kind: NodeKind;
	settings: CostInput['settings'];
	estimate: CostEstimate;
}

/** The row whose settings cost most (the first of equals): what a refusal names. */
export function mostExpensive(rows: readonly PricedRow[]): PricedRow | undefined {
	return rows.reduce<PricedRow | undefined>((top, row) => (!top || row.estimate.usd > top.estimate.usd ? row : top), undefined);
}

export type LimitDecision = { ok: true } | { ok: false; totalUsd: number; limitUsd: number; top: PricedRow };

/** Within Max Cost Per Run, or refused with the figures; no limit set means no refusal. */
export function checkBudget(rows: readonly PricedRow[], limitUsd: number | undefined): LimitDecision {
	const totalUsd = runTotalUsd(rows.map((row) => row.estimate));
	const top = mostExpensive(rows);
	if (limitUsd === undefined || !top || totalUsd <= limitUsd) return { ok: true };
	return { ok: false, totalUsd, limitUsd, top };
}

/** Within the balance, or refused; an unknown balance (not reported, or unreadable) refuses nothing. */
export function checkBalance(rows: readonly PricedRow[], balanceUsd: number | undefined): LimitDecision {
	const totalUsd = runTotalUsd(rows.map((row) => row.estimate));
	const top = mostExpensive(rows);
	if (balanceUsd === undefined || !top || totalUsd <= balanceUsd) return { ok: true };
	return { ok: false, totalUsd, limitUsd: balanceUsd, top };
}

/** "$0.06", "$0.006", "$12.60": cents for a dollar or more, a tenth of a cent below. */
export function formatUsd(usd: number): string {
	const wholeCents = Math.abs(usd * 100 - Math.round(usd * 100)) < 1e-9;
	return `$${usd.toFixed(wholeCents || usd >= 1 ? 2 : 3)}`;
}

/** "Generate Image at 4k, high quality, 1:1": the settings a refusal points to. */
export function describeSettings(kind: NodeKind, settings: CostInput['settings']): string {
	const ratio = settings.aspectRatio === 'match' ? 'the first image\'s aspect ratio' : settings.aspectRatio;
	return `${SUBMIT_OPERATION_LABEL[kind]} at ${settings.resolution}, ${settings.quality} quality, ${ratio}`;
}

const sourceWords = (rows: readonly PricedRow[]): string =>
	rows.every((row) => row.estimate.source === 'quote') ? 'quoted' : 'estimated';

export function budgetFailure(decision: Extract<LimitDecision, { ok: false }>, rows: readonly PricedRow[]): Failure {
	const { totalUsd, limitUsd, top } = decision;
	return {
		kind: 'budget',
		message: `This run would cost about ${formatUsd(totalUsd)} (${sourceWords(rows)}, ${rows.length} rows), over Max Cost Per Run of ${formatUsd(limitUsd)}`,
		hint:
			`Nothing was sent. The most expensive settings are ${describeSettings(top.kind, top.settings)} (${formatUsd(top.estimate.usd)} per image). ` +
			'Lower Resolution or Quality, split the rows over several runs, or raise Options > Max Cost Per Run (USD). Estimate Cost shows each row.',
	};
}

export function balanceFailure(decision: Extract<LimitDecision, { ok: false }>, rows: readonly PricedRow[], label: string): Failure {
	const { totalUsd, limitUsd: balanceUsd, top } = decision;
	return {
		kind: 'balance',
		message: `This run would cost about ${formatUsd(totalUsd)} (${sourceWords(rows)}, ${rows.length} rows), more than your ${label} balance of ${formatUsd(balanceUsd)}`,
		hint:
			`Nothing was sent. Top up your ${label} account, or run fewer rows or cheaper settings (the most expensive: ` +
			`${describeSettings(top.kind, top.settings)}, ${formatUsd(top.estimate.usd)} per image).`,
	};
}
