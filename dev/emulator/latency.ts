/** How long each task works: the configured latency, or a draw from a seeded lognormal around it. */
import { seededRandom } from './random';

/** Task times of real image models spread out: a floor (the least work any task needs) plus a lognormal part. */
export interface LatencySpread {
	/** Standard deviation of the log of the part above the floor (0.6: most tasks within about 0.3x-3x of it). */
	sigma: number;
	/** No task is faster than this (ms); the median (latencyMs) includes it. Default 0. */
	floorMs?: number;
	/** Draws are capped here (ms); default none. */
	maxMs?: number;
	/** Same seed, same draw for the n-th task of a run. */
	seed: number;
}

/** A standard normal value from two uniforms (Box-Muller). */
function normal(random: () => number): number {
	const u = 1 - random(); // (0, 1]: log stays finite
	return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/**
 * The latency of the index-th task (0-based, in creation order): floor + (median - floor) * exp(sigma * z).
 * Deterministic per (seed, index), so a run can be replayed and its ideal computed from the same numbers.
 */
export function taskLatencyMs(medianMs: number, spread: LatencySpread | null, index: number): number {
	if (!spread) return medianMs;
	const floor = Math.min(spread.floorMs ?? 0, medianMs);
	const random = seededRandom((spread.seed * 0x9e3779b1 + index * 0x85ebca6b) >>> 0);
	const drawn = floor + (medianMs - floor) * Math.exp(spread.sigma * normal(random));
	return Math.round(Math.min(drawn, spread.maxMs ?? Infinity));
}
