/** Every parameter reaches WaveSpeed under its documented name and value, and nothing undocumented is sent. */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';

import { expectedSize } from '../../dev/emulator';
import { ASPECT_RATIOS } from '../../nodes/shared/core/schemas';
import type { RunResult } from '../../dev/harness';
import type { TestBed } from './helpers';
import { chain, editNode, generateNode, imageOf, makeImages, manualTrigger, readFile, rows, useTestBed } from './helpers';

const FIELDS = {
	edit: ['prompt', 'images', 'aspect_ratio', 'resolution', 'quality', 'output_format', 'enable_sync_mode', 'enable_base64_output'],
	generate: ['prompt', 'aspect_ratio', 'resolution', 'quality', 'output_format', 'enable_sync_mode', 'enable_base64_output'],
};
const PATHS = { edit: '/api/v3/openai/gpt-image-2/edit', generate: '/api/v3/openai/gpt-image-2/text-to-image' };
const fast = { pollInterval: 1 };

type Json = Record<string, unknown>;

/** What every submit of a run must look like: the model path, documented fields only, attribution, nothing dropped. */
function expectCleanSubmits(bed: TestBed, kind: 'edit' | 'generate', count: number): Json[] {
	const submits = bed.submits();
	expect(submits).toHaveLength(count);
	for (const submit of submits) {
		expect(submit.method).toBe('POST');
		expect(submit.path).toBe(PATHS[kind]);
		const body = submit.json as Json;
		expect(Object.keys(body).filter((key) => !FIELDS[kind].includes(key))).toEqual([]);
		expect(submit.headers['x-client-name']).toBe('n8n-nodes-gpt-image-2');
		expect(submit.query).toEqual({});
	}
	expect(bed.emulator.tasks).toHaveLength(count);
	for (const task of bed.emulator.tasks) expect(task.dropped).toEqual([]);
	return submits.map((s) => s.json as Json);
}

/** The task the emulator ran for an output item. */
function taskOf(bed: TestBed, json: Json) {
	const task = bed.emulator.tasks.find((t) => t.id === json.id);
	expect(task).toBeDefined();
	return task!;
}

async function pixelsOf(result: RunResult, binary: Parameters<RunResult['readBinary']>[0]) {
	const meta = await sharp(await result.readBinary(binary)).metadata();
	return { format: meta.format, width: meta.width!, height: meta.height! };
}

function ratioOf(ratio: string): number {
	const [w, h] = ratio.split(':').map(Number);
	return w / h;
}

/** Receives WaveSpeed's webhook POSTs. */
async function startReceiver(): Promise<{ url: string; bodies: string[]; server: Server }> {
	const bodies: string[] = [];
	const server = createServer((req: IncomingMessage, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			bodies.push(Buffer.concat(chunks).toString('utf8'));
			res.writeHead(200).end('ok');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook/abc`, bodies, server };
}

describe('parameters reach the API as documented', () => {
	const bed = useTestBed();
	let images: Awaited<ReturnType<typeof makeImages>>;
	let tall: string;
	beforeAll(async () => {
		images = await makeImages();
		tall = `${images.dir}/tall.png`;
		await sharp({ create: { width: 64, height: 96, channels: 3, background: { r: 30, g: 160, b: 40 } } }).png().toFile(tall);
	});

	describe('defaults', () => {
		it('Edit with only a prompt: defaults sent, aspect ratio left to the first image', async () => {
			const result = await bed.run(chain(manualTrigger(), readFile(tall), editNode({ prompt: 'make it glossy', options: fast })));
			expect(result.error).toBeUndefined();
			const [body] = expectCleanSubmits(bed, 'edit', 1);
			expect(body).toEqual({
				prompt: 'make it glossy',
				images: [bed.emulator.uploads[0].url],
				resolution: '1k',
				quality: 'medium',
				output_format: 'png',
				enable_sync_mode: false,
				enable_base64_output: false,
			});
			expect(body).not.toHaveProperty('aspect_ratio');
			// 'Match First Image': the portrait 64x96 input gives a portrait 2:3 output.
			const [item] = result.output('Edit');
			const image = await pixelsOf(result, item.binary!.data);
			expect(image).toEqual({ format: 'png', ...expectedSize('2:3', '1k') });
			expect(image.height).toBeGreaterThan(image.width);
		});

		it('Generate with only a prompt: aspect ratio 1:1 and the other defaults', async () => {
			const result = await bed.run(chain(manualTrigger(), generateNode({ prompt: 'a red sneaker', options: fast })));
			expect(result.error).toBeUndefined();
			const [body] = expectCleanSubmits(bed, 'generate', 1);
			expect(body).toEqual({
				prompt: 'a red sneaker',
				aspect_ratio: '1:1',
				resolution: '1k',
				quality: 'medium',
				output_format: 'png',
				enable_sync_mode: false,
				enable_base64_output: false,
			});
			const [item] = result.output('Generate');
			expect(await pixelsOf(result, item.binary!.data)).toEqual({ format: 'png', width: 1024, height: 1024 });
			expect(item.json).toMatchObject({ status: 'completed', model: 'openai/gpt-image-2/text-to-image' });
		});
	});

	describe('aspect ratio: all 15 values the node offers', () => {
		const table = ASPECT_RATIOS.map((ratio) => ({ ratio }));

		it('Edit sends each ratio and the output has that shape', async () => {
			const workflow = chain(
				manualTrigger(),
				...rows(table),
				readFile(images.red),
				editNode({
					prompt: 'studio shot',
					aspectRatio: "={{ $('Rows').item.json.ratio }}",
					quality: 'low',
					options: { ...fast, maxConcurrency: 10 },
				}),
			);
			const result = await bed.run(workflow);
			expect(result.error).toBeUndefined();
			expectCleanSubmits(bed, 'edit', table.length);
			expect(bed.emulator.uploads).toHaveLength(1);
			const items = result.output('Edit');
			expect(items).toHaveLength(table.length);
			for (const [index, { ratio }] of table.entries()) {
				const item = items[index];
				expect(item.pairedItem).toEqual({ item: index });
				const task = taskOf(bed, item.json);
				expect(task.input).toMatchObject({ aspect_ratio: ratio, quality: 'low', resolution: '1k' });
				const image = await pixelsOf(result, item.binary!.data);
				expect(image).toEqual({ format: 'png', ...expectedSize(ratio, '1k') });
				expect(Math.abs(image.width / image.height / ratioOf(ratio) - 1)).toBeLessThan(0.03);
				expect(item.json.images).toEqual([expect.objectContaining({ width: image.width, height: image.height })]);
			}
		});

		it('Generate sends each ratio and the output has that shape', async () => {
			const workflow = chain(
				manualTrigger(),
				...rows(table),
				generateNode({ prompt: 'a red sneaker', aspectRatio: '={{ $json.ratio }}', quality: 'low', options: { ...fast, maxConcurrency: 10 } }),
			);
			const result = await bed.run(workflow);
			expect(result.error).toBeUndefined();
			expectCleanSubmits(bed, 'generate', table.length);
			const items = result.output('Generate');
			expect(items).toHaveLength(table.length);
			for (const [index, { ratio }] of table.entries()) {
				const item = items[index];
				expect(taskOf(bed, item.json).input).toMatchObject({ aspect_ratio: ratio, quality: 'low' });
				const image = await pixelsOf(result, item.binary!.data);
				expect(image).toEqual({ format: 'png', ...expectedSize(ratio, '1k') });
				expect(Math.abs(image.width / image.height / ratioOf(ratio) - 1)).toBeLessThan(0.03);
			}
		});
	});

	describe('resolution', () => {
		it('Generate 16:9 at 1K, 2K (2736x1536) and 4K (about 8 MP)', async () => {
			const table = [{ res: '1k' }, { res: '2k' }, { res: '4k' }];
			const workflow = chain(
				manualTrigger(),
				...rows(table),
				generateNode({
					prompt: 'a wide beach at dawn',
					aspectRatio: '16:9',
					resolution: '={{ $json.res }}',
					quality: 'low',
					outputFormat: 'jpeg',
					options: fast,
				}),
			);
			const result = await bed.run(workflow);
			expect(result.error).toBeUndefined();
			expectCleanSubmits(bed, 'generate', 3);
			const items = result.output('Generate');
			const sizes = [];
			for (const [index, { res }] of table.entries()) {
				expect(taskOf(bed, items[index].json).input).toMatchObject({ resolution: res, aspect_ratio: '16:9' });
				sizes.push(await pixelsOf(result, items[index].binary!.data));
			}
			expect(sizes[0]).toEqual({ format: 'jpeg', ...expectedSize('16:9', '1k') });
			expect(sizes[0].width * sizes[0].height).toBeGreaterThan(0.9e6);
			expect(sizes[0].width * sizes[0].height).toBeLessThan(1.2e6);
			expect(sizes[1]).toEqual({ format: 'jpeg', width: 2736, height: 1536 });
			expect(sizes[2].format).toBe('jpeg');
			expect(sizes[2].width * sizes[2].height).toBeGreaterThan(7.5e6);
			expect(sizes[2].width * sizes[2].height).toBeLessThan(8.6e6);
			expect(Math.max(sizes[2].width, sizes[2].height)).toBeLessThanOrEqual(3840);
			expect(items[2].json.images).toEqual([expect.objectContaining({ width: sizes[2].width, height: sizes[2].height })]);
		});

		it('Edit at 2K 16:9 gives 2736x1536', async () => {
			const result = await bed.run(
				chain(manualTrigger(), readFile(images.blue), editNode({ prompt: 'banner', aspectRatio: '16:9', resolution: '2k', quality: 'low', options: fast })),
			);
			expect(result.error).toBeUndefined();
			const [body] = expectCleanSubmits(bed, 'edit', 1);
			expect(body).toMatchObject({ resolution: '2k', aspect_ratio: '16:9', quality: 'low' });
			const [item] = result.output('Edit');
			expect(await pixelsOf(result, item.binary!.data)).toEqual({ format: 'png', width: 2736, height: 1536 });
		});

		it('Edit at 4K with Match First Image gives about 8 MP in the first image\'s shape', async () => {
			const result = await bed.run(
				chain(manualTrigger(), readFile(images.red), editNode({ prompt: 'poster', resolution: '4k', quality: 'low', outputFormat: 'jpeg', options: fast })),
			);
			expect(result.error).toBeUndefined();
			const [body] = expectCleanSubmits(bed, 'edit', 1);
			expect(body).toMatchObject({ resolution: '4k', output_format: 'jpeg' });
			expect(body).not.toHaveProperty('aspect_ratio');
			const [item] = result.output('Edit');
			const image = await pixelsOf(result, item.binary!.data);
			expect(image.width * image.height).toBeGreaterThan(7.5e6);
			expect(image.width * image.height).toBeLessThan(8.6e6);
			// The 96x64 input is 3:2.
			expect(Math.abs(image.width / image.height / 1.5 - 1)).toBeLessThan(0.03);
		});
	});

	describe('quality', () => {
		it.each([
			['Generate', 'generate'],
			['Edit', 'edit'],
		] as const)('%s sends low, medium and high', async (name, kind) => {
			const table = [{ q: 'low' }, { q: 'medium' }, { q: 'high' }];
			const params = { prompt: 'a lamp', quality: '={{ $json.q }}', aspectRatio: '1:1', options: fast };
			const workflow =
				kind === 'edit'
					? chain(
							manualTrigger(),
							...rows(table),
							readFile(images.red),
							editNode({ ...params, quality: "={{ $('Rows').item.json.q }}" }),
						)
					: chain(manualTrigger(), ...rows(table), generateNode(params));
			const result = await bed.run(workflow);
			expect(result.error).toBeUndefined();
			expectCleanSubmits(bed, kind, 3);
			const items = result.output(name);
			expect(items.map((item) => taskOf(bed, item.json).input.quality)).toEqual(['low', 'medium', 'high']);
			expect(items.every((item) => item.json.status === 'completed')).toBe(true);
		});
	});

	describe('output format', () => {
		it.each([
			['png', 'png', 'image/png', 'png'],
			['jpeg', 'jpeg', 'image/jpeg', 'jpg'],
		] as const)('%s: decoded format, MIME type and file extension agree', async (outputFormat, decoded, mime, extension) => {
			const result = await bed.run(
				chain(manualTrigger(), readFile(images.green), editNode({ prompt: 'brighter', outputFormat, aspectRatio: '4:3', quality: 'low', options: fast })),
			);
			expect(result.error).toBeUndefined();
			const [body] = expectCleanSubmits(bed, 'edit', 1);
			expect(body.output_format).toBe(outputFormat);
			const [item] = result.output('Edit');
			const binary = item.binary!.data;
			const image = await imageOf(result, binary);
			expect(image.format).toBe(decoded);
			expect(binary.mimeType).toBe(mime);
			expect(binary.fileExtension).toBe(extension);
			expect(binary.fileName).toBe(`${item.json.id}.${extension}`);
			expect(item.json.images).toEqual([
				{ binaryField: 'data', fileName: `${item.json.id}.${extension}`, mimeType: mime, ...expectedSize('4:3', '1k'), fileSize: image.bytes.length },
			]);
			// The green input shows through.
			expect(image.mean[1]).toBeGreaterThan(image.mean[0]);
		});

		it('Generate JPEG', async () => {
			const result = await bed.run(chain(manualTrigger(), generateNode({ prompt: 'a cup', outputFormat: 'jpeg', quality: 'low', options: fast })));
			expect(result.error).toBeUndefined();
			const [body] = expectCleanSubmits(bed, 'generate', 1);
			expect(body.output_format).toBe('jpeg');
			const [item] = result.output('Generate');
			expect(await pixelsOf(result, item.binary!.data)).toEqual({ format: 'jpeg', width: 1024, height: 1024 });
			expect(item.binary!.data).toMatchObject({ mimeType: 'image/jpeg', fileExtension: 'jpg', fileName: `${item.json.id}.jpg` });
		});
	});

	describe('wait mode and transfer flags', () => {
		it('Sync Mode sets enable_sync_mode and nothing else changes', async () => {
			const result = await bed.run(chain(manualTrigger(), generateNode({ prompt: 'a cup', waitMode: 'sync', quality: 'low', options: fast })));
			expect(result.error).toBeUndefined();
			const [body] = expectCleanSubmits(bed, 'generate', 1);
			expect(body).toMatchObject({ enable_sync_mode: true, enable_base64_output: false });
			const [item] = result.output('Generate');
			expect(item.json.status).toBe('completed');
			expect(item.binary!.data.mimeType).toBe('image/png');
		});

		it("Don't Wait sends both flags off and returns the id at once", async () => {
			const result = await bed.run(chain(manualTrigger(), generateNode({ prompt: 'a cup', waitMode: 'none', quality: 'low', options: fast })));
			expect(result.error).toBeUndefined();
			const [body] = expectCleanSubmits(bed, 'generate', 1);
			expect(body).toMatchObject({ enable_sync_mode: false, enable_base64_output: false });
			const [item] = result.output('Generate');
			expect(item.json.id).toBe(bed.emulator.tasks[0].id);
			expect(item.json.resultUrl).toEqual(expect.stringContaining(`/api/v3/predictions/${item.json.id}/result`));
			expect(item.binary).toBeUndefined();
			expect(bed.apiRequests('result')).toHaveLength(0);
		});

		it('Transfer: Inline Base64 sets enable_base64_output; the image arrives without a CDN download', async () => {
			const result = await bed.run(
				chain(manualTrigger(), generateNode({ prompt: 'a cup', quality: 'low', outputFormat: 'jpeg', options: { ...fast, transfer: 'base64' } })),
			);
			expect(result.error).toBeUndefined();
			const [body] = expectCleanSubmits(bed, 'generate', 1);
			expect(body).toMatchObject({ enable_sync_mode: false, enable_base64_output: true });
			const [item] = result.output('Generate');
			expect(item.json).not.toHaveProperty('outputs');
			expect(await pixelsOf(result, item.binary!.data)).toEqual({ format: 'jpeg', width: 1024, height: 1024 });
			expect(bed.emulator.requests.filter((r) => r.endpoint === 'cdn')).toHaveLength(0);
		});
	});

	describe('options', () => {
		let receiver: Awaited<ReturnType<typeof startReceiver>>;
		beforeAll(async () => {
			receiver = await startReceiver();
		});
		afterAll(async () => {
			await new Promise((resolve) => receiver.server.close(resolve));
		});

		it('Webhook URL goes as the ?webhook= query parameter, never in the body', async () => {
			const result = await bed.run(
				chain(manualTrigger(), generateNode({ prompt: 'a cup', quality: 'low', options: { ...fast, webhookUrl: receiver.url } })),
			);
			expect(result.error).toBeUndefined();
			const [submit] = bed.submits();
			expect(submit.query).toEqual({ webhook: receiver.url });
			expect(Object.keys(submit.json as Json).filter((key) => !FIELDS.generate.includes(key))).toEqual([]);
			expect(bed.emulator.tasks).toHaveLength(1);
			expect(bed.emulator.tasks[0]).toMatchObject({ webhook: receiver.url, dropped: [] });
			expect(submit.headers['x-client-name']).toBe('n8n-nodes-gpt-image-2');
			// WaveSpeed delivered the finished prediction there.
			for (let i = 0; i < 50 && bed.emulator.webhookDeliveries.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
			expect(bed.emulator.webhookDeliveries[0]).toMatchObject({ url: receiver.url, status: 200 });
		});

		it('File Name is an expression per item and gets the right extension', async () => {
			const workflow = chain(
				manualTrigger(),
				...rows([{ sku: 'SKU-1' }, { sku: 'SKU-2' }]),
				generateNode({ prompt: 'a shoe', quality: 'low', outputFormat: '={{ $json.sku === "SKU-1" ? "png" : "jpeg" }}', options: { ...fast, fileName: '={{ $json.sku }}-marble' } }),
			);
			const result = await bed.run(workflow);
			expect(result.error).toBeUndefined();
			expectCleanSubmits(bed, 'generate', 2);
			const items = result.output('Generate');
			expect(items[0].binary!.data).toMatchObject({ fileName: 'SKU-1-marble.png', mimeType: 'image/png', fileExtension: 'png' });
			expect(items[1].binary!.data).toMatchObject({ fileName: 'SKU-2-marble.jpg', mimeType: 'image/jpeg', fileExtension: 'jpg' });
			expect((items[0].json.images as Json[])[0].fileName).toBe('SKU-1-marble.png');
			expect((items[1].json.images as Json[])[0].fileName).toBe('SKU-2-marble.jpg');
		});

		it('File Name on Edit, with an extension typed by the user, is not doubled', async () => {
			const result = await bed.run(
				chain(manualTrigger(), readFile(images.red), editNode({ prompt: 'marble', quality: 'low', outputFormat: 'jpeg', options: { ...fast, fileName: 'hero.png' } })),
			);
			expect(result.error).toBeUndefined();
			const [item] = result.output('Edit');
			expect(item.binary!.data).toMatchObject({ fileName: 'hero.jpg', mimeType: 'image/jpeg' });
		});

		it('Put Output In Field puts the image under that binary field', async () => {
			const result = await bed.run(
				chain(manualTrigger(), readFile(images.red), editNode({ prompt: 'marble', quality: 'low', options: { ...fast, binaryPropertyName: 'edited' } })),
			);
			expect(result.error).toBeUndefined();
			expectCleanSubmits(bed, 'edit', 1);
			const [item] = result.output('Edit');
			expect(Object.keys(item.binary!)).toEqual(['edited']);
			expect((await imageOf(result, item.binary!.edited)).format).toBe('png');
			expect(item.json.images).toEqual([expect.objectContaining({ binaryField: 'edited', mimeType: 'image/png' })]);
		});

		it('Output: URL Only gives the output URLs in JSON, no binary, and downloads nothing', async () => {
			const result = await bed.run(
				chain(manualTrigger(), readFile(images.red), editNode({ prompt: 'marble', quality: 'low', options: { ...fast, output: 'url' } })),
			);
			expect(result.error).toBeUndefined();
			const [body] = expectCleanSubmits(bed, 'edit', 1);
			expect(body).toMatchObject({ enable_base64_output: false });
			const [item] = result.output('Edit');
			const task = bed.emulator.tasks[0];
			expect(item.binary).toBeUndefined();
			expect(item.json).toMatchObject({ id: task.id, status: 'completed', outputs: task.outputs, nsfw: [false] });
			expect(task.outputs).toHaveLength(1);
			expect(task.outputs[0].startsWith(bed.emulator.cdnBaseUrl)).toBe(true);
			expect(item.json).not.toHaveProperty('images');
			// Only the emulator's own reference fetch touched the CDN: the node downloaded nothing.
			expect(bed.emulator.requests.filter((r) => r.endpoint === 'cdn' && !r.internal)).toHaveLength(0);
		});
	});
});
