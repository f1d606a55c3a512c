/** Batches: Continue On Fail, stopping at the first error, bounded concurrency, order, and cancellation. */
import type { EmulatedTask } from '../../dev/emulator';
import { maxOverlap } from '../../nodes/shared/schedule/serverSlots';
import { chain, everyText, generateNode, manualTrigger, PROVIDER_CASES, rows, useTestBed } from './helpers';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(PROVIDER_CASES)('GPT Image 2 on $label: batches', (provider) => {
	const bed = useTestBed({}, provider);

	const prompts = (count: number) => Array.from({ length: count }, (_, i) => ({ prompt: `product shot number ${i}` }));

	const batch = (count: number, options: Record<string, unknown> = {}, settings?: Record<string, unknown>) =>
		chain(
			manualTrigger(),
			...rows(prompts(count)),
			generateNode(
				{
					operation: 'generateImage',
					prompt: '={{ $json.prompt }}',
					aspectRatio: '1:1',
					resolution: '1k',
					quality: 'low',
					options: { pollInterval: 1, ...options },
				},
				'Generate',
				settings,
			),
		);

	const taskFor = (prompt: string): EmulatedTask | undefined => bed.emulator.tasks.find((t) => t.input.prompt === prompt);
	/** When the node saw each task finished: the last result GET for it. */
	const detectedAt = (task: EmulatedTask): number => Math.max(...bed.apiRequests('result').filter((r) => r.path.includes(task.id)).map((r) => r.at));

	it('Continue On Fail: every input yields one output, in input order, failures as error items', async () => {
		bed.emulator.injectFault({ endpoint: 'submit', kind: 'task-failed', taskErrorCode: 1200, skip: 2, times: 1 });
		bed.emulator.injectFault({ endpoint: 'submit', kind: 'http500', acceptTask: false, skip: 4, times: 1 });
		const result = await bed.run(batch(6, { maxConcurrency: 6 }, { onError: 'continueRegularOutput' }));

		expect(result.status).toBe('success');
		expect(result.error).toBeUndefined();
		const items = result.output('Generate');
		expect(items).toHaveLength(6);
		expect(items.map((i) => i.pairedItem)).toEqual([0, 1, 2, 3, 4, 5].map((item) => ({ item })));
		expect(bed.submits()).toHaveLength(6);
		expect(bed.emulator.tasks).toHaveLength(5);

		const failedTask = bed.emulator.tasks.find((t) => t.status === 'failed')!;
		const failedIndex = prompts(6).findIndex((p) => p.prompt === failedTask.input.prompt);
		const untaskedIndex = prompts(6).findIndex((p) => !taskFor(p.prompt));
		expect(failedIndex).toBeGreaterThanOrEqual(0);
		expect(untaskedIndex).toBeGreaterThanOrEqual(0);

		for (const [index, item] of items.entries()) {
			if (index === failedIndex) {
				expect(item.json).toEqual({
					provider: provider.id,
					error: expect.stringMatching(new RegExp(`content moderation.*\\[item ${index}\\]$`, 'i')),
					description: expect.stringContaining(`Prediction ID: ${failedTask.id}`),
					code: provider.id === 'wavespeed' ? 1200 : null,
					kind: 'task',
					httpCode: null,
					predictionId: failedTask.id,
					status: provider.failed,
					// A task exists, so the item says what it cost (the WaveSpeed emulator quotes 1k low at $0.06).
					...provider.failedCost,
				});
				expect(item.binary).toBeUndefined();
			} else if (index === untaskedIndex) {
				expect(item.json).toEqual({
					provider: provider.id,
					error: expect.stringMatching(new RegExp(`server error \\(500\\).*\\[item ${index}\\]$`)),
					description: expect.stringMatching(/not submitted again/),
					code: null,
					kind: 'server',
					httpCode: 500,
					predictionId: null,
					status: null,
				});
			} else {
				// Each good item carries the image made from its own row.
				const task = taskFor(`product shot number ${index}`)!;
				expect(item.json).toMatchObject({ id: task.id, status: provider.done });
				expect(item.binary?.data.mimeType).toBe('image/png');
			}
		}
		expect(everyText(result)).not.toContain(bed.emulator.apiKey);
	});

	it('without Continue On Fail the run stops at the first error and starts no new item', async () => {
		bed.emulator.injectFault({ endpoint: 'submit', kind: 'task-failed', taskErrorCode: 1403, skip: 2, times: 1 });
		const result = await bed.run(batch(6, { maxConcurrency: 1 }));

		expect(result.status).toBe('error');
		const failedTask = bed.emulator.tasks[2];
		expect(failedTask).toMatchObject({ status: 'failed', input: { prompt: 'product shot number 2' } });
		expect(result.error!.message).toMatch(
			provider.id === 'wavespeed' ? /task failed while running \(1403\).*\[item 2\]$/ : /status "error": Task execution failed \(code 1403\) \[item 2\]$/,
		);
		expect(result.error!.description).toContain(`Prediction ID: ${failedTask.id}`);
		expect(result.error!.node).toBe('Generate');
		// Items 0-2 were sent; nothing after the failure.
		expect(bed.submits()).toHaveLength(3);
		expect(bed.emulator.tasks).toHaveLength(3);
		expect(bed.emulator.tasks.map((t) => t.input.prompt)).toEqual(['product shot number 0', 'product shot number 1', 'product shot number 2']);
		const failureSeenAt = detectedAt(failedTask);
		expect(bed.emulator.requests.filter((r) => r.at > failureSeenAt && r.endpoint === 'submit')).toHaveLength(0);
		expect(everyText(result)).not.toContain(bed.emulator.apiKey);
	});

	it('never runs more items at once than Max Concurrent Requests, and does use the concurrency', async () => {
		bed.emulator.configure({ latencyMs: 400 });
		const result = await bed.run(batch(12, { maxConcurrency: 3 }));

		expect(result.error).toBeUndefined();
		expect(result.output('Generate')).toHaveLength(12);
		expect(bed.submits()).toHaveLength(12);
		// Each item is busy at least from its task's creation until the node saw it completed.
		const most = maxOverlap(bed.emulator.tasks.map((t) => ({ from: t.createdAt, to: detectedAt(t) })));
		expect(most).toBeLessThanOrEqual(3);
		expect(most).toBeGreaterThanOrEqual(2);
	});

	it('output order and pairedItem follow the input even when tasks finish out of order', async () => {
		// The first status check fails (503) and is retried after a backoff, so its item finishes after the others.
		bed.emulator.injectFault({ endpoint: 'result', kind: 'http503', times: 1 });
		const result = await bed.run(batch(4, { maxConcurrency: 4 }));

		expect(result.error).toBeUndefined();
		const items = result.output('Generate');
		const tasks = prompts(4).map((p) => taskFor(p.prompt)!);
		const finishOrder = [...tasks].sort((a, b) => detectedAt(a) - detectedAt(b)).map((t) => tasks.indexOf(t));
		expect(finishOrder).not.toEqual([0, 1, 2, 3]);
		expect(items.map((i) => i.pairedItem)).toEqual([0, 1, 2, 3].map((item) => ({ item })));
		expect(items.map((i) => i.json.id)).toEqual(tasks.map((t) => t.id));
		expect(bed.submits()).toHaveLength(4);
		const retried = tasks.findIndex((t) => bed.apiRequests('result').some((r) => r.fault === 'http503' && r.path.includes(t.id)));
		expect(finishOrder.at(-1)).toBe(retried);
	});

	it('cancelling while polling stops every request at once and ends the run as canceled', async () => {
		bed.emulator.configure({ latencyMs: 5000 });
		const run = bed.start(batch(4, { maxConcurrency: 2 }));
		const deadline = Date.now() + 10_000;
		while (bed.submits().length === 0 && Date.now() < deadline) await sleep(20);
		expect(bed.submits().length).toBeGreaterThan(0);
		// Let it reach the polling stage.
		while (bed.apiRequests('result').length === 0 && Date.now() < deadline) await sleep(20);
		expect(bed.apiRequests('result').length).toBeGreaterThan(0);

		const cancelledAt = Date.now();
		run.cancel();
		const result = await run.promise;
		await run.finished;
		expect(Date.now() - cancelledAt).toBeLessThan(2000);
		expect(result.status).toBe('canceled');

		// A request that passed the cancel check before Stop may still be on the wire; let it land, then nothing more.
		await sleep(300);
		const sent = bed.emulator.requests.length;
		await sleep(1200);
		expect(bed.emulator.requests).toHaveLength(sent);
		// Only the first two items (concurrency 2) were ever submitted; none of them was finished.
		expect(bed.submits()).toHaveLength(2);
		expect(bed.emulator.requests.filter((r) => r.endpoint === 'cdn')).toHaveLength(0);
	});
});
