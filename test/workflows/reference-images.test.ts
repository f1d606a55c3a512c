/** Reference images: binary fields (both binary modes) and URLs, in order, uploaded once, never with the key. */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, join } from 'node:path';

import type { NodeSpec, TestBed } from './helpers';
import { chain, editNode, imageOf, makeImages, manualTrigger, PROVIDER_CASES, readFile, rows, useTestBed, waveSpeedOnlyFor } from './helpers';

const fast = { pollInterval: 1 };
const MIME: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', webp: 'image/webp', gif: 'image/gif' };

/** A public web server for reference images (what a CMS or a bucket would be). */
async function startImageServer(dir: string): Promise<{ base: string; server: Server; hits: string[] }> {
	const hits: string[] = [];
	const server = createServer((req, res) => {
		const name = basename(new URL(req.url ?? '/', 'http://x').pathname);
		hits.push(req.url ?? '');
		try {
			const bytes = readFileSync(join(dir, name));
			res.writeHead(200, { 'Content-Type': MIME[name.split('.').pop() ?? ''] ?? 'application/octet-stream', 'Content-Length': bytes.length });
			res.end(bytes);
		} catch {
			res.writeHead(404).end('not found');
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, hits };
}

/** HTTP Request node downloading a file into a binary field; it keeps the item's other binaries. */
function download(url: string, field: string, name = `Download ${field}`): NodeSpec {
	return {
		name,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		parameters: { method: 'GET', url, options: { response: { response: { responseFormat: 'file', outputPropertyName: field } } } },
	};
}

/** Bytes of an upload as WaveSpeed stores them (fetched like WaveSpeed's own fetcher, so it is not counted as a client download). */
async function uploadedBytes(url: string): Promise<Buffer> {
	const response = await fetch(url, { headers: { 'x-wavespeed-emulator-fetch': '1' } });
	expect(response.status).toBe(200);
	return Buffer.from(await response.arrayBuffer());
}

/** No request to the CDN origins (pre-signed PUTs, downloads) carries the key. */
function expectNoKeyOffApi(bed: TestBed) {
	const offApi = bed.emulator.requests.filter((r) => r.origin !== bed.emulator.baseUrl);
	for (const request of offApi) {
		expect(request.headers.authorization).toBeUndefined();
		expect(JSON.stringify(request.headers)).not.toContain(bed.emulator.apiKey);
	}
	return offApi;
}

describe.each(PROVIDER_CASES)('reference images on $label', (provider) => {
	const bed = useTestBed({}, provider);
	/** The legacy multipart upload is WaveSpeed's. */
	const describeWaveSpeedOnly = waveSpeedOnlyFor(provider).describe;
	let images: Awaited<ReturnType<typeof makeImages>>;
	let web: Awaited<ReturnType<typeof startImageServer>>;
	beforeAll(async () => {
		images = await makeImages();
		web = await startImageServer(images.dir);
	});
	afterAll(async () => {
		await new Promise((resolve) => web.server.close(resolve));
	});

	describe.each(['default', 'filesystem'] as const)('binary input in %s binary mode', (mode) => {
		it.each([
			['PNG', 'red', 'image/png'],
			['JPEG', 'blue', 'image/jpeg'],
			['WebP', 'green', 'image/webp'],
		] as const)('%s: uploads exactly the file, then submits its URL', async (_label, colour, contentType) => {
			const file = images[colour];
			const result = await bed.run(chain(manualTrigger(), readFile(file), editNode({ prompt: 'on marble', quality: 'low', options: fast })), mode);
			expect(result.error).toBeUndefined();

			expect(bed.emulator.uploads).toHaveLength(1);
			const [upload] = bed.emulator.uploads;
			const original = readFileSync(file);
			expect(upload).toMatchObject({ flow: provider.id === 'wavespeed' ? 'current' : 'presign', contentType, bytes: original.length });
			expect((await uploadedBytes(upload.url)).equals(original)).toBe(true);

			const [ticket] = bed.apiRequests('upload-ticket');
			expect(ticket.json).toEqual(
				provider.id === 'wavespeed'
					? { filename: expect.stringMatching(/\.(png|jpg|webp)$/), size: original.length, content_type: contentType }
					: { content_type: contentType, file_type: 'image' },
			);
			const puts = bed.emulator.requests.filter((r) => r.endpoint === 'upload-put');
			expect(puts).toHaveLength(1);
			expect(puts[0].headers['content-type']).toBe(contentType);

			const [submit] = bed.submits();
			expect(provider.imagesSent(submit.json)).toEqual([upload.url]);

			// The pre-signed PUT and the output download went without the key.
			const offApi = expectNoKeyOffApi(bed);
			expect(offApi.filter((r) => r.endpoint === 'cdn' && !r.internal)).toHaveLength(1);

			const [item] = result.output('Edit');
			const output = await imageOf(result, item.binary!.data);
			expect(output.format).toBe('png');
			if (mode === 'filesystem') expect(item.binary!.data.id).toMatch(/^filesystem/);
		});
	});

	it('a URL is passed as it is, with nothing uploaded', async () => {
		const url = `${web.base}/green.webp`;
		const result = await bed.run(
			chain(manualTrigger(), editNode({ prompt: 'on marble', quality: 'low', referenceImages: { image: [{ source: 'url', url }] }, options: fast })),
		);
		expect(result.error).toBeUndefined();
		const [submit] = bed.submits();
		expect(provider.imagesSent(submit.json)).toEqual([url]);
		expect(bed.emulator.tasks[0].render.imageUrls).toEqual([url]);
		expect(bed.emulator.uploads).toHaveLength(0);
		expect(bed.apiRequests('upload-ticket')).toHaveLength(0);
		expect(web.hits).toContain('/green.webp');
		const [item] = result.output('Edit');
		const output = await imageOf(result, item.binary!.data);
		expect(output.mean[1]).toBeGreaterThan(output.mean[0]);
	});

	it('binary, URL, binary: the images array keeps the order given', async () => {
		const url = `${web.base}/green.webp`;
		const workflow = chain(
			manualTrigger(),
			readFile(images.red),
			download(`${web.base}/blue.jpg`, 'photo'),
			editNode({
				prompt: 'combine',
				quality: 'low',
				referenceImages: {
					image: [
						{ source: 'binary', binaryField: 'data' },
						{ source: 'url', url },
						{ source: 'binary', binaryField: 'photo' },
					],
				},
				options: fast,
			}),
		);
		const result = await bed.run(workflow);
		expect(result.error).toBeUndefined();
		const uploads = bed.emulator.uploads;
		expect(uploads).toHaveLength(2);
		const red = uploads.find((u) => u.contentType === 'image/png')!;
		const blue = uploads.find((u) => u.contentType === 'image/jpeg')!;
		expect(red.bytes).toBe(readFileSync(images.red).length);
		expect(blue.bytes).toBe(readFileSync(images.blue).length);
		expect(provider.imagesSent(bed.submits()[0].json)).toEqual([red.url, url, blue.url]);
		expect(bed.emulator.tasks[0].dropped).toEqual([]);
	});

	it('16 reference images are accepted', async () => {
		const urls = Array.from({ length: 15 }, (_, i) => ({ source: 'url', url: `${web.base}/blue.jpg?n=${i}` }));
		const workflow = chain(
			manualTrigger(),
			readFile(images.red),
			editNode({ prompt: 'a collage', quality: 'low', referenceImages: { image: [{ source: 'binary', binaryField: 'data' }, ...urls] }, options: fast }),
		);
		const result = await bed.run(workflow);
		expect(result.error).toBeUndefined();
		const images16 = provider.imagesSent(bed.submits()[0].json)!;
		expect(images16).toHaveLength(16);
		expect(images16).toEqual([bed.emulator.uploads[0].url, ...urls.map((u) => u.url)]);
		expect(bed.emulator.tasks[0].status).toBe('completed');
		expect(result.output('Edit')[0].json.status).toBe(provider.done);
	});

	it.each([
		['blue', 'red', 2, 0],
		['red', 'blue', 0, 2],
	] as const)('the first image (%s) is the one edited, the second (%s) only guides it', async (first, second, strong, weak) => {
		const workflow = chain(
			manualTrigger(),
			readFile(images[first]),
			editNode({
				prompt: 'keep the colours',
				quality: 'low',
				referenceImages: { image: [{ source: 'binary', binaryField: 'data' }, { source: 'url', url: `${web.base}/${basename(images[second])}` }] },
				options: fast,
			}),
		);
		const result = await bed.run(workflow);
		expect(result.error).toBeUndefined();
		const output = await imageOf(result, result.output('Edit')[0].binary!.data);
		expect(output.mean[strong]).toBeGreaterThan(output.mean[weak] + 50);
	});

	it('10 items sharing the same photo upload it once', async () => {
		const workflow = chain(
			manualTrigger(),
			...rows(Array.from({ length: 10 }, (_, i) => ({ row: i }))),
			readFile(images.red),
			editNode({ prompt: 'on marble', quality: 'low', options: { ...fast, maxConcurrency: 10 } }),
		);
		const result = await bed.run(workflow);
		expect(result.error).toBeUndefined();
		expect(result.output('Edit')).toHaveLength(10);
		expect(bed.emulator.uploads).toHaveLength(1);
		expect(bed.apiRequests('upload-ticket')).toHaveLength(1);
		expect(bed.emulator.requests.filter((r) => r.endpoint === 'upload-put')).toHaveLength(1);
		const submits = bed.submits();
		expect(submits).toHaveLength(10);
		for (const submit of submits) expect(provider.imagesSent(submit.json)).toEqual([bed.emulator.uploads[0].url]);
	});

	it('two binary fields holding the same bytes upload once', async () => {
		const workflow = chain(
			manualTrigger(),
			readFile(images.red),
			download(`${web.base}/red.png`, 'photo'),
			editNode({
				prompt: 'twice',
				quality: 'low',
				referenceImages: { image: [{ source: 'binary', binaryField: 'data' }, { source: 'binary', binaryField: 'photo' }] },
				options: fast,
			}),
		);
		const result = await bed.run(workflow);
		expect(result.error).toBeUndefined();
		expect(bed.emulator.uploads).toHaveLength(1);
		const url = bed.emulator.uploads[0].url;
		expect(provider.imagesSent(bed.submits()[0].json)).toEqual([url, url]);
	});

	describeWaveSpeedOnly('legacy upload', () => {
		afterEach(() => bed.emulator.configure({ legacyUploadOnly: false }));

		it.each(['default', 'filesystem'] as const)('when the current flow answers 404, the file goes by multipart POST (%s mode)', async (mode) => {
			bed.emulator.configure({ legacyUploadOnly: true });
			const result = await bed.run(chain(manualTrigger(), readFile(images.blue), editNode({ prompt: 'on marble', quality: 'low', options: fast })), mode);
			expect(result.error).toBeUndefined();
			const tickets = bed.apiRequests('upload-ticket');
			expect(tickets).toHaveLength(1);
			expect(tickets[0].status).toBe(404);
			const legacy = bed.apiRequests('upload-legacy');
			expect(legacy).toHaveLength(1);
			expect(legacy[0].method).toBe('POST');
			expect(legacy[0].headers['content-type']).toMatch(/^multipart\/form-data/);
			expect(bed.emulator.requests.filter((r) => r.endpoint === 'upload-put')).toHaveLength(0);
			const original = readFileSync(images.blue);
			expect(bed.emulator.uploads).toEqual([expect.objectContaining({ flow: 'legacy', contentType: 'image/jpeg', bytes: original.length })]);
			expect((await uploadedBytes(bed.emulator.uploads[0].url)).equals(original)).toBe(true);
			expect((bed.submits()[0].json as { images: string[] }).images).toEqual([bed.emulator.uploads[0].url]);
			expectNoKeyOffApi(bed);
		});
	});

	it('a GIF is refused before any request, naming the item and the accepted formats', async () => {
		const result = await bed.run(chain(manualTrigger(), readFile(images.gif), editNode({ prompt: 'on marble', options: fast })));
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/GIF/);
		expect(result.error?.message).toMatch(/\[item 0\]$/);
		expect(`${result.error?.message} ${result.error?.description}`).toContain('PNG, JPEG and WebP');
		expect(bed.emulator.requests).toEqual([]);
	});

	it('an unreachable reference URL fails the task with 1402, says the URL must be public and gives the prediction id', async () => {
		const closed = createServer();
		await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
		const port = (closed.address() as AddressInfo).port;
		await new Promise((resolve) => closed.close(resolve));
		const url = `http://127.0.0.1:${port}/private/photo.png`;

		const result = await bed.run(
			chain(manualTrigger(), editNode({ prompt: 'on marble', referenceImages: { image: [{ source: 'url', url }] }, options: fast })),
		);
		expect(result.status).toBe('error');
		const [task] = bed.emulator.tasks;
		expect(task).toMatchObject({ status: 'failed', errorCode: 1402 });
		expect(bed.submits()).toHaveLength(1);
		// each::labs has no task codes: its message carries the reason in words.
		expect(result.error?.message).toContain(provider.id === 'wavespeed' ? '1402' : 'not reachable');
		expect(result.error?.message).toMatch(/\[item 0\]$/);
		expect(result.error?.description).toMatch(/must be public/i);
		expect(result.error?.description).toContain(task.id);
	});
});
