/**
 * Batches never lose paid work: pre-flight of every row's bytes, failures that list what was paid for, recovery on the
 * next run, Reuse Earlier Results, and 429 pacing. Each through n8n's engine against the emulator.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';

import type { EmulatedTask } from '../../dev/emulator';
import type { BinaryMode, WorkflowJson } from '../../dev/harness';
import type { NodeSpec } from './helpers';
import { chain, editNode, everyText, generateNode, imageOf, makeImages, manualTrigger, readFile, rows, useTestBed } from './helpers';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let workflowCounter = 0;

/** A workflow with a fixed id: the memory of paid predictions belongs to a workflow and node. */
function saved(workflow: WorkflowJson, staticData?: WorkflowJson['staticData']): WorkflowJson {
	return { ...workflow, id: workflow.id ?? `paid-work-${++workflowCounter}`, staticData };
}

describe('GPT Image 2: batches never lose paid work', () => {
	const bed = useTestBed();
	let images: Awaited<ReturnType<typeof makeImages>>;
	let disguisedGif: string;
	let disguisedText: string;
	beforeAll(async () => {
		images = await makeImages();
		// A GIF saved as photo.png arrives labelled image/png: only its bytes tell.
		disguisedGif = join(images.dir, 'photo.png');
		copyFileSync(images.gif, disguisedGif);
		disguisedText = join(images.dir, 'notes-as.png');
		copyFileSync(images.text, disguisedText);
	});

	const prompts = (count: number, tag = 'paid') => Array.from({ length: count }, (_, i) => ({ prompt: `${tag} product shot ${i}` }));
	const taskFor = (prompt: string): EmulatedTask[] => bed.emulator.tasks.filter((t) => t.input.prompt === prompt);

	const generateBatch = (count: number, options: Record<string, unknown> = {}, settings?: NodeSpec['settings'], tag = 'paid') =>
		chain(
			manualTrigger(),
			...rows(prompts(count, tag)),
			generateNode(
				{ operation: 'generateImage', prompt: '={{ $json.prompt }}', aspectRatio: '1:1', resolution: '1k', quality: 'low', options: { pollInterval: 1, ...options } },
				'Generate',
				settings,
			),
		);

	/** Rows each naming a photo file; the Edit node edits that photo. */
	const editBatch = (paths: string[], options: Record<string, unknown> = {}, settings?: NodeSpec['settings'], extraReference?: string) =>
		chain(
			manualTrigger(),
			...rows(paths.map((path, i) => ({ path, prompt: `place photo ${i} on marble` }))),
			readFile('={{ $json.path }}'),
			...(extraReference ? [readFile(extraReference, 'Read Second', 'second')] : []),
			editNode(
				{
					prompt: "={{ $('Rows').item.json.prompt }}",
					quality: 'low',
					referenceImages: {
						image: [{ source: 'binary', binaryField: 'data' }, ...(extraReference ? [{ source: 'binary', binaryField: 'second' }] : [])],
					},
					options: { pollInterval: 1, ...options },
				},
				'Edit',
				settings,
			),
		);

	describe('pre-flight: every row is checked before the first submit', () => {
		it.each(['default', 'filesystem'] as BinaryMode[])('a GIF saved as .png in row 6 of 8 costs nothing (%s binary mode)', async (mode) => {
			const paths = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => (i === 6 ? disguisedGif : images.red));
			const result = await bed.run(editBatch(paths, { maxConcurrency: 2 }), mode);

			expect(result.status).toBe('error');
			expect(result.error!.message).toBe('Reference image 1: binary field "data" is a GIF image (labelled image/png) [item 6]');
			expect(result.error!.description).toMatch(/accepts PNG, JPEG and WebP/);
			expect(bed.submits()).toHaveLength(0);
			expect(bed.apiRequests('upload-ticket')).toHaveLength(0);
		});

		it('every reference of a row is checked, not only the first (text labelled as PNG behind a URL reference)', async () => {
			const workflow = chain(
				manualTrigger(),
				...rows([{ path: images.red }, { path: disguisedText }]),
				readFile('={{ $json.path }}'),
				editNode({
					prompt: 'combine them',
					quality: 'low',
					referenceImages: { image: [{ source: 'url', url: 'https://example.com/room.png' }, { source: 'binary', binaryField: 'data' }] },
				}),
			);
			const result = await bed.run(workflow, 'filesystem');
			expect(result.error!.message).toBe('Reference image 2: binary field "data" is not an image (labelled image/png) [item 1]');
			expect(bed.submits()).toHaveLength(0);
		});

		it('with Continue On Fail the bad row is an error item and the others run', async () => {
			const paths = [images.red, images.blue, disguisedGif, images.green];
			const result = await bed.run(editBatch(paths, { maxConcurrency: 2 }, { onError: 'continueRegularOutput' }), 'filesystem');

			expect(result.status).toBe('success');
			const items = result.output('Edit');
			expect(items).toHaveLength(4);
			expect(items[2].json).toMatchObject({ error: expect.stringMatching(/is a GIF image.*\[item 2\]$/), kind: 'input', predictionId: null });
			expect(bed.submits()).toHaveLength(3);
			for (const index of [0, 1, 3]) expect(items[index].json).toMatchObject({ status: 'completed' });
		});
	});

	describe('a failure never hides paid work', () => {
		it('row 1 blocked by moderation while others render: the error lists every submitted row with its id and status', async () => {
			bed.emulator.configure({ latencyMs: 400, concurrency: 1 });
			bed.emulator.injectFault({ endpoint: 'submit', kind: 'task-failed', taskErrorCode: 1200, times: 1 });
			const result = await bed.run(saved(generateBatch(6, { maxConcurrency: 3 })));

			expect(result.status).toBe('error');
			const failed = bed.emulator.tasks.find((t) => t.errorCode === 1200)!;
			const failedRow = prompts(6).findIndex((p) => p.prompt === failed.input.prompt);
			expect(result.error!.message).toMatch(new RegExp(`content moderation blocked this request \\(1200\\).*\\[item ${failedRow}\\]$`));
			const description = result.error!.description!;
			// Every task the account paid for is named, with its row and what became of it.
			expect(bed.emulator.tasks.length).toBeGreaterThanOrEqual(3);
			for (const task of bed.emulator.tasks) {
				const row = prompts(6).findIndex((p) => p.prompt === task.input.prompt);
				expect(description).toMatch(new RegExp(`item ${row}: ${task.id} \\((done|still running|failed)\\)`));
			}
			expect(description).toContain(`item ${failedRow}: ${failed.id} (failed)`);
			expect(description).toMatch(/still running/);
			expect(description).toMatch(/run the workflow again with the same input/i);
			// It stopped starting rows: fewer than 6 submitted.
			expect(bed.submits().length).toBeLessThan(6);
		});

		it('the next identical run picks up every paid prediction and pays only for the failed and unstarted rows', async () => {
			bed.emulator.configure({ latencyMs: 400, concurrency: 1 });
			bed.emulator.injectFault({ endpoint: 'submit', kind: 'task-failed', taskErrorCode: 1200, times: 1 });
			const workflow = saved(generateBatch(6, { maxConcurrency: 3 }, undefined, 'rerun'));
			const first = await bed.run(workflow);
			expect(first.status).toBe('error');
			const paid = bed.emulator.tasks.map((t) => ({ id: t.id, prompt: t.input.prompt as string, failed: t.status === 'failed' || t.errorCode === 1200 }));

			bed.emulator.configure({ latencyMs: 100, concurrency: Infinity });
			const second = await bed.run(workflow);
			expect(second.error).toBeUndefined();
			const items = second.output('Generate');
			expect(items).toHaveLength(6);
			for (const [row, item] of items.entries()) {
				const earlier = paid.find((p) => p.prompt === prompts(6, 'rerun')[row].prompt);
				if (earlier && !earlier.failed) {
					expect(item.json).toMatchObject({ id: earlier.id, status: 'completed', recovered: true });
					expect(item.binary?.data.mimeType).toBe('image/png');
				} else {
					expect(item.json.recovered).toBeUndefined();
					expect(item.json.id).not.toBe(earlier?.id);
				}
			}
			// One task per row in the end, plus the failed one: nothing paid twice.
			const prompts6 = prompts(6, 'rerun').map((p) => p.prompt);
			for (const prompt of prompts6) expect(taskFor(prompt).filter((t) => t.status === 'completed')).toHaveLength(1);
			expect(bed.emulator.tasks).toHaveLength(7);
		});

		it('with Continue On Fail nothing changes: one item per row', async () => {
			bed.emulator.injectFault({ endpoint: 'submit', kind: 'task-failed', taskErrorCode: 1200, skip: 1, times: 1 });
			const result = await bed.run(saved(generateBatch(4, { maxConcurrency: 2 }, { onError: 'continueRegularOutput' })));
			expect(result.status).toBe('success');
			const items = result.output('Generate');
			expect(items).toHaveLength(4);
			expect(items.filter((i) => i.json.error)).toHaveLength(1);
			expect(items.filter((i) => i.json.status === 'completed')).toHaveLength(3);
		});
	});

	describe('recovery on the next run', () => {
		const single = (options: Record<string, unknown> = {}, settings?: NodeSpec['settings'], prompt = 'a recovered teapot') =>
			chain(
				manualTrigger(),
				generateNode(
					{ operation: 'generateImage', prompt, aspectRatio: '1:1', resolution: '1k', quality: 'low', options: { pollInterval: 1, ...options } },
					'Generate',
					settings,
				),
			);

		it('a download that failed after the task was paid: the next run fetches it instead of paying again', async () => {
			bed.emulator.injectFault({ endpoint: 'cdn', kind: 'cdn-not-image' });
			const workflow = saved(single());
			const first = await bed.run(workflow);
			expect(first.status).toBe('error');
			const [task] = bed.emulator.tasks;
			expect(first.error!.description).toContain(`Prediction ID: ${task.id}`);

			const second = await bed.run(workflow);
			expect(second.error).toBeUndefined();
			const [item] = second.output('Generate');
			expect(item.json).toMatchObject({ id: task.id, status: 'completed', recovered: true });
			expect((await imageOf(second, item.binary!.data)).format).toBe('png');
			expect(bed.submits()).toHaveLength(1);

			// Delivered now: a third run pays for a new image (Reuse Earlier Results is off).
			const third = await bed.run(workflow);
			expect(third.output('Generate')[0].json.recovered).toBeUndefined();
			expect(bed.submits()).toHaveLength(2);
		});

		it("n8n's Retry On Fail re-runs the node without paying again", async () => {
			bed.emulator.injectFault({ endpoint: 'cdn', kind: 'cdn-not-image' });
			const result = await bed.run(saved(single({}, { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 })));
			expect(result.error).toBeUndefined();
			const [item] = result.output('Generate');
			expect(item.json).toMatchObject({ id: bed.emulator.tasks[0].id, recovered: true });
			expect(bed.submits()).toHaveLength(1);
			expect(bed.emulator.tasks).toHaveLength(1);
		});

		it('a cancelled run is picked up by the next one', async () => {
			bed.emulator.configure({ latencyMs: 1500 });
			const workflow = saved(generateBatch(3, { maxConcurrency: 3 }, undefined, 'cancelled'));
			const run = bed.start(workflow);
			const until = Date.now() + 10_000;
			while (bed.submits().length < 3 && Date.now() < until) await sleep(20);
			await sleep(100);
			run.cancel();
			await run.promise;
			await run.finished;
			expect(bed.emulator.tasks).toHaveLength(3);

			const second = await bed.run(workflow);
			expect(second.error).toBeUndefined();
			expect(second.output('Generate').map((i) => i.json.recovered)).toEqual([true, true, true]);
			expect(bed.submits()).toHaveLength(3);
		});

		it('a prediction that failed on the server is submitted again, not recovered', async () => {
			bed.emulator.injectFault({ endpoint: 'submit', kind: 'task-failed', taskErrorCode: 1403 });
			const workflow = saved(single());
			expect((await bed.run(workflow)).status).toBe('error');
			const second = await bed.run(workflow);
			expect(second.error).toBeUndefined();
			expect(second.output('Generate')[0].json.recovered).toBeUndefined();
			expect(bed.emulator.tasks).toHaveLength(2);
		});

		it('a different prompt or setting is a different request', async () => {
			bed.emulator.injectFault({ endpoint: 'cdn', kind: 'cdn-not-image' });
			const first = saved(single());
			expect((await bed.run(first)).status).toBe('error');
			const changed = { ...saved(single({}, undefined, 'a recovered teapot, in blue')), id: first.id };
			expect((await bed.run(changed)).output('Generate')[0].json.recovered).toBeUndefined();
			expect(bed.emulator.tasks).toHaveLength(2);
		});

		it('an edit with the same photo bytes is recovered without uploading again; other bytes are not', async () => {
			bed.emulator.injectFault({ endpoint: 'cdn', kind: 'cdn-not-image' });
			const workflow = saved(editBatch([images.red]));
			expect((await bed.run(workflow, 'filesystem')).status).toBe('error');
			const uploads = bed.apiRequests('upload-ticket').length;
			const second = await bed.run(workflow, 'filesystem');
			expect(second.output('Edit')[0].json).toMatchObject({ recovered: true, id: bed.emulator.tasks[0].id });
			expect(bed.apiRequests('upload-ticket')).toHaveLength(uploads);

			const otherPhoto = { ...saved(editBatch([images.blue])), id: workflow.id };
			expect((await bed.run(otherPhoto)).output('Edit')[0].json.recovered).toBeUndefined();
			expect(bed.emulator.tasks).toHaveLength(2);
		});

		it('identical rows in one run are each paid for (a batch may ask for variations)', async () => {
			const workflow = saved(
				chain(
					manualTrigger(),
					...rows([{ p: 'same' }, { p: 'same' }, { p: 'same' }]),
					generateNode({ operation: 'generateImage', prompt: 'three variations of a mug', aspectRatio: '1:1', quality: 'low', options: { pollInterval: 1 } }),
				),
			);
			const result = await bed.run(workflow);
			expect(result.output('Generate')).toHaveLength(3);
			expect(bed.emulator.tasks).toHaveLength(3);
			expect(new Set(result.output('Generate').map((i) => i.json.id)).size).toBe(3);
		});

		it("the workflow's static data carries the memory to another process or queue worker", async () => {
			// The package's own module, as the engine loaded it: clearing it is what a fresh worker process starts with.
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const recovery = require('../../dist/nodes/shared/money/recovery') as typeof import('../../nodes/shared/money/recovery');
			bed.emulator.injectFault({ endpoint: 'cdn', kind: 'cdn-not-image' });
			const staticData = {};
			const workflow = saved(single(), staticData);
			expect((await bed.run(workflow)).status).toBe('error');
			expect(JSON.stringify(staticData)).toContain(bed.emulator.tasks[0].id);

			recovery.clearProcessMemory();
			const restored = saved(single(), JSON.parse(JSON.stringify(staticData)));
			const second = await bed.run({ ...restored, id: workflow.id });
			expect(second.output('Generate')[0].json).toMatchObject({ recovered: true, id: bed.emulator.tasks[0].id });
			expect(bed.submits()).toHaveLength(1);
		});
	});

	describe('Reuse Earlier Results', () => {
		it('a nightly run pays only for rows whose prompt changed; reused rows carry the original id and a fresh download', async () => {
			const night = (changed: boolean) =>
				chain(
					manualTrigger(),
					...rows([{ prompt: 'sku 1 on marble' }, { prompt: changed ? 'sku 2 on oak' : 'sku 2 on marble' }, { prompt: 'sku 3 on marble' }]),
					generateNode({
						operation: 'generateImage',
						prompt: '={{ $json.prompt }}',
						aspectRatio: '1:1',
						quality: 'low',
						options: { pollInterval: 1, reuseWithinHours: 24 },
					}),
				);
			const first = saved(night(false));
			expect((await bed.run(first)).error).toBeUndefined();
			expect(bed.emulator.tasks).toHaveLength(3);
			const firstIds = bed.emulator.tasks.map((t) => t.id);
			const downloads = bed.emulator.requests.filter((r) => r.endpoint === 'cdn' && !r.internal).length;

			const second = await bed.run({ ...saved(night(true)), id: first.id });
			expect(second.error).toBeUndefined();
			const items = second.output('Generate');
			expect(items[0].json).toMatchObject({ reused: true, id: firstIds[0], status: 'completed' });
			expect(items[2].json).toMatchObject({ reused: true, id: firstIds[2] });
			expect(items[1].json.reused).toBeUndefined();
			expect(items[1].json.id).not.toBe(firstIds[1]);
			expect(bed.emulator.tasks).toHaveLength(4);
			expect(bed.emulator.requests.filter((r) => r.endpoint === 'cdn' && !r.internal).length).toBe(downloads + 3);
			expect((await imageOf(second, items[0].binary!.data)).format).toBe('png');
		});

		it('is off by default: the same request is paid for again', async () => {
			const workflow = saved(generateBatch(1, {}, undefined, 'no-reuse'));
			await bed.run(workflow);
			const second = await bed.run(workflow);
			expect(second.output('Generate')[0].json.reused).toBeUndefined();
			expect(bed.emulator.tasks).toHaveLength(2);
		});

		it('refuses a window beyond 7 days', async () => {
			const result = await bed.run(saved(generateBatch(1, { reuseWithinHours: 200 })));
			expect(result.error!.message).toBe('Options > Reuse Earlier Results (Hours) must be at most 168 hours (7 days, how long WaveSpeed keeps results) [item 0]');
			expect(bed.submits()).toHaveLength(0);
		});
	});

	describe('pacing instead of failing on 429', () => {
		it('a row keeps trying past the old fixed attempt count, within its Timeout, and one task is created', async () => {
			bed.emulator.injectFault({ endpoint: 'submit', kind: 'http429', times: 12, retryAfterSeconds: 0 });
			const result = await bed.run(saved(generateBatch(1)));
			expect(result.error).toBeUndefined();
			expect(bed.submits().filter((s) => s.status === 429)).toHaveLength(12);
			expect(bed.emulator.tasks).toHaveLength(1);
		});

		it('a batch slows down on 429 and every row finishes with no duplicate task', async () => {
			bed.emulator.injectFault({ endpoint: 'submit', kind: 'http429', times: 10, retryAfterSeconds: 1 });
			const result = await bed.run(saved(generateBatch(6, { maxConcurrency: 6 })));
			expect(result.error).toBeUndefined();
			expect(result.output('Generate').every((i) => i.json.status === 'completed')).toBe(true);
			expect(bed.emulator.tasks).toHaveLength(6);
			for (const p of prompts(6)) expect(taskFor(p.prompt)).toHaveLength(1);
			// Fewer submits in flight after a 429: never all six at once again.
			const afterFirst429 = bed.submits().filter((s) => s.at > bed.submits().find((r) => r.status === 429)!.at);
			expect(afterFirst429.length).toBeLessThan(6 + 10);
		}, 60_000);

		it('a rate limit that outlasts the Timeout fails that row saying nothing was created', async () => {
			bed.emulator.injectFault({ endpoint: 'submit', kind: 'http429', times: Infinity, retryAfterSeconds: 3 });
			const started = Date.now();
			const result = await bed.run(saved(generateBatch(1, { timeout: 10 })));
			expect(Date.now() - started).toBeLessThan(15_000);
			expect(result.error!.message).toMatch(/rate limit.*\(429\).*\[item 0\]$/);
			expect(result.error!.description).toMatch(/No task was created/);
			expect(bed.emulator.tasks).toHaveLength(0);
		}, 30_000);
	});

	it('the key reaches no output in any of these runs', async () => {
		bed.emulator.injectFault({ endpoint: 'submit', kind: 'task-failed', taskErrorCode: 1403, taskError: `upstream rejected ${bed.emulator.apiKey}` });
		const result = await bed.run(saved(generateBatch(2, {}, { onError: 'continueRegularOutput' })));
		expect(everyText(result)).not.toContain(bed.emulator.apiKey);
	});
});
