/**
 * Hostile and broken input, from the user's side (files, URLs, prompts) and from the API's side (outputs,
 * redirects, downloads, envelopes): each is refused or handled with a clear message, and nothing is billed
 * that should not be.
 */
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import type { BinaryMode, RunResult } from '../../dev/harness';
import { runWorkflow } from '../../dev/harness';
import { MAX_OUTPUT_BYTES } from '../../nodes/shared/item/outputs';
import { chain, editNode, everyText, generateNode, imageOf, makeImages, manualTrigger, readFile, useTestBed } from '../workflows/helpers';

const fast = { pollInterval: 1 };
const COF = { onError: 'continueRegularOutput' as const };

/** PNG signature + IHDR chunk (1024x1024 RGB; the CRC is not checked by the node). */
const PNG_HEADER = Buffer.from('89504e470d0a1a0a0000000d494844520000040000000400080200000000000000', 'hex');
/** The start of an IDAT chunk that claims almost 2 GB: a structurally valid PNG that streams on and on. */
const HUGE_IDAT = Buffer.from('7ffffff049444154', 'hex');

/** A stand-in for WaveSpeed at the Base URL (plain HTTP on loopback): submit answers a completed prediction with chosen outputs. */
async function startFakeWaveSpeed() {
	const seen: Array<{ method: string; url: string; headers: IncomingMessage['headers'] }> = [];
	const state = { outputs: [] as string[], streamedBytes: 0 };
	let base = '';
	const server: Server = createServer((req, res) => {
		// The free reads before a run (model catalog, price quotes, balance) find nothing here; the tests look at what follows.
		if (['/api/v3/models', '/api/v3/model/price', '/api/v3/model/pricing', '/api/v3/balance'].includes(req.url ?? '')) return void res.writeHead(404).end('not found');
		seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
		const url = req.url ?? '/';
		if (req.method === 'POST' && url.startsWith('/api/v3/openai/gpt-image-2/')) {
			req.resume();
			const id = `fake${seen.length}`;
			const data = {
				id,
				model: 'openai/gpt-image-2/text-to-image',
				status: 'completed',
				outputs: state.outputs.map((o) => o.replace('{base}', base)),
				has_nsfw_contents: state.outputs.map(() => false),
				urls: { get: `${base}/api/v3/predictions/${id}/result` },
				created_at: new Date().toISOString(),
				error: '',
			};
			res.writeHead(200, { 'Content-Type': 'application/json' });
			res.end(JSON.stringify({ code: 200, message: 'success', data }));
			return;
		}
		if (req.method === 'GET' && url === '/huge.png') {
			// Chunked, no Content-Length: the client only learns the size by reading it.
			res.writeHead(200, { 'Content-Type': 'image/png' });
			res.write(Buffer.concat([PNG_HEADER, HUGE_IDAT]));
			const chunk = Buffer.alloc(1024 * 1024, 7);
			const pump = () => {
				while (!res.destroyed && state.streamedBytes < 400 * 1024 * 1024) {
					state.streamedBytes += chunk.length;
					if (!res.write(chunk)) return void res.once('drain', pump);
				}
				if (!res.destroyed) res.end();
			};
			res.on('close', () => undefined);
			pump();
			return;
		}
		res.writeHead(404).end('not found');
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return { base, seen, state, server, apiKey: 'fake-wavespeed-key-9876543210' };
}

describe('hostile and broken input', () => {
	const bed = useTestBed({ latencyMs: 60 });
	let images: Awaited<ReturnType<typeof makeImages>>;
	let empty: string;
	let huge: string;
	beforeAll(async () => {
		images = await makeImages();
		empty = join(images.dir, 'empty.png');
		writeFileSync(empty, Buffer.alloc(0));
		// A PNG signature and header, padded past 20 MB: cheap, and it looks like an image until its size is read.
		huge = join(images.dir, 'huge.png');
		writeFileSync(huge, Buffer.concat([PNG_HEADER, Buffer.alloc(21 * 1024 * 1024, 1)]));
	});

	const editFile = (file: string, parameters: Record<string, unknown> = {}) =>
		chain(manualTrigger(), readFile(file), editNode({ prompt: 'on marble', quality: 'low', options: fast, ...parameters }));
	const generate = (parameters: Record<string, unknown> = {}, options: Record<string, unknown> = {}) =>
		chain(manualTrigger(), generateNode({ operation: 'generateImage', prompt: 'a teapot', aspectRatio: '1:1', quality: 'low', ...parameters, options: { ...fast, ...options } }));

	/** A refused input: a clear error naming the item, the key nowhere, and nothing sent to WaveSpeed at all. */
	const expectRefusedBeforeAnyRequest = (result: RunResult, message: RegExp) => {
		expect(result.status).toBe('error');
		expect(result.error!.message).toMatch(message);
		expect(result.error!.message).toMatch(/\[item 0\]$/);
		expect(result.error!.description ?? '').not.toBe('');
		expect(bed.submits()).toHaveLength(0);
		expect(bed.emulator.uploads).toHaveLength(0);
		expect(bed.emulator.requests.filter((r) => !r.internal)).toHaveLength(0);
		expect(everyText(result)).not.toContain(bed.emulator.apiKey);
	};

	describe('binary input', () => {
		it.each(['default', 'filesystem'] as BinaryMode[])('a zero-byte file is refused (%s mode)', async (mode) => {
			const result = await bed.run(editFile(empty), mode);
			expectRefusedBeforeAnyRequest(result, /Reference image 1: binary field "data" is empty \(0 bytes\)/);
		});

		it.each(['default', 'filesystem'] as BinaryMode[])('HTML labelled image/png is refused as not an image (%s mode)', async (mode) => {
			const result = await bed.run(editFile(images.fake), mode);
			expectRefusedBeforeAnyRequest(result, /Reference image 1: binary field "data" is not an image \(labelled image\/png\)/);
		});

		it.each(['default', 'filesystem'] as BinaryMode[])('a 21 MB image is refused with the limit (%s mode)', async (mode) => {
			const result = await bed.run(editFile(huge), mode);
			expectRefusedBeforeAnyRequest(result, /Reference image 1: binary field "data" is 21\.0 MB; the limit is 20\.0 MB/);
			expect(result.error!.description).toMatch(/smaller/);
		});

		it('with Continue On Fail a bad file is an error item and the good one is still edited', async () => {
			const workflow = chain(
				manualTrigger(),
				{ name: 'Files', type: 'n8n-nodes-base.set', typeVersion: 3.4, parameters: { mode: 'raw', jsonOutput: JSON.stringify({ rows: [{ path: images.fake }, { path: images.red }] }), options: {} } },
				{ name: 'Rows', type: 'n8n-nodes-base.splitOut', typeVersion: 1, parameters: { fieldToSplitOut: 'rows', options: {} } },
				readFile('={{ $json.path }}'),
				editNode({ prompt: 'on marble', quality: 'low', options: fast }, 'Edit', COF),
			);
			const result = await bed.run(workflow);
			expect(result.status).toBe('success');
			const [bad, good] = result.output('Edit');
			expect(bad.json).toMatchObject({ kind: 'input', error: expect.stringMatching(/not an image.*\[item 0\]$/), predictionId: null });
			expect((await imageOf(result, good.binary!.data)).format).toBe('png');
			expect(bed.submits()).toHaveLength(1);
			expect(bed.emulator.uploads).toHaveLength(1);
		});
	});

	describe('reference URLs', () => {
		it.each([
			['file:///etc/passwd', /uses file:, but only http and https/],
			['data:image/png;base64,iVBORw0KGgo=', /uses data:, but only http and https/],
			['javascript:alert(document.cookie)', /uses javascript:, but only http and https/],
			['ftp://example.com/photo.png', /uses ftp:, but only http and https/],
		])('%s is refused before any request', async (url, message) => {
			const result = await bed.run(
				chain(manualTrigger(), editNode({ prompt: 'on marble', quality: 'low', referenceImages: { image: [{ source: 'url', url }] }, options: fast })),
			);
			expectRefusedBeforeAnyRequest(result, message);
		});

		it('a URL with embedded credentials is refused and the credentials are never echoed', async () => {
			const url = 'https://mallory:Sup3rS3cretPw@images.example.com/photo.png';
			const result = await bed.run(
				chain(manualTrigger(), editNode({ prompt: 'on marble', quality: 'low', referenceImages: { image: [{ source: 'url', url }] }, options: fast })),
			);
			expectRefusedBeforeAnyRequest(result, /contains a user name or password/);
			// Only the node's own words: the workflow's stored parameters naturally still hold what the user typed.
			const text = JSON.stringify([result.error!.message, result.error!.description, result.run.data.resultData.error?.message]);
			expect(text).not.toContain('Sup3rS3cretPw');
			expect(text).not.toContain('mallory');
			expect(result.error!.message).toContain('images.example.com/photo.png');
		});
	});

	describe('prompts', () => {
		it.each([
			['a NUL byte', 'a red \u0000 teapot'],
			['an escape sequence', 'a red \u001b[31mteapot'],
			['DEL', 'a red \u007f teapot'],
		])('a prompt with %s is refused', async (_what, prompt) => {
			const result = await bed.run(generate({ prompt }));
			expectRefusedBeforeAnyRequest(result, /Prompt contains control characters/);
		});

		it('a 32,001-character prompt is refused with its length and the limit', async () => {
			const result = await bed.run(generate({ prompt: 'x'.repeat(32_001) }));
			expectRefusedBeforeAnyRequest(result, /Prompt is 32,001 characters long; the limit is 32,000/);
		});

		it('a 32,000-character prompt with newlines and tabs is sent', async () => {
			const prompt = `line one\n\tline two ${'y'.repeat(32_000 - 19)}`;
			expect(prompt).toHaveLength(32_000);
			const result = await bed.run(generate({ prompt }, { output: 'url' }));
			expect(result.error).toBeUndefined();
			expect((bed.submits()[0].json as { prompt: string }).prompt).toBe(prompt);
		});
	});

	describe('from the API side', () => {
		let fake: Awaited<ReturnType<typeof startFakeWaveSpeed>>;
		beforeAll(async () => {
			fake = await startFakeWaveSpeed();
		});
		afterAll(async () => {
			fake.server.closeAllConnections();
			await new Promise((resolve) => fake.server.close(resolve));
		});
		beforeEach(() => {
			fake.seen.length = 0;
			fake.state.streamedBytes = 0;
		});
		const runFake = async () =>
			await runWorkflow(generate({}, { timeout: 30 }), { credentials: { waveSpeedApi: { apiKey: fake.apiKey, baseUrl: fake.base } } }).promise;

		it.each([['file:///etc/passwd', 'file'], ['ftp://x/y.png', 'ftp'], ['gopher://x/y.png', 'gopher']])(
			'an output URL %s is not fetched; the error carries the prediction id',
			async (output, scheme) => {
				fake.state.outputs = [output];
				const result = await runFake();
				expect(result.status).toBe('error');
				expect(result.error!.message).toMatch(new RegExp(`returned an output that is a ${scheme}: URL, which is not http or https.*\\[item 0\\]$`));
				expect(result.error!.description).toContain('Prediction ID: fake1');
				// One submit, and nothing else: the odd URL was not followed anywhere.
				expect(fake.seen.map((r) => r.method)).toEqual(['POST']);
				expect(everyText(result)).not.toContain(fake.apiKey);
			},
		);

		it(`a download that streams past the ${MAX_OUTPUT_BYTES / 1024 / 1024} MB cap without a Content-Length is cut off`, async () => {
			fake.state.outputs = ['{base}/huge.png'];
			const started = Date.now();
			const result = await runFake();
			const ms = Date.now() - started;
			expect(result.status).toBe('error');
			expect(result.error!.message).toMatch(/is larger than 100 MB.*\[item 0\]$/);
			expect(result.error!.description).toContain('Prediction ID: fake1');
			// Stopped soon after the cap (the server only writes as fast as the client reads).
			expect(fake.state.streamedBytes).toBeGreaterThan(MAX_OUTPUT_BYTES);
			expect(fake.state.streamedBytes).toBeLessThan(MAX_OUTPUT_BYTES + 32 * 1024 * 1024);
			// Not retried: the same URL would stream the same bytes again.
			expect(fake.seen.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /api/v3/openai/gpt-image-2/text-to-image', 'GET /huge.png']);
			expect(fake.seen[1].headers.authorization).toBeUndefined();
			console.log(`streaming ${((fake.state.streamedBytes) / 1024 / 1024).toFixed(0)} MB over loopback until the cap took ${ms} ms`);
		});

		it('a CDN redirect to another host is followed without the key', async () => {
			bed.emulator.injectFault({ endpoint: 'cdn', kind: 'cdn-redirect' });
			const result = await bed.run(generate());
			expect(result.error).toBeUndefined();
			expect((await imageOf(result, result.output('Generate')[0].binary!.data)).format).toBe('png');
			const mirror = bed.emulator.requests.filter((r) => r.origin === bed.emulator.cdnMirrorBaseUrl);
			expect(mirror).toHaveLength(1);
			expect(mirror[0].headers.authorization).toBeUndefined();
			expect(JSON.stringify(mirror[0].headers)).not.toContain(bed.emulator.apiKey);
			expect(bed.submits()).toHaveLength(1);
		});

		it('an answer that claims to be an image but is HTML is refused, with the prediction id, not retried', async () => {
			bed.emulator.injectFault({ endpoint: 'cdn', kind: 'cdn-not-image' });
			const result = await bed.run(generate());
			expect(result.status).toBe('error');
			expect(result.error!.message).toMatch(/is not an image.*\[item 0\]$/);
			expect(result.error!.description).toContain(`Prediction ID: ${bed.emulator.tasks[0].id}`);
			expect(bed.emulator.requests.filter((r) => r.endpoint === 'cdn')).toHaveLength(1);
			expect(bed.submits()).toHaveLength(1);
		});

		it('a download announced larger than the cap is refused before reading it', async () => {
			bed.emulator.injectFault({ endpoint: 'cdn', kind: 'cdn-huge', hugeBytes: MAX_OUTPUT_BYTES + 1024 * 1024 });
			const started = Date.now();
			const result = await bed.run(generate());
			expect(result.status).toBe('error');
			expect(result.error!.message).toMatch(/is larger than 100 MB.*\[item 0\]$/);
			expect(result.error!.description).toContain(`Prediction ID: ${bed.emulator.tasks[0].id}`);
			expect(bed.emulator.requests.filter((r) => r.endpoint === 'cdn')).toHaveLength(1);
			expect(bed.submits()).toHaveLength(1);
			expect(Date.now() - started).toBeLessThan(10_000);
		});

		it('a PNG header followed by junk (under the cap) is not passed on as an image', async () => {
			bed.emulator.injectFault({ endpoint: 'cdn', kind: 'cdn-huge', hugeBytes: 2 * 1024 * 1024 });
			const result = await bed.run(generate());
			expect(result.status).toBe('error');
			expect(result.error!.message).toMatch(/is not a usable image: a PNG whose content is damaged/);
			expect(result.error!.message).toMatch(/\[item 0\]$/);
			expect(result.error!.description).toContain(`Prediction ID: ${bed.emulator.tasks[0].id}`);
			expect(bed.submits()).toHaveLength(1);
		});

		it('a bad envelope on submit says which fields are wrong and is not resubmitted', async () => {
			bed.emulator.injectFault({ endpoint: 'submit', kind: 'bad-envelope' });
			const result = await bed.run(generate());
			expect(result.status).toBe('error');
			expect(result.error!.message).toMatch(/WaveSpeed's answer is missing fields \(id: Expected string, received number; status: Expected string, received number; outputs: Expected array, received string\).*\[item 0\]$/);
			expect(bed.submits()).toHaveLength(1);
			// The emulator did create the task (the answer was mangled on the way): still only one.
			expect(bed.emulator.tasks).toHaveLength(1);
		});

		it('a bad envelope on result polls is retried, and if it persists says which fields are wrong, with the prediction id', async () => {
			bed.emulator.injectFault({ endpoint: 'result', kind: 'bad-envelope', times: Infinity });
			const result = await bed.run(generate({}, { timeout: 10 }));
			expect(result.status).toBe('error');
			expect(result.error!.message).toMatch(/missing fields \(id: Expected string, received number.*\[item 0\]$/);
			expect(result.error!.description).toContain(`Prediction ID: ${bed.emulator.tasks[0].id}`);
			expect(bed.submits()).toHaveLength(1);
			expect(bed.apiRequests('result').length).toBeGreaterThan(1);
		}, 30_000);

		it('an envelope with a missing field on submit (no data) is reported, not resubmitted', async () => {
			bed.emulator.injectFault({ endpoint: 'submit', kind: 'malformed' });
			const result = await bed.run(generate());
			expect(result.status).toBe('error');
			expect(result.error!.message).toMatch(/unexpected format.*\[item 0\]$/);
			expect(result.error!.description).not.toBe('');
			expect(bed.submits()).toHaveLength(1);
		});
	});
});
