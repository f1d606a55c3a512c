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
		// One read per model for the process, on the current path: the edit schema was not read again.
		expect(bed.apiRequests('model').map((r) => r.path)).toEqual(['/v1/models/gpt-image-v2-edit', '/v1/models/gpt-image-v2-text-to-image']);
	});

	it('Match First Image sends image_size auto; 1:1 at 1K sends 1024x1024', async () => {
		const result = await bed.run(chain(manualTrigger(), readFile(images.red), editNode({ prompt: 'on marble', options: { pollInterval: 1 } })));
		expect(result.error).toBeUndefined();
		expect((bed.submits()[0].json as { input: Record<string, unknown> }).input.image_size).toBe('auto');
		// The emulator drew the first image's 3:2 shape.
		const image = await imageOf(result, result.output('Edit')[0].binary!.data);
		expect(image.width! / image.height!).toBeCloseTo(1.5, 1);
	});

	it('refuses 4K (outside the live schema) before any upload or submit, quoting the schema\'s own sizes', async () => {
		const result = await bed.run(editTwo({ resolution: '4k' }));

		expect(result.status).toBe('error');
		expect(result.error!.message).toBe(
			"Resolution 4K is not available with each::labs' gpt-image-v2-edit: its schema lists no size that large (it lists auto, 1024x1024, 1536x1024, 1024x1536, 2048x2048, 2048x1152, 1152x2048) [item 0]",
		);
		expect(result.error!.description).toMatch(/smaller Resolution/);
		expect(bed.submits()).toHaveLength(0);
		expect(bed.emulator.uploads).toHaveLength(0);
	});

	it('a quality the live schema adds (auto), typed as an expression, is sent as typed', async () => {
		const result = await bed.run(generate({ quality: "={{ 'auto' }}" }));

		expect(result.error).toBeUndefined();
		expect((bed.submits()[0].json as { input: Record<string, unknown> }).input).toMatchObject({ quality: 'auto' });
		expect(result.output('Generate')[0].json).toMatchObject({ status: 'success', schemaSource: 'live' });
	});

	it('a format the live schema adds (webp), typed as an expression, is sent, and the WebP image arrives', async () => {
		const result = await bed.run(generate({ outputFormat: "={{ 'webp' }}" }));

		expect(result.error).toBeUndefined();
		expect((bed.submits()[0].json as { input: Record<string, unknown> }).input).toMatchObject({ output_format: 'webp' });
		const [item] = result.output('Generate');
		expect(item.binary!.data).toMatchObject({ mimeType: 'image/webp', fileExtension: 'webp' });
		expect((await imageOf(result, item.binary!.data)).format).toBe('webp');
	});

	it('Estimate Cost shows typed values as typed and prices such a quality as High; nothing billable is sent', async () => {
		const estimate = async (quality: string, outputFormat: string) => {
			const result = await bed.run(generate({ operation: 'estimateCost', quality, outputFormat }));
			expect(result.error).toBeUndefined();
			return result.output('Generate')[0].json as { estimatedCostUsd: number; settings: Record<string, unknown> };
		};
		const typed = await estimate("={{ 'auto' }}", "={{ 'webp' }}");
		const high = await estimate('high', 'png');

		expect(typed.settings).toMatchObject({ quality: 'auto', outputFormat: 'webp' });
		expect(typed.estimatedCostUsd).toBe(high.estimatedCostUsd);
		expect(bed.submits()).toHaveLength(0);
	});

	it('a quality the live schema does not list is refused before any billable request, with the schema\'s list', async () => {
		const result = await bed.run(generate({ quality: "={{ 'xhigh' }}" }));

		expect(result.status).toBe('error');
		expect(result.error!.message).toBe(`Quality "xhigh" is not available with each::labs' gpt-image-v2-text-to-image: its schema lists low, medium, high, auto [item 0]`);
		expect(bed.submits()).toHaveLength(0);
		expect(bed.emulator.tasks).toHaveLength(0);
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

	it('refuses a typed format (webp) when the schema has no output format field, before any request', async () => {
		const result = await bed.run(generate({ outputFormat: "={{ 'webp' }}" }));
		expect(result.error!.message).toBe(`Output Format "webp" is not available with each::labs' gpt-image-v2-text-to-image: its schema has no output format field [item 0]`);
		expect(bed.submits()).toHaveLength(0);
	});

	it('refuses JPEG when the schema has no output format field', async () => {
		const result = await bed.run(generate({ outputFormat: 'jpeg' }));
		expect(result.error!.message).toMatch(/^Output Format JPEG is not available with each::labs' gpt-image-v2-text-to-image/);
		expect(bed.submits()).toHaveLength(0);
	});
});

describe('where the schema is read', () => {
	const bed = useTestBed({ eachlabsModelEndpoints: 'modelsOnly' }, EACHLABS);

	it('reads GET /v1/models/{slug} without the old path (which 404s here) and uses it: schemaSource live', async () => {
		const result = await bed.run(generate({ aspectRatio: '16:9', resolution: '2k' }));

		expect(result.error).toBeUndefined();
		expect(bed.apiRequests('model').map((r) => r.path)).toEqual(['/v1/models/gpt-image-v2-text-to-image']);
		// 2048x1152 exists only in the live schema (the documented shape has three 1K sizes).
		expect((bed.submits()[0].json as { input: unknown }).input).toEqual({ prompt: 'a blue teapot', size: '2048x1152', quality: 'low', output_format: 'png' });
		expect(result.output('Generate')[0].json).toMatchObject({ schemaSource: 'live', size: '2048x1152' });
	});
});

describe('when both model endpoints 404', () => {
	const bed = useTestBed({ eachlabsModelEndpoints: 'none' }, EACHLABS);

	it('tries /v1/models/{slug}, then /v1/model?slug=, then uses the documented shape and says so', async () => {
		const result = await bed.run(generate({ aspectRatio: '3:2' }));

		expect(result.error).toBeUndefined();
		expect(bed.apiRequests('model').map((r) => [r.path, r.query.slug])).toEqual([
			['/v1/models/gpt-image-v2-text-to-image', undefined],
			['/v1/model', 'gpt-image-v2-text-to-image'],
		]);
		expect((bed.submits()[0].json as { input: unknown }).input).toEqual({ prompt: 'a blue teapot', size: '1536x1024', quality: 'low', output_format: 'png' });
		expect(result.output('Generate')[0].json).toMatchObject({ schemaSource: 'documented', size: '1536x1024' });
	});

	it('the documented shape refuses 2K before any billable request (nothing was read, so nothing is remembered)', async () => {
		const result = await bed.run(generate({ resolution: '2k' }));

		expect(result.error!.message).toBe(
			"Resolution 2K is not available with each::labs' gpt-image-v2-text-to-image: its schema lists no size that large (it lists 1024x1024, 1536x1024, 1024x1536) [item 0]",
		);
		expect(bed.submits()).toHaveLength(0);
		expect(bed.apiRequests('model')).toHaveLength(2);
	});

	it('a quality beyond the node\'s list cannot be checked without the live schema: refused, nothing billed', async () => {
		const result = await bed.run(generate({ quality: "={{ 'auto' }}" }));

		expect(result.error!.message).toBe(
			`Quality "auto" is not one of the node's values, and each::labs' gpt-image-v2-text-to-image's live schema could not be read to check it [item 0]`,
		);
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
	const batch = (count: number, settings = {}, maxConcurrency = 3) =>
		chain(
			manualTrigger(),
			...rows(Array.from({ length: count }, (_, i) => ({ prompt: `teapot ${i}` }))),
			generateNode({ operation: 'generateImage', prompt: '={{ $json.prompt }}', aspectRatio: '1:1', quality: 'low', options: { pollInterval: 1, maxConcurrency } }, 'Generate', settings),
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

	it('a sticky 429 is waited out: the run keeps quiet 120 s, then every row is done, no duplicate prediction', async () => {
		// The account runs 2 at once; after its 429 each::labs refuses every create until it has been quiet a while.
		bed.emulator.configure({ inFlightCap: 2, sticky429: true, stickyQuietMs: 5000, latencyMs: 1500 });
		const result = await bed.run(batch(3));

		expect(result.error).toBeUndefined();
		const items = result.output('Generate');
		expect(items.map((i) => i.json.status)).toEqual(['success', 'success', 'success']);
		expect(bed.emulator.tasks).toHaveLength(3);
		expect(new Set(items.map((i) => i.json.id)).size).toBe(3);
		const submits = bed.submits();
		expect(submits.map((s) => s.status).sort()).toEqual([200, 200, 200, 429]);
		// Nothing was sent while each::labs needed quiet: the retry came at least 120 s after the 429.
		const refusedAt = submits.find((s) => s.status === 429)!.at;
		const after = submits.filter((s) => s.at > refusedAt);
		expect(after).toHaveLength(1);
		expect(after[0].at - refusedAt).toBeGreaterThanOrEqual(120_000);
	}, 200_000);

	it('after a sticky 429 no create goes beyond the predictions still running: one quiet time, no second 429', async () => {
		// Max Concurrent Requests 5 on an account that runs 2: the first wave meets the cap, the rest must keep to it.
		bed.emulator.configure({ inFlightCap: 2, sticky429: true, stickyQuietMs: 120_000, latencyMs: 1500 });
		const result = await bed.run(batch(6, {}, 5));

		expect(result.error).toBeUndefined();
		expect(result.output('Generate').map((i) => i.json.status)).toEqual(Array(6).fill('success'));
		expect(bed.emulator.tasks).toHaveLength(6);
		const submits = bed.submits();
		const lastRefusal = Math.max(...submits.filter((s) => s.status === 429).map((s) => s.at));
		const firstRefusal = Math.min(...submits.filter((s) => s.status === 429).map((s) => s.at));
		// Every refusal came in the first wave (sent before any answer); after it, every create was accepted.
		expect(lastRefusal - firstRefusal).toBeLessThan(1000);
		expect(submits.filter((s) => s.at > lastRefusal).map((s) => s.status)).toEqual(Array(4).fill(200));
	}, 400_000);

	it('a 429 that outlives the Timeout shows the details each::labs gave and how to lift the $10 limit, after one try', async () => {
		bed.emulator.configure({ inFlightCap: 0 });
		const result = await bed.run(generate({ options: { timeout: 10 } }));

		expect(result.status).toBe('error');
		expect(result.error!.message).toMatch(/^each::labs.*\(429\).*Timeout \(10 s\): too many requests - concurrency limit reached: 0 predictions in flight.*\[item 0\]$/);
		expect(result.error!.description).toMatch(/nothing was billed.*balance of \$10 or less.*keep your balance above \$10/);
		// A create sent within the quiet time would only prolong the refusal: none was sent.
		expect(bed.submits()).toHaveLength(1);
		expect(bed.emulator.tasks).toHaveLength(0);
	}, 30_000);
});

describe('balance', () => {
	const bed = useTestBed({}, EACHLABS);

	it('reads GET /v1/billing/balance and refuses a run it cannot pay for, before any submit', async () => {
		bed.emulator.configure({ balance: 0.001 });
		const result = await bed.run(generate());

		expect(result.status).toBe('error');
		expect(result.error!.message).toMatch(/^This run would cost about \$0\.\d+ \(estimated, 1 rows\), more than your each::labs balance of \$0\.001 \[item 0\]$/);
		expect(bed.apiRequests('balance')).toHaveLength(1);
		expect(bed.apiRequests('balance')[0].path).toBe('/v1/billing/balance');
		expect(bed.submits()).toHaveLength(0);
	});

	it('a 429 on the balance read (Retry-After: 1) is waited out once, then the balance is read and used', async () => {
		bed.emulator.configure({ balance: 0.001 });
		bed.emulator.injectFault({ endpoint: 'balance', kind: 'http429', retryAfterSeconds: 1 });
		const result = await bed.run(generate());

		expect(result.error!.message).toMatch(/more than your each::labs balance of \$0\.001 \[item 0\]$/);
		const reads = bed.apiRequests('balance');
		expect(reads.map((r) => r.status)).toEqual([429, 200]);
		expect(reads[1].at - reads[0].at).toBeGreaterThanOrEqual(950);
		expect(bed.submits()).toHaveLength(0);
	});

	it('a balance still refused after that one wait is no balance, never zero: the run goes on', async () => {
		bed.emulator.configure({ balance: 0.001, reservationUsd: 0 });
		bed.emulator.injectFault({ endpoint: 'balance', kind: 'http429', retryAfterSeconds: 1, times: 2 });
		const result = await bed.run(generate());

		expect(result.error).toBeUndefined();
		expect(bed.apiRequests('balance').map((r) => r.status)).toEqual([429, 429]);
		expect(bed.submits()).toHaveLength(1);
	});

	it('a balance each::labs cannot read (503) is no balance, never zero: the run goes on', async () => {
		bed.emulator.configure({ balance: 0.001, reservationUsd: 0, eachlabsBalanceUnavailable: true });
		const result = await bed.run(generate());

		expect(result.error).toBeUndefined();
		expect(bed.apiRequests('balance').map((r) => r.status)).toEqual([503]);
		expect(bed.submits()).toHaveLength(1);
	});
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
