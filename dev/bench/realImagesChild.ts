/**
 * Child process of the real-images scenario: `node dev/run-ts.js dev/bench/realImagesChild.ts <baseUrl> <apiKey> <listFile> <concurrency>`.
 * n8n and the node only, filesystem binary mode: rows name unique PNG files, Read/Write Files reads each, Edit
 * uploads, submits, waits and downloads. Prints one JSON line.
 */
import { readFileSync } from 'node:fs';

import { runWorkflow } from '../harness';
import { chain, editNode, manualTrigger, readFile, rows } from '../workflows/build';
import { BENCH_PROMPT, EDIT_NODE } from './workflows';
import { reportFromChild } from './childProcess';

export interface RealImagesReport {
	items: number;
	wallMs: number;
	editNodeMs: number;
	readFileMs: number;
	outputBytes: number;
}

function workflow(paths: string[], concurrency: number) {
	return chain(
		manualTrigger(),
		...rows(paths.map((path) => ({ path }))),
		readFile('={{ $json.path }}'),
		editNode({
			operation: 'editImage',
			prompt: BENCH_PROMPT,
			referenceImages: { image: [{ source: 'binary', binaryField: 'data' }] },
			aspectRatio: '1:1',
			resolution: '1k',
			quality: 'low',
			outputFormat: 'png',
			options: { maxConcurrency: concurrency },
		}),
	);
}

async function main(): Promise<RealImagesReport> {
	const [baseUrl, apiKey, listFile, concurrencyText] = process.argv.slice(2);
	if (!baseUrl || !apiKey || !listFile) throw new Error('usage: realImagesChild.ts <baseUrl> <apiKey> <listFile> <concurrency>');
	const paths = readFileSync(listFile, 'utf8').split('\n').filter(Boolean);
	const concurrency = Number(concurrencyText);
	const credentials = { waveSpeedApi: { apiKey, baseUrl } };
	// Warm-up: n8n loaded, JIT warm, and the node has learned that these tasks take no time.
	const warm = await runWorkflow(workflow(paths.slice(0, 20), concurrency), { binaryMode: 'filesystem', credentials }).promise;
	if (warm.status !== 'success') throw new Error(`warm-up ${warm.status}`);
	const started = Date.now();
	const result = await runWorkflow(workflow(paths, concurrency), { binaryMode: 'filesystem', credentials }).promise;
	const wallMs = Date.now() - started;
	if (result.status !== 'success') throw new Error(`run ${result.status}: ${result.error?.message ?? ''}`);
	const items = result.output(EDIT_NODE);
	const done = items.filter((item) => item.binary?.data && item.json.status === 'completed');
	if (done.length !== paths.length) throw new Error(`${done.length} of ${paths.length} items carry an image`);
	const runData = result.run.data.resultData.runData;
	const report: RealImagesReport = {
		items: paths.length,
		wallMs,
		editNodeMs: runData[EDIT_NODE]?.[0]?.executionTime ?? NaN,
		readFileMs: runData['Read Photo']?.[0]?.executionTime ?? NaN,
		outputBytes: done.reduce((sum, item) => sum + ((item.json.images as Array<{ fileSize: number }>)[0]?.fileSize ?? 0), 0),
	};
	return report;
}

reportFromChild(main);
