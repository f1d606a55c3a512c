/** Scenario 2: how soon after a task finishes the node sees it, and how often it asks. */
import { startEmulator } from '../../emulator';
import type { Figure } from '../figures';
import { figure, seconds } from '../figures';
import type { PredictionTrace } from '../polls';
import { pollRateTarget, tracePredictions } from '../polls';
import { runTimed } from '../run';
import { max, mean, median, min, percentile } from '../stats';
import { editBatch } from '../workflows';

/** The node's default Poll Interval: the spacing the figures are held to. */
export const POLL_INTERVAL_MS = 2000;

/** A batch of long tasks on its own emulator; the figures come from what the emulator recorded. */
export async function runLongTasks(taskMs: number, items: number, concurrency: number): Promise<PredictionTrace[]> {
	const emulator = await startEmulator({ latencyMs: taskMs });
	try {
		// A kind of its own (high quality), so what the 3 s batches taught does not aim these looks.
		await runTimed(emulator, editBatch({ items, concurrency, quality: 'high' }), items);
		return tracePredictions(emulator, POLL_INTERVAL_MS);
	} finally {
		await emulator.close();
	}
}

/** plainMinGapMs: the shortest gap the plain poller of the same interval showed in the same run, printed beside the node's. */
export function detectionFigures(name: string, traces: PredictionTrace[], plainMinGapMs?: number): Figure[] {
	const lags = traces.map((t) => t.lagMs);
	const polls = traces.map((t) => t.polls.length);
	const spacing = min(traces.map((t) => t.minSpacingMs));
	const estimated = traces.filter((t) => t.hadEstimate).length;
	const late = (subset: PredictionTrace[]) => (subset.length ? seconds(median(subset.map((t) => t.lagMs))) : '-');
	return [
		figure(name, 'detection lag, median', median(lags), 'ms', seconds(median(lags)), { text: '<= 1.00 s', check: { atMost: 1000 } }),
		figure(name, 'detection lag, p95', percentile(lags, 95), 'ms', seconds(percentile(lags, 95))),
		figure(name, 'min spacing of polls', spacing, 'ms', `${Number.isFinite(spacing) ? seconds(spacing, 3) : 'one poll each'}${plainMinGapMs === undefined ? '' : ` (plain ${seconds(plainMinGapMs, 3)})`}`),
		figure(name, 'polls per prediction, mean/max', mean(polls), 'polls', `${mean(polls).toFixed(1)} / ${max(polls)}`),
		figure(name, 'max polls/s of a prediction', max(traces.map((t) => t.pollsPerSecond)), 'polls/s', max(traces.map((t) => t.pollsPerSecond)).toFixed(2), pollRateTarget(POLL_INTERVAL_MS)),
		figure(
			name,
			'items with estimate (lag median)',
			estimated,
			'items',
			`${estimated}/${traces.length} (${late(traces.filter((t) => t.hadEstimate))} vs ${late(traces.filter((t) => !t.hadEstimate))})`,
		),
	];
}
