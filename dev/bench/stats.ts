/** Small statistics helpers for the bench figures. */

export function median(values: number[]): number {
	return percentile(values, 50);
}

/** Nearest-rank percentile (p in 0..100); NaN for an empty list. */
export function percentile(values: number[], p: number): number {
	if (values.length === 0) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const rank = Math.ceil((p / 100) * sorted.length);
	return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export const min = (values: number[]): number => (values.length === 0 ? NaN : Math.min(...values));
export const max = (values: number[]): number => (values.length === 0 ? NaN : Math.max(...values));
export const mean = (values: number[]): number => (values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length);
