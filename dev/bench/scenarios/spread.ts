/**
 * Waiting on realistic task times: this node against a plain 2 s poller and a 1 s poller (dev/bench/referencePoller),
 * each on its own emulator with the same seeded task times, all in the same run.
 * - lognormal: 100 rows, median 12 s (about 6 to 40 s), Max Concurrent Requests 10 and 20, Poll Interval 2 s and 1 s;
 * - cap: a server that runs 2 tasks at once (the rest wait in `created`), 40 rows at Max Concurrent Requests 2, 10, 100;
 * - constant: today's 3 s and 30 s tasks, baselines beside the node's own figures.
 */
import type { LatencySpread } from '../../emulator';
import { startEmulator, taskLatencyMs } from '../../emulator';
import { runWorkflow } from '../../harness';
import type { Figure } from '../figures';
import { figure, seconds, times } from '../figures';
import { gridBound, packLanes, seenAtMs } from '../gridBound';
import type { PredictionTrace } from '../polls';
import { pollRateTarget, tracePredictions } from '../polls';
import { runPoller } from '../referencePoller';
import { max, mean, median, min, percentile } from '../stats';
import { EDIT_NODE, editBatch } from '../workflows';

/** Median 12 s with a 4.36 s floor and sigma 0.626: over 100 rows, about 6 to 40 s (as measured on the real service). */
export const LOGNORMAL: { medianMs: number; spread: LatencySpread } = { medianMs: 12_000, spread: { sigma: 0.626, floorMs: 4360, seed: 20261121 } };

export type ContenderName = 'node' | 'plain 2 s' | 'plain 1 s';

export interface Setup {
	items: number;
	concurrency: number;
	/** Server-side concurrency (Infinity: none). */
	serverCap: number;
	medianMs: number;
	spread: LatencySpread | null;
}

export interface ContenderRun {
	contender: ContenderName;
	intervalMs: number;
	wallMs: number;
	idealMs: number;
	traces: PredictionTrace[];
	timeouts: number;
	/** Node only: the whole workflow's wall time (wallMs is the Edit node's own). */
	workflowWallMs?: number;
	/** Largest queuedMs the node reported (node only). */
	queuedMsMax?: number;
}

/** Perfect scheduler: rows start in order on the first free lane the moment it frees, zero detection lag. */
export function idealMs(durations: number[], lanes: number): number {
	return packLanes(durations, lanes, (duration) => duration);
}

/** The seeded task times of a setup, in creation order. */
export function setupDurations(setup: Setup): number[] {
	return Array.from({ length: setup.items }, (_, index) => taskLatencyMs(setup.medianMs, setup.spread, index));
}

export function setupIdealMs(setup: Setup): number {
	return idealMs(setupDurations(setup), Math.min(setup.concurrency, setup.serverCap));
}

async function emulatorFor(setup: Setup) {
	return await startEmulator({ latencyMs: setup.medianMs, latencySpread: setup.spread, concurrency: setup.serverCap });
}

/** This node through n8n; rows that fail (a timeout) become error items and are counted. */
export async function runNode(setup: Setup, intervalMs: number): Promise<ContenderRun> {
	const emulator = await emulatorFor(setup);
	try {
		const started = Date.now();
		const workflow = editBatch({ items: setup.items, concurrency: setup.concurrency, pollInterval: intervalMs / 1000, continueOnFail: true });
		const result = await runWorkflow(workflow, { binaryMode: 'default', credentials: { waveSpeedApi: { apiKey: emulator.apiKey, baseUrl: emulator.baseUrl } } }).promise;
		const wallMs = Date.now() - started;
		if (result.status !== 'success') throw new Error(`run ${result.status}: ${result.error?.message ?? ''}`);
		// The node's own time: the workflow's trigger, rows and file reads before it are n8n's, not the node's.
		const editNodeMs = result.run.data.resultData.runData[EDIT_NODE]?.[0]?.executionTime ?? wallMs;
		const items = result.output(EDIT_NODE);
		const failed = items.filter((item) => item.json.error !== undefined);
		const queued = items.map((item) => item.json.queuedMs).filter((v): v is number => typeof v === 'number');
		return {
			contender: 'node',
			intervalMs,
			wallMs: editNodeMs,
			workflowWallMs: wallMs,
			idealMs: setupIdealMs(setup),
			traces: tracePredictions(emulator, intervalMs, true),
			timeouts: failed.length,
			queuedMsMax: queued.length ? Math.max(...queued) : undefined,
		};
	} finally {
		await emulator.close();
	}
}

export async function runBaseline(setup: Setup, intervalMs: number): Promise<ContenderRun> {
	const emulator = await emulatorFor(setup);
	try {
		const run = await runPoller(emulator, { items: setup.items, concurrency: setup.concurrency, intervalMs });
		return {
			contender: intervalMs === 1000 ? 'plain 1 s' : 'plain 2 s',
			intervalMs,
			wallMs: run.wallMs,
			idealMs: setupIdealMs(setup),
			traces: tracePredictions(emulator, intervalMs, true),
			timeouts: run.timeouts,
		};
	} finally {
		await emulator.close();
	}
}

/** One row of the side-by-side table. */
export interface Row {
	scenario: string;
	contender: string;
	wallRatio: number;
	lagP50: number;
	lagP95: number;
	lagMax: number;
	pollsPerPrediction: number;
	minGapMs: number;
	maxPollsPerSecond: number;
	timeouts: number;
}

export function rowOf(scenario: string, run: ContenderRun): Row {
	const lags = run.traces.map((t) => t.lagMs);
	return {
		scenario,
		contender: run.contender === 'node' ? `node, Poll Interval ${run.intervalMs / 1000} s` : run.contender,
		wallRatio: run.wallMs / run.idealMs,
		lagP50: median(lags),
		lagP95: percentile(lags, 95),
		lagMax: max(lags),
		pollsPerPrediction: mean(run.traces.map((t) => t.polls.length)),
		minGapMs: min(run.traces.map((t) => t.minSpacingMs)),
		maxPollsPerSecond: max(run.traces.map((t) => t.pollsPerSecond)),
		timeouts: run.timeouts,
	};
}

export function formatRows(rows: Row[]): string {
	const header = ['scenario', 'poller', 'wall/ideal', 'lag p50', 'lag p95', 'lag max', 'polls/pred', 'min gap', 'timeouts'];
	const widths = [34, 26, 10, 8, 8, 8, 10, 8, 8];
	const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join(' ').trimEnd();
	const gap = (ms: number) => (Number.isFinite(ms) ? seconds(ms) : '-');
	return [
		line(header),
		...rows.map((r, i) =>
			line([
				i > 0 && rows[i - 1].scenario === r.scenario ? '' : r.scenario,
				r.contender,
				times(r.wallRatio),
				seconds(r.lagP50),
				seconds(r.lagP95),
				seconds(r.lagMax),
				r.pollsPerPrediction.toFixed(1),
				gap(r.minGapMs),
				String(r.timeouts),
			]),
		),
	].join('\n');
}

/** A markdown version of the same table, for README. */
export function markdownRows(rows: Row[]): string {
	const gap = (ms: number) => (Number.isFinite(ms) ? seconds(ms) : '-');
	return [
		'| scenario | poller | wall / ideal | lag p50 | lag p95 | lag max | polls / prediction | min gap | timeouts |',
		'|---|---|---|---|---|---|---|---|---|',
		...rows.map(
			(r) =>
				`| ${r.scenario} | ${r.contender} | ${times(r.wallRatio)} | ${seconds(r.lagP50)} | ${seconds(r.lagP95)} | ${seconds(r.lagMax)} | ${r.pollsPerPrediction.toFixed(1)} | ${gap(r.minGapMs)} | ${r.timeouts} |`,
		),
	].join('\n');
}

const failedRun = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));
const settled = <T>(promise: Promise<T>): Promise<T | Error> => promise.catch(failedRun);

export interface Comparison {
	scenario: string;
	setup: Setup;
	node: Array<ContenderRun | Error>;
	baselines: Array<ContenderRun | Error>;
}

/** The node at each interval and both baselines, all at once, each on its own emulator with the same task times. */
export async function compare(scenario: string, setup: Setup, nodeIntervalsMs: number[]): Promise<Comparison> {
	const [node, baselines] = await Promise.all([
		Promise.all(nodeIntervalsMs.map((interval) => settled(runNode(setup, interval)))),
		Promise.all([2000, 1000].map((interval) => settled(runBaseline(setup, interval)))),
	]);
	return { scenario, setup, node, baselines };
}

export function comparisonRows(comparison: Comparison): Row[] {
	return [...comparison.node, ...comparison.baselines].filter((r): r is ContenderRun => !(r instanceof Error)).map((r) => rowOf(comparison.scenario, r));
}

const runFailed = (scenario: string, what: string, error: Error): Figure => ({
	...figure(scenario, `${what} run failed`, NaN, '', error.message.slice(0, 60)),
	target: 'runs',
	pass: false,
});

const percent = (fraction: number): string => `${fraction >= 0 ? '+' : ''}${(fraction * 100).toFixed(2)}%`;

/** A paired row may be this much later than the plain poller's, median over rows: a few ms of n8n per look. */
export const PAIRED_LAG_MARGIN_MS = 10;
/** Wall time may exceed the plain poller's of the same interval and concurrency by this fraction. */
export const WALL_MARGIN = 0.005;

/**
 * Row by row (the n-th task created has the same drawn time under every poller): how much later the node saw each
 * task than the plain poller did. Its median says which one is ahead on a typical row; p5 and p95 show the noise.
 */
function pairedLagFigure(scenario: string, vs: string, node: ContenderRun, baseline: ContenderRun): Figure {
	const inOrder = (run: ContenderRun) => [...run.traces].sort((a, b) => a.task.createdAt - b.task.createdAt);
	const theirs = inOrder(baseline);
	const differences = inOrder(node)
		.slice(0, theirs.length)
		.map((trace, index) => trace.lagMs - theirs[index].lagMs);
	const shown = `${seconds(median(differences), 3)} (p5 ${seconds(percentile(differences, 5), 3)}, p95 ${seconds(percentile(differences, 95), 3)})`;
	return figure(scenario, `per row: node lag - ${vs} lag, median`, median(differences), 'ms', shown, {
		text: `<= +${seconds(PAIRED_LAG_MARGIN_MS, 3)}`,
		check: { atMost: PAIRED_LAG_MARGIN_MS },
	});
}

/**
 * What a zero-overhead poller at this interval reaches on the same task times, over every phase of its grid; the
 * node is held to the top of that range. Wall time also carries each row's submit, download and bookkeeping, which
 * no grid has: the plain poller of the same run measures that share (its wall against the same grid at its own
 * phase, looks at t0 + k x interval), and the wall target is the top of the bound times that share.
 */
function boundFigures(scenario: string, setup: Setup, node: ContenderRun, baseline: ContenderRun | undefined): Figure[] {
	const durations = setupDurations(setup);
	const lanes = Math.min(setup.concurrency, setup.serverCap);
	const bound = gridBound(durations, lanes, node.intervalMs);
	const mine = rowOf(scenario, node);
	const what = `bound: any ${seconds(node.intervalMs, 0)} poller, no overhead`;
	const gridOfPlain = packLanes(durations, lanes, (d) => seenAtMs(d, node.intervalMs, node.intervalMs));
	const overhead = baseline ? baseline.wallMs / gridOfPlain : 1;
	const wallTarget = bound.wallRatio.worst * overhead;
	return [
		figure(scenario, `${what}, wall / ideal`, bound.wallRatio.best, 'ratio', `${times(bound.wallRatio.best, 3)} - ${times(bound.wallRatio.worst, 3)}`),
		figure(scenario, `${what}, lag median`, bound.lagMedianMs.best, 'ms', `${seconds(bound.lagMedianMs.best, 3)} - ${seconds(bound.lagMedianMs.worst, 3)}`),
		figure(scenario, 'row overhead: plain poller wall / its grid', overhead, 'ratio', percent(overhead - 1)),
		figure(scenario, `wall time / ideal (${seconds(node.idealMs, 1)})`, mine.wallRatio, 'ratio', times(mine.wallRatio, 3), {
			text: `<= ${times(wallTarget, 3)}`,
			check: { atMost: wallTarget },
		}),
		figure(scenario, 'lag median', mine.lagP50, 'ms', seconds(mine.lagP50, 3), { text: `<= ${seconds(bound.lagMedianMs.worst, 3)}`, check: { atMost: bound.lagMedianMs.worst } }),
	];
}

/** Rows seen more than one interval after they finished (a task faster than the first look): how many, how late. */
function lateRowsFigure(scenario: string, run: ContenderRun): Figure {
	const late = run.traces.filter((t) => t.lagMs > run.intervalMs).map((t) => t.lagMs);
	return figure(scenario, 'rows seen > 1 interval late, latest', late.length, 'rows', late.length ? `${late.length} (latest ${seconds(max(late), 3)})` : '0');
}

/** The targets on lognormal: against the plain poller of the same interval, and against the bound. */
export function lognormalFigures(comparison: Comparison): Figure[] {
	const figures: Figure[] = [];
	const name = comparison.scenario;
	for (const error of [...comparison.node, ...comparison.baselines].filter((r): r is Error => r instanceof Error)) figures.push(runFailed(name, 'a', error));
	for (const node of comparison.node) {
		if (node instanceof Error) continue;
		const baseline = comparison.baselines.find((b): b is ContenderRun => !(b instanceof Error) && b.intervalMs === node.intervalMs);
		const mine = rowOf(name, node);
		const at = `${node.intervalMs / 1000} s`;
		const scenario = `${name}, Poll Interval ${at}`;
		if (baseline) {
			const theirs = rowOf(name, baseline);
			const vs = `plain ${at} poller`;
			const wall = node.wallMs / baseline.wallMs - 1;
			const saved = 1 - mine.pollsPerPrediction / theirs.pollsPerPrediction;
			figures.push(
				// Three decimals: the two sides usually differ by milliseconds, which two decimals would hide.
				figure(scenario, `wall time vs ${vs}`, wall, 'fraction', `${percent(wall)} (${times(mine.wallRatio, 3)} vs ${times(theirs.wallRatio, 3)})`, {
					text: `<= ${percent(WALL_MARGIN)}`,
					check: { atMost: WALL_MARGIN },
				}),
				pairedLagFigure(scenario, vs, node, baseline),
				figure(scenario, `lag median, p95 vs ${vs}`, mine.lagP50, 'ms', `${seconds(mine.lagP50, 3)}, ${seconds(mine.lagP95, 3)} vs ${seconds(theirs.lagP50, 3)}, ${seconds(theirs.lagP95, 3)}`),
				figure(scenario, `status calls vs ${vs}`, saved, 'fraction', `${mine.pollsPerPrediction.toFixed(2)} vs ${theirs.pollsPerPrediction.toFixed(2)} a task (${(saved * 100).toFixed(1)}% fewer)`, {
					text: 'fewer',
					check: { atLeast: 1e-9 },
				}),
			);
		}
		figures.push(...boundFigures(scenario, comparison.setup, node, baseline));
		if (node.intervalMs >= 2000) figures.push(figure(scenario, 'lag p95', mine.lagP95, 'ms', seconds(mine.lagP95), { text: '<= 2.00 s', check: { atMost: 2000 } }));
		figures.push(lateRowsFigure(scenario, node));
		const plainGap = baseline ? ` (plain ${seconds(rowOf(name, baseline).minGapMs, 3)})` : '';
		figures.push(
			figure(scenario, 'min gap between looks', mine.minGapMs, 'ms', `${seconds(mine.minGapMs, 3)}${plainGap}`),
			figure(scenario, 'max polls/s of a prediction', mine.maxPollsPerSecond, 'polls/s', mine.maxPollsPerSecond.toFixed(2), pollRateTarget(node.intervalMs)),
		);
	}
	return figures;
}

/** With the server cap: zero timeouts and wall within 1.10x of the ideal at the server's concurrency. */
export function capFigures(comparison: Comparison): Figure[] {
	const figures: Figure[] = [];
	const name = comparison.scenario;
	for (const run of comparison.node) {
		if (run instanceof Error) {
			figures.push(runFailed(name, 'node', run));
			continue;
		}
		const row = rowOf(name, run);
		figures.push(
			figure(name, 'timeouts', run.timeouts, 'rows', String(run.timeouts), { text: '0', check: { equals: 0 } }),
			figure(name, `wall time / ideal (${seconds(run.idealMs, 1)})`, row.wallRatio, 'ratio', times(row.wallRatio), { text: '<= 1.10x', check: { atMost: 1.1 } }),
			figure(name, 'longest queuedMs reported', run.queuedMsMax ?? NaN, 'ms', run.queuedMsMax === undefined ? '-' : seconds(run.queuedMsMax, 1)),
		);
	}
	for (const error of comparison.baselines.filter((r): r is Error => r instanceof Error)) figures.push(runFailed(name, 'baseline', error));
	return figures;
}
