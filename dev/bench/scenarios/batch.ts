/** Scenario 1 (and the data for 2 and 5): a 50-item batch of 3 s tasks, at concurrency 10 and at 1. */
import type { Emulator } from '../../emulator';
import { startEmulator } from '../../emulator';
import type { Figure } from '../figures';
import { figure, seconds, times } from '../figures';
import type { PredictionTrace } from '../polls';
import { tracePredictions } from '../polls';
import { runTimed } from '../run';
import { EDIT_NODE, editBatch } from '../workflows';

export const BATCH_ITEMS = 50;
export const TASK_MS = 3000;
export const PARALLEL = 10;
export const POLL_INTERVAL_MS = 2000;
/** ceil(50/10) waves of one task latency each: what a perfect client could not beat. */
export const IDEAL_MS = Math.ceil(BATCH_ITEMS / PARALLEL) * TASK_MS;

export interface BatchRun {
	concurrency: number;
	wallMs: number;
	/** The Edit node's own execution time from n8n's run data (the run minus trigger, rows and file reads). */
	editNodeMs: number;
	traces: PredictionTrace[];
	uploads: number;
}

/**
 * One batch at the default poll interval, 1K outputs. Without an emulator it gets its own; with one (a warm run after
 * a cold one) it runs against the same Base URL, so what the node learned there applies, as in a long-running n8n.
 */
export async function runBatch(concurrency: number, quality: 'low' | 'medium' | 'high', shared?: Emulator): Promise<BatchRun> {
	const emulator = shared ?? (await startEmulator({ latencyMs: TASK_MS }));
	emulator.reset();
	try {
		const run = await runTimed(emulator, editBatch({ items: BATCH_ITEMS, concurrency, quality }), BATCH_ITEMS);
		const editNodeMs = run.result.run.data.resultData.runData[EDIT_NODE]?.[0]?.executionTime ?? NaN;
		return { concurrency, wallMs: run.wallMs, editNodeMs, traces: tracePredictions(emulator, POLL_INTERVAL_MS), uploads: emulator.uploads.length };
	} finally {
		if (!shared) await emulator.close();
	}
}

const NAME = `batch ${BATCH_ITEMS} items, 3 s, conc ${PARALLEL}`;

export function batchFigures(parallel: BatchRun, cold: BatchRun | Error, sequential: BatchRun | Error): Figure[] {
	const figures = [
		figure(`${NAME}, warm`, `wall time / ideal (${IDEAL_MS / 1000} s)`, parallel.wallMs / IDEAL_MS, 'ratio', times(parallel.wallMs / IDEAL_MS), {
			text: '<= 1.10x',
			check: { atMost: 1.1 },
		}),
		figure(`${NAME}, warm`, 'wall time (of it: Edit node)', parallel.wallMs, 'ms', `${seconds(parallel.wallMs, 1)} (${seconds(parallel.editNodeMs, 1)})`),
		excessFigure(`${NAME}, warm`, parallel),
	];
	if (!(cold instanceof Error)) {
		figures.push(
			figure(`${NAME}, cold`, `wall time / ideal (${IDEAL_MS / 1000} s)`, cold.wallMs / IDEAL_MS, 'ratio', times(cold.wallMs / IDEAL_MS)),
			excessFigure(`${NAME}, cold`, cold),
		);
	}
	if (sequential instanceof Error) {
		figures.push({ ...figure(`batch ${BATCH_ITEMS} items, 3 s, conc 1`, 'sequential run failed', NaN, '', sequential.message.slice(0, 40)), pass: false, target: 'runs' });
		return figures;
	}
	const sequentialName = `batch ${BATCH_ITEMS} items, 3 s, conc 1 *`;
	figures.push(
		figure(sequentialName, 'wall time (sequential)', sequential.wallMs, 'ms', seconds(sequential.wallMs, 1)),
		figure(sequentialName, 'speed-up of conc 10', sequential.wallMs / parallel.wallMs, 'ratio', times(sequential.wallMs / parallel.wallMs, 1)),
	);
	return figures;
}

/**
 * Where the time above the ideal went: the first wave has no duration estimate, so its items are seen on the
 * plain poll grid (2 s, 4 s, ...) up to one interval late; the rest is n8n's file reads, the upload, and each
 * later wave's aimed look (estimate + margin) and hand-over to the next item.
 */
function excessFigure(name: string, parallel: BatchRun): Figure {
	const blind = parallel.traces.filter((t) => !t.hadEstimate).map((t) => t.lagMs);
	const firstWave = blind.length ? Math.max(...blind) : 0;
	const rest = parallel.wallMs - IDEAL_MS - firstWave;
	return figure(name, 'over ideal: 1st wave (blind) + rest', parallel.wallMs - IDEAL_MS, 'ms', `${seconds(firstWave)} + ${seconds(rest)}`);
}

/** Scenario 5, measured in the concurrency-10 batch: 50 items that all carry the same photo. */
export function uploadFigures(parallel: BatchRun): Figure[] {
	return [
		figure(`upload reuse (batch conc ${PARALLEL})`, `uploads for ${BATCH_ITEMS} items, 1 image`, parallel.uploads, 'uploads', String(parallel.uploads), {
			text: '1',
			check: { equals: 1 },
		}),
	];
}
