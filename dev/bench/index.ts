/**
 * `npm run bench`: the design's performance targets, measured through the real n8n engine against the emulator.
 * Every target is a ratio or count inside one run, so a noisy machine shifts both sides of it.
 * Exit code 0 when every target passes, 1 otherwise.
 */
import os from 'node:os';
import path from 'node:path';

import { ensureBuilt } from '../demo/build';
import { startEmulator } from '../emulator';
import type { Figure } from './figures';
import { failedScenario } from './figures';
import type { BenchMeta } from './report';
import { allPassed, formatTable, writeJson } from './report';
import { batchFigures, runBatch, uploadFigures } from './scenarios/batch';
import { detectionFigures, runLongTasks } from './scenarios/detection';
import { memoryFigures, runMemory } from './scenarios/memory';
import { overheadFigures, runOverhead } from './scenarios/overhead';
import { pacingFigures, runPacing } from './scenarios/pacing';
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

async function main(): Promise<void> {
	const started = Date.now();
	const startLoad = os.loadavg();
	ensureBuilt(REPO);
	console.log(`GPT Image 2 nodes bench: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}, ${process.platform}`);
	console.log(`Load average at start: ${load()} (other work on the machine shows up in the figures).`);
	console.log('Real workflows through n8n-core (dev/harness) against the WaveSpeed emulator on loopback.\n');
	step('warm-up run');
	await warmUp();

	// The sequential batch waits ~150 s doing almost nothing: it runs alongside the other scenarios so the bench fits in 5 min.
	step('sequential batch (conc 1) started in the background');
	const sequential = settled(runBatch(1, 'medium'));
	// The pacing scenario waits on a 20/min rate limit for ~2 min: it too runs in the background, on its own emulator.
	step('pacing, 40 rows at 20/min (in the background)');
	const pacing = settled(runPacing());

	const figures: Figure[] = [];
	step('batch, conc 10, cold (the first batch of its kind: no task duration learned yet)');
	const cold = await settled(runBatch(10, 'low'));
	step('batch, conc 10, warm (same kind again, as in a long-running n8n)');
	const parallel = await settled(runBatch(10, 'low'));
	step('detection, 3 s tasks (from the conc 10 batch)');
	const detect3 = cold instanceof Error ? [failedScenario('detection 3 s', cold)] : detectionFigures('detection 3 s (the cold conc 10 batch)', cold.traces);

	step('detection, 30 s tasks (20 items, conc 10)');
	const detect30 = await attempt('detection 30 s', async () => detectionFigures('detection 30 s, 20 items, conc 10', await runLongTasks(30_000, 20, 10)));

	step('overhead, zero latency');
	const overhead = await attempt('overhead', async () => overheadFigures(await runOverhead()));

	step('memory, filesystem mode (child process)');
	const memoryFs = await settled(runMemory('filesystem'));
	step('memory, default mode (child process)');
	const memoryDefault = await settled(runMemory('default'));
	const memory = memoryFs instanceof Error ? [failedScenario('memory 20 x 4K, filesystem mode', memoryFs)] : memoryFigures(memoryFs, memoryDefault);

	step('waiting for the sequential batch');
	const sequentialRun = await sequential;
	if (parallel instanceof Error) figures.push(failedScenario('batch 50 items, 3 s, conc 10', parallel));
	else figures.push(...batchFigures(parallel, cold, sequentialRun), ...uploadFigures(parallel));
	figures.push(...detect3, ...detect30, ...overhead, ...memory);
	step('waiting for the pacing scenario');
	const pacingRun = await pacing;
	figures.push(...(pacingRun instanceof Error ? [failedScenario('pacing', pacingRun)] : pacingFigures(pacingRun)));

	const notes = [
		'* the conc 1 batch ran alongside the other scenarios (own emulator, mostly idle waiting).',
		'Pacing: emulator limited to 20 accepted submits per rolling minute and 2 tasks at once, 3 s tasks, 40 rows,',
		'  default node settings (Max Concurrent Requests 5); ideal = rows / rate = 120 s; ran alongside the other scenarios.',
		'Cold = the first batch of a kind (model, quality, resolution) since n8n started: its first wave is polled blind, every 2 s.',
		'Warm = the same kind again: the node has learned how long such tasks take (as n8n, a long-running server, does).',
		'Detection lag = arrival of the status check that saw the task finished - the task\'s completion time in the emulator.',
		'"with estimate" is inferred: without one the first check comes exactly one Poll Interval (2 s) after submit.',
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
	const file = writeJson(REPO, meta, figures);
	console.log(`\n${formatTable(figures)}\n`);
	for (const note of notes) console.log(note);
	const passed = allPassed(figures);
	console.log(`Load average at end: ${load()}.`);
	console.log(`\n${passed ? 'All targets PASS' : 'Some targets FAIL'} in ${(meta.durationMs / 1000).toFixed(0)} s; figures written to ${path.relative(REPO, file)}.`);
	process.exit(passed ? 0 : 1);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
