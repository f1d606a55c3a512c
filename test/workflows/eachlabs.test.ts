/** each::labs only: the request from the live schema (both variants), refusals before any request, output shapes, money. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { EmulatorConfig } from '../../dev/emulator';
import { runWorkflow } from '../../dev/harness';
import { chain, EACHLABS, editNode, generateNode, imageOf, makeImages, manualTrigger, onProvider, readFile, rows, useTestBed } from './helpers';

type Images = Awaited<ReturnType<typeof makeImages>>;
let images: Images;
beforeAll(async () => {
	images = await makeImages();
});

const generate = (parameters: Record<string, unknown> = {}, settings = {}) =>
	chain(
		manualTrigger(),
		generateNode(
			{ operation: 'generateImage', prompt: 'a blue teapot', aspectRatio: '1:1', resolution: '1k', quality: 'low', ...parameters, options: { pollInterval: 1, ...(parameters.options as object) } },
			'Generate',
			settings,
		),
	);

const editTwo = (parameters: Record<string, unknown> = {}) =>
	chain(
		manualTrigger(),
		readFile(images.red),
		editNode({
			prompt: 'put the product in the scene',
			referenceImages: { image: [{ source: 'binary', binaryField: 'data' }, { source: 'url', url: 'https://example.com/scene.png' }] },
			aspectRatio: '3:2',
			quality: 'high',
			options: { pollInterval: 1 },
			...parameters,
		}),
	);

/** Each variant on its own emulator (own Base URL), since the node caches a schema per Base URL for the process. */
describe('array schema variant (image_urls, image_size enum, quality, format)', () => {
	const bed = useTestBed({ eachlabsSchema: 'array' }, EACHLABS);

	it('maps the controls onto the listed fields: nearest size, quality, format; reads the schema once', async () => {
		const result = await bed.run(chain(manualTrigger(), readFile(images.red), editNode({ prompt: 'on marble', aspectRatio: '16:9', resolution: '2k', quality: 'high', options: { pollInterval: 1 } })));

		expect(result.error).toBeUndefined();
		const [submit] = bed.submits();
		expect(submit.path).toBe('/v1/prediction');
		expect(submit.json).toEqual({
			model: 'gpt-image-v2-edit',
			version: '0.0.1',
			input: { prompt: 'on marble', image_urls: [bed.emulator.uploads[0].url], image_size: '2048x1152', quality: 'high', output_format: 'png' },
		});
		const [item] = result.output('Edit');
		expect(item.json).toMatchObject({ provider: 'eachlabs', status: 'success', size: '2048x1152', schemaSource: 'live', costUsd: 0.17, model: 'gpt-image-v2-edit' });
		// The real charge each::labs reported (metrics.cost) replaces the estimate, and says so.
		expect(item.json).toMatchObject({ estimatedCostUsd: 0.17, costSource: 'provider' });
		expect(await imageOf(result, item.binary!.data)).toMatchObject({ width: 2048, height: 1152, format: 'png' });

		await bed.run(generate());
		await bed.run(chain(manualTrigger(), readFile(images.red), editNode({ prompt: 'again', options: { pollInterval: 1 } })));
		// One read per model for the process: the edit schema was not read again.
		expect(bed.apiRequests('model').map((r) => r.query.slug)).toEqual(['gpt-image-v2-edit', 'gpt-image-v2-text-to-image']);
	});

	it('Match First Image sends image_size auto; 1:1 at 1K sends 1024x1024', async () => {
		const result = await bed.run(chain(manualTrigger(), readFile(images.red), editNode({ prompt: 'on marble', options: { pollInterval: 1 } })));
		expect(result.error).toBeUndefined();
		expect((bed.submits()[0].json as { input: Record<string, unknown> }).input.image_size).toBe('auto');
		// The emulator drew the first image's 3:2 shape.
		const image = await imageOf(result, result.output('Edit')[0].binary!.data);
		expect(image.width! / image.height!).toBeCloseTo(1.5, 1);
	});

	it('refuses 4K before any upload or submit, naming the largest listed size', async () => {
		const result = await bed.run(editTwo({ resolution: '4k' }));

		expect(result.status).toBe('error');
		expect(result.error!.message).toBe("Resolution 4K is not available with each::labs' gpt-image-v2-edit: its schema lists no size that large (largest: 2048x2048) [item 0]");
		expect(result.error!.description).toMatch(/smaller Resolution/);
		expect(bed.submits()).toHaveLength(0);
		expect(bed.emulator.uploads).toHaveLength(0);
	});

	it('refuses Sync Mode (hidden for each::labs, but kept in a workflow switched from WaveSpeed) before any request', async () => {
		const sync = await bed.run(generate({ waitMode: 'sync' }));
		expect(sync.error!.message).toBe('Wait For Result: Sync Mode is not available with each::labs [item 0]');
		expect(sync.error!.description).toBe('Use Poll Until Done.');
		expect(bed.apiRequests()).toHaveLength(0);
	});

	it('Transfer is hidden for each::labs: a workflow switched from WaveSpeed with Inline Base64 downloads the image', async () => {
		const result = await bed.run(generate({ options: { pollInterval: 1, transfer: 'base64' } }));
		expect(result.error).toBeUndefined();
		expect(bed.submits()[0].json).not.toHaveProperty('enable_base64_output');
		expect((await imageOf(result, result.output('Generate')[0].binary!.data)).format).toBe('png');
	});
});

describe('single schema variant (image_url, three sizes, nothing else)', () => {
	const bed = useTestBed({ eachlabsSchema: 'single' }, EACHLABS);

	it('sends one image as image_url, the nearest of three sizes, and no quality or format', async () => {
		const result = await bed.run(chain(manualTrigger(), readFile(images.red), editNode({ prompt: 'on marble', aspectRatio: '16:9', quality: 'high', options: { pollInterval: 1 } })));

		expect(result.error).toBeUndefined();
		expect((bed.submits()[0].json as { input: unknown }).input).toEqual({ prompt: 'on marble', image_url: bed.emulator.uploads[0].url, image_size: '1536x1024' });
		expect(result.output('Edit')[0].json).toMatchObject({ size: '1536x1024', schemaSource: 'live', settingsNotSent: ['quality', 'outputFormat'] });
	});

	it('refuses two reference images before any upload, naming the fix', async () => {
		const result = await bed.run(editTwo());

		expect(result.status).toBe('error');
		expect(result.error!.message).toBe(`2 reference images are set; each::labs' gpt-image-v2-edit takes one image (its schema has only "image_url") [item 0]`);
		expect(result.error!.description).toMatch(/Keep only the image to edit/);
		expect(bed.emulator.uploads).toHaveLength(0);
		expect(bed.submits()).toHaveLength(0);
	});

	it('refuses JPEG when the schema has no output format field', async () => {
		const result = await bed.run(generate({ outputFormat: 'jpeg' }));
		expect(result.error!.message).toMatch(/^Output Format JPEG is not available with each::labs' gpt-image-v2-text-to-image/);
		expect(bed.submits()).toHaveLength(0);
	});
});

describe('schema that cannot be read', () => {
	const bed = useTestBed({ eachlabsSchema: 'unavailable' }, EACHLABS);

	it('uses the documented variant and says so in the item', async () => {
		const result = await bed.run(generate({ aspectRatio: '2:3' }));

		expect(result.error).toBeUndefined();
		expect((bed.submits()[0].json as { input: unknown }).input).toEqual({ prompt: 'a blue teapot', size: '1024x1536', quality: 'low', output_format: 'png' });
		expect(result.output('Generate')[0].json).toMatchObject({ provider: 'eachlabs', schemaSource: 'documented', size: '1024x1536' });
	});
});

describe('answers in every documented shape', () => {
	const bed = useTestBed({}, EACHLABS);

	it.each(['string', 'array', 'object'] as const)('output as a %s: the image arrives', async (shape) => {
		bed.emulator.configure({ eachlabsOutputShape: shape });
		const result = await bed.run(generate());
		expect(result.error).toBeUndefined();
		const [item] = result.output('Generate');
		expect(item.json.outputs).toEqual([bed.emulator.tasks[0].outputs[0]]);
		expect((await imageOf(result, item.binary!.data)).width).toBe(1024);
	});

	it.each([
		['docs', 'error', 'error'],
		['openapi', 'failed', 'logs'],
		['docs', 'error', 'output'],
	] as const)('a failed prediction (%s words: %s, reason in %s) is reported with its reason and id', async (words, status, where) => {
		bed.emulator.configure({ eachlabsStatusWords: words, eachlabsFailureIn: where as EmulatorConfig['eachlabsFailureIn'] });
		bed.emulator.injectFault({ endpoint: 'submit', kind: 'task-failed', taskErrorCode: 1200 });
		const result = await bed.run(generate());

		expect(result.status).toBe('error');
		expect(result.error!.message).toMatch(new RegExp(`^The prediction ended with status "${status}".*Content moderation.*\\[item 0\\]$`));
		expect(result.error!.description).toContain(`Prediction ID: ${bed.emulator.tasks[0].id}`);
		if (where === 'output') expect(result.error!.message).toContain('(content_moderation)');
		expect(bed.submits()).toHaveLength(1);
	});
});

describe('money: 402 and the 429 concurrency cap', () => {
	const bed = useTestBed({}, EACHLABS);
	const batch = (count: number, settings = {}) =>
		chain(
			manualTrigger(),
			...rows(Array.from({ length: count }, (_, i) => ({ prompt: `teapot ${i}` }))),
			generateNode({ operation: 'generateImage', prompt: '={{ $json.prompt }}', aspectRatio: '1:1', quality: 'low', options: { pollInterval: 1, maxConcurrency: 3 } }, 'Generate', settings),
		);

	it('a 402 stops further rows, even under Continue On Fail; rows already running finish', async () => {
		bed.emulator.configure({ balance: 0.5, reservationUsd: 0.25, latencyMs: 1500 });
		const result = await bed.run(batch(5, { continueOnFail: true }));

		expect(result.error).toBeUndefined();
		const items = result.output('Generate');
		expect(items).toHaveLength(5);
		const kinds = items.map((i) => (i.json.status === 'success' ? 'done' : i.json.kind));
		expect(kinds.filter((k) => k === 'done')).toHaveLength(2);
		expect(kinds.filter((k) => k === 'balance')).toHaveLength(3);
		const notSubmitted = items.filter((i) => String(i.json.error).startsWith('Not submitted'));
		expect(notSubmitted.map((i) => i.json.error)).toEqual([
			'Not submitted: your each::labs balance ran out earlier in this run [item 3]',
			'Not submitted: your each::labs balance ran out earlier in this run [item 4]',
		]);
		const refused = items.find((i) => i.json.httpCode === 402)!;
		expect(refused.json.error).toMatch(/^Your each::labs balance is too low for this request \(402\): payment required - the estimated cost of your in-flight executions exceeds your current balance/);
		expect(refused.json.description).toMatch(/Top up your account/);
		expect(refused.json.provider).toBe('eachlabs');
		expect(bed.submits()).toHaveLength(3);
		expect(bed.emulator.tasks).toHaveLength(2);
	});

	it('a 429 at the in-flight cap is paced, not failed: every row done, no duplicate prediction', async () => {
		bed.emulator.configure({ inFlightCap: 1, latencyMs: 300 });
		const result = await bed.run(batch(3));

		expect(result.error).toBeUndefined();
		const items = result.output('Generate');
		expect(items.map((i) => i.json.status)).toEqual(['success', 'success', 'success']);
		expect(bed.emulator.tasks).toHaveLength(3);
		expect(new Set(items.map((i) => i.json.id)).size).toBe(3);
		const statuses = bed.submits().map((s) => s.status);
		expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
		expect(statuses.filter((s) => s === 200)).toHaveLength(3);
	}, 60_000);

	it('a 429 that outlives the Timeout shows the details each::labs gave', async () => {
		bed.emulator.configure({ inFlightCap: 0 });
		const result = await bed.run(generate({ options: { timeout: 10 } }));

		expect(result.status).toBe('error');
		expect(result.error!.message).toMatch(/^each::labs.*\(429\).*Timeout \(10 s\): too many requests - concurrency limit reached: 0 predictions in flight.*\[item 0\]$/);
		expect(result.error!.description).toMatch(/nothing was billed/);
		expect(bed.emulator.tasks).toHaveLength(0);
	}, 30_000);
});

describe('webhooks', () => {
	const bed = useTestBed({}, EACHLABS);

	it("sends webhook_url and the credential's Webhook Secret; the callback carries X-Webhook-Secret", async () => {
		const received: Array<{ secret: string | undefined; body: string }> = [];
		const server = http.createServer((req, res) => {
			let body = '';
			req.on('data', (chunk: Buffer) => (body += chunk.toString()));
			req.on('end', () => {
				received.push({ secret: req.headers['x-webhook-secret'] as string | undefined, body });
				res.end('ok');
			});
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const hook = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
			const workflow = onProvider(generate({ waitMode: 'none', options: { webhookUrl: hook } }), 'eachlabs');
			const result = await runWorkflow(workflow, {
				credentials: { eachLabsApi: { apiKey: bed.emulator.apiKey, baseUrl: bed.emulator.baseUrl, webhookSecret: 'whsec-test-1234' } },
			}).promise;

			expect(result.error).toBeUndefined();
			const [item] = result.output('Generate');
			expect(item.json).toMatchObject({ provider: 'eachlabs', status: 'created', resultUrl: `${bed.emulator.baseUrl}/v1/prediction/${item.json.id}` });
			expect(bed.submits()[0].json).toMatchObject({ webhook_url: hook, webhook_secret: 'whsec-test-1234' });
			await bed.emulator.waitForTask(String(item.json.id));
			while (received.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
			expect(received[0].secret).toBe('whsec-test-1234');
			expect(JSON.parse(received[0].body)).toMatchObject({ exec_id: item.json.id, status: 'succeeded' });
			expect(JSON.stringify(result.run.data.resultData)).not.toContain('whsec-test-1234');
		} finally {
			server.close();
		}
	});
});
