import sharp from 'sharp';

import { ACCEPTED_INPUT_TYPES, extensionFor, MIME_TYPES, readPixelSize, sniffImageType } from '../../../nodes/shared/core/imageFormat';

const WIDTH = 37;
const HEIGHT = 23;

const canvas = (channels: 3 | 4 = 3, width = WIDTH, height = HEIGHT) =>
	sharp({
		create: {
			width,
			height,
			channels,
			background: channels === 4 ? { r: 200, g: 30, b: 60, alpha: 0.5 } : { r: 200, g: 30, b: 60 },
		},
	});

const bytes = (...values: number[]) => Uint8Array.from(values);
const ascii = (text: string) => Array.from(text, (c) => c.charCodeAt(0));
/** An ISO-BMFF header (HEIC, AVIF) with the given major brand. */
const ftyp = (brand: string) => bytes(0, 0, 0, 0x18, ...ascii('ftyp'), ...ascii(brand), 0, 0, 0, 0, ...ascii('mif1'), ...ascii('heic'));

let png: Buffer;
let jpeg: Buffer;
let progressiveJpeg: Buffer;
let exifJpeg: Buffer;
let webpLossy: Buffer;
let webpLossless: Buffer;
let webpAlpha: Buffer;
let webpWithMetadata: Buffer;
let gif: Buffer;
let tiff: Buffer;
let avif: Buffer;

beforeAll(async () => {
	[png, jpeg, progressiveJpeg, exifJpeg, webpLossy, webpLossless, webpAlpha, webpWithMetadata, gif, tiff, avif] = await Promise.all([
		canvas().png().toBuffer(),
		canvas().jpeg().toBuffer(),
		canvas().jpeg({ progressive: true }).toBuffer(),
		// A large EXIF block (APP1) in front of the frame header, as cameras and phones write it.
		canvas()
			.withMetadata({ exif: { IFD0: { Copyright: 'Test', ImageDescription: 'x'.repeat(3000) } } })
			.jpeg()
			.toBuffer(),
		canvas().webp({ quality: 80 }).toBuffer(),
		canvas().webp({ lossless: true }).toBuffer(),
		canvas(4).webp({ quality: 80 }).toBuffer(),
		canvas()
			.withMetadata({ exif: { IFD0: { Copyright: 'Test' } } })
			.webp()
			.toBuffer(),
		canvas().gif().toBuffer(),
		canvas().tiff().toBuffer(),
		canvas().avif().toBuffer(),
	]);
});

const chunkOf = (webp: Buffer) => webp.subarray(12, 16).toString('latin1');

describe('sniffImageType', () => {
	test('recognises real PNG, JPEG, WebP, GIF, TIFF and AVIF files', () => {
		expect(sniffImageType(png)).toBe('png');
		expect(sniffImageType(jpeg)).toBe('jpeg');
		expect(sniffImageType(exifJpeg)).toBe('jpeg');
		expect(sniffImageType(webpLossy)).toBe('webp');
		expect(sniffImageType(webpLossless)).toBe('webp');
		expect(sniffImageType(gif)).toBe('gif');
		expect(sniffImageType(tiff)).toBe('tiff');
		expect(sniffImageType(avif)).toBe('avif');
	});

	test('recognises GIF87a, BMP and big-endian TIFF signatures', () => {
		expect(sniffImageType(bytes(...ascii('GIF87a'), 0, 0))).toBe('gif');
		expect(sniffImageType(bytes(...ascii('BM'), 0x36, 0, 0, 0))).toBe('bmp');
		expect(sniffImageType(bytes(0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8))).toBe('tiff');
		expect(sniffImageType(bytes(0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0))).toBe('tiff');
	});

	test.each(['heic', 'heix', 'mif1', 'msf1'])('recognises HEIC with the brand %s', (brand) => {
		expect(sniffImageType(ftyp(brand))).toBe('heic');
	});

	test.each(['avif', 'avis'])('recognises AVIF with the brand %s', (brand) => {
		expect(sniffImageType(ftyp(brand))).toBe('avif');
	});

	test('an ISO-BMFF file with another brand (e.g. an MP4 video) is not an image', () => {
		expect(sniffImageType(ftyp('isom'))).toBeUndefined();
	});

	test.each([
		['text', Buffer.from('hello, this is not an image at all')],
		['HTML error page', Buffer.from('<!DOCTYPE html><html><body>504</body></html>')],
		['JSON', Buffer.from('{"code":500,"message":"x"}')],
		['RIFF that is not WebP', Buffer.from('RIFF\u0000\u0000\u0000\u0000WAVEfmt ')],
		['empty', Buffer.alloc(0)],
	])('returns undefined for %s', (_name, input) => {
		expect(sniffImageType(input)).toBeUndefined();
	});

	test('returns undefined for input shorter than a signature', () => {
		expect(sniffImageType(bytes(0x89, 0x50, 0x4e, 0x47))).toBeUndefined(); // first 4 of 8 PNG bytes
		expect(sniffImageType(bytes(0xff, 0xd8))).toBeUndefined();
		expect(sniffImageType(Buffer.from('RIFF\u0000\u0000\u0000\u0000WEB'))).toBeUndefined();
		expect(sniffImageType(Buffer.from('GIF89'))).toBeUndefined();
		expect(sniffImageType(bytes(0x42))).toBeUndefined();
	});
});

describe('readPixelSize', () => {
	test('reads a PNG header', () => {
		expect(readPixelSize(png)).toEqual({ width: WIDTH, height: HEIGHT });
	});

	test('reads a PNG of a large size (4K class)', async () => {
		const big = await sharp({ create: { width: 3840, height: 2160, channels: 3, background: '#000' } }).png({ compressionLevel: 0 }).toBuffer();
		expect(readPixelSize(big.subarray(0, 64))).toEqual({ width: 3840, height: 2160 });
	});

	test('reads a baseline JPEG', () => {
		expect(readPixelSize(jpeg)).toEqual({ width: WIDTH, height: HEIGHT });
	});

	test('reads a progressive JPEG (SOF2)', () => {
		expect(readPixelSize(progressiveJpeg)).toEqual({ width: WIDTH, height: HEIGHT });
	});

	test('reads a JPEG whose frame header sits behind a large EXIF block', () => {
		expect(exifJpeg.subarray(6, 10).toString('latin1')).toBe('Exif');
		expect(exifJpeg.readUInt16BE(4)).toBeGreaterThan(3000);
		expect(readPixelSize(exifJpeg)).toEqual({ width: WIDTH, height: HEIGHT });
	});

	test('skips 0xFF fill bytes between JPEG segments', () => {
		const withFill = Buffer.concat([jpeg.subarray(0, 2), Buffer.from([0xff, 0xff, 0xff]), jpeg.subarray(2)]);
		expect(readPixelSize(withFill)).toEqual({ width: WIDTH, height: HEIGHT });
	});

	test('reads a lossy WebP (VP8)', () => {
		expect(chunkOf(webpLossy)).toBe('VP8 ');
		expect(readPixelSize(webpLossy)).toEqual({ width: WIDTH, height: HEIGHT });
	});

	test('reads a lossless WebP (VP8L)', () => {
		expect(chunkOf(webpLossless)).toBe('VP8L');
		expect(readPixelSize(webpLossless)).toEqual({ width: WIDTH, height: HEIGHT });
	});

	test('reads an extended WebP with alpha (VP8X)', () => {
		expect(chunkOf(webpAlpha)).toBe('VP8X');
		expect(readPixelSize(webpAlpha)).toEqual({ width: WIDTH, height: HEIGHT });
	});

	test('reads an extended WebP with metadata (VP8X)', () => {
		expect(chunkOf(webpWithMetadata)).toBe('VP8X');
		expect(readPixelSize(webpWithMetadata)).toEqual({ width: WIDTH, height: HEIGHT });
	});

	test('reads sizes that are not the default test size, in every format', async () => {
		const width = 301;
		const height = 17;
		const [p, j, w, l] = await Promise.all([
			canvas(3, width, height).png().toBuffer(),
			canvas(3, width, height).jpeg().toBuffer(),
			canvas(3, width, height).webp().toBuffer(),
			canvas(3, width, height).webp({ lossless: true }).toBuffer(),
		]);
		for (const image of [p, j, w, l]) expect(readPixelSize(image)).toEqual({ width, height });
	});

	test('works on a Buffer that is a slice of a larger pooled buffer', () => {
		const padded = Buffer.concat([Buffer.alloc(13, 7), png]);
		expect(readPixelSize(padded.subarray(13))).toEqual({ width: WIDTH, height: HEIGHT });
	});

	test('returns undefined when the bytes seen so far do not contain the size', () => {
		expect(readPixelSize(png.subarray(0, 20))).toBeUndefined();
		expect(readPixelSize(exifJpeg.subarray(0, 200))).toBeUndefined();
		expect(readPixelSize(webpLossy.subarray(0, 20))).toBeUndefined();
	});

	test('returns undefined for formats it does not read and for garbage', () => {
		expect(readPixelSize(gif)).toBeUndefined();
		expect(readPixelSize(tiff)).toBeUndefined();
		expect(readPixelSize(Buffer.from('definitely not an image'))).toBeUndefined();
		expect(readPixelSize(Buffer.alloc(0))).toBeUndefined();
	});

	test('returns undefined for a JPEG whose segments are corrupt', () => {
		const corrupt = Buffer.from(jpeg);
		corrupt[2 + 2 + corrupt.readUInt16BE(4)] = 0x00; // where the second marker should start
		expect(readPixelSize(corrupt)).toBeUndefined();
	});
});

describe('MIME types and extensions', () => {
	test('only PNG, JPEG and WebP are accepted as reference images', () => {
		expect([...ACCEPTED_INPUT_TYPES].sort()).toEqual(['jpeg', 'png', 'webp']);
	});

	test('maps kinds to MIME types and file extensions', () => {
		expect(MIME_TYPES.jpeg).toBe('image/jpeg');
		expect(MIME_TYPES.png).toBe('image/png');
		expect(MIME_TYPES.webp).toBe('image/webp');
		expect(extensionFor('jpeg')).toBe('jpg');
		expect(extensionFor('png')).toBe('png');
		expect(extensionFor('webp')).toBe('webp');
	});
});
