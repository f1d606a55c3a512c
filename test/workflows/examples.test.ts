/** Every example a user can import runs through the real engine and produces the images it promises. */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';

import type { INode, INodeExecutionData } from 'n8n-workflow';

import type { Cms } from '../../dev/cms';
import { CMS_MEDIA_FIELD, CMS_URL_PLACEHOLDER, startCms } from '../../dev/cms';
import { PUBLISHED_PRODUCT, runCmsRoundTrip } from '../../dev/demo/cms';
import { ASSETS_DIR, EXAMPLES, EXAMPLES_DIR, exampleNamed, loadExample, PRODUCT_TABLE } from '../../dev/demo/examples';
import { PAIR_TRIGGER_WEBHOOK_ID, runExamplePair, TRIGGER_URL_PLACEHOLDER } from '../../dev/demo/pair';
import type { WorkflowJson } from '../../dev/harness';
import { EACHLABS, useTestBed, WAVESPEED } from './helpers';

/** What each example must write: file name, format and pixel size implied by its parameters. */
const EXPECTED: Record<string, Array<{ file: string; format: 'png' | 'jpeg'; width: number; height: number }>> = {
	'edit-one-product-photo': [{ file: 'sneaker-marble.png', format: 'png', width: 1024, height: 1024 }],
	'batch-from-spreadsheet': [
		{ file: 'SNK-001.png', format: 'png', width: 1248, height: 832 },
		{ file: 'MUG-014.png', format: 'png', width: 912, height: 1152 },
		{ file: 'OIL-500.png', format: 'png', width: 832, height: 1248 },
	],
	'campaign-variants': [
		{ file: 'spring-launch-instagram-feed.jpg', format: 'jpeg', width: 1024, height: 1024 },
		{ file: 'spring-launch-pinterest.jpg', format: 'jpeg', width: 832, height: 1248 },
		{ file: 'spring-launch-blog-header.jpg', format: 'jpeg', width: 1248, height: 832 },
		{ file: 'spring-launch-youtube-banner.jpg', format: 'jpeg', width: 1360, height: 768 },
	],
	'composite-product-into-scene': [{ file: 'olive-oil-in-kitchen.png', format: 'png', width: 2512, height: 1680 }],
	'long-job-with-webhook': [{ file: 'mug-rainy-window.png', format: 'png', width: 2576, height: 3216 }],
	// Written by the trigger's workflow, one run per callback, named from the ?sku= of the webhook URL.
	'batch-submit-to-trigger': [
		{ file: 'SNK-001.png', format: 'png', width: 1248, height: 832 },
		{ file: 'MUG-014.png', format: 'png', width: 912, height: 1152 },
		{ file: 'OIL-500.png', format: 'png', width: 832, height: 1248 },
	],
	// 3:2 at 1K: the nearest size each::labs lists.
	'eachlabs-edit-product-photo': [{ file: 'mug-cafe.png', format: 'png', width: 1536, height: 1024 }],
};

/** Examples a user runs by hand (the trigger's workflow runs inside its pair; the CMS and Data Table ones below). */
const RUNNABLE = EXAMPLES.filter((e) => !e.startedByCallbacks && !e.pair && !e.cms && !e.dataTables);

/** The product rows of the Data Table example: products.csv with each photo served by the stand-in host. */
function tableRows(cms: Cms): Array<Record<string, unknown>> {
	const csv = readFileSync(path.join(ASSETS_DIR, 'products.csv'), 'utf8').trim().split('\n').slice(1);
	return csv.map((line, index) => {
		const [, sku, file, prompt, ratio] = /^([^,]+),([^,]+),"([^"]+)",(.+)$/.exec(line) ?? [];
		return { id: index + 1, sku, photo_url: cms.photoUrl(file), prompt, aspect_ratio: ratio, quality: 'low' };
	});
}

/**
 * The Data Table example with its two Data Table nodes pinned (n8n's Pin Data): the table's rows come out of
 * "Get product rows" and "Update product row" is not executed, since only the n8n app has Data Tables (the e2e suite
 * runs the whole workflow there). Same workflow id and static data each time, as n8n keeps them between runs.
 */
function withPinnedTable(workflow: WorkflowJson, rows: Array<Record<string, unknown>>, staticData: WorkflowJson['staticData']): WorkflowJson {
	const pinned = (items: Array<Record<string, unknown>>): INodeExecutionData[] => items.map((json) => ({ json: json as INodeExecutionData['json'] }));
	return { ...workflow, id: 'scheduled-regeneration', staticData, pinData: { 'Every night': pinned([{ timestamp: 'now' }]), 'Get product rows': pinned(rows), 'Update product row': pinned([{}]) } };
}

describe('example workflows', () => {
	const beds = { wavespeed: useTestBed({}, WAVESPEED), eachlabs: useTestBed({}, EACHLABS) };
	const bed = beds.wavespeed;

	it('covers every example file in examples/', () => {
		const files = readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.json'));
		expect(EXAMPLES.map((e) => e.file).sort()).toEqual(files.sort());
	});

	it.each(RUNNABLE.map((e) => [e.name, e] as const))('%s writes its images', async (name, example) => {
		const outputDir = mkdtempSync(path.join(tmpdir(), `example-${name}-`));
		const bed = beds[example.provider ?? 'wavespeed'];
		const result = await bed.run(loadExample(example, { outputDir }));

		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		const expected = EXPECTED[name];
		expect(readdirSync(outputDir).sort()).toEqual(expected.map((e) => e.file).sort());
		for (const file of expected) {
			const meta = await sharp(path.join(outputDir, file.file)).metadata();
			expect({ file: file.file, format: meta.format, width: meta.width, height: meta.height }).toEqual(file);
		}
		// One task per image, none resubmitted.
		expect(bed.emulator.tasks).toHaveLength(expected.length);
		expect(bed.submits()).toHaveLength(expected.length);
	});

	it('edits each spreadsheet row with its own prompt and ratio', async () => {
		const example = EXAMPLES.find((e) => e.name === 'batch-from-spreadsheet')!;
		await bed.run(loadExample(example, { outputDir: mkdtempSync(path.join(tmpdir(), 'example-rows-')) }));
		const csv = readFileSync(path.join(EXAMPLES_DIR, 'assets', 'products.csv'), 'utf8');
		const sent = bed.submits().map((r) => r.json as { prompt: string; aspect_ratio: string; images: string[] });
		expect(sent.map((b) => b.aspect_ratio).sort()).toEqual(['2:3', '3:2', '4:5']);
		for (const body of sent) expect(csv).toContain(body.prompt);
		// Three different photos: three uploads.
		expect(bed.emulator.uploads).toHaveLength(3);
	});

	it('keeps the webhook in the importable JSON and replaces only the Wait node for local runs', () => {
		const example = EXAMPLES.find((e) => e.name === 'long-job-with-webhook')!;
		const raw = JSON.parse(readFileSync(path.join(EXAMPLES_DIR, example.file), 'utf8'));
		const submit = raw.nodes.find((n: { name: string }) => n.name === 'Submit edit');
		expect(submit.parameters.waitMode).toBe('none');
		expect(submit.parameters.options.webhookUrl).toBe('={{ $execution.resumeUrl }}');
		expect(raw.nodes.some((n: { type: string }) => n.type === 'n8n-nodes-base.wait')).toBe(true);

		const local = loadExample(example, { outputDir: tmpdir() });
		expect(local.nodes.some((n) => n.type === 'n8n-nodes-base.wait')).toBe(false);
		expect(local.connections['Submit edit'].main[0]).toEqual([{ node: 'Get edited image', type: 'main', index: 0 }]);
	});

	it('batch-submit-to-trigger: the sheet is submitted without waiting, and the trigger saves each image under its SKU', async () => {
		const outputDir = mkdtempSync(path.join(tmpdir(), 'example-pair-'));
		const submitter = exampleNamed('batch-submit-to-trigger');
		const pair = submitter.pair!;
		const { submit, triggered } = await runExamplePair(
			loadExample(submitter, { outputDir }),
			loadExample(exampleNamed(pair.trigger), { outputDir }),
			{ apiKey: bed.emulator.apiKey, baseUrl: bed.emulator.baseUrl },
			pair.submitNode,
		);
		expect(submit.status).toBe('success');
		expect(submit.output(pair.submitNode).map((i) => i.json.status)).toEqual(['created', 'created', 'created']);
		expect(triggered.map((r) => r.status)).toEqual(['success', 'success', 'success']);
		const expected = EXPECTED['batch-submit-to-trigger'];
		expect(readdirSync(outputDir).sort()).toEqual(expected.map((e) => e.file).sort());
		for (const file of expected) {
			const meta = await sharp(path.join(outputDir, file.file)).metadata();
			expect({ file: file.file, format: meta.format, width: meta.width, height: meta.height }).toEqual(file);
		}
		expect(bed.submits()).toHaveLength(3);
		for (const request of bed.submits()) expect(request.query.webhook).toMatch(/\/webhook\/[^/]+\/gpt-image-2\?sku=[A-Z]{3}-\d{3}$/);
	});

	it('the submitting example points at the trigger example\'s Production URL', () => {
		const raw = JSON.parse(readFileSync(path.join(EXAMPLES_DIR, 'batch-submit-to-trigger.json'), 'utf8'));
		const submit = raw.nodes.find((n: { name: string }) => n.name === 'Submit each photo');
		expect(submit.parameters.waitMode).toBe('none');
		expect(submit.parameters.options.webhookUrl).toContain(`${TRIGGER_URL_PLACEHOLDER}${PAIR_TRIGGER_WEBHOOK_ID}/gpt-image-2?sku=`);
		const trigger = JSON.parse(readFileSync(path.join(EXAMPLES_DIR, 'save-images-from-trigger.json'), 'utf8')).nodes.find((n: { type: string }) => n.type.endsWith('gptImage2Trigger'));
		expect(trigger.webhookId).toBe(PAIR_TRIGGER_WEBHOOK_ID);
	});

	describe('with the stand-in CMS (product photos, media uploads)', () => {
		let cms: Cms;
		beforeEach(async () => {
			cms = await startCms({ photosDir: ASSETS_DIR, products: [PUBLISHED_PRODUCT.id] });
		});
		afterEach(async () => await cms.close());

		it('cms-product-image: the CMS receives the edited PNG as multipart, sets it on the product, and gets its media id back', async () => {
			const example = exampleNamed('cms-product-image');
			const trip = await runCmsRoundTrip(loadExample(example, { outputDir: tmpdir() }), cms, { apiKey: bed.emulator.apiKey, baseUrl: bed.emulator.baseUrl });

			expect(trip.result.status).toBe('success');
			expect(trip.uploads).toHaveLength(1);
			const [media] = trip.uploads;
			expect({ fileName: media.fileName, declaredType: media.declaredType, format: media.format, width: media.width, height: media.height, alt: media.alt }).toEqual({
				fileName: `product-${PUBLISHED_PRODUCT.id}.png`,
				declaredType: 'image/png',
				format: 'png',
				width: 1024,
				height: 1024,
				alt: PUBLISHED_PRODUCT.prompt,
			});
			// The very bytes the provider produced, not a re-encoding.
			const edited = trip.result.output('Edit product photo')[0];
			expect(media.data.equals(await trip.result.readBinary(edited.binary!.data))).toBe(true);
			expect(cms.products.get(PUBLISHED_PRODUCT.id)?.featuredMedia).toBe(media.id);
			expect(trip.status).toBe(200);
			expect(trip.answer).toEqual({ product: PUBLISHED_PRODUCT.id, media_id: media.id, image_url: media.url, prediction_id: edited.json.id, cost_usd: edited.json.estimatedCostUsd });
			// The provider was given the CMS's photo URL, and one task was paid for.
			expect(bed.submits().map((r) => WAVESPEED.imagesSent(r.json))).toEqual([[cms.photoUrl(PUBLISHED_PRODUCT.photo)]]);
			expect(cms.requests.filter((r) => r.refused)).toEqual([]);
		});

		it(`cms-product-image: uploads in the multipart field "${CMS_MEDIA_FIELD}" with the CMS credential, to the placeholder host users replace`, () => {
			const raw = JSON.parse(readFileSync(path.join(EXAMPLES_DIR, 'cms-product-image.json'), 'utf8')) as { nodes: INode[] };
			const upload = raw.nodes.find((n) => n.name === 'Upload to CMS media')!;
			expect(upload.parameters.url).toBe(`${CMS_URL_PLACEHOLDER}/api/media`);
			expect(upload.credentials?.httpHeaderAuth).toBeDefined();
			expect(upload.parameters.bodyParameters).toEqual(expect.objectContaining({ parameters: expect.arrayContaining([expect.objectContaining({ parameterType: 'formBinaryData', name: CMS_MEDIA_FIELD })]) }));
		});

		it('scheduled-regeneration-data-table: each row is edited from its photo URL and named by its sku; a changed prompt is the only row paid for again', async () => {
			const example = exampleNamed('scheduled-regeneration-data-table');
			const outputDir = mkdtempSync(path.join(tmpdir(), 'example-schedule-'));
			const rows = tableRows(cms);
			const staticData = {};
			const first = await bed.run(withPinnedTable(loadExample(example, { outputDir }), rows, staticData));
			expect(first.error).toBeUndefined();
			expect(readdirSync(outputDir).sort()).toEqual(['MUG-014.png', 'OIL-500.png', 'SNK-001.png']);
			for (const file of EXPECTED['batch-from-spreadsheet']) {
				const meta = await sharp(path.join(outputDir, file.file)).metadata();
				expect({ file: file.file, format: meta.format, width: meta.width, height: meta.height }).toEqual(file);
			}
			expect(bed.submits().map((r) => WAVESPEED.imagesSent(r.json)?.[0]).sort()).toEqual(rows.map((r) => r.photo_url).sort());
			expect(first.output('Edit each product').map((i) => i.json.reused)).toEqual([undefined, undefined, undefined]);

			const changed = rows.map((row, i) => (i === 0 ? { ...row, prompt: `${String(row.prompt)}, seen from above` } : row));
			const second = await bed.run(withPinnedTable(loadExample(example, { outputDir }), changed, staticData));
			expect(second.error).toBeUndefined();
			expect(bed.submits()).toHaveLength(4);
			expect(WAVESPEED.promptSent(bed.submits()[3].json)).toBe(changed[0].prompt);
			const items = second.output('Edit each product').map((i) => i.json);
			expect(items.map((i) => i.reused)).toEqual([undefined, true, true]);
			expect(items.map((i) => typeof i.estimatedCostUsd)).toEqual(['number', 'undefined', 'undefined']);
			expect(items.slice(1).map((i) => i.id)).toEqual(first.output('Edit each product').slice(1).map((i) => i.json.id));
		});

		it('scheduled-regeneration-data-table: the update writes every result column of the table, on the row it read', () => {
			const raw = JSON.parse(readFileSync(path.join(EXAMPLES_DIR, 'scheduled-regeneration-data-table.json'), 'utf8')) as { nodes: INode[]; connections: WorkflowJson['connections'] };
			const update = raw.nodes.find((n) => n.name === 'Update product row')!;
			const columns = update.parameters.columns as { value: Record<string, string>; schema: Array<{ id: string; type: string }> };
			expect(Object.keys(columns.value).sort()).toEqual(Object.keys(PRODUCT_TABLE.results).sort());
			expect(Object.fromEntries(columns.schema.map((c) => [c.id, c.type]))).toEqual(PRODUCT_TABLE.results);
			expect(update.parameters.filters).toEqual({ conditions: [{ keyName: 'id', condition: 'eq', keyValue: "={{ $('Get product rows').item.json.id }}" }] });
			const edit = raw.nodes.find((n) => n.name === 'Edit each product')!;
			expect(edit.parameters.options).toEqual(expect.objectContaining({ reuseWithinHours: 168, fileName: '={{ $json.sku }}' }));
			expect(raw.connections['Edit each product'].main[0]?.map((c) => c.node).sort()).toEqual(['Save image', 'Update product row']);
		});
	});

	it('has a sticky note explaining each example', () => {
		for (const example of EXAMPLES) {
			const raw = JSON.parse(readFileSync(path.join(EXAMPLES_DIR, example.file), 'utf8'));
			const note = raw.nodes.find((n: { type: string }) => n.type === 'n8n-nodes-base.stickyNote');
			expect(note?.parameters.content).toMatch(example.provider === 'eachlabs' ? /EachLabs API/ : /WaveSpeed API/);
		}
	});
});
