/**
 * Money guards that held in the happy path but not under attack (issue 20, items 7-13 and 16-18): each test is the
 * attack, run through n8n's engine against the emulator.
 */
import { readFileSync } from 'node:fs';

import type { WorkflowJson } from '../../dev/harness';
import { PRICE_TABLE } from '../../dev/emulator/billing';
import type { NodeSpec } from './helpers';
import { chain, EACHLABS, editNode, generateNode, makeImages, manualTrigger, rows, useTestBed } from './helpers';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let workflowCounter = 0;

/** A workflow with a fixed id: the memory of paid predictions belongs to a workflow and node. */
const saved = (workflow: WorkflowJson): WorkflowJson => ({ ...workflow, id: `money-guards-${++workflowCounter}` });

const batch = (prompts: string[], parameters: Record<string, unknown> = {}, options: Record<string, unknown> = {}, settings?: NodeSpec['settings']) =>
	chain(
		manualTrigger(),
		...rows(prompts.map((prompt) => ({ prompt }))),
		generateNode(
			{ operation: 'generateImage', prompt: '={{ $json.prompt }}', aspectRatio: '1:1', resolution: '1k', quality: 'low', ...parameters, options: { pollInterval: 1, ...options } },
			'Generate',
			settings,
		),
	);

const prompts = (count: number, tag: string) => Array.from({ length: count }, (_, i) => `${tag} ${i}`);

describe('money guards (WaveSpeed)', () => {
	const bed = useTestBed({ latencyMs: 150, balance: 50, pricingEndpoint: 'quote' });

	it('item 7: rows remembered from a failed run whose predictions failed on the server are priced and counted before they submit', async () => {
		const eight = prompts(8, 'pending then failed');
		// First run: 8 rows submitted (their tasks fail on the server), then row 8 is refused: the run fails, the 8 stay remembered.
		bed.emulator.injectFault({ endpoint: 'submit', kind: 'task-failed', times: 8 });
		bed.emulator.injectFault({ endpoint: 'submit', kind: 'http-error', httpStatus: 400, times: 1 });
		const first = saved(batch([...eight, 'the refused row'], { waitMode: 'none' }, { maxConcurrency: 1 }));
		const firstRun = await bed.run(first);
		expect(firstRun.error?.message).toMatch(/\[item 8\]$/);
		expect(bed.submits()).toHaveLength(9);
		await sleep(400);
		bed.emulator.clearFaults();

		// The same requests (Don't Wait is part of a request), now under a $0.10 cap.
		// Four rows at once: rows counted at the same moment still see each other.
		const again = { ...batch(eight, { waitMode: 'none' }, { maxConcurrency: 4, maxCostPerRun: 0.1 }, { onError: 'continueRegularOutput' }), id: first.id };
		const result = await bed.run(again);

		expect(result.error).toBeUndefined();
		const items = result.output('Generate').map((item) => item.json);
		// Only what fits under $0.10 was paid for again: one row at $0.06, priced on its item.
		expect(bed.submits()).toHaveLength(10);
		const sent = items.filter((item) => item.status === 'created');
		expect(sent).toEqual([expect.objectContaining({ estimatedCostUsd: PRICE_TABLE['1k'].low, costSource: 'quote' })]);
		const refused = items.filter((item) => item.kind === 'budget');
		expect(refused).toHaveLength(7);
		for (const item of refused) {
			expect(item).toMatchObject({ predictionId: null });
			expect(item.error).toMatch(/^Not submitted: this row's earlier prediction could not be picked up, .*over Max Cost Per Run of \$0\.10 \[item \d\]$/);
		}
	});

	it('item 8: a $0 quote is no quote: the formula prices the run, Max Cost Per Run refuses it, and the zero is not kept', async () => {
		bed.emulator.configure({ quoteOverride: 'zero' });
		const three = prompts(3, 'zero quote');
		const refused = await bed.run(batch(three, { resolution: '2k', quality: 'high' }, { maxCostPerRun: 0.5 }));

		expect(refused.error?.message).toMatch(/^This run would cost about \$\d+\.\d+ \(estimated, 3 rows\), over Max Cost Per Run of \$0\.50 \[item 0\]$/);
		expect(bed.submits()).toHaveLength(0);

		bed.emulator.configure({ quoteOverride: 'none' });
		const priced = await bed.run(batch(three.slice(0, 1), { resolution: '2k', quality: 'high' }));
		expect(priced.output('Generate')[0].json).toMatchObject({ estimatedCostUsd: PRICE_TABLE['2k'].high, costSource: 'quote' });
	});

	it('item 8: an absurd quote is no quote either (the formula, labelled as such)', async () => {
		bed.emulator.configure({ quoteOverride: 'absurd' });
		const result = await bed.run(batch(['absurd quote'], { resolution: '4k', quality: 'medium' }));

		expect(result.error).toBeUndefined();
		const [item] = result.output('Generate');
		expect(item.json).toMatchObject({ costSource: 'formula' });
		expect(item.json.estimatedCostUsd).toBeLessThan(1);
	});

	it('item 9: a 404 on the first result read of a prediction this run created is looked at again, not forgotten', async () => {
		bed.emulator.injectFault({ endpoint: 'result', kind: 'http-error', httpStatus: 404, message: 'Prediction not found', times: 1 });
		const result = await bed.run(batch(['lagging result']));

		expect(result.error).toBeUndefined();
		expect(result.output('Generate')[0].json).toMatchObject({ status: 'completed', id: bed.emulator.tasks[0].id });
		expect(bed.submits()).toHaveLength(1);
		expect(bed.apiRequests('result').filter((r) => r.status === 404)).toHaveLength(1);
	});

	it('item 11: rows waiting out 429s do not submit after another row met a 402', async () => {
		bed.emulator.injectFault({ endpoint: 'submit', kind: 'http429', retryAfterSeconds: 1, skip: 1, times: 3 });
		bed.emulator.injectFault({ endpoint: 'submit', kind: 'http-error', httpStatus: 402, message: 'Insufficient balance', skip: 1, times: 3 });
		const result = await bed.run(batch(prompts(4, 'after 402'), {}, { maxConcurrency: 4 }, { onError: 'continueRegularOutput' }));

		expect(result.error).toBeUndefined();
		const statuses = bed.submits().map((r) => r.status);
		// One accepted, three 429s, then one 402: the two rows still waiting are not sent.
		expect(statuses).toEqual([200, 429, 429, 429, 402]);
		const items = result.output('Generate').map((item) => item.json);
		expect(items.filter((j) => j.status === 'completed')).toHaveLength(1);
		expect(items.filter((j) => typeof j.error === 'string' && /balance ran out earlier in this run/.test(j.error))).toHaveLength(2);
	});

	it('item 13: Retry-After: 0 does not turn into a busy loop of submits', async () => {
		bed.emulator.injectFault({ endpoint: 'submit', kind: 'http429', retryAfterSeconds: 0, times: Infinity });
		const result = await bed.run(batch(prompts(3, 'retry after zero'), {}, { timeout: 10 }, { onError: 'continueRegularOutput' }));

		expect(result.output('Generate').map((i) => i.json.kind)).toEqual(['rateLimit', 'rateLimit', 'rateLimit']);
		// At most one submit a second for the batch while 429s come back: about 10 in 10 s (thousands without a floor).
		expect(bed.submits().length).toBeGreaterThanOrEqual(3);
		expect(bed.submits().length).toBeLessThanOrEqual(20);
		expect(bed.emulator.tasks).toHaveLength(0);
	}, 30_000);

	it('item 16: a failed run lists every submitted row, however many', async () => {
		bed.emulator.configure({ latencyMs: 5 });
		bed.emulator.injectFault({ endpoint: 'submit', kind: 'http-error', httpStatus: 400, message: 'refused', skip: 260, times: 1 });
		const result = await bed.run(batch(prompts(261, 'long list'), { waitMode: 'none' }, { maxConcurrency: 1 }));

		expect(result.error?.message).toMatch(/\[item 260\]$/);
		const description = result.error!.description!;
		expect(bed.emulator.tasks).toHaveLength(260);
		for (const task of bed.emulator.tasks) expect(description).toContain(task.id);
		expect(description.match(/item \d+: /g)).toHaveLength(260);
		expect(description).not.toMatch(/and \d+ more/);
	}, 60_000);

	it('item 17: a reused result whose file is gone is forgotten and the row runs (and is priced) like any other', async () => {
		const workflow = saved(batch(['gone from the CDN'], {}, { reuseWithinHours: 24 }));
		expect((await bed.run(workflow)).error).toBeUndefined();
		const firstId = bed.emulator.tasks[0].id;
		bed.emulator.injectFault({ endpoint: 'cdn', kind: 'http-error', httpStatus: 404, message: 'Not Found', times: 1 });

		const second = await bed.run(workflow);
		expect(second.error).toBeUndefined();
		const [item] = second.output('Generate');
		expect(item.json).toMatchObject({ status: 'completed', estimatedCostUsd: PRICE_TABLE['1k'].low, costSource: 'quote' });
		expect(item.json.reused).toBeUndefined();
		expect(item.json.id).not.toBe(firstId);
		expect(bed.submits()).toHaveLength(2);

		// The next run reuses the new result, not the lost one.
		const third = await bed.run(workflow);
		expect(third.output('Generate')[0].json).toMatchObject({ reused: true, id: item.json.id });
		expect(bed.submits()).toHaveLength(2);
	});
});

describe('money guards: reference sizes in pre-flight (item 12)', () => {
	const bed = useTestBed({ latencyMs: 50 });
	let red: Buffer;
	let huge: Buffer;
	beforeAll(async () => {
		const images = await makeImages();
		red = readFileSync(images.red);
		// A real PNG followed by 25 MB: its first bytes say PNG, only its size is wrong.
		huge = Buffer.concat([red, Buffer.alloc(25 * 1024 * 1024)]);
	});

	/** Rows whose photo carries no byte count, as a binary built in a Code node does (pinned here: the same item shape). */
	const editPinned = (photos: Buffer[]): WorkflowJson => ({
		...chain(manualTrigger(), { name: 'Photos', type: 'n8n-nodes-base.noOp' }, editNode({ prompt: 'on marble', quality: 'low', options: { pollInterval: 1, maxConcurrency: 2 } })),
		pinData: { Photos: photos.map((bytes, i) => ({ json: { row: i }, binary: { data: { data: bytes.toString('base64'), mimeType: 'image/png', fileName: `photo-${i}.png` } } })) },
	});

	it.each(['default', 'filesystem'] as const)('a 25 MB reference in row 5 of 8 without a byte count costs nothing (%s mode)', async (mode) => {
		const result = await bed.run(editPinned([0, 1, 2, 3, 4, 5, 6, 7].map((i) => (i === 5 ? huge : red))), mode);

		expect(result.error?.message).toMatch(/^Reference image 1: binary field "data" is 25\.0 MB; the limit is 20\.0 MB \[item 5\]$/);
		expect(bed.submits()).toHaveLength(0);
		expect(bed.emulator.uploads).toHaveLength(0);
	});
});

describe('money guards (each::labs)', () => {
	const bed = useTestBed({ latencyMs: 100, eachlabsSchema: 'array' }, EACHLABS);

	it.each([
		['bad-envelope', 'a 200 without predictionID'],
		['truncated', 'a cut-short body'],
		['malformed', 'a body that is not JSON'],
	] as const)('item 10: %s (%s) says a prediction may exist and is not sent again', async (kind, _what) => {
		bed.emulator.injectFault({ endpoint: 'submit', kind });
		const result = await bed.run(batch(['ambiguous create']));

		expect(result.error?.message).toMatch(/^each::labs answered the create in an unexpected format \(.*\), so a prediction may have been created \[item 0\]$/);
		expect(result.error?.description).toMatch(/not submitted again/);
		expect(result.error?.description).not.toMatch(/passing problem|check the Base URL/i);
		expect(bed.submits()).toHaveLength(1);
	});

	it('item 9: a 404 on the first result read of a prediction this run created is looked at again, not forgotten', async () => {
		bed.emulator.injectFault({ endpoint: 'result', kind: 'http-error', httpStatus: 404, message: 'prediction not found', times: 1 });
		const result = await bed.run(batch(['lagging result on each::labs']));

		expect(result.error).toBeUndefined();
		expect(result.output('Generate')[0].json).toMatchObject({ status: 'success', id: bed.emulator.tasks[0].id });
		expect(bed.submits()).toHaveLength(1);
		expect(bed.apiRequests('result').filter((r) => r.status === 404)).toHaveLength(1);
	});

	it('item 10: a numeric prediction id is kept, as text', async () => {
		bed.emulator.injectFault({ endpoint: 'submit', kind: 'numeric-id' });
		const result = await bed.run(batch(['numeric id'], { waitMode: 'none' }));

		expect(result.error).toBeUndefined();
		expect(result.output('Generate')[0].json).toMatchObject({ id: '987654321', status: 'created' });
		expect(bed.submits()).toHaveLength(1);
	});

	it('item 18: Estimate Cost reports the size a run sends (3:2 at 1K is 1536x1024), the size it prices', async () => {
		const estimate = await bed.run(batch(['a wide teapot'], { operation: 'estimateCost', aspectRatio: '3:2' }));
		const run = await bed.run(batch(['a wide teapot'], { aspectRatio: '3:2', waitMode: 'none' }));

		expect(estimate.error).toBeUndefined();
		const [item] = estimate.output('Generate');
		expect(item.json.settings).toMatchObject({ width: 1536, height: 1024 });
		expect(run.output('Generate')[0].json).toMatchObject({ size: '1536x1024', estimatedCostUsd: item.json.estimatedCostUsd });
	});
});
