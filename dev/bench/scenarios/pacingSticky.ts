/**
 * Pacing, each::labs variant: an account that runs 2 predictions at once and, once it answered 429, refuses every
 * create until 120 s passed without one (the emulator's sticky 429). Default node settings (Max Concurrent Requests
 * 5, Timeout 600 s) exceed the cap, so the first wave meets the 429: the node must then keep quiet, finish every row
 * and create no prediction twice.
 */
import { startEmulator } from '../../emulator';
import { runWorkflow } from '../../harness';
import { onProvider } from '../../workflows/build';
import type { Figure } from '../figures';
import { figure, seconds, times } from '../figures';
import { EDIT_NODE, editBatch } from '../workflows';

export const STICKY_ROWS = 12;
export const STICKY_CAP = 2;
export const STICKY_TASK_MS = 3000;
/** each::labs' observed silence before it accepts creates again (the emulator's default stickyQuietMs). */
export const STICKY_QUIET_MS = 120_000;
const TIMEOUT_S = 600;
const DEFAULT_CONCURRENCY = 5;
/**
 * The node cannot know the cap before its first wave, so one 429 and its silence are unavoidable; the best schedule
 * then runs the rows left beyond the first accepted wave at the cap, back to back: quiet + ceil((rows - cap) / cap) x task.
 */
export const STICKY_IDEAL_MS = STICKY_QUIET_MS + Math.ceil((STICKY_ROWS - STICKY_CAP) / STICKY_CAP) * STICKY_TASK_MS;

export interface StickyRun {
	wallMs: number;
	failedRows: number;
	duplicateTasks: number;
	rateLimited: number;
	submits: number;
	/** Creates sent less than the quiet time after a 429: each one restarts each::labs' refusal. */
	createsInQuiet: number;
}

/** Creates of one wave leave together: one arriving this soon after a 429 was sent before its answer could be read. */
export const SAME_WAVE_MS = 1000;

/** Creates sent after the node could have read a 429 and sooner than the quiet time after it. */
export function createsInQuiet(submits: ReadonlyArray<{ at: number; status?: number }>, quietMs: number): number {
	let last429: number | undefined;
	let early = 0;
	for (const submit of [...submits].sort((a, b) => a.at - b.at)) {
		const since = last429 === undefined ? Infinity : submit.at - last429;
		if (since >= SAME_WAVE_MS && since < quietMs) early += 1;
		if (submit.status === 429) last429 = submit.at;
	}
	return early;
}

export async function runPacingSticky(): Promise<StickyRun> {
	const emulator = await startEmulator({
		dialect: 'eachlabs',
		latencyMs: STICKY_TASK_MS,
		inFlightCap: STICKY_CAP,
		sticky429: true,
		stickyQuietMs: STICKY_QUIET_MS,
		balance: 1000,
	});
	try {
		const startedAt = Date.now();
		// high quality: a kind no other scenario uses, and on another Base URL anyway.
		const workflow = onProvider(editBatch({ items: STICKY_ROWS, concurrency: DEFAULT_CONCURRENCY, quality: 'high', resolution: '1k', timeout: TIMEOUT_S }), 'eachlabs');
		const result = await runWorkflow(workflow, { credentials: { eachLabsApi: { apiKey: emulator.apiKey, baseUrl: emulator.baseUrl } } }).promise;
		const wallMs = Date.now() - startedAt;
		const items = result.status === 'success' ? result.output(EDIT_NODE) : [];
		const delivered = items.filter((item) => item.binary?.data && item.json.status === 'success').length;
		const submits = emulator.requests.filter((r) => r.endpoint === 'submit' && !r.internal);
		return {
			wallMs,
			failedRows: STICKY_ROWS - delivered,
			// Every row has the same prompt and photo: a duplicate is any prediction beyond one per row.
			duplicateTasks: Math.max(0, emulator.tasks.length - STICKY_ROWS),
			rateLimited: submits.filter((r) => r.status === 429).length,
			submits: submits.length,
			createsInQuiet: createsInQuiet(submits, STICKY_QUIET_MS),
		};
	} finally {
		await emulator.close();
	}
}

const NAME = `pacing each::labs ${STICKY_ROWS} rows, sticky 429`;

export function pacingStickyFigures(run: StickyRun): Figure[] {
	const ratio = run.wallMs / STICKY_IDEAL_MS;
	return [
		figure(NAME, `wall time / ideal (${STICKY_IDEAL_MS / 1000} s)`, ratio, 'ratio', `${times(ratio)} (${seconds(run.wallMs, 1)})`, { text: '<= 1.15x', check: { atMost: 1.15 } }),
		figure(NAME, `wall time within the Timeout (${TIMEOUT_S} s)`, run.wallMs, 'ms', seconds(run.wallMs, 1), { text: `< ${TIMEOUT_S} s`, check: { atMost: TIMEOUT_S * 1000 } }),
		figure(NAME, 'failed rows', run.failedRows, 'rows', String(run.failedRows), { text: '0', check: { equals: 0 } }),
		figure(NAME, 'duplicate tasks', run.duplicateTasks, 'tasks', String(run.duplicateTasks), { text: '0', check: { equals: 0 } }),
		figure(NAME, `creates sent < ${STICKY_QUIET_MS / 1000} s after a 429`, run.createsInQuiet, 'requests', String(run.createsInQuiet), { text: '0', check: { equals: 0 } }),
		figure(NAME, '429s received (of all creates)', run.rateLimited, 'responses', `${run.rateLimited} (of ${run.submits})`),
	];
}
