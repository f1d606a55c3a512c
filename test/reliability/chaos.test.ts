/**
 * Chaos: seeded random faults on every emulator endpoint, over small batches, across wait, transfer and binary
 * modes, with and without Continue On Fail. After every run the money and safety invariants are checked.
 */
import { seededRandom } from '../../dev/emulator';
import { runInThisContext } from 'node:vm';

import type { FaultKind, RecordedRequest } from '../../dev/emulator';
import type { BinaryMode, RunResult, WorkflowJson } from '../../dev/harness';
import type { NodeSpec, ProviderCase, TestBed } from '../workflows/helpers';
import { chain, EACHLABS, editNode, everyText, generateNode, imageOf, makeImages, manualTrigger, readFile, rows, useTestBed, WAVESPEED } from '../workflows/helpers';

const RUNS = 32;
/** The Node process itself (jest's `process` is a sandbox copy whose listeners never fire). */
const realProcess = runInThisContext('process') as NodeJS.Process;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));


const RANDOM_KINDS: FaultKind[] = [
	'http500',
	'http502',
	'http503',
	'gateway504',
	'http429',
	'reset',
	'slow',
	'malformed',
	'truncated',
	'bad-envelope',
	'task-failed',
	'cdn-not-image',
	'cdn-redirect',
	'cdn-huge',
	'numeric-id',
	'string-code',
	'code-in-200',
];
/** One targeted fault per run on top of the random ones, in turn, so every kind shows up whatever the dice say. */
const EXTRAS = ['submit429', 'gateway504', 'cdnSlow', 'uploadSlow', 'cdnNotImage', 'cdnRedirect', 'cdnHuge', 'uploadReset'] as const;
const TASK_CODES = [1200, 1400, 1401, 1402, 1403, 1405, 5000, 5003, 5004];

interface Combo {
	run: number;
	provider: ProviderCase;
	seed: number;
	node: 'edit' | 'generate';
	waitMode: 'poll' | 'sync' | 'none';
	transfer: 'download' | 'base64';
	binaryMode: BinaryMode;
	continueOnFail: boolean;
	items: number;
	probability: number;
	taskCode: number;
	syncTimeout: boolean;
	extra: (typeof EXTRAS)[number];
}

function comboFor(run: number): Combo {
	const seed = 7000 + run * 31;
	const next = seededRandom(seed);
	const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)];
	// The first runs cover every wait mode x transfer x COF once before the random part takes over.
	const node = run % 2 === 0 ? 'edit' : 'generate';
	// Every other pair of runs on each::labs, which has neither Sync Mode nor Inline Base64: those become Poll and Download.
	const provider = Math.floor(run / 2) % 2 === 1 ? EACHLABS : WAVESPEED;
	const waveSpeed = provider.id === 'wavespeed';
	const waitMode = waveSpeed || run % 3 !== 1 ? (['poll', 'sync', 'none'] as const)[run % 3] : 'poll';
	const transfer = waveSpeed ? (['download', 'base64'] as const)[Math.floor(run / 3) % 2] : 'download';
	const continueOnFail = Math.floor(run / 6) % 2 === 0;
	return {
		run,
		provider,
		seed,
		node,
		waitMode,
		transfer,
		continueOnFail,
		binaryMode: pick(['default', 'filesystem'] as const),
		items: 3 + Math.floor(next() * 6),
		probability: 0.1 + next() * 0.15,
		taskCode: TASK_CODES[run % TASK_CODES.length],
		syncTimeout: waitMode === 'sync' && next() < 0.6,
		extra: EXTRAS[run % EXTRAS.length],
	};
}

const promptOf = (run: number, item: number) => `chaos run ${run} item ${item}`;

/** A provider text that echoes the key in every form the masking must catch: as is, base64, Basic auth, upper case, cut short. */
const echoingKey = (key: string) =>
	`upstream rejected key ${key} (Basic ${Buffer.from(`user:${key}`).toString('base64')}, ${Buffer.from(key).toString('base64')}, ${key.toUpperCase()}, ${key.slice(0, -4)})`;

/** The forms of a secret found in a text: any 12-character run of it in any case, or its base64 (alone or as "user:key"). */
function secretForms(text: string, secret: string): string[] {
	const lower = text.toLowerCase();
	const found: string[] = [];
	for (let i = 0; i + 12 <= secret.length; i++) if (lower.includes(secret.slice(i, i + 12).toLowerCase())) found.push(secret.slice(i, i + 12));
	for (const encoded of [Buffer.from(secret).toString('base64'), Buffer.from(`user:${secret}`).toString('base64')]) if (text.includes(encoded.slice(8, 24))) found.push(encoded);
	return found;
}

describe('chaos: random faults on every endpoint', () => {
	const beds = { wavespeed: useTestBed({ latencyMs: 60 }, WAVESPEED), eachlabs: useTestBed({ latencyMs: 60 }, EACHLABS) };
	/** The bed of the run under way (set at its start). */
	let bed: TestBed = beds.wavespeed;
	let images: Awaited<ReturnType<typeof makeImages>>;
	const figures = {
		runs: 0,
		items: 0,
		okItems: 0,
		errorItems: 0,
		failedRuns: 0,
		checks: 0,
		faults: {} as Record<string, number>,
		byMode: {} as Record<string, number>,
		heap: [] as number[],
		ms: 0,
	};
	let unhandled = 0;
	const onUnhandled = () => {
		unhandled += 1;
	};
	const started = Date.now();

	beforeAll(async () => {
		images = await makeImages();
		// Jest's sandbox has its own process object; rejections are reported on the real one.
		const before = realProcess.listenerCount('unhandledRejection');
		realProcess.on('unhandledRejection', onUnhandled);
		expect(realProcess.listenerCount('unhandledRejection')).toBe(before + 1);
	});

	afterAll(() => {
		realProcess.off('unhandledRejection', onUnhandled);
		const early = figures.heap.slice(2, 8);
		const late = figures.heap.slice(-6);
		const avg = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length) / 1024 / 1024;
		console.log(
			[
				'chaos figures',
				`  runs: ${figures.runs} (${figures.failedRuns} ended in a node error without Continue On Fail)`,
				`  items: ${figures.items} (finished images: ${figures.okItems}, error items: ${figures.errorItems})`,
				`  modes: ${JSON.stringify(figures.byMode)}`,
				`  faults injected by type: ${JSON.stringify(Object.fromEntries(Object.entries(figures.faults).sort()))} (total ${Object.values(figures.faults).reduce((a, b) => a + b, 0)})`,
				`  invariant checks passed: ${figures.checks}`,
				`  unhandled rejections: ${unhandled}`,
				`  heapUsed after gc (${typeof global.gc === 'function' ? 'global.gc' : 'no gc exposed: raw heapUsed'}): early runs ${avg(early).toFixed(1)} MB, late runs ${avg(late).toFixed(1)} MB`,
				`  wall time: ${((Date.now() - started) / 1000).toFixed(1)} s`,
			].join('\n'),
		);
	});

	function workflowFor(combo: Combo, maxCostPerRun?: number): { workflow: WorkflowJson; finalNode: string; submitNode: string } {
		const table = Array.from({ length: combo.items }, (_, i) => ({
			prompt: promptOf(combo.run, i),
			path: i % 3 === 2 ? images.blue : images.red,
		}));
		const settings = combo.continueOnFail ? { onError: 'continueRegularOutput' as const } : undefined;
		// each::labs keeps a run quiet 120 s after a create 429 (a random fault can be one): a Timeout under that makes
		// those rows fail at the 429 instead of outlasting the test.
		const quietAfter429 = combo.provider.id === 'eachlabs' ? { timeout: 60 } : {};
		const options = { pollInterval: 1, transfer: combo.transfer, maxConcurrency: 1 + (combo.seed % 4), ...quietAfter429, ...(maxCostPerRun === undefined ? {} : { maxCostPerRun }) };
		const common = { resolution: '1k', quality: 'low', outputFormat: combo.run % 5 === 0 ? 'jpeg' : 'png', waitMode: combo.waitMode, options };
		const specs: NodeSpec[] = [manualTrigger(), ...rows(table)];
		let submitNode: string;
		if (combo.node === 'edit') {
			specs.push(readFile('={{ $json.path }}'));
			specs.push(editNode({ ...common, prompt: "={{ $('Rows').item.json.prompt }}", aspectRatio: 'match' }, 'Edit', settings));
			submitNode = 'Edit';
		} else {
			specs.push(generateNode({ ...common, operation: 'generateImage', prompt: '={{ $json.prompt }}', aspectRatio: '1:1' }, 'Generate', settings));
			submitNode = 'Generate';
		}
		let finalNode = submitNode;
		if (combo.waitMode === 'none') {
			specs.push(
				generateNode(
					{ operation: 'getResult', predictionId: '={{ $json.id }}', waitForCompletion: true, options: { pollInterval: 1, transfer: combo.transfer } },
					'Get Result',
					settings,
				),
			);
			finalNode = 'Get Result';
		}
		// A fixed id: the memory of paid predictions belongs to a workflow and node, so the re-run under a cap can pick up.
		return { workflow: { ...chain(...specs), id: `chaos-run-${combo.run}` }, finalNode, submitNode };
	}

	function injectFaults(combo: Combo): void {
		const e = bed.emulator;
		e.configure(combo.syncTimeout ? { syncTimeoutMs: 80, latencyMs: 250 } : { syncTimeoutMs: 90_000 });
		// Each run fails one task with its code, somewhere in the batch.
		// Its error text echoes the key in every weak form: no form may reach an output or error.
		e.injectFault({ endpoint: 'submit', kind: 'task-failed', taskErrorCode: combo.taskCode, taskError: echoingKey(e.apiKey), skip: combo.seed % combo.items, times: 1 });
		switch (combo.extra) {
			case 'submit429':
				e.injectFault({ endpoint: 'submit', kind: 'http429', retryAfterSeconds: 1, skip: 1, times: 2, message: echoingKey(e.apiKey) });
				break;
			case 'gateway504':
				e.injectFault({ endpoint: 'submit', kind: 'gateway504', delayMs: 100, skip: 1, times: 1 });
				break;
			case 'cdnSlow':
				e.injectFault({ endpoint: 'cdn', kind: 'slow', delayMs: 400, times: 2 });
				break;
			case 'uploadSlow':
				e.injectFault({ endpoint: 'upload-put', kind: 'slow', delayMs: 300, times: 1 });
				break;
			case 'cdnNotImage':
				e.injectFault({ endpoint: 'cdn', kind: 'cdn-not-image', skip: 1, times: 1 });
				break;
			case 'cdnRedirect':
				e.injectFault({ endpoint: 'cdn', kind: 'cdn-redirect', times: 2 });
				break;
			case 'cdnHuge':
				// A PNG header followed by 3 MB of junk: under the size cap, so only the structure check can refuse it.
				e.injectFault({ endpoint: 'cdn', kind: 'cdn-huge', hugeBytes: 3 * 1024 * 1024, times: 1 });
				break;
			case 'uploadReset':
				e.injectFault({ endpoint: 'upload-ticket', kind: 'reset', times: 1 });
				e.injectFault({ endpoint: 'upload-put', kind: 'http503', times: 1 });
				break;
		}
		e.injectRandomFaults({ seed: combo.seed, probability: combo.probability, kinds: RANDOM_KINDS });
	}

	/** The submit that created a task, and whether its answer (with the id) reached the node. */
	function idDelivered(prompt: string): { id: string } | undefined {
		const task = bed.emulator.tasks.find((t) => t.input.prompt === prompt);
		if (!task) return undefined;
		const submits = bed.emulator.requests.filter((r) => r.endpoint === 'submit' && bed.provider.promptSent(r.json) === prompt);
		const last = submits[submits.length - 1];
		// The id reaches the node with a clean answer, and with the ambiguous ones that still carry it.
		const carriesId: Array<FaultKind | undefined> = [undefined, 'slow', 'task-failed', 'string-code', 'code-in-200'];
		const delivered = last.status === 200 && carriesId.includes(last.fault);
		return delivered ? { id: task.id } : undefined;
	}

	let checks = 0;
	const check = (condition: boolean, what: string): void => {
		expect({ what, ok: condition }).toEqual({ what, ok: true });
		checks += 1;
	};

	/**
	 * The same rows again under Max Cost Per Run, after every prediction of the first run was deleted on the server (so
	 * no remembered one can be picked up): no row is submitted that was not priced, and the run spends at most the cap.
	 */
	async function rerunUnderCap(combo: Combo): Promise<void> {
		const e = bed.emulator;
		const ids = e.tasks.map((t) => t.id);
		if (ids.length > 0) {
			const deleted = await fetch(`${e.baseUrl}/api/v3/predictions/delete`, {
				method: 'POST',
				headers: { authorization: `Bearer ${e.apiKey}`, 'content-type': 'application/json' },
				body: JSON.stringify({ ids }),
			});
			check(deleted.ok, 'the first run\'s predictions are deleted');
		}
		// Room for half the rows at WaveSpeed's price for these settings ($0.06 at 1K low).
		const capUsd = 0.06 * Math.ceil(combo.items / 2);
		const { workflow, submitNode } = workflowFor({ ...combo, continueOnFail: true }, capUsd);
		const tasksBefore = e.tasks.length;
		const balanceBefore = e.balanceUsd;
		const result = await bed.run(workflow, combo.binaryMode);
		const created = e.tasks.slice(tasksBefore);
		const spent = Math.round((balanceBefore - e.balanceUsd) * 10_000) / 10_000;
		check(spent <= capUsd + 1e-9, `re-run under Max Cost Per Run $${capUsd.toFixed(2)} spent $${spent} on ${created.length} tasks`);
		const items = result.output(submitNode);
		for (const task of created) {
			// Its item: the finished one, or an error item that names it (both carry the estimate once a task exists).
			const item = items.find((i) => i.json.id === task.id || i.json.predictionId === task.id);
			check(item !== undefined && typeof item.json.estimatedCostUsd === 'number', `re-run: task ${task.id} was priced (estimatedCostUsd on its item)`);
		}
	}

	async function checkItems(result: RunResult, node: string, combo: Combo, final: boolean): Promise<void> {
		const items = result.output(node);
		check(items.length === combo.items, `${node}: ${combo.items} inputs give ${combo.items} outputs (got ${items.length})`);
		for (const [index, item] of items.entries()) {
			check((item.pairedItem as { item: number }).item === index, `${node} item ${index} keeps its place`);
			const delivered = idDelivered(promptOf(combo.run, index));
			const json = item.json as Record<string, unknown>;
			if (typeof json.error === 'string') {
				check(json.error.length > 0 && typeof json.description === 'string' && json.description.length > 0, `${node} item ${index}: error says what happened`);
				check(new RegExp(`\\[item ${index}\\]$`).test(json.error), `${node} item ${index}: error names the item`);
				if (delivered) check(json.predictionId === delivered.id, `${node} item ${index}: error carries prediction ${delivered.id} (got ${String(json.predictionId)})`);
				if (final) figures.errorItems += 1;
				continue;
			}
			if (delivered) check(json.id === delivered.id, `${node} item ${index}: output is its own task`);
			if (!final) {
				check(typeof json.id === 'string' && typeof json.resultUrl === 'string', `${node} item ${index}: pending item has id and result URL`);
				continue;
			}
			check(json.status === combo.provider.done, `${node} item ${index}: status ${combo.provider.done} (got ${String(json.status)})`);
			check(json.provider === combo.provider.id, `${node} item ${index}: says provider ${combo.provider.id}`);
			const binary = item.binary?.data;
			check(binary !== undefined, `${node} item ${index}: carries the image`);
			const decoded = await imageOf(result, binary!);
			check(decoded.format === (binary!.mimeType === 'image/jpeg' ? 'jpeg' : 'png') && (decoded.width ?? 0) > 0, `${node} item ${index}: binary decodes as ${binary!.mimeType}`);
			figures.okItems += 1;
		}
	}

	it.each(Array.from({ length: RUNS }, (_, run) => [run, comboFor(run).provider.label]))('run %i (%s)', async (run) => {
		const combo = comboFor(run);
		bed = beds[combo.provider.id];
		const { workflow, finalNode, submitNode } = workflowFor(combo);
		injectFaults(combo);
		figures.byMode[`${combo.provider.id}/${combo.node}/${combo.waitMode}/${combo.transfer}/${combo.binaryMode}/${combo.continueOnFail ? 'cof' : 'stop'}`] =
			(figures.byMode[`${combo.provider.id}/${combo.node}/${combo.waitMode}/${combo.transfer}/${combo.binaryMode}/${combo.continueOnFail ? 'cof' : 'stop'}`] ?? 0) + 1;
		checks = 0;

		const handle = bed.start(workflow, combo.binaryMode);
		const result = await handle.promise;
		await handle.finished;
		const external = (): RecordedRequest[] => bed.emulator.requests.filter((r) => !r.internal);
		const countAtEnd = external().length;
		bed.emulator.clearFaults();

		// One task per item, whatever failed.
		const perPrompt = new Map<string, number>();
		for (const task of bed.emulator.tasks) perPrompt.set(String(task.input.prompt), (perPrompt.get(String(task.input.prompt)) ?? 0) + 1);
		for (const [prompt, count] of perPrompt) check(count === 1, `one task for "${prompt}" (got ${count})`);
		check(bed.emulator.tasks.length <= combo.items, 'never more tasks than items');

		// The key only goes to the Base URL.
		for (const request of bed.emulator.requests.filter((r) => r.origin !== bed.emulator.baseUrl)) {
			check(request.headers.authorization === undefined && !JSON.stringify(request.headers).includes(bed.emulator.apiKey), `no key on ${request.method} ${request.origin}${request.path}`);
		}
		check(!everyText(result).includes(bed.emulator.apiKey), 'the API key appears nowhere in the run data or error');
		const forms = secretForms(everyText(result), bed.emulator.apiKey);
		check(forms.length === 0, `no secret in any form in any output or error (found ${forms.join(', ')})`);

		// Every accepted task's id reaches the user, in an output item or in the error (unless its answer never carried it).
		for (const task of bed.emulator.tasks) {
			const delivered = idDelivered(String(task.input.prompt));
			if (delivered) check(everyText(result).includes(delivered.id), `accepted task ${delivered.id} (${String(task.input.prompt)}) reaches the user`);
		}

		if (combo.continueOnFail) {
			check(result.status === 'success' && result.error === undefined, `Continue On Fail: the run succeeds (got ${result.status}: ${result.error?.message})`);
			if (combo.waitMode === 'none') await checkItems(result, submitNode, combo, false);
			await checkItems(result, finalNode, combo, true);
		} else if (result.status === 'error') {
			figures.failedRuns += 1;
			const match = /\[item (\d+)\]$/.exec(result.error?.message ?? '');
			check(match !== null, `the run's error names an item: ${result.error?.message}`);
			check((result.error?.description ?? '').length > 0, 'the error has a description');
			if (match && result.error?.node === submitNode) {
				const delivered = idDelivered(promptOf(combo.run, Number(match[1])));
				if (delivered) check(result.error!.description!.includes(`Prediction ID: ${delivered.id}`), `the error gives prediction ${delivered.id}`);
			}
		} else {
			check(result.status === 'success', `the run succeeds or fails (got ${result.status})`);
			if (combo.waitMode === 'none') await checkItems(result, submitNode, combo, false);
			await checkItems(result, finalNode, combo, true);
		}

		for (const request of bed.emulator.requests) if (request.fault) figures.faults[request.fault] = (figures.faults[request.fault] ?? 0) + 1;

		// Nothing is sent after the run ended.
		await sleep(300);
		check(external().length === countAtEnd, `no request after the run ended (${external().length - countAtEnd} late)`);
		check(unhandled === 0, 'no unhandled rejection');

		if (combo.provider.id === 'wavespeed') await rerunUnderCap(combo);

		global.gc?.();
		figures.heap.push(process.memoryUsage().heapUsed);
		if (figures.heap.length >= 14) {
			const early = figures.heap.slice(2, 8).reduce((a, b) => a + b, 0) / 6;
			const late = figures.heap.slice(-6).reduce((a, b) => a + b, 0) / 6;
			check(late - early < 100 * 1024 * 1024, `heap does not grow across runs (${((late - early) / 1024 / 1024).toFixed(1)} MB)`);
		}
		figures.runs += 1;
		figures.items += combo.items;
		figures.checks += checks;
	});
});
