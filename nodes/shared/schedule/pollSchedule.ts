/**
 * Where the looks at one prediction go. Pure decisions from what was learned about the work times of its
 * timing group (provider, base URL, node kind, quality, resolution) and from what the answers said (queued or working).
 *
 * The shape: while the task waits in the server's queue, look every interval (less often deep in the queue);
 * once it works, the first look comes at the low end of the learned spread and the next ones every Poll Interval:
 * a narrow spread gets a grid placed so that one look lands just after its high end, a wide one the plain grid
 * from the start of work; past the spread the gaps widen.
 * Two looks at one prediction are never sent closer than the interval; each aims at its planned time, so a slow
 * answer does not push the looks after it, and a look that went late delays the next only as far as the interval asks.
 */
import { BoundedMap } from '../core/boundedMap';
import type { NodeKind } from '../core/kinds';

/** What a task's duration depends on; a second provider or another gateway never mixes with the first. */
export interface TimingGroup {
	provider: string;
	baseUrl: string;
	nodeKind: NodeKind;
	quality: string;
	resolution: string;
}

export function groupKey(group: TimingGroup): string {
	return JSON.stringify([group.provider, group.baseUrl, group.nodeKind, group.quality, group.resolution]);
}

/** Enough recent samples to see a 1% tail; old ones age out so a changed service is relearned. */
export const SAMPLES_KEPT = 200;

/** Work times (ms, from the server's own inference time where it reports one) of one timing group, newest last. */
export class WorkTimes {
	private readonly values: number[] = [];

	record(workMs: number | undefined): void {
		if (workMs === undefined || !Number.isFinite(workMs) || workMs < 0) return;
		this.values.push(workMs);
		if (this.values.length > SAMPLES_KEPT) this.values.shift();
	}

	samples(): readonly number[] {
		return this.values;
	}
}

/** n8n is long-running: keep learning across executions, for a bounded number of groups. */
const GROUPS_REMEMBERED = 64;
const workTimesByGroup = new BoundedMap<string, WorkTimes>(GROUPS_REMEMBERED);

export function workTimesFor(group: TimingGroup): WorkTimes {
	const key = groupKey(group);
	let times = workTimesByGroup.get(key);
	if (!times) {
		times = new WorkTimes();
		workTimesByGroup.set(key, times);
	}
	return times;
}

/** Linear-interpolated quantile (q in 0..1) of ascending values; NaN when empty. */
export function quantile(sorted: readonly number[], q: number): number {
	if (sorted.length === 0) return NaN;
	const position = Math.min(1, Math.max(0, q)) * (sorted.length - 1);
	const below = Math.floor(position);
	const above = Math.min(sorted.length - 1, below + 1);
	return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

/** The likely range of work times: most tasks of the group finish between lowMs and highMs after they start. */
export interface Spread {
	lowMs: number;
	highMs: number;
	count: number;
}

export const LOW_QUANTILE = 0.01;
export const HIGH_QUANTILE = 0.975;
/** Few samples understate how early a task can finish: the low end is widened by exp(-LOW_PAD / sqrt(n)). */
export const LOW_PAD = 0.5;

export function learnedSpread(samples: readonly number[]): Spread | undefined {
	if (samples.length === 0) return undefined;
	const sorted = [...samples].sort((a, b) => a - b);
	const low = quantile(sorted, LOW_QUANTILE) * Math.exp(-LOW_PAD / Math.sqrt(sorted.length));
	return { lowMs: Math.round(low), highMs: Math.round(quantile(sorted, HIGH_QUANTILE)), count: sorted.length };
}

/** Lands a look just after the expected finish despite timer and clock slack; none for instant tasks. */
export function finishMarginMs(highMs: number): number {
	return Math.round(Math.min(150, highMs * 0.05));
}

/** Up to this many intervals wide, the grid is shifted so that its last look lands just after the high end. */
export const NARROW_STEPS = 2;

/**
 * When the first look goes, counted from the moment work started.
 * Blind (nothing learned): one interval, the plain grid. A wide spread: on that same plain grid, at its first step
 * at or above the low end; no grid can be aimed at a wide spread, and a task finishes at a random point between two
 * looks whatever their phase, so the looks are exactly a plain poller's minus the early ones that find nothing.
 * A narrow spread (a few intervals at most): on the grid of interval steps whose last step is just after the high
 * end, at its first step at or above the low end; all within one interval: a single look.
 */
export function firstLookAfterStartMs(spread: Spread | undefined, pollIntervalMs: number): number {
	if (!spread) return pollIntervalMs;
	const top = spread.highMs + finishMarginMs(spread.highMs);
	const steps = Math.floor(Math.max(0, top - spread.lowMs) / pollIntervalMs);
	if (steps > NARROW_STEPS) return Math.max(1, Math.ceil(spread.lowMs / pollIntervalMs)) * pollIntervalMs;
	return Math.max(0, top - steps * pollIntervalMs);
}

/** The minimum spacing for long tasks: the interval for a minute, then wider (capped at 20 s, never below the interval). */
export function longTaskGapMs(elapsedMs: number, pollIntervalMs: number): number {
	if (elapsedMs < 60_000) return pollIntervalMs;
	const factor = elapsedMs < 180_000 ? 1.5 : 2.5;
	return Math.max(pollIntervalMs, Math.min(pollIntervalMs * factor, 20_000));
}

/** Widening needs this many samples: a spread learned from a few tasks understates the tail. */
export const WIDEN_AFTER_SAMPLES = 50;

/**
 * Past twice the high end (and ten intervals beyond it) a finish is unlikely at any given moment: looks come half
 * as often there. Task times have long tails, so this stays far out: closer in, wider gaps would cost lag.
 */
export function unlikelyAfterMs(spread: Spread, pollIntervalMs: number): number {
	return Math.max(spread.highMs * 2, spread.highMs + 10 * pollIntervalMs);
}

/** How long after one look the next may come, given how long the task has been working (its queue time aside). */
export function gapMs(input: { workedMs: number; pollIntervalMs: number; spread?: Spread }): number {
	const base = longTaskGapMs(input.workedMs, input.pollIntervalMs);
	const spread = input.spread;
	if (!spread || spread.count < WIDEN_AFTER_SAMPLES || input.workedMs <= unlikelyAfterMs(spread, input.pollIntervalMs)) return base;
	return Math.max(base, Math.min(2 * input.pollIntervalMs, 20_000));
}

/** Where a queued task stands: tasks of this run queued before it, and how many the server runs at once. */
export interface QueuePosition {
	ahead: number;
	serverSlots: number;
}

/**
 * While a task waits in the queue, the earliest it can start is after the tasks ahead of it have each taken at
 * least the low end of the spread: no need to look before then. Near the head of the queue: every interval.
 */
export function queuedGapMs(pollIntervalMs: number, spread: Spread | undefined, position: QueuePosition | undefined): number {
	if (!spread || !position || position.serverSlots < 1) return pollIntervalMs;
	const waves = Math.floor(position.ahead / position.serverSlots);
	return Math.max(pollIntervalMs, Math.min(60_000, waves * spread.lowMs));
}

/** Everything the next look depends on; times in ms since submit. */
export interface LookState {
	elapsedMs: number;
	/** When the previous look's request was sent (undefined before the first look). */
	lastLookMs?: number;
	/** When the previous look was planned: a look that went late does not move the plan of the ones after it. */
	lastPlannedMs?: number;
	/** The last moment the task was known to be queued (the submit answer counts: 0). Work started after it. */
	queuedUntilMs: number;
	/** The previous look found it still queued (status `created`). */
	queued: boolean;
	pollIntervalMs: number;
	spread?: Spread;
	position?: QueuePosition;
}

/** When (ms since submit) the next look is planned: one gap after the previous look's plan, not after its send. */
export function plannedLookAtMs(state: LookState): number {
	const workedMs = Math.max(0, state.elapsedMs - state.queuedUntilMs);
	if (state.lastLookMs === undefined) {
		// The submit answer says 'created' even on an idle server: assume work started then.
		return state.queuedUntilMs + firstLookAfterStartMs(state.spread, state.pollIntervalMs);
	}
	const previous = state.lastPlannedMs ?? state.lastLookMs;
	// A long queue of unknown depth is looked at less often, like a long task.
	if (state.queued) return previous + Math.max(longTaskGapMs(state.elapsedMs, state.pollIntervalMs), queuedGapMs(state.pollIntervalMs, state.spread, state.position));
	const next = previous + gapMs({ workedMs, pollIntervalMs: state.pollIntervalMs, spread: state.spread });
	return Math.max(next, state.queuedUntilMs + firstLookAfterStartMs(state.spread, state.pollIntervalMs));
}

/** When (ms since submit) to look next: as planned, or later by the shortfall when that is closer than the interval to the previous look. */
export function nextLookAtMs(state: LookState): number {
	const planned = plannedLookAtMs(state);
	return state.lastLookMs === undefined ? planned : Math.max(planned, state.lastLookMs + state.pollIntervalMs);
}

/** The wait before the next look, from now. */
export function nextLookDelayMs(state: LookState): number {
	return Math.max(0, Math.round(nextLookAtMs(state) - state.elapsedMs));
}

/** What the looks at one prediction saw; times in ms since submit. */
export interface Sighting {
	/** The last look whose answer said `created` (queued). */
	lastQueuedMs?: number;
	/** The first look whose answer said it was working (any status but `created`, before the end). */
	firstWorkingMs?: number;
	/** The last look that found it unfinished. */
	lastMissMs?: number;
	/** The look that found it finished. */
	detectedMs: number;
	/** The server's own work time, when it reports one. */
	inferenceMs?: number | null;
}

const hasInference = (s: Sighting): s is Sighting & { inferenceMs: number } =>
	typeof s.inferenceMs === 'number' && Number.isFinite(s.inferenceMs) && s.inferenceMs >= 0;

/**
 * How long the task waited in the server's queue, at least: after the last look that saw it queued, and (from the
 * server's work time) after the last miss minus that work time. Never more than the time until it was seen working.
 */
export function queuedMsAtLeast(s: Sighting): number {
	const byStatus = s.lastQueuedMs ?? 0;
	const byWork = hasInference(s) && s.lastMissMs !== undefined ? s.lastMissMs - s.inferenceMs : 0;
	const ceiling = Math.min(s.firstWorkingMs ?? s.detectedMs, hasInference(s) ? s.detectedMs - s.inferenceMs : s.detectedMs);
	return Math.round(Math.max(0, Math.min(Math.max(byStatus, byWork), ceiling)));
}

/**
 * One work-time sample: the server's own inference time when it gives one (exact, excludes the queue); else the
 * time from the end of queueing to midway between the last miss and the detecting look.
 */
export function workTimeSample(s: Sighting): number {
	if (hasInference(s)) return s.inferenceMs;
	const finishedBy = s.lastMissMs === undefined ? s.detectedMs : (s.lastMissMs + s.detectedMs) / 2;
	return Math.max(0, Math.round(finishedBy - (s.lastQueuedMs ?? 0)));
}

/**
 * A row's Timeout counts its own work, not the time it sat in the server's queue behind other rows of this run
 * (the node caused that wait): the deadline moves by the time between two looks that both saw it queued while
 * others of this run were working.
 */
export function timeoutCreditMs(input: { queued: boolean; othersWorking: number; sinceLastLookMs: number }): number {
	return input.queued && input.othersWorking > 0 ? Math.max(0, input.sinceLastLookMs) : 0;
}
