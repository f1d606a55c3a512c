/**
 * The trigger example pair in the real app: the trigger's workflow is published, the submitting workflow runs with
 * Don't Wait and the trigger's Production URL, and the emulator's signed callbacks start one execution each
 * (on the webhook processor in queue mode), which saves `<sku>.png`.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';

import { TRIGGER_URL_PLACEHOLDER } from '../demo/pair';
import type { ExampleExpectation } from './expectations';
import { expectationFor } from './expectations';
import type { ExampleRun, RunExampleOptions } from './examples';
import { adaptExample, fileFacts, fileProblems, importAndRun, parseExecutionData, runExample, waitForExecution } from './examples';
import { info } from './log';
import { runCmsExample } from './cms';

const slash = (dir: string): string => (dir.endsWith('/') ? dir : `${dir}/`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Publishing registers the production webhook a moment later: wait until it answers something other than 404. */
async function waitForWebhook(url: string, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).catch(() => undefined);
		if (response && response.status !== 404) return;
		if (Date.now() > deadline) throw new Error(`the trigger's production URL ${url} was never registered`);
		await sleep(500);
	}
}

export async function runTriggerPair(name: string, expected: ExampleExpectation & { pairedTrigger: string }, options: RunExampleOptions): Promise<ExampleRun> {
	const outputDir = path.join(options.outputRoot, name);
	mkdirSync(outputDir, { recursive: true });
	const problems: string[] = [];
	const t0 = Date.now();

	const triggerWorkflow = adaptExample(expected.pairedTrigger, { inputDir: options.inputDir, outputDir }, options.credential);
	const created = await options.rest.call<{ id: string; versionId: string }>('POST', '/workflows', {
		name: triggerWorkflow.name,
		nodes: triggerWorkflow.nodes,
		connections: triggerWorkflow.connections,
		settings: triggerWorkflow.settings ?? {},
		pinData: {},
	});
	await options.rest.call('POST', `/workflows/${created.id}/activate`, { versionId: created.versionId });
	const trigger = triggerWorkflow.nodes.find((n) => n.type.endsWith('.gptImage2Trigger')) as { webhookId?: string } | undefined;
	const productionUrl = `${slash(options.webhookBase)}webhook/${trigger?.webhookId ?? ''}/gpt-image-2`;
	// An empty, unsigned POST: the trigger answers 401 once registered, and starts no execution.
	await waitForWebhook(productionUrl, 60_000);

	const submitter = adaptExample(name, { inputDir: options.inputDir, outputDir }, options.credential);
	const aimed = JSON.parse(JSON.stringify(submitter).split(TRIGGER_URL_PLACEHOLDER).join(`${slash(options.webhookBase)}webhook/`)) as typeof submitter;
	const { workflowId, execution } = await importAndRun(options.rest, aimed, 180_000);
	if (execution.status !== 'success') problems.push(`the submitting run ended ${execution.status}`);

	const want = expected.images.length;
	const deadline = Date.now() + 180_000;
	let finished: Array<{ id: string; status: string }> = [];
	while (Date.now() < deadline) {
		const list = await options.rest.call<{ results: Array<{ id: string; status: string }> }>('GET', `/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId: created.id }))}`);
		finished = (list.results ?? []).filter((e) => ['success', 'error', 'crashed', 'canceled'].includes(e.status));
		if (finished.length >= want) break;
		await sleep(500);
	}
	if (finished.length !== want) problems.push(`the trigger started ${finished.length} finished executions, expected ${want}`);
	const binaryIds: string[] = [];
	for (const { id } of finished) {
		const record = await waitForExecution(options.rest, id, 10_000);
		if (record.status !== 'success') problems.push(`trigger execution ${id} ended ${record.status}`);
		const data = parseExecutionData(options.n8nDir, record.data);
		const items = data.resultData.runData[expected.imageNode]?.[0]?.data?.main?.[0] ?? [];
		const json = items[0]?.json ?? {};
		if (json.status !== 'completed' || typeof (json.query as { sku?: unknown } | undefined)?.sku !== 'string') {
			problems.push(`trigger item lacks status completed or query.sku: ${JSON.stringify(json).slice(0, 300)}`);
		}
		binaryIds.push(String(items[0]?.binary?.data?.id ?? '(in memory)'));
	}
	const refused = options.emulator.webhookDeliveries.filter((d) => d.url.startsWith(productionUrl) && d.status !== 200);
	if (refused.length) problems.push(`callbacks not accepted: ${JSON.stringify(refused.map((d) => [d.url, d.status ?? d.error]))}`);

	const files = await fileFacts(outputDir);
	problems.push(...fileProblems(expected.images, files));
	await options.rest.call('POST', `/workflows/${created.id}/deactivate`, {}).catch(() => undefined);
	const durationMs = Date.now() - t0;
	info(`${name}: ${finished.length} trigger execution(s), ${files.length} file(s)${problems.length ? `; PROBLEMS:\n      ${problems.join('\n      ')}` : ''}`);
	return { name, workflowId, executionId: execution.id, status: problems.length ? 'error' : 'success', durationMs, files, outputDir, binaryIds, problems };
}

/**
 * Any example: a pair runs both workflows; the trigger's own workflow runs inside its pair (started by callbacks);
 * the scheduled Data Table example runs in a phase of its own (it restarts n8n).
 */
export async function runAnyExample(name: string, options: RunExampleOptions): Promise<ExampleRun> {
	const expected = expectationFor(name);
	const elsewhere = expected.startedByCallbacks ? 'runs in its pair' : expected.scheduledDataTable ? 'runs in the schedule phase' : undefined;
	if (elsewhere) return { name, workflowId: '', executionId: '', status: elsewhere, durationMs: 0, files: [], outputDir: '', binaryIds: [], problems: [] };
	if (expected.cms) {
		if (!options.cms) throw new Error(`${name} needs the stand-in CMS`);
		return await runCmsExample(name, expected, { ...options, cms: options.cms });
	}
	if (expected.pairedTrigger) return await runTriggerPair(name, { ...expected, pairedTrigger: expected.pairedTrigger }, options);
	return await runExample(name, options);
}
