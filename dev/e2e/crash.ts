/**
 * The crash test (queue mode): a worker killed with SIGKILL while a 10-row batch waits on running tasks. It records
 * what n8n does with the execution (its status over time, whether another worker starts it again and pays again),
 * then checks what the README's "After a crash" promises: a Get Many run finds every prediction the batch paid for
 * (free), and a re-run of the batch after n8n's recovery pays for no row the package could know about. In n8n 2.41.1
 * queue mode that set is empty: the rows' memory lived only in the killed worker's process (a worker's execution
 * gets no workflow static data, and a killed one saves none), so the re-run pays for every row once.
 */
import type { Emulator } from '../emulator';
import { parseExecutionData, waitForExecution } from './examples';
import { info, seconds } from './log';
import type { N8nProcess, N8nRest } from './n8nApp';
import { killNow } from './processes';

export const CRASH_ROWS = 10;
/** Long enough that every row's task is still running when the worker dies. */
const TASK_MS = 30_000;
/** The re-run only needs the tasks to finish. */
const RERUN_TASK_MS = 2_000;
/**
 * How long n8n is watched after the kill: the dead worker's job lock lapses after 60 s, a live worker's stalled-job
 * check (every 30 s) fails the job (n8n allows no stalled retry), and the main that queued it records the error.
 */
const WATCH_MS = 150_000;
/** Rows a re-run can pick up after the crash: none (UNKNOWABLE_ROWS says why). */
const PICKED_UP_AFTER_CRASH = 0;

/** Why a re-run cannot pick up the killed batch's rows (the report and README "After a crash" say the same). */
export const UNKNOWABLE_ROWS =
	"every row the killed worker submitted: the package remembers a submitted prediction in the worker's process and in the workflow's static data, which n8n 2.41.1 neither gives a worker's execution nor saves when the worker dies before the execution ends";

export interface CrashResult {
	executionId: string;
	killed: string;
	tasksRunningAtKill: number;
	/** The execution's status as n8n reported it, every few seconds after the kill. */
	statusAfterKill: Array<{ afterMs: number; status: string }>;
	/** The error n8n recorded on the execution, if any. */
	error?: string;
	/** Workers whose log says they (re)started the execution. */
	startedOn: string[];
	/** Every prediction the emulator accepted for the batch (n8n's own re-run included), and those n8n's execution record names. */
	billed: string[];
	visibleInN8n: string[];
	submitsAfterKill: number;
	/** The Get Many run: how many predictions it listed, and which billed ones it missed. */
	getMany: { executionId: string; status: string; listed: number; missing: string[]; submits: number };
	/** The user's re-run after n8n's recovery. */
	rerun: { executionId: string; status: string; submits: number; recovered: number; paidTwice: number; ranOn: string[] };
	unknowable: string;
	/** From the batch's start to the re-run's end. */
	durationMs: number;
	problems: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Credential = { id: string; name: string };

/** Ten rows through Generate, all submitted at once (Max Concurrent Requests 10). */
function batchWorkflow(credential: Credential) {
	const prompts = Array.from({ length: CRASH_ROWS }, (_, i) => ({ prompt: `crash test row ${i + 1}: a red sneaker, studio light` }));
	return {
		name: 'e2e crash test: 10-row batch',
		nodes: [
			{ id: 'c1', name: 'Run it', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{ id: 'c2', name: 'Rows', type: 'n8n-nodes-base.set', typeVersion: 3.4, position: [200, 0], parameters: { mode: 'raw', jsonOutput: JSON.stringify({ rows: prompts }), options: {} } },
			{ id: 'c3', name: 'One item per row', type: 'n8n-nodes-base.splitOut', typeVersion: 1, position: [400, 0], parameters: { fieldToSplitOut: 'rows', options: {} } },
			{
				id: 'c4',
				name: 'Generate',
				type: 'n8n-nodes-gpt-image-2.gptImage2Generate',
				typeVersion: 1,
				position: [600, 0],
				parameters: { prompt: '={{ $json.prompt }}', aspectRatio: '1:1', resolution: '1k', quality: 'low', outputFormat: 'png', waitMode: 'poll', options: { maxConcurrency: CRASH_ROWS, output: 'url' } },
				credentials: { waveSpeedApi: credential },
			},
		],
		connections: {
			'Run it': { main: [[{ node: 'Rows', type: 'main', index: 0 }]] },
			Rows: { main: [[{ node: 'One item per row', type: 'main', index: 0 }]] },
			'One item per row': { main: [[{ node: 'Generate', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

/** Get Many as a user runs it after a crash: every prediction of the node's model since the batch started. */
function getManyWorkflow(credential: Credential, since: string) {
	return {
		name: 'e2e crash test: find paid work (Get Many)',
		nodes: [
			{ id: 'g1', name: 'Run it', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'g2',
				name: 'Get Many',
				type: 'n8n-nodes-gpt-image-2.gptImage2Generate',
				typeVersion: 1,
				position: [200, 0],
				parameters: { operation: 'getMany', returnAll: true, filters: { createdAfter: since } },
				credentials: { waveSpeedApi: credential },
			},
		],
		connections: { 'Run it': { main: [[{ node: 'Get Many', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

async function start(rest: N8nRest, workflowId: string): Promise<string> {
	const started = await rest.call<{ executionId?: string }>('POST', `/workflows/${workflowId}/run`, { triggerToStartFrom: { name: 'Run it' } });
	if (!started.executionId) throw new Error(`n8n started no execution: ${JSON.stringify(started)}`);
	return started.executionId;
}

/** The JSON of a node's output items in a finished execution. */
async function nodeItems(rest: N8nRest, n8nDir: string, executionId: string, node: string): Promise<Array<Record<string, unknown>>> {
	const record = await rest.call<{ data?: string }>('GET', `/executions/${executionId}`);
	const data = record.data ? parseExecutionData(n8nDir, record.data) : undefined;
	const runs = data?.resultData.runData[node] ?? [];
	return runs.flatMap((run) => run.data?.main?.[0] ?? []).map((item) => item.json);
}

export async function runCrashTest(options: { rest: N8nRest; emulator: Emulator; credential: Credential; workers: N8nProcess[]; n8nDir: string }): Promise<CrashResult> {
	const { rest, emulator, n8nDir } = options;
	const problems: string[] = [];
	const latencyBefore = emulator.config.latencyMs;
	const startedPattern = (id: string) => new RegExp(`Worker started execution ${id} \\(`);
	const ranOn = (id: string) => options.workers.filter((w) => startedPattern(id).test(w.process.log())).map((w) => w.name);
	emulator.configure({ latencyMs: TASK_MS });
	const tasksBefore = emulator.tasks.length;
	const t0 = Date.now();
	// A second's margin: the emulator stamps created_at at submit, the filter is inclusive.
	const since = new Date(Date.now() - 1000).toISOString();
	try {
		const batch = await rest.call<{ id: string }>('POST', '/workflows', { ...batchWorkflow(options.credential), pinData: {} });
		const executionId = await start(rest, batch.id);

		// Every row submitted: the batch is now only waiting on running tasks.
		const deadline = Date.now() + 60_000;
		while (emulator.tasks.length - tasksBefore < CRASH_ROWS && Date.now() < deadline) await sleep(200);
		const tasksRunningAtKill = emulator.tasks.slice(tasksBefore).filter((t) => t.status !== 'completed' && t.status !== 'failed').length;
		const victim = options.workers.find((w) => startedPattern(executionId).test(w.process.log()));
		if (!victim) throw new Error(`no worker log says it started execution ${executionId}`);
		killNow(victim.process);
		const killedAt = Date.now();
		const submittedBeforeKill = emulator.tasks.length - tasksBefore;
		info(`crash test: ${submittedBeforeKill} tasks submitted, ${tasksRunningAtKill} running; SIGKILL to ${victim.name} (execution ${executionId})`);
		if (submittedBeforeKill !== CRASH_ROWS || tasksRunningAtKill !== CRASH_ROWS) problems.push(`at the kill ${submittedBeforeKill} tasks were submitted and ${tasksRunningAtKill} running, expected ${CRASH_ROWS} and ${CRASH_ROWS}`);

		// n8n's own recovery: watched until the execution ends or the watch runs out.
		const statusAfterKill: CrashResult['statusAfterKill'] = [];
		let status = '';
		while (Date.now() - killedAt < WATCH_MS) {
			const record = await rest.call<{ status: string }>('GET', `/executions/${executionId}`).catch((error: unknown) => ({ status: `unreadable: ${String(error)}` }));
			if (record.status !== status) statusAfterKill.push({ afterMs: Date.now() - killedAt, status: record.status });
			status = record.status;
			if (['success', 'error', 'crashed', 'canceled'].includes(status)) break;
			await sleep(2000);
		}
		if (!['error', 'crashed'].includes(status)) problems.push(`n8n had not ended the execution ${seconds(WATCH_MS)} after the kill (status "${status}")`);
		// Tasks a re-run by n8n itself submitted must finish before the list is read.
		while (emulator.tasks.slice(tasksBefore).some((t) => t.status !== 'completed' && t.status !== 'failed') && Date.now() - killedAt < WATCH_MS + TASK_MS) await sleep(500);
		const billed = emulator.tasks.slice(tasksBefore).map((t) => t.id);
		const record = await rest.call<{ data?: string }>('GET', `/executions/${executionId}`).catch(() => ({ data: undefined }));
		const data = record.data ? parseExecutionData(n8nDir, record.data) : undefined;
		const text = data ? JSON.stringify(data) : '';
		const error = data?.resultData.error ? `${data.resultData.error.message ?? ''} ${data.resultData.error.description ?? ''}`.trim() : undefined;
		const visibleInN8n = billed.filter((id) => text.includes(id));
		const startedOn = ranOn(executionId);

		// Get Many finds every paid prediction, and sends no submit.
		emulator.configure({ latencyMs: RERUN_TASK_MS });
		const beforeList = emulator.tasks.length;
		const lister = await rest.call<{ id: string }>('POST', '/workflows', { ...getManyWorkflow(options.credential, since), pinData: {} });
		const listId = await start(rest, lister.id);
		const listed = await waitForExecution(rest, listId, 60_000);
		const listedIds = new Set((await nodeItems(rest, n8nDir, listId, 'Get Many')).map((json) => String(json.id)));
		const missing = billed.filter((id) => !listedIds.has(id));
		const getMany = { executionId: listId, status: listed.status, listed: listedIds.size, missing, submits: emulator.tasks.length - beforeList };
		if (listed.status !== 'success') problems.push(`the Get Many run ended "${listed.status}"`);
		if (missing.length) problems.push(`Get Many missed ${missing.length} of ${billed.length} billed prediction(s): ${missing.join(', ')}`);
		if (getMany.submits) problems.push(`the Get Many run submitted ${getMany.submits} task(s)`);

		// The user's re-run after n8n's recovery: each row paid at most once, none the package could have known.
		const beforeRerun = emulator.tasks.length;
		const rerunId = await start(rest, batch.id);
		const rerunRecord = await waitForExecution(rest, rerunId, 120_000);
		const rerunItems = await nodeItems(rest, n8nDir, rerunId, 'Generate');
		const rerunSubmits = emulator.tasks.length - beforeRerun;
		const recovered = rerunItems.filter((json) => json.recovered === true).length;
		const paidTwice = rerunItems.filter((json) => json.recovered !== true && billed.includes(String(json.id))).length;
		const rerun = { executionId: rerunId, status: rerunRecord.status, submits: rerunSubmits, recovered, paidTwice, ranOn: ranOn(rerunId) };
		if (rerunRecord.status !== 'success' || rerunItems.length !== CRASH_ROWS) problems.push(`the re-run ended "${rerunRecord.status}" with ${rerunItems.length} item(s)`);
		// Each row once: a submit per row the package did not pick up, never more.
		if (rerunSubmits !== CRASH_ROWS - recovered) problems.push(`the re-run submitted ${rerunSubmits} task(s) for ${CRASH_ROWS - recovered} row(s) it did not pick up`);
		if (recovered !== PICKED_UP_AFTER_CRASH) problems.push(`the re-run picked up ${recovered} row(s); README "After a crash" says ${PICKED_UP_AFTER_CRASH}`);
		if (paidTwice) problems.push(`${paidTwice} re-run item(s) carry an earlier id without saying recovered`);

		const result: CrashResult = {
			executionId,
			killed: `${victim.name} (SIGKILL)`,
			tasksRunningAtKill,
			statusAfterKill,
			error,
			startedOn,
			billed,
			visibleInN8n,
			submitsAfterKill: billed.length - submittedBeforeKill,
			getMany,
			rerun,
			unknowable: UNKNOWABLE_ROWS,
			durationMs: Date.now() - t0,
			problems,
		};
		info(
			`crash test: after ${seconds(Date.now() - killedAt)} the execution is "${status}"${error ? ` ("${error}")` : ''} (${statusAfterKill.map((s) => `${s.status} at ${seconds(s.afterMs)}`).join(', ')}); ` +
				`started on ${startedOn.join(', ')}; ${billed.length} prediction(s) billed (${result.submitsAfterKill} after the kill), ${visibleInN8n.length} named in n8n; ` +
				`Get Many listed ${getMany.listed}, missed ${missing.length}; re-run on ${rerun.ranOn.join(', ') || 'no worker'}: ${rerunSubmits} submitted, ${recovered} picked up; ${seconds(result.durationMs)} in all`,
		);
		return result;
	} finally {
		emulator.configure({ latencyMs: latencyBefore });
	}
}
