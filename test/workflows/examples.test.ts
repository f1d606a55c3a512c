/** Every example a user can import runs through the real engine and produces the images it promises. */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';

import { EXAMPLES, EXAMPLES_DIR, exampleNamed, loadExample } from '../../dev/demo/examples';
import { PAIR_TRIGGER_WEBHOOK_ID, runExamplePair, TRIGGER_URL_PLACEHOLDER } from '../../dev/demo/pair';
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

/** Examples a user runs by hand (the trigger's workflow runs inside its pair). */
const RUNNABLE = EXAMPLES.filter((e) => !e.startedByCallbacks && !e.pair);

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

	it('has a sticky note explaining each example', () => {
		for (const example of EXAMPLES) {
			const raw = JSON.parse(readFileSync(path.join(EXAMPLES_DIR, example.file), 'utf8'));
			const note = raw.nodes.find((n: { type: string }) => n.type === 'n8n-nodes-base.stickyNote');
			expect(note?.parameters.content).toMatch(example.provider === 'eachlabs' ? /EachLabs API/ : /WaveSpeed API/);
		}
	});
});
