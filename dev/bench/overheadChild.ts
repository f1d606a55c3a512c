/**
 * Child process of the overhead scenario: `node dev/run-ts.js dev/bench/overheadChild.ts <baseUrl> <apiKey>`.
 * Only n8n and the node run here, as in production where WaveSpeed is another machine; the emulator stays in
 * the parent. Prints one JSON line.
 */
import { runWorkflow } from '../harness';
import { assertComplete } from './run';
import { EDIT_NODE, editBatch } from './workflows';
import { reportFromChild } from './childProcess';

export const OVERHEAD_ITEMS = 200;
/** The node's upper limit: with zero latency, more lanes only overlap more per-item work. */
export const OVERHEAD_CONCURRENCY = 100;
/** A warm n8n (JIT compiled, node types loaded) is the steady state of a server; the first run in a fresh process is not. */
const WARM_UP_ITEMS = 50;

export interface OverheadReport {
	wallMs: number;
	/** How long the Edit node itself ran (upload, submit, poll, download, binary), from n8n's run data. */
	editNodeMs: number;
	/** How long n8n's Read/Write Files took to put the photo into 200 items, from n8n's run data. */
	readFileMs: number;
}

async function main(): Promise<OverheadReport> {
	const [baseUrl, apiKey] = process.argv.slice(2);
	if (!baseUrl || !apiKey) throw new Error('usage: overheadChild.ts <baseUrl> <apiKey>');
	const run = async (items: number, concurrency: number) => {
		const started = Date.now();
		const result = await runWorkflow(editBatch({ items, concurrency }), { binaryMode: 'default', credentials: { waveSpeedApi: { apiKey, baseUrl } } }).promise;
		const wallMs = Date.now() - started;
		assertComplete(result, items);
		return { result, wallMs };
	};
	await run(WARM_UP_ITEMS, WARM_UP_ITEMS);
	const { result, wallMs } = await run(OVERHEAD_ITEMS, OVERHEAD_CONCURRENCY);
	const runData = result.run.data.resultData.runData;
	const report: OverheadReport = {
		wallMs,
		editNodeMs: runData[EDIT_NODE]?.[0]?.executionTime ?? NaN,
		readFileMs: runData['Read Photo']?.[0]?.executionTime ?? NaN,
	};
	return report;
}

reportFromChild(main);
