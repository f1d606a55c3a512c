/**
 * Child process of the memory scenario: `node dev/run-ts.js dev/bench/memoryChild.ts <mode> <baseUrl> <apiKey>`.
 * Runs n8n and the node only (the emulator stays in the parent), and prints one JSON line with its RSS figures.
 */
import type { BinaryMode } from '../harness';
import { runWorkflow } from '../harness';
import { assertComplete } from './run';
import { editBatch } from './workflows';
import { reportFromChild } from './childProcess';

export const MEMORY_ITEMS = 20;
export const MEMORY_CONCURRENCY = 10;
const SAMPLE_EVERY_MS = 20;

export interface MemoryReport {
	mode: BinaryMode;
	baselineRss: number;
	peakRss: number;
	riseBytes: number;
	wallMs: number;
	outputBytes: number;
}

async function run(mode: BinaryMode, baseUrl: string, apiKey: string, workflow: ReturnType<typeof editBatch>, items: number) {
	const result = await runWorkflow(workflow, { binaryMode: mode, credentials: { waveSpeedApi: { apiKey, baseUrl } } }).promise;
	assertComplete(result, items);
	return result;
}

async function main(): Promise<MemoryReport> {
	const [mode, baseUrl, apiKey] = process.argv.slice(2) as [BinaryMode, string, string];
	if ((mode !== 'default' && mode !== 'filesystem') || !baseUrl || !apiKey) throw new Error('usage: memoryChild.ts <default|filesystem> <baseUrl> <apiKey>');

	// Warm-up: n8n, both node packages and one small run are loaded before the baseline is taken.
	await run(mode, baseUrl, apiKey, editBatch({ items: 1, concurrency: 1 }), 1);
	await new Promise((resolve) => setTimeout(resolve, 200));
	const baselineRss = process.memoryUsage().rss;

	// Sampling catches the peak of this run; maxRSS (lifetime high-water mark, KiB) catches what a blocked loop missed.
	let sampled = baselineRss;
	const sampler = setInterval(() => (sampled = Math.max(sampled, process.memoryUsage().rss)), SAMPLE_EVERY_MS);
	const started = Date.now();
	const result = await run(mode, baseUrl, apiKey, editBatch({ items: MEMORY_ITEMS, concurrency: MEMORY_CONCURRENCY, resolution: '4k', aspectRatio: '16:9' }), MEMORY_ITEMS);
	const wallMs = Date.now() - started;
	clearInterval(sampler);
	const peakRss = Math.max(sampled, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);

	const images = result.output('Edit').map((item) => (item.json.images as Array<{ fileSize: number; width: number }>)[0]);
	if (images.some((image) => image.width !== 3840)) throw new Error('outputs are not 3840 px wide');
	const report: MemoryReport = {
		mode,
		baselineRss,
		peakRss,
		riseBytes: peakRss - baselineRss,
		wallMs,
		outputBytes: images.reduce((sum, image) => sum + image.fileSize, 0),
	};
	return report;
}

reportFromChild(main);
