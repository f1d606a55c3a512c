/**
 * `npm run bench [-- scenario ...]`: the design's performance targets, measured through the real n8n engine against the
 * emulator. Scenarios: batch, detection, pacing, lognormal, cap, overhead, images, memory (all when none is named).
 * Every target is a ratio or count inside one run, so a noisy machine shifts both sides of it.
 * Exit code 0 when every target passes, 1 otherwise.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { startEmulator } from '../emulator';
import type { Figure } from './figures';
import { failedScenario } from './figures';
import type { BenchMeta } from './report';
import { allPassed, formatTable, writeJson } from './report';
import { BATCH_ITEMS, batchFigures, IDEAL_MS, PARALLEL, runBatch, TASK_MS, uploadFigures } from './scenarios/batch';
import { detectionFigures, runLongTasks } from './scenarios/detection';
import { memoryFigures, runMemory } from './scenarios/memory';
import { overheadFigures, runOverhead } from './scenarios/overhead';
import { pacingFigures, runPacing } from './scenarios/pacing';
import { pacingStickyFigures, runPacingSticky, STICKY_IDEAL_MS } from './scenarios/pacingSticky';
import { REAL_IMAGES, realImagesFigures, runRealImages } from './scenarios/realImages';
import type { ContenderRun, Row, Setup } from './scenarios/spread';
import { capFigures, compare, comparisonRows, formatRows, LOGNORMAL, lognormalFigures, markdownRows, rowOf, runBaseline, setupIdealMs } from './scenarios/spread';
import { runTimed } from './run';
import { editBatch } from './workflows';

const REPO = path.resolve(__dirname, '..', '..');

/** Runs a scenario; a crash becomes a failing line instead of ending the bench. */
async function attempt(scenario: string, measure: () => Promise<Figure[]>): Promise<Figure[]> {
	try {
		return await measure();
	} catch (error) {
		return [failedScenario(scenario, error)];
	}
}

const settled = <T>(promise: Promise<T>): Promise<T | Error> => promise.catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));

/** Loads n8n, both node packages and the harness once, so the first timed scenario does not pay for it. */
async function warmUp(): Promise<void> {
	const emulator = await startEmulator({ latencyMs: 0 });
	try {
		await runTimed(emulator, editBatch({ items: 5, concurrency: 5, quality: 'high', resolution: '2k' }), 5);
	} finally {
		await emulator.close();
	}
}

const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');

const step = (text: string) => console.log(`  ${new Date().toISOString().slice(11, 19)} ${text}`);

/** Scenarios by name: `npm run bench -- lognormal cap` runs only those. */
const SCENARIOS = ['batch', 'detection', 'pacing', 'lognormal', 'cap', 'overhead', 'images', 'memory'] as const;
type ScenarioName = (typeof SCENARIOS)[number];

function selectedScenarios(argv: string[]): Set<ScenarioName> {
	const unknown = argv.filter((name) => !(SCENARIOS as readonly string[]).includes(name));
	if (unknown.length) throw new Error(`Unknown scenario ${unknown.join(', ')}; choose from: ${SCENARIOS.join(', ')}`);
	return new Set((argv.length ? argv : SCENARIOS) as ScenarioName[]);
}

/** What the scenarios produced: PASS/FAIL figures and rows of the side-by-side poller table. */
interface Results {
	figures: Figure[];
	rows: Row[];
	notes: string[];
}

const CONSTANT_3S: Setup = { items: BATCH_ITEMS, concurrency: PARALLEL, serverCap: Infinity, medianMs: TASK_MS, spread: null };
const CONSTANT_30S: Setup = { items: 20, concurrency: 10, serverCap: Infinity, medianMs: 30_000, spread: null };

/** The shortest gap between looks the plain poller showed, printed beside the node's (see pollRateTarget). */
const plainMinGap = (run: ContenderRun | Error): number | undefined => (run instanceof Error ? undefined : rowOf('', run).minGapMs);

/** Resolves once the background sequential batch is in (and its figures added). */
let sequentialDone: Promise<void> = Promise.resolve();

async function batchAndDetection(only: Set<ScenarioName>, results: Results): Promise<void> {
	if (only.has('batch')) {
		// The sequential batch waits ~150 s doing almost nothing: it runs alongside the other scenarios.
		step('sequential batch (conc 1) started in the background');
		const sequential = settled(runBatch(1, 'medium'));
		step('batch, conc 10, cold, with the plain 2 s and 1 s pollers beside it (the first batch of its kind: nothing learned yet)');
		// Cold and warm share one emulator: the same Base URL, hence the same kind of task for the node.
		const emulator = await startEmulator({ latencyMs: TASK_MS });
		const [cold, plain2, plain1] = await Promise.all([settled(runBatch(10, 'low', emulator)), settled(runBaseline(CONSTANT_3S, 2000)), settled(runBaseline(CONSTANT_3S, 1000))]);
		step('batch, conc 10, warm (same kind again on the same Base URL, as in a long-running n8n)');
		const parallel = await settled(runBatch(10, 'low', emulator));
		await emulator.close();
		results.figures.push(...(cold instanceof Error ? [failedScenario('detection 3 s', cold)] : detectionFigures('detection 3 s (the cold conc 10 batch)', cold.traces, plainMinGap(plain2))));
		const scenario = 'constant 3 s, 50 rows, conc 10';
		if (!(cold instanceof Error)) results.rows.push(rowOf(scenario, { contender: 'node', intervalMs: 2000, wallMs: cold.editNodeMs, idealMs: IDEAL_MS, traces: cold.traces, timeouts: 0 }));
		if (!(parallel instanceof Error)) results.rows.push({ ...rowOf(scenario, { contender: 'node', intervalMs: 2000, wallMs: parallel.editNodeMs, idealMs: IDEAL_MS, traces: parallel.traces, timeouts: 0 }), contender: 'node, 2 s, warm' });
		for (const run of [plain2, plain1]) if (!(run instanceof Error)) results.rows.push(rowOf(scenario, run));
		sequentialDone = sequential.then((sequentialRun) => {
			if (parallel instanceof Error) results.figures.unshift(failedScenario('batch 50 items, 3 s, conc 10', parallel));
			else results.figures.unshift(...batchFigures(parallel, cold, sequentialRun), ...uploadFigures(parallel));
		});
		results.notes.push('* the conc 1 batch ran alongside the other scenarios (own emulator, mostly idle waiting).');
	}
	if (only.has('detection')) {
		step('detection, 30 s tasks (20 items, conc 10), with the plain pollers beside it');
		const [node, plain2, plain1] = await Promise.all([settled(runLongTasks(30_000, 20, 10)), settled(runBaseline(CONSTANT_30S, 2000)), settled(runBaseline(CONSTANT_30S, 1000))]);
		results.figures.push(...(node instanceof Error ? [failedScenario('detection 30 s', node)] : detectionFigures('detection 30 s, 20 items, conc 10', node, plainMinGap(plain2))));
		const scenario = 'constant 30 s, 20 rows, conc 10';
		if (!(node instanceof Error)) {
			const wallMs = Math.max(...node.map((t) => t.detectedAt)) - Math.min(...node.map((t) => t.task.createdAt));
			results.rows.push({ ...rowOf(scenario, { contender: 'node', intervalMs: 2000, wallMs, idealMs: setupIdealMs(CONSTANT_30S), traces: node, timeouts: 0 }), contender: 'node, 2 s (wall: first submit to last look)' });
		}
		for (const run of [plain2, plain1]) if (!(run instanceof Error)) results.rows.push(rowOf(scenario, run));
	}
}

async function spreadScenarios(only: Set<ScenarioName>, results: Results): Promise<void> {
	if (only.has('lognormal')) {
		step('lognormal: 100 rows, median 12 s; node at 2 s and 1 s, plain 2 s and 1 s pollers; conc 10 and conc 20 at once (~2.5 min)');
		const setup = (concurrency: number): Setup => ({ items: 100, concurrency, serverCap: Infinity, medianMs: LOGNORMAL.medianMs, spread: LOGNORMAL.spread });
		const runs = await Promise.all([10, 20].map((c) => compare(`lognormal, 100 rows, conc ${c}`, setup(c), [2000, 1000])));
		for (const comparison of runs) {
			results.rows.push(...comparisonRows(comparison));
			results.figures.push(...lognormalFigures(comparison));
		}
	}
	if (only.has('cap')) {
		step('cap: server runs 2 at once, 40 rows, median 12 s; Max Concurrent Requests 2, 10, 100 at once (~5 min)');
		const setup = (concurrency: number): Setup => ({ items: 40, concurrency, serverCap: 2, medianMs: LOGNORMAL.medianMs, spread: LOGNORMAL.spread });
		const runs = await Promise.all([2, 10, 100].map((c) => compare(`server cap 2, 40 rows, conc ${c}`, setup(c), [2000])));
		for (const comparison of runs) {
			results.rows.push(...comparisonRows(comparison));
			results.figures.push(...capFigures(comparison));
		}
	}
}

async function main(): Promise<void> {
	const only = selectedScenarios(process.argv.slice(2));
	const started = Date.now();
	const startLoad = os.loadavg();
	console.log(`GPT Image 2 nodes bench: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}, ${process.platform}`);
	console.log(`Load average at start: ${load()} (other work on the machine shows up in the figures).`);
	console.log(`Scenarios: ${[...only].join(', ')}.`);
	console.log('Real workflows through n8n-core (dev/harness) against the WaveSpeed emulator on loopback (pacing also the each::labs one).\n');
	step('warm-up run');
	await warmUp();

	const results: Results = { figures: [], rows: [], notes: [] };
	// The pacing scenario waits on a 20/min rate limit for ~2 min: it runs in the background, on its own emulator.
	const pacing = only.has('pacing') ? settled(runPacing()) : undefined;
	// Its each::labs variant waits out a sticky 429 (~2.5 min), also in the background on its own emulator.
	const pacingSticky = only.has('pacing') ? settled(runPacingSticky()) : undefined;
	if (pacing) step('pacing, 40 rows at 20/min, and its each::labs sticky-429 variant, 12 rows at 2 at once (in the background)');
	await batchAndDetection(only, results);
	await spreadScenarios(only, results);

	step('waiting for the sequential batch');
	await sequentialDone;
	if (pacing) {
		step('waiting for the pacing scenario');
		const pacingRun = await pacing;
		results.figures.push(...(pacingRun instanceof Error ? [failedScenario('pacing', pacingRun)] : pacingFigures(pacingRun)));
	}
	if (pacingSticky) {
		step('waiting for the each::labs sticky-429 pacing variant');
		const stickyRun = await pacingSticky;
		results.figures.push(...(stickyRun instanceof Error ? [failedScenario('pacing each::labs sticky 429', stickyRun)] : pacingStickyFigures(stickyRun)));
	}
	// Memory first: a child's lifetime peak RSS can start from this process's, which the real-images scenario grows.
	if (only.has('memory')) {
		step('memory, filesystem mode (child process)');
		const memoryFs = await settled(runMemory('filesystem'));
		step('memory, default mode (child process)');
		const memoryDefault = await settled(runMemory('default'));
		results.figures.push(...(memoryFs instanceof Error ? [failedScenario('memory 20 x 4K, filesystem mode', memoryFs)] : memoryFigures(memoryFs, memoryDefault)));
	}

	if (only.has('overhead')) {
		step('overhead, zero latency');
		results.figures.push(...(await attempt('overhead', async () => overheadFigures(await runOverhead()))));
	}
	if (only.has('images')) {
		step(`overhead with real images: ${REAL_IMAGES} unique ~1.6 MB PNGs in and out, filesystem mode (child process)`);
		results.figures.push(...(await attempt('real images', async () => realImagesFigures(await runRealImages()))));
	}
	const notes = [
		...results.notes,
		'Cold = the first batch of a kind (provider, base URL, model, quality, resolution) since n8n started: its first wave is polled blind, every Poll Interval.',
		'Warm = the same kind again: the node has learned how long such tasks take (as n8n, a long-running server, does).',
		'Detection lag = arrival of the status check that saw the task finished - the task\'s completion time in the emulator.',
		'Ideal = a perfect scheduler with the same concurrency (with a server cap: the server\'s) and zero lag, from the drawn task times.',
		'Poller table: every poller on its own emulator with the same seeded task times, run at the same time; plain = submit, look at fixed times t0 + k x interval from the submit answer, download (dev/bench/referencePoller.ts).',
		'  Node wall time there = the Edit node\'s own execution time (n8n run data); the workflow\'s trigger, rows and file reads before it are n8n\'s.',
		'Pacing: emulator limited to 20 accepted submits per rolling minute and 2 tasks at once, 3 s tasks, 40 rows,',
		'  default node settings (Max Concurrent Requests 5); ideal = rows / rate = 120 s; ran alongside the other scenarios.',
		'Pacing each::labs: 2 predictions at once, sticky 429 (refuses every create until 120 s without one), 3 s tasks, 12 rows,',
		`  default settings (Max Concurrent Requests 5, Timeout 600 s): the first wave must meet one 429; ideal = 120 s quiet +`,
		`  the 10 rows beyond the first accepted 2, at 2 at once = ${STICKY_IDEAL_MS / 1000} s. A create arriving < 1 s after a 429 left with its wave.`,
		'Overhead: n8n + the node in a child process after a 50-item warm-up, emulator in this process; in-memory binary mode.',
		'Memory: RSS of a child process running n8n + the node (emulator in the parent), peak - after a 1-item warm-up;',
		'  "default mode" is n8n\'s in-memory (base64) mode; n8n 2.x itself defaults to filesystem outside queue mode.',
	];
	const meta: BenchMeta = {
		startedAt: new Date(started).toISOString(),
		durationMs: Date.now() - started,
		cores: os.cpus().length,
		cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
		node: process.version,
		loadAverage: { start: startLoad, end: os.loadavg() },
		platform: `${process.platform} ${os.release()}`,
		notes,
	};
	const file = writeJson(REPO, meta, results.figures, results.rows);
	if (results.rows.length) {
		console.log(`\n${formatRows(results.rows)}`);
		writeFileSync(path.join(REPO, 'bench-output', 'pollers.md'), `${markdownRows(results.rows)}\n`);
	}
	console.log(`\n${formatTable(results.figures)}\n`);
	for (const note of notes) console.log(note);
	const passed = allPassed(results.figures);
	console.log(`Load average at end: ${load()}.`);
	console.log(`\n${passed ? 'All targets PASS' : 'Some targets FAIL'} in ${(meta.durationMs / 1000).toFixed(0)} s; figures written to ${path.relative(REPO, file)}.`);
	process.exit(passed ? 0 : 1);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
