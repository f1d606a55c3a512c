/** Money you can see and cap: estimates on items, Estimate Cost, Max Cost Per Run, and the balance, through the engine. */
import type { INodeParameters } from 'n8n-workflow';

import { PRICE_TABLE } from '../../dev/emulator/billing';
import type { RunResult } from '../../dev/harness';
import { chain, editNode, generateNode, makeImages, manualTrigger, readFile, rows, useTestBed } from './helpers';

const fast = { pollInterval: 1 };

describe('GPT Image 2: money you can see and cap', () => {
	const bed = useTestBed({ latencyMs: 150, balance: 42.5, pricingEndpoint: 'quote' });
	let images: Awaited<ReturnType<typeof makeImages>>;
	beforeAll(async () => {
		images = await makeImages();
	});

	/** One Generate node over a sheet of rows; each row may set its own quality and resolution. */
	const sheet = (table: Array<Record<string, unknown>>, parameters: INodeParameters = {}, settings = {}) =>
		chain(
			manualTrigger(),
			...rows(table),
			generateNode(
				{
					prompt: '={{ $json.prompt }}',
					aspectRatio: '1:1',
					resolution: '={{ $json.resolution }}',
					quality: '={{ $json.quality }}',
					...parameters,
					options: { ...fast, ...(parameters.options as object | undefined) },
				},
				'Generate',
				settings,
			),
		);
	const row = (resolution: string, quality: string, prompt = 'a teapot') => ({ prompt, resolution, quality });
	const uploads = () => [...bed.apiRequests('upload-ticket'), ...bed.apiRequests('upload-legacy'), ...bed.emulator.requests.filter((r) => r.endpoint === 'upload-put')];
	const jsonOf = (result: RunResult, node = 'Generate') => result.output(node).map((item) => item.json);

	describe('estimates on items', () => {
		it('a quote: every finished item carries the quoted price, asked once per settings combination', async () => {
			const result = await bed.run(sheet([row('1k', 'high'), row('1k', 'high', 'a cup'), row('2k', 'low')]));

			expect(result.error).toBeUndefined();
			expect(jsonOf(result).map((j) => [j.status, j.estimatedCostUsd, j.costSource])).toEqual([
				['completed', PRICE_TABLE['1k'].high, 'quote'],
				['completed', PRICE_TABLE['1k'].high, 'quote'],
				['completed', PRICE_TABLE['2k'].low, 'quote'],
			]);
			const quotes = bed.apiRequests('price');
			expect(quotes).toHaveLength(2);
			expect(bed.apiRequests('pricing')).toHaveLength(0);
			expect(quotes[0].json).toMatchObject({ model_id: 'openai/gpt-image-2/text-to-image', inputs: { resolution: '1k', quality: 'high', prompt: 'a teapot' } });
			// The emulator charged what it quoted.
			expect(bed.emulator.balanceUsd).toBeCloseTo(42.5 - 2 * PRICE_TABLE['1k'].high - PRICE_TABLE['2k'].low, 6);
		});

		it('a quote is kept for the process: the next run asks for none', async () => {
			await bed.run(sheet([row('4k', 'low')]));
			bed.emulator.reset();
			const result = await bed.run(sheet([row('4k', 'low')]));

			expect(jsonOf(result)[0]).toMatchObject({ estimatedCostUsd: PRICE_TABLE['4k'].low, costSource: 'quote' });
			expect(bed.apiRequests('price')).toHaveLength(0);
		});

		it.each([
			['absent', '2k', 'medium', 0.107],
			['odd', '4k', 'high', 0.7116],
		] as const)('no quote (/model/price 404, legacy /model/pricing %s): the token formula, labelled as such, on pending items too', async (mode, resolution, quality, usd) => {
			bed.emulator.configure({ priceEndpoint: 'absent', pricingEndpoint: mode });
			const result = await bed.run(sheet([row(resolution, quality)], { waitMode: 'none' }));

			expect(result.error).toBeUndefined();
			const [item] = jsonOf(result);
			expect(item).toMatchObject({ status: 'created', costSource: 'formula' });
			expect(item.estimatedCostUsd).toBeCloseTo(usd, 3);
			expect(bed.apiRequests('price')).toHaveLength(1);
			expect(bed.apiRequests('pricing')).toHaveLength(1);
		});

		it('/model/price 404: the legacy /model/pricing quote is used', async () => {
			bed.emulator.configure({ priceEndpoint: 'absent' });
			const result = await bed.run(sheet([row('2k', 'high')]));

			expect(jsonOf(result)[0]).toMatchObject({ status: 'completed', estimatedCostUsd: PRICE_TABLE['2k'].high, costSource: 'quote' });
			expect(bed.apiRequests('price')).toHaveLength(1);
			expect(bed.apiRequests('pricing')).toHaveLength(1);
		});

		it('/model/price with a discount: the estimate is the discounted price (what the task is charged)', async () => {
			bed.emulator.configure({ discountRate: 0.2 });
			// 4:5 keeps this discounted quote apart from the settings other tests price (quotes are kept for the process).
			const result = await bed.run(sheet([row('1k', 'medium')], { aspectRatio: '4:5' }));

			expect(jsonOf(result)[0].estimatedCostUsd).toBeCloseTo(PRICE_TABLE['1k'].medium * 0.8, 4);
			expect(bed.apiRequests('pricing')).toHaveLength(0);
		});

		it('the formula never goes below WaveSpeed\'s listed $0.06', async () => {
			bed.emulator.configure({ priceEndpoint: 'absent', pricingEndpoint: 'absent' });
			const result = await bed.run(sheet([row('1k', 'low')]));

			expect(jsonOf(result)[0]).toMatchObject({ estimatedCostUsd: 0.06, costSource: 'formula' });
		});
	});

	describe('Estimate Cost', () => {
		it('checks and prices every row, sends no submit and no upload, and puts the run total on each item', async () => {
			const result = await bed.run(
				chain(
					manualTrigger(),
					...rows([row('1k', 'high'), row('2k', 'medium')]),
					readFile(images.red),
					editNode({
						operation: 'estimateCost',
						prompt: "={{ $('Rows').item.json.prompt }}",
						resolution: "={{ $('Rows').item.json.resolution }}",
						quality: "={{ $('Rows').item.json.quality }}",
						referenceImages: { image: [{ source: 'binary', binaryField: 'data' }, { source: 'url', url: 'https://example.com/scene.png' }] },
						options: { maxCostPerRun: 1 },
					}),
				),
			);

			expect(result.error).toBeUndefined();
			const total = PRICE_TABLE['1k'].high + PRICE_TABLE['2k'].medium;
			const run = { rows: 2, totalUsd: total, maxCostPerRunUsd: 1, withinMaxCost: true, balanceUsd: 42.5, withinBalance: true };
			expect(jsonOf(result, 'Edit')).toEqual([
				{
					operation: 'estimateCost',
					estimatedCostUsd: PRICE_TABLE['1k'].high,
					costSource: 'quote',
					settings: { aspectRatio: 'match', resolution: '1k', quality: 'high', outputFormat: 'png', referenceImages: 2, width: 1024, height: 1024 },
					run,
				},
				{
					operation: 'estimateCost',
					estimatedCostUsd: PRICE_TABLE['2k'].medium,
					costSource: 'quote',
					settings: { aspectRatio: 'match', resolution: '2k', quality: 'medium', outputFormat: 'png', referenceImages: 2, width: 2048, height: 2048 },
					run,
				},
			]);
			expect(bed.submits()).toHaveLength(0);
			expect(uploads()).toHaveLength(0);
			expect(bed.emulator.tasks).toHaveLength(0);
			// Only free reads: the model catalog, a quote per settings combination and the balance.
			expect(new Set(bed.apiRequests().map((r) => r.endpoint))).toEqual(new Set(['catalog', 'price', 'balance']));
		});

		it('says when the run would be refused, without refusing the estimate', async () => {
			bed.emulator.configure({ balance: 0.1 });
			const result = await bed.run(sheet([row('1k', 'high'), row('1k', 'high')], { operation: 'estimateCost', options: { maxCostPerRun: 0.2 } }));

			expect(result.error).toBeUndefined();
			expect(jsonOf(result)[0].run).toEqual({
				rows: 2,
				totalUsd: 2 * PRICE_TABLE['1k'].high,
				maxCostPerRunUsd: 0.2,
				withinMaxCost: false,
				balanceUsd: 0.1,
				withinBalance: false,
			});
			expect(bed.submits()).toHaveLength(0);
		});

		it('validates the reference bytes exactly like a real run: a file that is not an image fails before anything is sent', async () => {
			const result = await bed.run(
				chain(manualTrigger(), readFile(images.fake), editNode({ operation: 'estimateCost', prompt: 'on marble', quality: 'low' })),
			);

			expect(result.status).toBe('error');
			expect(result.error!.message).toMatch(/^Reference image 1: binary field "data" is not an image.*\[item 0\]$/);
			expect(bed.apiRequests()).toHaveLength(0);
		});

		it('with Continue On Fail, a bad row becomes an error item and the others are still priced', async () => {
			const result = await bed.run(
				sheet([row('1k', 'low'), row('8k', 'low'), row('1k', 'low')], { operation: 'estimateCost' }, { continueOnFail: true }),
			);

			const items = jsonOf(result);
			expect(items[0]).toMatchObject({ estimatedCostUsd: 0.06, run: { rows: 2, totalUsd: 0.12 } });
			expect(items[1]).toMatchObject({ kind: 'input', error: expect.stringMatching(/Resolution "8k" is not a supported value \[item 1\]/) });
			expect(items[2]).toMatchObject({ estimatedCostUsd: 0.06 });
			expect(bed.submits()).toHaveLength(0);
		});
	});

	it('a real run checks every row\'s reference bytes before its first request: a broken file in row 1 costs row 0 nothing', async () => {
		const result = await bed.run(
			chain(
				manualTrigger(),
				...rows([{ path: images.red }, { path: images.fake }]),
				readFile('={{ $json.path }}'),
				editNode({ prompt: 'on marble', quality: 'low', options: fast }),
			),
		);

		expect(result.status).toBe('error');
		expect(result.error!.message).toMatch(/^Reference image 1: binary field "data" is not an image.*\[item 1\]$/);
		expect(bed.apiRequests()).toHaveLength(0);
	});

	describe('Max Cost Per Run', () => {
		it('a run over the limit is refused before any submit, naming the total, the limit and the most expensive settings', async () => {
			const result = await bed.run(sheet([row('1k', 'low'), row('4k', 'high'), row('1k', 'medium')], { options: { maxCostPerRun: 0.5 } }));

			expect(result.status).toBe('error');
			expect(result.error!.message).toBe('This run would cost about $0.87 (quoted, 3 rows), over Max Cost Per Run of $0.50 [item 1]');
			expect(result.error!.description).toMatch(/^Nothing was sent\. The most expensive settings are Generate Image at 4k, high quality, 1:1 \(\$0\.72 per image\)/);
			expect(bed.submits()).toHaveLength(0);
			expect(bed.emulator.tasks).toHaveLength(0);
		});

		it('rows an earlier run paid for cost nothing: a re-run fits a limit the whole sheet would not', async () => {
			const table = [row('1k', 'high', 'recovered a'), row('1k', 'high', 'recovered b'), row('1k', 'high', 'recovered c')];
			// The same workflow and node, so the second run finds what the first one paid for.
			const runOf = (options: Record<string, unknown>) => ({ ...sheet(table, { options: { maxConcurrency: 1, ...options } }), id: 'money-recovery' });
			bed.emulator.injectFault({ endpoint: 'cdn', kind: 'cdn-not-image' });
			const first = await bed.run(runOf({}));
			expect(first.status).toBe('error');
			expect(bed.emulator.tasks).toHaveLength(1);

			// Three rows at $0.24 is $0.72; the first one is picked up, so this run costs $0.48.
			const second = await bed.run(runOf({ maxCostPerRun: 0.5 }));
			expect(second.error).toBeUndefined();
			expect(jsonOf(second).map((j) => j.recovered ?? false)).toEqual([true, false, false]);
			expect(bed.submits()).toHaveLength(3);
		});

		it('a run within the limit goes ahead', async () => {
			const result = await bed.run(sheet([row('1k', 'low'), row('1k', 'low')], { options: { maxCostPerRun: 0.12 } }));

			expect(result.error).toBeUndefined();
			expect(bed.submits()).toHaveLength(2);
		});

		it('with Continue On Fail, every row of a refused run is an error item and nothing is sent', async () => {
			const result = await bed.run(sheet([row('4k', 'high'), row('4k', 'high')], { options: { maxCostPerRun: 1 } }, { continueOnFail: true }));

			expect(jsonOf(result).map((j) => j.kind)).toEqual(['budget', 'budget']);
			expect(bed.submits()).toHaveLength(0);
		});
	});

	describe('balance', () => {
		it('a run the balance cannot pay for is refused before any submit, with both figures', async () => {
			bed.emulator.configure({ balance: 0.5 });
			const result = await bed.run(sheet([row('1k', 'high'), row('1k', 'high'), row('1k', 'high')]));

			expect(result.status).toBe('error');
			expect(result.error!.message).toBe('This run would cost about $0.72 (quoted, 3 rows), more than your WaveSpeed balance of $0.50 [item 0]');
			expect(result.error!.description).toMatch(/Nothing was sent\. Top up your WaveSpeed account/);
			expect(bed.submits()).toHaveLength(0);
			expect(uploads()).toHaveLength(0);
		});

		/** The formula says $0.06 for 1k medium, the emulator charges $0.09: the balance runs out after two tasks. */
		const runOut = (settings = {}) => {
			bed.emulator.configure({ balance: 0.25, priceEndpoint: 'absent', pricingEndpoint: 'absent', latencyMs: 600 });
			// 3:2 keeps these settings apart from the quotes earlier tests cached for 1:1.
			return sheet([row('1k', 'medium'), row('1k', 'medium'), row('1k', 'medium'), row('1k', 'medium')], { aspectRatio: '3:2', options: { maxConcurrency: 3 } }, settings);
		};

		it('runs out mid-run: no further submit, running rows finish and keep their ids (Continue On Fail)', async () => {
			const result = await bed.run(runOut({ continueOnFail: true }));

			const items = jsonOf(result);
			const tasks = bed.emulator.tasks;
			expect(tasks).toHaveLength(2);
			expect(bed.submits()).toHaveLength(3);
			expect(bed.submits().map((s) => s.status).sort()).toEqual([200, 200, 402]);
			const finished = items.filter((j) => j.status === 'completed');
			expect(finished.map((j) => j.id).sort()).toEqual(tasks.map((t) => t.id).sort());
			for (const item of finished) expect(item).toMatchObject({ estimatedCostUsd: 0.06, costSource: 'formula' });
			const refused = items.filter((j) => j.kind === 'balance');
			expect(refused).toHaveLength(2);
			expect(refused.map((j) => j.error)).toEqual(
				expect.arrayContaining([expect.stringMatching(/balance is too low/), expect.stringMatching(/^Not submitted: your WaveSpeed balance ran out earlier in this run \[item 3\]$/)]),
			);
		});

		it('runs out mid-run without Continue On Fail: the error lists every task already created', async () => {
			const result = await bed.run(runOut());

			expect(result.status).toBe('error');
			expect(result.error!.message).toMatch(/balance is too low/);
			const tasks = bed.emulator.tasks;
			expect(tasks).toHaveLength(2);
			expect(bed.submits()).toHaveLength(3);
			// The rows already running were waited for, not abandoned.
			expect(tasks.every((t) => t.status === 'completed' && t.polls > 0)).toBe(true);
			for (const task of tasks) expect(result.error!.description).toMatch(new RegExp(`item \\d: ${task.id} \\(done\\)`));
			expect(result.error!.description).toMatch(/Predictions already submitted in this run: .*Get Result/);
		});
	});
});
