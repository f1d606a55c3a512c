import { PassThrough, Readable, Writable } from 'stream';
import { pipeline } from 'stream/promises';

import { finishedJson, imageJson } from '../../../nodes/shared/item/json';
import type { OutputImage } from '../../../nodes/shared/item/outputs';
import { classifyOutput, outputFieldName, outputFileName, watchChunks } from '../../../nodes/shared/item/outputs';
import { toTask } from '../../../nodes/shared/providers/wavespeed/api';
import { predictionSchema } from '../../../nodes/shared/providers/wavespeed/schemas';

describe('classifyOutput', () => {
	test.each(['https://cdn.wavespeed.ai/outputs/abc.png', 'http://127.0.0.1:4010/cdn/abc.jpeg', 'HTTPS://CDN.EXAMPLE.COM/X.PNG'])(
		'an http(s) output %s is a URL to download',
		(value) => {
			expect(classifyOutput(value)).toEqual({ type: 'url', url: value });
		},
	);

	test('raw base64 (enable_base64_output, no prefix) is inline data', () => {
		const data = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
		expect(classifyOutput(data)).toEqual({ type: 'base64', data });
	});

	test('a data: URL is inline data without its prefix', () => {
		expect(classifyOutput('data:image/png;base64,iVBORw0KGgo=')).toEqual({ type: 'base64', data: 'iVBORw0KGgo=' });
	});

	test('a data: URL without a comma is refused', () => {
		expect(classifyOutput('data:image/png;base64')).toEqual({ type: 'invalid', reason: 'an empty data: URL' });
	});

	test.each([
		['file', 'file:///etc/passwd'],
		['ftp', 'ftp://example.com/a.png'],
		['javascript', 'javascript:alert(1)'],
	])('a %s: output is refused and never fetched', (scheme, value) => {
		const result = classifyOutput(value);
		expect(result.type).toBe('invalid');
		expect(result).toMatchObject({ reason: `a ${scheme}: URL, which is not http or https` });
	});
});

describe('outputFileName', () => {
	test('defaults to the prediction id with the extension of the actual format', () => {
		expect(outputFileName(undefined, 'pred123', 0, 'png')).toBe('pred123.png');
		expect(outputFileName('', 'pred123', 0, 'jpeg')).toBe('pred123.jpg');
		expect(outputFileName('   ', 'pred123', 0, 'png')).toBe('pred123.png');
	});

	test('falls back to "image" when there is neither a name nor an id', () => {
		expect(outputFileName(undefined, '', 0, 'png')).toBe('image.png');
	});

	test("adds the extension to the user's name", () => {
		expect(outputFileName('sneaker-marble', 'p', 0, 'png')).toBe('sneaker-marble.png');
		expect(outputFileName('sneaker-marble', 'p', 0, 'jpeg')).toBe('sneaker-marble.jpg');
	});

	test('keeps a matching extension instead of doubling it', () => {
		expect(outputFileName('photo.png', 'p', 0, 'png')).toBe('photo.png');
		expect(outputFileName('photo.JPG', 'p', 0, 'jpeg')).toBe('photo.jpg');
		expect(outputFileName('photo.jpeg', 'p', 0, 'jpeg')).toBe('photo.jpg');
	});

	test('replaces an extension that does not match the actual format', () => {
		expect(outputFileName('photo.png', 'p', 0, 'jpeg')).toBe('photo.jpg');
		expect(outputFileName('photo.jpg', 'p', 0, 'png')).toBe('photo.png');
		expect(outputFileName('photo.webp', 'p', 0, 'png')).toBe('photo.png');
	});

	test('adds _N for the second and later outputs of one prediction', () => {
		expect(outputFileName(undefined, 'pred', 1, 'png')).toBe('pred_1.png');
		expect(outputFileName('photo.png', 'pred', 2, 'png')).toBe('photo_2.png');
		expect(outputFileName('photo', 'pred', 0, 'png')).toBe('photo.png');
	});

	test('replaces characters that are unsafe in file names, including path separators', () => {
		expect(outputFileName('a/b\\c:d*e?f"g<h>i|j', 'p', 0, 'png')).toBe('a_b_c_d_e_f_g_h_i_j.png');
		expect(outputFileName('../../etc/passwd', 'p', 0, 'png')).not.toContain('/');
	});

	test('replaces control characters', () => {
		expect(outputFileName('line\nbreak\ttab\u0000nul', 'p', 0, 'png')).toBe('line_break_tab_nul.png');
	});

	test('keeps non-ASCII letters and spaces inside the name', () => {
		expect(outputFileName('Café Crème 2026', 'p', 0, 'png')).toBe('Café Crème 2026.png');
	});
});

describe('outputFieldName', () => {
	test('the first image goes to the chosen field, later ones to field_1, field_2, ...', () => {
		expect([0, 1, 2].map((i) => outputFieldName('data', i))).toEqual(['data', 'data_1', 'data_2']);
		expect(outputFieldName('image', 3)).toBe('image_3');
	});
});

const WS = { provider: 'wavespeed' } as const;

describe('finishedJson', () => {
	const prediction = toTask(predictionSchema.parse({
		id: 'pred-1',
		model: 'openai/gpt-image-2/edit',
		status: 'completed',
		outputs: ['https://cdn.example.com/a.png', 'iVBORw0KGgoAAAANSUhEUg=='],
		urls: { get: 'https://api.wavespeed.ai/api/v3/predictions/pred-1/result' },
		has_nsfw_contents: [false, false],
		created_at: '2026-01-01T00:00:00Z',
		timings: { inference: 4321 },
	}));

	test('has the documented fields, with only URL outputs listed', () => {
		expect(finishedJson(prediction, 'https://api.wavespeed.ai/api/v3/predictions/pred-1/result', WS)).toEqual({
			provider: 'wavespeed',
			id: 'pred-1',
			model: 'openai/gpt-image-2/edit',
			status: 'completed',
			outputs: ['https://cdn.example.com/a.png'],
			resultUrl: 'https://api.wavespeed.ai/api/v3/predictions/pred-1/result',
			nsfw: [false, false],
			inferenceMs: 4321,
			createdAt: '2026-01-01T00:00:00Z',
		});
	});

	test('leaves outputs out when the images were stored and none of the outputs is a URL', () => {
		const inline = { ...prediction, outputs: ['iVBORw0KGgoAAAANSUhEUg=='] };
		expect(finishedJson(inline, 'r', WS, [])).not.toHaveProperty('outputs');
		expect(finishedJson(inline, 'r', WS)).toHaveProperty('outputs', []);
	});

	test('with stored images keeps the URL outputs and appends the images', () => {
		const images = [imageJson('data', { binary: { data: '', mimeType: 'image/png' }, type: 'png', bytes: 10 })];
		expect(finishedJson(prediction, 'r', WS, images)).toMatchObject({ outputs: ['https://cdn.example.com/a.png'], images });
	});

	test('falls back to executionTime, then to null, for the inference time; createdAt null when missing', () => {
		const minimal = toTask(predictionSchema.parse({ id: 'p', status: 'completed', executionTime: 99 }));
		expect(finishedJson(minimal, 'r', WS)).toMatchObject({ inferenceMs: 99, createdAt: null, outputs: [], nsfw: [], model: '' });
		const bare = toTask(predictionSchema.parse({ id: 'p', status: 'completed', outputs: null, timings: null }));
		expect(finishedJson(bare, 'r', WS).inferenceMs).toBeNull();
	});

	test('never contains base64 image data', () => {
		expect(JSON.stringify(finishedJson(prediction, 'r', WS))).not.toContain('iVBORw0KGgo');
	});
});

describe('imageJson', () => {
	test('describes the stored image: field, name, type, pixel size and bytes', () => {
		const image: OutputImage = {
			binary: { data: '', mimeType: 'image/png', fileName: 'pred-1.png', fileExtension: 'png' },
			type: 'png',
			size: { width: 1024, height: 768 },
			bytes: 123456,
		};
		expect(imageJson('data_1', image)).toEqual({
			binaryField: 'data_1',
			fileName: 'pred-1.png',
			mimeType: 'image/png',
			width: 1024,
			height: 768,
			fileSize: 123456,
		});
	});

	test('uses null when the pixel size or file name is unknown', () => {
		const image: OutputImage = { binary: { data: '', mimeType: 'image/jpeg' }, type: 'jpeg', bytes: 10 };
		expect(imageJson('data', image)).toMatchObject({ fileName: null, width: null, height: null, fileSize: 10 });
	});
});

describe('watchChunks', () => {
	const CHUNKS = ['alpha', 'bravo', 'charlie', 'delta', 'echo'].map((s) => Buffer.from(s));

	/** A byte stream that already holds its data, as an HTTP response body does once it arrives. */
	const filledStream = () => {
		const stream = new Readable({ read() {} });
		for (const chunk of CHUNKS) stream.push(chunk);
		stream.push(null);
		return stream;
	};

	/** A byte stream that produces its data on demand. */
	const lazyStream = () => {
		let i = 0;
		return new Readable({
			read() {
				this.push(i < CHUNKS.length ? CHUNKS[i++] : null);
			},
		});
	};

	const ticks = async (n = 5) => {
		for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
	};

	const joined = (chunks: Buffer[]) => Buffer.concat(chunks).toString();

	test.each([
		['filled', filledStream],
		['lazy', lazyStream],
	])('nothing flows before the consumer attaches (%s stream)', async (_name, make) => {
		const stream = make();
		const seen: Buffer[] = [];
		watchChunks(stream, (chunk) => seen.push(chunk));
		await ticks();
		expect(seen).toHaveLength(0);
		expect(stream.readableFlowing).toBeNull();
		expect(stream.readableEnded).toBe(false);
	});

	test.each([
		['filled', filledStream],
		['lazy', lazyStream],
	])('sees every chunk exactly once when the consumer attaches later with .on("data") and no resume() (%s)', async (_name, make) => {
		const stream = make();
		const seen: Buffer[] = [];
		watchChunks(stream, (chunk) => seen.push(chunk));
		await ticks();
		const consumed: Buffer[] = [];
		const ended = new Promise((resolve) => stream.on('end', resolve));
		stream.on('data', (chunk: Buffer) => consumed.push(chunk));
		await ended;
		expect(joined(consumed)).toBe('alphabravocharliedeltaecho');
		expect(seen).toHaveLength(consumed.length);
		expect(seen.every((chunk, i) => chunk === consumed[i])).toBe(true);
	});

	test('the watcher sees each chunk before the consumer does', async () => {
		const stream = filledStream();
		const order: string[] = [];
		watchChunks(stream, (chunk) => order.push(`watch:${chunk.toString()}`));
		const ended = new Promise((resolve) => stream.on('end', resolve));
		stream.on('data', (chunk: Buffer) => order.push(`consume:${chunk.toString()}`));
		await ended;
		expect(order.slice(0, 2)).toEqual(['watch:alpha', 'consume:alpha']);
		expect(order).toHaveLength(CHUNKS.length * 2);
	});

	test.each([
		['filled', filledStream],
		['lazy', lazyStream],
	])('sees every chunk exactly once when the stream is piped (%s)', async (_name, make) => {
		const stream = make();
		const seen: Buffer[] = [];
		watchChunks(stream, (chunk) => seen.push(chunk));
		await ticks();
		const written: Buffer[] = [];
		const sink = new Writable({
			write(chunk: Buffer, _encoding, callback) {
				written.push(chunk);
				callback();
			},
		});
		await pipeline(stream, new PassThrough(), sink);
		expect(joined(written)).toBe('alphabravocharliedeltaecho');
		expect(joined(seen)).toBe('alphabravocharliedeltaecho');
		expect(seen).toHaveLength(CHUNKS.length);
	});

	test.each([
		['filled', filledStream],
		['lazy', lazyStream],
	])('sees every chunk exactly once when the stream is read with for-await (%s)', async (_name, make) => {
		const stream = make();
		const seen: Buffer[] = [];
		watchChunks(stream, (chunk) => seen.push(chunk));
		await ticks();
		const consumed: Buffer[] = [];
		for await (const chunk of stream) consumed.push(chunk as Buffer);
		expect(joined(consumed)).toBe('alphabravocharliedeltaecho');
		expect(joined(seen)).toBe(joined(consumed));
		expect(seen.reduce((n, c) => n + c.length, 0)).toBe(consumed.reduce((n, c) => n + c.length, 0));
	});

	test('attaches only once even when the consumer adds several listeners', async () => {
		const stream = filledStream();
		const seen: Buffer[] = [];
		watchChunks(stream, (chunk) => seen.push(chunk));
		const ended = new Promise((resolve) => stream.on('end', resolve));
		stream.on('data', () => undefined);
		stream.on('data', () => undefined);
		await ended;
		expect(seen).toHaveLength(CHUNKS.length);
	});

	test('other listeners (end, error) do not start the flow', async () => {
		const stream = filledStream();
		const seen: Buffer[] = [];
		watchChunks(stream, (chunk) => seen.push(chunk));
		stream.on('error', () => undefined);
		stream.on('end', () => undefined);
		stream.on('close', () => undefined);
		await ticks();
		expect(seen).toHaveLength(0);
		expect(stream.readableFlowing).toBeNull();
	});

	test('the watcher can stop a download by destroying the stream', async () => {
		const stream = lazyStream();
		let seen = 0;
		watchChunks(stream, () => {
			seen++;
			if (seen === 2) stream.destroy(new Error('too large'));
		});
		await expect(
			(async () => {
				for await (const _chunk of stream) {
					// consume
				}
			})(),
		).rejects.toThrow('too large');
		expect(seen).toBe(2);
	});
});
