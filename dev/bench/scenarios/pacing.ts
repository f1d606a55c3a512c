/**
 * Pacing: a Bronze-like account (20 images per minute, 2 tasks at once) and a 40-row sheet at default settings.
 * The node must finish every row, create no task twice, and stay near the rate the account allows.
 */
import { startEmulator } from '../../emulator';
import { runWorkflow } from '../../harness';
import type { Figure } from '../figures';
import { figure, seconds, times } from '../figures';
import { EDIT_NODE, editBatch } from '../workflows';

export const PACING_ROWS = 40;
export const PACING_RATE_PER_MINUTE = 20;
export const PACING_SERVER_CONCURRENCY = 2;
export const PACING_TASK_MS = 3000;
/** rows / rate: the account cannot deliver faster on average. */
export const PACING_IDEAL_MS = (PACING_ROWS / PACING_RATE_PER_MINUTE) * 60_000;
/** The node's default Max Concurrent Requests. */
const DEFAULT_CONCURRENCY = 5;

export interface PacingRun {
	wallMs: number;
	failedRows: number;
	tasks: number;
	duplicateTasks: number;
	rateLimited: number;
	submits: number;
}

export async function runPacing(): Promise<PacingRun> {
	const emulator = await startEmulator({
		latencyMs: PACING_TASK_MS,
		concurrency: PACING_SERVER_CONCURRENCY,
		rateLimitPerMinute: PACING_RATE_PER_MINUTE,
	});
	try {
		const startedAt = Date.now();
		// medium quality: a kind no other scenario uses, so learned task durations stay this scenario's own.
		const workflow = editBatch({ items: PACING_ROWS, concurrency: DEFAULT_CONCURRENCY, quality: 'medium', resolution: '2k' });
		const result = await runWorkflow(workflow, { credentials: { waveSpeedApi: { apiKey: emulator.apiKey, baseUrl: emulator.baseUrl } } }).promise;
		const wallMs = Date.now() - startedAt;
		const items = result.status === 'success' ? result.output(EDIT_NODE) : [];
		const delivered = items.filter((item) => item.binary?.data && item.json.status === 'completed').length;
		const submits = emulator.requests.filter((r) => r.endpoint === 'submit');
		return {
			wallMs,
			failedRows: PACING_ROWS - delivered,
			tasks: emulator.tasks.length,
			// Every row has the same prompt and photo: a duplicate is any task beyond one per row.
			duplicateTasks: Math.max(0, emulator.tasks.length - PACING_ROWS),
			rateLimited: submits.filter((r) => r.status === 429).length,
			submits: submits.length,
		};
	} finally {
		await emulator.close();
	}
}

const NAME = `pacing ${PACING_ROWS} rows, ${PACING_RATE_PER_MINUTE}/min, ${PACING_SERVER_CONCURRENCY} at once`;

export function pacingFigures(run: PacingRun): Figure[] {
	const ratio = run.wallMs / PACING_IDEAL_MS;
	return [
		figure(NAME, `wall time / ideal (${PACING_IDEAL_MS / 1000} s)`, ratio, 'ratio', `${times(ratio)} (${seconds(run.wallMs, 1)})`, { text: '<= 1.15x', check: { atMost: 1.15 } }),
		figure(NAME, 'failed rows', run.failedRows, 'rows', String(run.failedRows), { text: '0', check: { equals: 0 } }),
		figure(NAME, 'duplicate tasks', run.duplicateTasks, 'tasks', String(run.duplicateTasks), { text: '0', check: { equals: 0 } }),
		figure(NAME, '429s received (of all submits)', run.rateLimited, 'responses', `${run.rateLimited} (of ${run.submits})`),
	];
}
