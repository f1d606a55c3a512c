/**
 * Every workflow of examples/, imported into the running n8n as a user would (file paths pointed at the run's
 * folders, credentials at the credential created through the REST API), run, and checked against
 * expectations.ts: the images written (format, pixel size, count) and the JSON the package's node returned.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import sharp from 'sharp';

import type { Cms } from '../cms';
import type { Emulator } from '../emulator';
import { N8N_INPUT_DIR, N8N_OUTPUT_DIR } from '../demo/examples';
import { DONE_STATUS, expectationFor, type ExampleExpectation, type ExpectedImage } from './expectations';
import { info, seconds } from './log';
import type { N8nRest } from './n8nApp';
import { PACKAGE_NAME, REPO } from './packageInstall';

export const EXAMPLES_DIR = path.join(REPO, 'examples');

interface WorkflowNode {
	name: string;
	type: string;
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
}

interface WorkflowFile {
	name: string;
	nodes: WorkflowNode[];
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
}

export interface ExampleRun {
	name: string;
	workflowId: string;
	executionId: string;
	status: string;
	durationMs: number;
	files: Array<{ file: string; format?: string; width?: number; height?: number; sha: string }>;
	/** Set when the run's Wait node was resumed by the emulator calling n8n's resume URL. */
	resumedBy?: { url: string; status?: number };
	outputDir: string;
	/** Binary data ids of the package node's output items: their prefix names n8n's binary data mode. */
	binaryIds: string[];
	problems: string[];
}

/** Example names (file names without .json), sorted; every one must have expectations. */
export function exampleNames(): string[] {
	const names = readdirSync(EXAMPLES_DIR)
		.filter((f) => f.endsWith('.json'))
		.map((f) => f.slice(0, -'.json'.length))
		.sort();
	for (const name of names) expectationFor(name);
	return names;
}

/** Copies the example inputs where the adapted workflows read them (`<filesDir>/product-photos/`). */
export function copyExampleAssets(filesDir: string): string {
	const inputDir = path.join(filesDir, 'product-photos');
	mkdirSync(inputDir, { recursive: true });
	for (const file of readdirSync(path.join(EXAMPLES_DIR, 'assets'))) copyFileSync(path.join(EXAMPLES_DIR, 'assets', file), path.join(inputDir, file));
	return inputDir;
}

function mapStrings(value: unknown, map: (text: string) => string): unknown {
	if (typeof value === 'string') return map(value);
	if (Array.isArray(value)) return value.map((entry) => mapStrings(entry, map));
	if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, map)]));
	return value;
}

const slash = (dir: string): string => (dir.endsWith('/') ? dir : `${dir}/`);

/** The example as a user would have it after import: paths to this run's folders, our credential selected. */
export function adaptExample(name: string, dirs: { inputDir: string; outputDir: string }, credential: { id: string; name: string }): WorkflowFile {
	const workflow = JSON.parse(readFileSync(path.join(EXAMPLES_DIR, `${name}.json`), 'utf8')) as WorkflowFile;
	for (const node of workflow.nodes) {
		node.parameters = mapStrings(node.parameters, (text) =>
			text.split(N8N_INPUT_DIR).join(slash(dirs.inputDir)).split(N8N_OUTPUT_DIR).join(slash(dirs.outputDir)),
		) as Record<string, unknown>;
		if (node.credentials?.waveSpeedApi) node.credentials.waveSpeedApi = { id: credential.id, name: credential.name };
		if (node.credentials?.eachLabsApi) node.credentials.eachLabsApi = { id: credential.id, name: credential.name };
	}
	return workflow;
}

interface ExecutionRecord {
	id: string;
	status: string;
	finished: boolean;
	mode: string;
	data: string;
}

interface NodeItem {
	json: Record<string, unknown>;
	binary?: Record<string, { mimeType?: string; fileName?: string; id?: string }>;
}

interface RunData {
	resultData: { error?: { message?: string; description?: string }; lastNodeExecuted?: string; runData: Record<string, Array<{ data?: { main?: NodeItem[][] }; error?: { message?: string } }>> };
}

/** n8n stores execution data "flatted" (circular-safe JSON); its own copy of the library reads it. */
export function parseExecutionData(n8nDir: string, data: string): RunData {
	const { parse } = createRequire(path.join(n8nDir, 'package.json'))('flatted') as { parse: (text: string) => unknown };
	return parse(data) as RunData;
}

export async function waitForExecution(rest: N8nRest, executionId: string, timeoutMs: number, onWaiting?: () => void): Promise<ExecutionRecord> {
	const deadline = Date.now() + timeoutMs;
	let sawWaiting = false;
	for (;;) {
		const execution = await rest.call<ExecutionRecord>('GET', `/executions/${executionId}`);
		if (['success', 'error', 'crashed', 'canceled'].includes(execution.status)) return execution;
		if (execution.status === 'waiting' && !sawWaiting) {
			sawWaiting = true;
			onWaiting?.();
		}
		if (Date.now() > deadline) throw new Error(`execution ${executionId} still "${execution.status}" after ${timeoutMs / 1000} s`);
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}

/** Imports the workflow (POST /rest/workflows) and runs it as the editor's "Execute workflow" does. */
export async function importAndRun(rest: N8nRest, workflow: WorkflowFile, timeoutMs: number, onWaiting?: () => void): Promise<{ workflowId: string; execution: ExecutionRecord }> {
	const created = await rest.call<{ id: string }>('POST', '/workflows', {
		name: workflow.name,
		nodes: workflow.nodes,
		connections: workflow.connections,
		settings: workflow.settings ?? {},
		pinData: {},
	});
	const trigger = workflow.nodes.find((n) => n.type === 'n8n-nodes-base.manualTrigger');
	if (!trigger) throw new Error(`${workflow.name}: no Manual Trigger to start from`);
	const started = await rest.call<{ executionId?: string; waitingForWebhook?: boolean }>('POST', `/workflows/${created.id}/run`, {
		triggerToStartFrom: { name: trigger.name },
	});
	if (!started.executionId) throw new Error(`${workflow.name}: n8n started no execution: ${JSON.stringify(started)}`);
	const execution = await waitForExecution(rest, started.executionId, timeoutMs, onWaiting);
	return { workflowId: created.id, execution };
}

export async function fileFacts(dir: string): Promise<ExampleRun['files']> {
	const files = readdirSync(dir).sort();
	return await Promise.all(
		files.map(async (file) => {
			const buffer = readFileSync(path.join(dir, file));
			const sha = (await import('node:crypto')).createHash('sha256').update(buffer).digest('hex');
			try {
				const meta = await sharp(buffer).metadata();
				return { file, format: meta.format, width: meta.width, height: meta.height, sha };
			} catch {
				return { file, sha };
			}
		}),
	);
}

/** The files a run wrote against the images expected: names, formats and pixel sizes. */
export function fileProblems(images: ExpectedImage[], files: ExampleRun['files']): string[] {
	const problems: string[] = [];
	const wantFiles = images.map((i) => i.file).sort();
	const gotFiles = files.map((f) => f.file);
	if (wantFiles.join() !== gotFiles.join()) problems.push(`files written: expected [${wantFiles.join(', ')}], got [${gotFiles.join(', ')}]`);
	for (const want of images) {
		const got = files.find((f) => f.file === want.file);
		if (got && (got.format !== want.format || got.width !== want.width || got.height !== want.height)) {
			problems.push(`${want.file}: expected ${want.format} ${want.width}x${want.height}, got ${got.format} ${got.width}x${got.height}`);
		}
	}
	return problems;
}

/** Compares what the run produced with the expectations; returns human-readable problems (empty: all good). */
function check(name: string, expected: ExampleExpectation, execution: ExecutionRecord, data: RunData, files: ExampleRun['files']): string[] {
	const problems: string[] = [];
	if (execution.status !== 'success') {
		const error = data.resultData.error;
		problems.push(`status ${execution.status}${error ? `: ${error.message ?? ''} ${error.description ?? ''}` : ''} (last node ${data.resultData.lastNodeExecuted})`);
	}
	problems.push(...fileProblems(expected.images, files));
	const runs = data.resultData.runData[expected.imageNode];
	const node = (JSON.parse(readFileSync(path.join(EXAMPLES_DIR, `${name}.json`), 'utf8')) as WorkflowFile).nodes.find((n) => n.name === expected.imageNode);
	if (node?.type !== `${PACKAGE_NAME}.${expected.imageNodeType}`) problems.push(`node "${expected.imageNode}" is not a ${PACKAGE_NAME}.${expected.imageNodeType}`);
	const items = runs?.[runs.length - 1]?.data?.main?.[0] ?? [];
	if (items.length !== expected.images.length) problems.push(`"${expected.imageNode}" returned ${items.length} items, expected ${expected.images.length}`);
	for (const item of items) {
		const json = item.json;
		const images = (json.images as Array<Record<string, unknown>> | undefined) ?? [];
		const want = expected.images.find((i) => i.file === images[0]?.fileName);
		const mime = want && (want.format === 'jpeg' ? 'image/jpeg' : `image/${want.format}`);
		const provider = expected.provider ?? 'wavespeed';
		if (typeof json.id !== 'string' || json.status !== DONE_STATUS[provider] || json.provider !== provider || !/gpt-image-(2|v2)/.test(String(json.model))) {
			problems.push(`"${expected.imageNode}" item JSON lacks id/provider ${provider}/status ${DONE_STATUS[provider]}/model: ${JSON.stringify(json).slice(0, 300)}`);
		}
		if (!want) problems.push(`"${expected.imageNode}" item names an unexpected file: ${JSON.stringify(images).slice(0, 300)}`);
		else if (images[0].width !== want.width || images[0].height !== want.height || images[0].mimeType !== mime) {
			problems.push(`"${expected.imageNode}" item JSON says ${JSON.stringify(images[0])}, expected ${mime} ${want.width}x${want.height}`);
		}
		if (!item.binary?.data) problems.push(`"${expected.imageNode}" item has no binary "data"`);
		if (JSON.stringify(json).includes('ws-emulator-key')) problems.push(`"${expected.imageNode}" item JSON contains the API key`);
	}
	return problems;
}

export interface RunExampleOptions {
	rest: N8nRest;
	n8nDir: string;
	emulator: Emulator;
	credential: { id: string; name: string };
	inputDir: string;
	outputRoot: string;
	/** Base of n8n's webhook URLs (WEBHOOK_URL), to recognise the resume call. */
	webhookBase: string;
	/** The stand-in CMS (also the host of the product photos the table's rows link to). */
	cms?: Cms;
}

export async function runExample(name: string, options: RunExampleOptions): Promise<ExampleRun> {
	const expected = expectationFor(name);
	const outputDir = path.join(options.outputRoot, name);
	mkdirSync(outputDir, { recursive: true });
	const workflow = adaptExample(name, { inputDir: options.inputDir, outputDir }, options.credential);
	const deliveriesBefore = options.emulator.webhookDeliveries.length;
	const t0 = Date.now();
	let waited = false;
	const { workflowId, execution } = await importAndRun(options.rest, workflow, 180_000, () => {
		waited = true;
	});
	const durationMs = Date.now() - t0;
	const data = parseExecutionData(options.n8nDir, execution.data);
	const files = await fileFacts(outputDir);
	const problems = check(name, expected, execution, data, files);
	const imageRuns = data.resultData.runData[expected.imageNode] ?? [];
	const binaryIds = (imageRuns[imageRuns.length - 1]?.data?.main?.[0] ?? []).map((item) => String(item.binary?.data?.id ?? '(in memory)'));
	let resumedBy: ExampleRun['resumedBy'];
	if (expected.resumesByWebhook) {
		const resumeBase = `${slash(options.webhookBase)}webhook-waiting/${execution.id}`;
		const delivery = options.emulator.webhookDeliveries.slice(deliveriesBefore).find((d) => d.url.startsWith(resumeBase));
		resumedBy = delivery && { url: delivery.url, status: delivery.status };
		if (!waited) problems.push('the execution was never seen waiting for the webhook');
		if (!delivery) problems.push(`the emulator never called n8n's resume URL ${resumeBase}...; deliveries: ${JSON.stringify(options.emulator.webhookDeliveries.map((d) => d.url))}`);
		else if (delivery.status !== 200) problems.push(`n8n answered the resume call with ${delivery.status ?? delivery.error}`);
		for (const wait of workflow.nodes.filter((n) => n.type === 'n8n-nodes-base.wait')) {
			if (!data.resultData.runData[wait.name]) problems.push(`the Wait node "${wait.name}" did not run`);
		}
	}
	info(`${name}: ${execution.status} in ${seconds(durationMs)}, ${files.length} file(s)${resumedBy ? `, resumed by ${resumedBy.url.replace(/\?.*/, '?…')} (HTTP ${resumedBy.status})` : ''}${problems.length ? `; PROBLEMS:\n      ${problems.join('\n      ')}` : ''}`);
	return { name, workflowId, executionId: execution.id, status: execution.status, durationMs, files, resumedBy, outputDir, binaryIds, problems };
}
