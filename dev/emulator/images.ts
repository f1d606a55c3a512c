/** Output rendering with sharp: real PNG/JPEG/WebP/GIF pictures (and SVG text) that visibly derive from the inputs and the prompt. */
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { OutputFormat } from './types';

export interface RenderRequest {
	/** Decoded-able image buffers; the first one is edited, the others become insets. Empty for text-to-image. */
	references: Buffer[];
	prompt: string;
	width: number;
	height: number;
	format: OutputFormat;
	/** Edit mask (PNG with alpha): only where it is fully transparent does the output differ from the first image. */
	mask?: Buffer;
	/** Keep an alpha channel: the picture is a cut-out (an opaque ellipse on a transparent ground). */
	transparent?: boolean;
	/** JPEG/WebP quality 0-100. */
	compression?: number;
}

interface Rgb {
	r: number;
	g: number;
	b: number;
}

/** Composition happens at most at this many pixels, then the picture is scaled to the exact size (keeps 4K fast). */
const WORK_AREA = 1_200_000;
const TINT_OPACITY = 0.3;

/** A stable, saturated colour per prompt (and a second one for gradients). */
export function promptColours(prompt: string): [Rgb, Rgb] {
	const hash = createHash('sha256').update(prompt).digest();
	const hue = (hash.readUInt16BE(0) / 65536) * 360;
	const lightness = 0.4 + (hash[2] / 255) * 0.2;
	return [hslToRgb(hue, 0.75, lightness), hslToRgb((hue + 90 + (hash[3] / 255) * 180) % 360, 0.6, 0.35)];
}

function hslToRgb(hue: number, saturation: number, lightness: number): Rgb {
	const chroma = (1 - Math.abs(2 * lightness - 1)) * saturation;
	const x = chroma * (1 - Math.abs(((hue / 60) % 2) - 1));
	const m = lightness - chroma / 2;
	const [r, g, b] =
		hue < 60 ? [chroma, x, 0] : hue < 120 ? [x, chroma, 0] : hue < 180 ? [0, chroma, x]
			: hue < 240 ? [0, x, chroma] : hue < 300 ? [x, 0, chroma] : [chroma, 0, x];
	return { r: Math.round((r + m) * 255), g: Math.round((g + m) * 255), b: Math.round((b + m) * 255) };
}

const css = (c: Rgb): string => `rgb(${c.r},${c.g},${c.b})`;

const escapeXml = (text: string): string =>
	text.replace(/[<>&'"]/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[ch] ?? ch);

/** Width/height of an image as displayed (EXIF orientation applied). */
export async function displayRatio(image: Buffer): Promise<number> {
	const meta = await sharp(image).metadata();
	const { width, height } = meta.autoOrient ?? meta;
	if (!width || !height) throw new Error('image has no dimensions');
	return width / height;
}

/** The composition size: the output size scaled down to WORK_AREA when larger. */
function workSize(width: number, height: number): { width: number; height: number } {
	const scale = Math.min(1, Math.sqrt(WORK_AREA / (width * height)));
	return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** Height of the caption band: proportional to the picture's overall size, not to one edge. */
const bandHeight = (width: number, height: number): number => Math.max(24, Math.round(Math.sqrt(width * height) * 0.07));

/** A dark band with the prompt written in it, to lay along the bottom (rendered band-sized: SVG text is slow). */
function caption(prompt: string, width: number, height: number): sharp.OverlayOptions {
	const band = bandHeight(width, height);
	const fontSize = Math.round(band * 0.45);
	const maxChars = Math.max(8, Math.floor(width / (fontSize * 0.6)) - 2);
	const oneLine = prompt.replace(/\s+/g, ' ').trim();
	const text = oneLine.length > maxChars ? oneLine.slice(0, maxChars - 1) + '…' : oneLine;
	const svg =
		`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${band}">` +
		`<rect width="${width}" height="${band}" fill="black" fill-opacity="0.6"/>` +
		`<text x="${Math.round(fontSize * 0.6)}" y="${Math.round(band / 2)}" dominant-baseline="middle" ` +
		`font-family="DejaVu Sans" font-size="${fontSize}" fill="white">${escapeXml(text)}</text></svg>`;
	return { input: Buffer.from(svg), left: 0, top: height - band };
}

/** Further reference images as bordered thumbnails, laid out right to left above the caption band. */
async function insets(references: Buffer[], width: number, height: number): Promise<sharp.OverlayOptions[]> {
	const size = Math.max(16, Math.floor(Math.min(width, height) / 5));
	const border = Math.max(2, Math.round(size / 40));
	const step = size + 2 * border + border;
	const perRow = Math.max(1, Math.floor((width - border) / step));
	const bottom = height - bandHeight(width, height) - border;
	return Promise.all(
		references.map(async (image, index) => {
			const thumb = await sharp(image)
				.rotate()
				.flatten({ background: '#ffffff' })
				.resize(size, size, { fit: 'cover' })
				.extend({ top: border, bottom: border, left: border, right: border, background: '#ffffff' })
				.png({ compressionLevel: 0 })
				.toBuffer();
			const column = index % perRow;
			const row = Math.floor(index / perRow);
			return {
				input: thumb,
				left: Math.max(0, width - (column + 1) * step),
				top: Math.max(0, bottom - (row + 1) * (size + 2 * border) - row * border),
			};
		}),
	);
}

/** Edit: the first image cover-fitted, tinted by the prompt colour, other images as insets, prompt caption. */
async function composeEdit(request: RenderRequest, width: number, height: number): Promise<sharp.Sharp> {
	const [tint] = promptColours(request.prompt);
	const overlays: sharp.OverlayOptions[] = [
		{ input: { create: { width, height, channels: 4, background: { ...tint, alpha: TINT_OPACITY } } } },
		...(await insets(request.references.slice(1), width, height)),
		caption(request.prompt, width, height),
	];
	const base = await sharp(request.references[0])
		.rotate()
		.flatten({ background: '#ffffff' })
		.resize(width, height, { fit: 'cover' })
		.toBuffer();
	return sharp(base).composite(overlays);
}

/** Long edge of the text-to-image background sketch; it is smooth, so it is drawn small and scaled up. */
const SKETCH_EDGE = 256;

/** Text-to-image: a gradient and a few circles chosen by the prompt hash, plus the caption. */
async function composeGenerate(request: RenderRequest, width: number, height: number): Promise<sharp.Sharp> {
	const [first, second] = promptColours(request.prompt);
	const hash = createHash('sha256').update(request.prompt).digest();
	const scale = Math.min(1, SKETCH_EDGE / Math.max(width, height));
	const w = Math.max(1, Math.round(width * scale));
	const h = Math.max(1, Math.round(height * scale));
	const circles = [0, 1, 2]
		.map((i) => {
			const cx = Math.round((hash[4 + i * 3] / 255) * w);
			const cy = Math.round((hash[5 + i * 3] / 255) * h);
			const r = Math.round(((hash[6 + i * 3] / 255) * 0.25 + 0.05) * Math.min(w, h));
			return `<circle cx="${cx}" cy="${cy}" r="${r}" fill="white" fill-opacity="0.35"/>`;
		})
		.join('');
	const svg =
		`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">` +
		`<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">` +
		`<stop offset="0" stop-color="${css(first)}"/><stop offset="1" stop-color="${css(second)}"/></linearGradient></defs>` +
		`<rect width="${w}" height="${h}" fill="url(#g)"/>${circles}</svg>`;
	const background = await sharp(Buffer.from(svg)).resize(width, height, { fit: 'fill' }).png({ compressionLevel: 0 }).toBuffer();
	return sharp(background).composite([caption(request.prompt, width, height)]);
}

/** Encodes in the requested format (fast PNG compression: these are test pictures, not archives). */
function encode(image: sharp.Sharp, format: OutputFormat, compression?: number): Promise<Buffer> {
	const quality = compression === undefined ? undefined : Math.max(1, Math.min(100, Math.round(compression)));
	switch (format) {
		case 'jpeg':
			return image.jpeg({ quality: quality ?? 85 }).toBuffer();
		case 'webp':
			return image.webp({ quality: quality ?? 80 }).toBuffer();
		case 'gif':
			return image.gif().toBuffer();
		default:
			return image.png({ compressionLevel: 1 }).toBuffer();
	}
}

/** Why a mask is unusable (not a PNG, no alpha channel, not the first image's size), or undefined when it fits. */
export async function checkMask(mask: Buffer, firstImage: Buffer | undefined): Promise<string | undefined> {
	const meta = await sharp(mask).metadata().catch(() => undefined);
	if (!meta || meta.format !== 'png') return 'must be a PNG image';
	if (!meta.hasAlpha) return 'must have an alpha channel (transparent areas are the ones edited)';
	if (firstImage) {
		const first = await sharp(firstImage).metadata();
		if (first.width !== meta.width || first.height !== meta.height) {
			return `must be the size of the first image (${first.width}x${first.height}), not ${meta.width}x${meta.height}`;
		}
	}
	return undefined;
}

/** An SVG document (the 2.6 models' SVG output): the prompt's gradient, circles and caption as vector shapes. */
export function renderSvg(prompt: string, width: number, height: number): Buffer {
	const [first, second] = promptColours(prompt);
	const fontSize = Math.round(bandHeight(width, height) * 0.45);
	return Buffer.from(
		`<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
			`<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${css(first)}"/><stop offset="1" stop-color="${css(second)}"/></linearGradient></defs>` +
			`<rect width="${width}" height="${height}" fill="url(#g)"/>` +
			`<circle cx="${Math.round(width / 2)}" cy="${Math.round(height / 2)}" r="${Math.round(Math.min(width, height) / 4)}" fill="white" fill-opacity="0.35"/>` +
			`<text x="${fontSize}" y="${height - fontSize}" font-family="DejaVu Sans" font-size="${fontSize}" fill="white">${escapeXml(prompt)}</text></svg>\n`,
		'utf8',
	);
}

/** Cuts the picture out: an opaque ellipse in the middle, fully transparent around it. */
async function cutOut(image: Buffer, width: number, height: number): Promise<sharp.Sharp> {
	const ellipse = Buffer.from(
		`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><ellipse cx="${width / 2}" cy="${height / 2}" rx="${width * 0.4}" ry="${height * 0.4}" fill="black"/></svg>`,
	);
	return sharp(await sharp(image).ensureAlpha().composite([{ input: ellipse, blend: 'dest-in' }]).png().toBuffer());
}

/** The edited picture only where the mask is fully transparent; the first image (scaled to the output) elsewhere. */
async function applyMask(edited: Buffer, first: Buffer, mask: Buffer, width: number, height: number): Promise<sharp.Sharp> {
	const original = await sharp(first).rotate().flatten({ background: '#ffffff' }).resize(width, height, { fit: 'cover' }).png().toBuffer();
	const maskAlpha = await sharp(mask).ensureAlpha().resize(width, height, { fit: 'fill' }).extractChannel(3).raw().toBuffer();
	// Keep-original alpha: mask pixels with any opacity keep the original, fully transparent ones take the edit.
	const keep = Buffer.from(maskAlpha.map((alpha) => (alpha > 0 ? 255 : 0)));
	const originalWithAlpha = await sharp(original).joinChannel(keep, { raw: { width, height, channels: 1 } }).png().toBuffer();
	return sharp(edited).composite([{ input: originalWithAlpha }]);
}

/** Recently rendered pictures by a hash of everything that shapes them (same inputs = same picture, so reuse is exact). */
const cache = new Map<string, Buffer>();
const CACHE_MAX_BYTES = 64 * 1024 * 1024;
let cacheBytes = 0;

function cacheKey(request: RenderRequest): string {
	const hash = createHash('sha256');
	for (const reference of request.references) hash.update(createHash('sha256').update(reference).digest());
	if (request.mask) hash.update(createHash('sha256').update(request.mask).digest());
	return hash.update(JSON.stringify([request.prompt, request.width, request.height, request.format, request.transparent === true, request.compression ?? null])).digest('hex');
}

function remember(key: string, image: Buffer): void {
	if (image.length > CACHE_MAX_BYTES / 4) return;
	cache.set(key, image);
	cacheBytes += image.length;
	for (const [oldKey, old] of cache) {
		if (cacheBytes <= CACHE_MAX_BYTES) break;
		cache.delete(oldKey);
		cacheBytes -= old.length;
	}
}

/** Renders the output picture at exactly width x height in the requested format (reusing an identical render). */
export async function renderOutput(request: RenderRequest): Promise<Buffer> {
	const key = cacheKey(request);
	const cached = cache.get(key);
	if (cached) return cached;
	const image = await render(request);
	remember(key, image);
	return image;
}

async function render(request: RenderRequest): Promise<Buffer> {
	if (request.format === 'svg') return renderSvg(request.prompt, request.width, request.height);
	const work = workSize(request.width, request.height);
	const composed =
		request.references.length > 0
			? await composeEdit(request, work.width, work.height)
			: await composeGenerate(request, work.width, work.height);
	const flat = composed.flatten({ background: '#000000' });
	const plain = !request.mask && !request.transparent;
	if (plain && work.width === request.width && work.height === request.height) return encode(flat, request.format, request.compression);
	// Larger outputs: compose at the work size, then scale up to the exact size.
	const { data, info } = await flat.raw().toBuffer({ resolveWithObject: true });
	let exact = sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } }).resize(
		request.width,
		request.height,
		{ fit: 'fill' },
	);
	if (request.mask && request.references.length > 0) {
		exact = await applyMask(await exact.png().toBuffer(), request.references[0], request.mask, request.width, request.height);
	}
	if (request.transparent) exact = await cutOut(await exact.png().toBuffer(), request.width, request.height);
	return encode(exact, request.format, request.compression);
}
