/** Output rendering with sharp: real PNG/JPEG pictures that visibly derive from the inputs and the prompt. */
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
const encode = (image: sharp.Sharp, format: OutputFormat): Promise<Buffer> =>
	(format === 'jpeg' ? image.jpeg({ quality: 85 }) : image.png({ compressionLevel: 1 })).toBuffer();

/** Recently rendered pictures by a hash of everything that shapes them (same inputs = same picture, so reuse is exact). */
const cache = new Map<string, Buffer>();
const CACHE_MAX_BYTES = 64 * 1024 * 1024;
let cacheBytes = 0;

function cacheKey(request: RenderRequest): string {
	const hash = createHash('sha256');
	for (const reference of request.references) hash.update(createHash('sha256').update(reference).digest());
	return hash.update(JSON.stringify([request.prompt, request.width, request.height, request.format])).digest('hex');
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
	const work = workSize(request.width, request.height);
	const composed =
		request.references.length > 0
			? await composeEdit(request, work.width, work.height)
			: await composeGenerate(request, work.width, work.height);
	const flat = composed.flatten({ background: '#000000' });
	if (work.width === request.width && work.height === request.height) return encode(flat, request.format);
	// Larger outputs: compose at the work size, then scale up to the exact size.
	const { data, info } = await flat.raw().toBuffer({ resolveWithObject: true });
	const exact = sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } }).resize(
		request.width,
		request.height,
		{ fit: 'fill' },
	);
	return encode(exact, request.format);
}
