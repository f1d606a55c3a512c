/**
 * What any poller bound by the Poll Interval can reach on given task times: a poller with no overhead at all that
 * looks at each task on a grid of interval steps, tried at every phase of that grid. A target below this bound is
 * one no poller that keeps two looks at one prediction an interval apart can meet on these task times.
 */
import { median } from './stats';

/**
 * Rows start in order on the first free lane the moment it frees; a row holds its lane for took(duration) ms.
 * Returns when the last lane frees (with took = identity: the perfect scheduler's wall time).
 */
export function packLanes(durations: number[], lanes: number, took: (durationMs: number) => number): number {
	const free = new Array<number>(Math.max(1, Math.min(lanes, durations.length))).fill(0);
	for (const duration of durations) {
		const lane = free.indexOf(Math.min(...free));
		free[lane] += took(duration);
	}
	return Math.max(...free);
}

/** When a task that works durationMs is seen by looks at phaseMs, phaseMs + interval, ... after its submit. */
export function seenAtMs(durationMs: number, phaseMs: number, intervalMs: number): number {
	return phaseMs + Math.max(0, Math.ceil((durationMs - phaseMs) / intervalMs)) * intervalMs;
}

export interface GridBound {
	/** Lowest and highest wall time / ideal over the phases. */
	wallRatio: { best: number; worst: number };
	/** Lowest and highest lag median (ms) over the phases. */
	lagMedianMs: { best: number; worst: number };
}

/** The zero-overhead grid poller at `phases` evenly spaced phases in (0, interval]. */
export function gridBound(durations: number[], lanes: number, intervalMs: number, phases = 20): GridBound {
	const idealMs = packLanes(durations, lanes, (d) => d);
	const walls: number[] = [];
	const lagMedians: number[] = [];
	for (let step = 1; step <= phases; step++) {
		const phaseMs = (step * intervalMs) / phases;
		walls.push(packLanes(durations, lanes, (d) => seenAtMs(d, phaseMs, intervalMs)) / idealMs);
		lagMedians.push(median(durations.map((d) => seenAtMs(d, phaseMs, intervalMs) - d)));
	}
	return { wallRatio: { best: Math.min(...walls), worst: Math.max(...walls) }, lagMedianMs: { best: Math.min(...lagMedians), worst: Math.max(...lagMedians) } };
}
