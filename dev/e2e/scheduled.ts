/**
 * Scheduled regeneration on a Data Table as production runs of the real app. The table and its rows are created
 * over n8n's REST API, the example is published with its schedule shortened to every few seconds, and n8n runs it:
 *   run 1  every row is new: one paid task each;
 *   run 2  one row's prompt changed: exactly one task, every other row reused (no cost);
 *   run 3  after a restart of n8n (and its workers): nothing changed, every row still reused, so the memory lives in
 *          the database (the workflow's static data), not in the process.
 * Each run is checked on the emulator's recorded submits, the Edit node's items and the table's rows. Which rows
 * must be reused follows from where the node's memory lives for the run (`memoryOf`): in single mode the workflow's
 * static data in the database, which survives restarts; in queue mode n8n 2.41.1 starts a worker's execution without
 * the workflow's static data, so only the worker process that delivered a row can reuse it (queue.ts).
 */
import { readFileSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

import type { Cms } from '../cms';
import { PRODUCT_TABLE } from '../demo/examples';
import type { ExampleExpectation } from './expectations';
import type { ExampleRun, RunExampleOptions } from './examples';
import { adaptExample, EXAMPLES_DIR, fileFacts, fileProblems, parseExecutionData, waitForExecution } from './examples';
import { info, seconds } from './log';
import type { N8nRest } from './n8nApp';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The published schedule fires this often; a run takes a few seconds, so runs never overlap. */
export const SCHEDULE_SECONDS = 20;
const QUALITY = 'low';

export interface TableRow {
	id: number;
	sku: string;
	prompt: string;
	prediction_id: string | null;
	image_url: string | null;
	reused: boolean | null;
	cost_usd: number | null;
	status: string | null;
	regenerated_at: string | null;
}

export interface ScheduledRun {
	run: number;
	executionId: string;
	mode: string;
	status: string;
	startedAt: string;
	stoppedAt: string;
	/** Billable submits the emulator accepted during this run. */
	submits: number;
	/** The Edit node's items, by sku. */
	items: Array<{ sku: string; id: string; reused: boolean; estimatedCostUsd?: number }>;
	table: Array<Pick<TableRow, 'sku' | 'prediction_id' | 'reused' | 'cost_usd' | 'status'>>;
	/** Where the node's reuse memory lived for this run (see `memoryOf`). */
	memory: string;
	/** What this run must show, and whether it did. */
	expected: string;
	problems: string[];
}

export interface ScheduledResult extends ExampleRun {
	runs: ScheduledRun[];
	restarted: string;
}

export interface ScheduledOptions extends RunExampleOptions {
	cms: Cms;
	/** Stops every n8n process of this setup and starts them again; resolves with a logged-in REST client. */
	restart(): Promise<N8nRest>;
	/**
	 * Where the node's reuse memory lives for an execution: one name per memory that outlives runs (single mode: the
	 * database; queue mode: the worker process that ran it). Rows this memory delivered with the same prompt are reused.
	 */
	memoryOf(executionId: string): string;
}

/** The example's input rows: examples/assets/products.csv with each photo served by the stand-in host. */
function productRows(cms: Cms): Array<Record<string, string>> {
	const [header, ...lines] = readFileSync(path.join(EXAMPLES_DIR, 'assets', 'products.csv'), 'utf8').trim().split('\n');
	const keys = header.split(',');
	return lines.map((line) => {
		const cells = [...line.matchAll(/("([^"]*)"|[^,]*)(,|$)/g)].slice(0, keys.length).map((m) => m[2] ?? m[1]);
		const row = Object.fromEntries(keys.map((key, i) => [key, cells[i]]));
		return { sku: row.sku, photo_url: cms.photoUrl(row.file), prompt: row.prompt, aspect_ratio: row.aspect_ratio, quality: QUALITY };
	});
}

const submitsSoFar = (options: ScheduledOptions) => options.emulator.requests.filter((r) => r.endpoint === 'submit' && r.status === 200);

interface ExecutionSummary {
	id: string;
	status: string;
	mode: string;
	startedAt: string;
	stoppedAt?: string;
}

const FINISHED = ['success', 'error', 'crashed', 'canceled'];

async function executionsOf(rest: N8nRest, workflowId: string): Promise<ExecutionSummary[]> {
	const list = await rest.call<{ results: ExecutionSummary[] }>('GET', `/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId }))}`);
	return (list.results ?? []).sort((a, b) => Number(a.id) - Number(b.id));
}

/** Waits until the schedule has started and finished execution number `count`; `onStart` once it is seen. */
async function waitForScheduledRun(rest: N8nRest, workflowId: string, count: number, timeoutMs: number, onStart?: () => Promise<void>): Promise<ExecutionSummary> {
	const deadline = Date.now() + timeoutMs;
	let started = false;
	for (;;) {
		const executions = await executionsOf(rest, workflowId);
		const nth = executions[count - 1];
		if (nth && !started) {
			started = true;
			await onStart?.();
		}
		if (nth && FINISHED.includes(nth.status)) return nth;
		if (Date.now() > deadline) throw new Error(`scheduled run ${count} did not finish within ${timeoutMs / 1000} s (executions: ${JSON.stringify(executions)})`);
		await sleep(1000);
	}
}

export async function runScheduledExample(name: string, expected: ExampleExpectation, options: ScheduledOptions): Promise<ScheduledResult> {
	let rest = options.rest;
	const problems: string[] = [];
	const t0 = Date.now();
	const outputDir = path.join(options.outputRoot, name);
	mkdirSync(outputDir, { recursive: true });

	const project = await rest.call<{ id: string }>('GET', '/projects/personal');
	const tables = `/projects/${project.id}/data-tables`;
	const columns = Object.entries({ ...PRODUCT_TABLE.inputs, ...PRODUCT_TABLE.results }).map(([column, type]) => ({ name: column, type }));
	const table = await rest.call<{ id: string }>('POST', tables, { name: PRODUCT_TABLE.name, columns });
	const rows = productRows(options.cms);
	await rest.call('POST', `${tables}/${table.id}/insert`, { data: rows, returnType: 'count' });
	info(`Data Table "${PRODUCT_TABLE.name}" (${table.id}) created over REST with ${rows.length} rows: ${rows.map((r) => r.sku).join(', ')}`);
	const readTable = async (): Promise<TableRow[]> => (await rest.call<{ data: TableRow[] }>('GET', `${tables}/${table.id}/rows?take=100&skip=0`)).data;

	const workflow = adaptExample(name, { inputDir: options.inputDir, outputDir }, options.credential);
	const schedule = workflow.nodes.find((n) => n.type === 'n8n-nodes-base.scheduleTrigger');
	if (!schedule) throw new Error(`${name}: no Schedule Trigger`);
	schedule.parameters = { rule: { interval: [{ field: 'seconds', secondsInterval: SCHEDULE_SECONDS }] } };
	const created = await rest.call<{ id: string; versionId: string }>('POST', '/workflows', { name: workflow.name, nodes: workflow.nodes, connections: workflow.connections, settings: workflow.settings ?? {}, pinData: {} });
	await rest.call('POST', `/workflows/${created.id}/activate`, { versionId: created.versionId });
	info(`published "${workflow.name}" (${created.id}) with its schedule set to every ${SCHEDULE_SECONDS} s`);

	const runs: ScheduledRun[] = [];
	const changed = { sku: rows[0].sku, prompt: `${rows[0].prompt}, seen from above` };
	let restarted = '';
	const plan: Array<{ change: string; before?: () => Promise<void> }> = [
		{ change: 'every row new' },
		{
			change: `${changed.sku}'s prompt changed`,
			before: async () => {
				await rest.call('PATCH', `${tables}/${table.id}/rows`, { filter: { type: 'and', filters: [{ columnName: 'sku', condition: 'eq', value: changed.sku }] }, data: { prompt: changed.prompt } });
				rows[0].prompt = changed.prompt;
				info(`changed the prompt of ${changed.sku} over REST`);
			},
		},
		{
			change: 'n8n restarted, nothing changed',
			before: async () => {
				const t = Date.now();
				rest = await options.restart();
				restarted = `n8n restarted in ${seconds(Date.now() - t)} between runs 2 and 3`;
				info(restarted);
			},
		},
	];
	/** Per memory: what it delivered for each sku (the prompt and the prediction). */
	const delivered = new Map<string, Map<string, { prompt: string; id: string }>>();

	let previous: ScheduledRun | undefined;
	for (const [index, step] of plan.entries()) {
		// Counted before the step: after a restart the schedule may fire before the restart call returns.
		const before = submitsSoFar(options).length;
		await step.before?.();
		// No run after the last one: the schedule is switched off as soon as the last run starts.
		const last = index === plan.length - 1;
		const switchOff = async () => void (await rest.call('POST', `/workflows/${created.id}/deactivate`, {}));
		const summary = await waitForScheduledRun(rest, created.id, index + 1, (SCHEDULE_SECONDS + 150) * 1000, last ? switchOff : undefined);
		const memory = options.memoryOf(summary.id);
		const remembered = delivered.get(memory) ?? new Map<string, { prompt: string; id: string }>();
		const reusedSkus = rows.filter((r) => remembered.get(r.sku)?.prompt === r.prompt).map((r) => r.sku);
		const expectedText = `${step.change}: ${rows.length - reusedSkus.length} task(s), ${reusedSkus.length ? `${reusedSkus.join(', ')} reused` : 'none reused'} (memory: ${memory})`;
		const submitted = submitsSoFar(options).slice(before);
		const record = await waitForExecution(rest, summary.id, 10_000);
		const data = parseExecutionData(options.n8nDir, record.data);
		const items = (data.resultData.runData[expected.imageNode]?.[0]?.data?.main?.[0] ?? []).map((item, i) => ({
			sku: rows[i]?.sku ?? `row ${i}`,
			id: String(item.json.id),
			reused: item.json.reused === true,
			...(typeof item.json.estimatedCostUsd === 'number' ? { estimatedCostUsd: item.json.estimatedCostUsd } : {}),
		}));
		const tableNow = (await readTable()).map(({ sku, prediction_id, reused, cost_usd, status }) => ({ sku, prediction_id, reused, cost_usd, status }));
		const runProblems: string[] = [];
		if (summary.status !== 'success') runProblems.push(`execution ${summary.id} ended ${summary.status}: ${data.resultData.error?.message ?? ''} (last node ${data.resultData.lastNodeExecuted})`);
		if (summary.mode !== 'trigger') runProblems.push(`execution ${summary.id} ran in mode "${summary.mode}", expected "trigger" (a scheduled production run)`);
		if (previous && new Date(summary.startedAt) < new Date(previous.stoppedAt)) runProblems.push(`run ${index + 1} started before run ${index} stopped`);
		if (submitted.length !== rows.length - reusedSkus.length) runProblems.push(`${submitted.length} task(s) submitted, expected ${rows.length - reusedSkus.length}`);
		const promptsSent = submitted.map((r) => (r.json as { prompt?: string } | undefined)?.prompt).sort();
		const promptsDue = rows.filter((r) => !reusedSkus.includes(r.sku)).map((r) => r.prompt).sort();
		if (JSON.stringify(promptsSent) !== JSON.stringify(promptsDue)) runProblems.push(`the tasks carried the prompts ${JSON.stringify(promptsSent)}, expected ${JSON.stringify(promptsDue)}`);
		if (items.length !== rows.length) runProblems.push(`"${expected.imageNode}" returned ${items.length} items for ${rows.length} rows`);
		for (const row of rows) {
			const item = items.find((i) => i.sku === row.sku);
			const stored = tableNow.find((r) => r.sku === row.sku);
			const reused = reusedSkus.includes(row.sku);
			if (!item || item.reused !== reused) runProblems.push(`${row.sku}: item reused ${item?.reused}, expected ${reused}`);
			if (item && reused && item.estimatedCostUsd !== undefined) runProblems.push(`${row.sku}: a reused item carries a cost (${item.estimatedCostUsd})`);
			if (item && !reused && !(item.estimatedCostUsd && item.estimatedCostUsd > 0)) runProblems.push(`${row.sku}: a paid item carries no cost`);
			const earlier = remembered.get(row.sku);
			if (item && earlier && reused !== (item.id === earlier.id)) runProblems.push(`${row.sku}: prediction ${item.id} vs ${earlier.id} delivered earlier`);
			if (!stored) runProblems.push(`${row.sku}: no table row`);
			else if (stored.prediction_id !== item?.id || stored.reused !== reused || stored.status !== 'completed' || (reused ? stored.cost_usd !== 0 : stored.cost_usd !== item?.estimatedCostUsd)) {
				runProblems.push(`${row.sku}: the table holds ${JSON.stringify(stored)}, expected prediction ${item?.id}, reused ${reused}, cost ${reused ? 0 : item?.estimatedCostUsd}, completed`);
			}
		}
		const run: ScheduledRun = {
			run: index + 1,
			executionId: summary.id,
			mode: summary.mode,
			status: summary.status,
			startedAt: summary.startedAt,
			stoppedAt: summary.stoppedAt ?? '',
			submits: submitted.length,
			items,
			table: tableNow,
			memory,
			expected: expectedText,
			problems: runProblems,
		};
		runs.push(run);
		problems.push(...runProblems.map((p) => `run ${run.run}: ${p}`));
		info(
			`schedule run ${run.run} (execution ${run.executionId}, ${run.mode}, ${run.status}): ${run.submits} task(s) submitted; ` +
				`${items.map((i) => `${i.sku} ${i.reused ? 'reused' : 'paid'} ${i.id.slice(0, 8)} $${i.estimatedCostUsd ?? 0}`).join(', ')}; ` +
				`table ${tableNow.map((r) => `${r.sku}: ${r.prediction_id?.slice(0, 8)} reused=${r.reused} cost=${r.cost_usd} ${r.status}`).join('; ')}` +
				(runProblems.length ? `; PROBLEMS:\n      ${runProblems.join('\n      ')}` : ` (${expectedText}: ok)`),
		);
		for (const item of items) remembered.set(item.sku, { prompt: rows.find((r) => r.sku === item.sku)?.prompt ?? '', id: item.id });
		delivered.set(memory, remembered);
		previous = run;
	}

	const files = await fileFacts(outputDir);
	problems.push(...fileProblems(expected.images, files));
	const last = runs[runs.length - 1];
	return {
		name,
		workflowId: created.id,
		executionId: last?.executionId ?? '',
		status: problems.length ? 'error' : 'success',
		durationMs: Date.now() - t0,
		files,
		outputDir,
		binaryIds: [],
		problems,
		runs,
		restarted,
	};
}
