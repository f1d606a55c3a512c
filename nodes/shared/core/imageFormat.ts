/** Recognises image bytes by their signature and reads their pixel size from the header, without decoding. */

export type ImageType = 'png' | 'jpeg' | 'webp' | 'gif' | 'bmp' | 'tiff' | 'avif' | 'heic';

export const MIME_TYPES: Record<ImageType, string> = {
	png: 'image/png',
	jpeg: 'image/jpeg',
	webp: 'image/webp',
	gif: 'image/gif',
	bmp: 'image/bmp',
	tiff: 'image/tiff',
	avif: 'image/avif',
	heic: 'image/heic',
};

/** An input image, read and checked, ready to upload. */
export interface ImageBytes {
	bytes: Buffer;
	type: ImageType;
	fileName: string;
	/** Of the bytes: the upload-once cache and the request fingerprint both use it. */
	sha256: string;
}

/** GPT Image 2 takes these as reference images. */
export const ACCEPTED_INPUT_TYPES: ImageType[] = ['png', 'jpeg', 'webp'];

export function sniffImageType(bytes: Uint8Array): ImageType | undefined {
	const at = (offset: number, ...values: number[]) => values.every((v, i) => bytes[offset + i] === v);
	const ascii = (offset: number, text: string) => at(offset, ...Array.from(text, (c) => c.charCodeAt(0)));
	if (bytes.length >= 8 && at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
	if (bytes.length >= 3 && at(0, 0xff, 0xd8, 0xff)) return 'jpeg';
	if (bytes.length >= 12 && ascii(0, 'RIFF') && ascii(8, 'WEBP')) return 'webp';
	if (bytes.length >= 6 && (ascii(0, 'GIF87a') || ascii(0, 'GIF89a'))) return 'gif';
	if (bytes.length >= 2 && ascii(0, 'BM')) return 'bmp';
	if (bytes.length >= 4 && (at(0, 0x49, 0x49, 0x2a, 0x00) || at(0, 0x4d, 0x4d, 0x00, 0x2a))) return 'tiff';
	if (bytes.length >= 12 && ascii(4, 'ftyp')) {
		const brand = String.fromCharCode(...bytes.subarray(8, 12));
		if (brand === 'avif' || brand === 'avis') return 'avif';
		if (/^hei|^mif1|^msf1/.test(brand)) return 'heic';
	}
	return undefined;
}

export interface PixelSize {
	width: number;
	height: number;
}

/** Pixel size from a PNG, JPEG or WebP header; undefined when the bytes seen so far do not contain it. */
export function readPixelSize(bytes: Uint8Array): PixelSize | undefined {
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	switch (sniffImageType(bytes)) {
		case 'png':
			return bytes.length >= 24 ? { width: view.getUint32(16), height: view.getUint32(20) } : undefined;
		case 'jpeg':
			return readJpegSize(bytes, view);
		case 'webp':
			return readWebpSize(bytes, view);
		default:
			return undefined;
	}
}

function readJpegSize(bytes: Uint8Array, view: DataView): PixelSize | undefined {
	let offset = 2;
	while (offset + 9 < bytes.length) {
		if (bytes[offset] !== 0xff) return undefined;
		const marker = bytes[offset + 1];
		if (marker === 0xff) {
			offset += 1; // fill byte
			continue;
		}
		const length = view.getUint16(offset + 2);
		// SOF0..SOF15 carry the frame size, except DHT (C4), JPG (C8) and DAC (CC).
		if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
			return { height: view.getUint16(offset + 5), width: view.getUint16(offset + 7) };
		}
		offset += 2 + length;
	}
	return undefined;
}

function readWebpSize(bytes: Uint8Array, view: DataView): PixelSize | undefined {
	if (bytes.length < 30) return undefined;
	const chunk = String.fromCharCode(...bytes.subarray(12, 16));
	if (chunk === 'VP8X') {
		const width = 1 + (bytes[24] | (bytes[25] << 8) | (bytes[26] << 16));
		const height = 1 + (bytes[27] | (bytes[28] << 8) | (bytes[29] << 16));
		return { width, height };
	}
	if (chunk === 'VP8 ') return { width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff };
	if (chunk === 'VP8L') {
		const b = view.getUint32(21, true);
		return { width: (b & 0x3fff) + 1, height: ((b >> 14) & 0x3fff) + 1 };
	}
	return undefined;
}

export function extensionFor(type: ImageType): string {
	return type === 'jpeg' ? 'jpg' : type;
}

/**
 * Follows an image's structure as its bytes stream by, so a file that only starts like an image (a header
 * followed by junk, or cut short) is not passed on as one. PNG: every chunk is walked and the file must reach
 * IEND. JPEG: it must end with the EOI marker. WebP: the RIFF size must match. Other kinds are not checked.
 */
export class ImageStructureCheck {
	/** Why the bytes are not a whole image, as soon as it is known. */
	problem?: string;

	private total = 0;
	private tail = Buffer.alloc(0);
	// PNG walk: bytes to pass over (signature, then chunk data + CRC), the chunk header being collected.
	private skip = 8;
	private readonly header = Buffer.alloc(8);
	private headerLength = 0;
	private chunks = 0;
	private endAfterSkip = false;
	private ended = false;
	private riffSize?: number;

	constructor(private readonly type: ImageType) {}

	push(chunk: Buffer): void {
		if (this.problem) return;
		if (this.type === 'png') this.walkPng(chunk);
		if (this.type === 'webp' && this.riffSize === undefined) {
			const head = Buffer.concat([this.tail, chunk]);
			if (this.total === 0 && head.length >= 8) this.riffSize = head.readUInt32LE(4);
		}
		this.total += chunk.length;
		this.tail = Buffer.concat([this.tail, chunk]).subarray(-16);
	}

	/** Call after the last byte: the problem, if the bytes did not make a whole image. */
	finish(): string | undefined {
		if (this.problem) return this.problem;
		if (this.type === 'png' && !this.ended) this.problem = 'a PNG that is cut short or damaged (it has no end marker)';
		if (this.type === 'jpeg' && this.tail.lastIndexOf(Buffer.from([0xff, 0xd9])) < 0) {
			this.problem = 'a JPEG that is cut short or damaged (it has no end marker)';
		}
		if (this.type === 'webp' && (this.riffSize === undefined || this.total < this.riffSize + 8)) {
			this.problem = 'a WebP image that is cut short';
		}
		return this.problem;
	}

	private walkPng(chunk: Buffer): void {
		let i = 0;
		while (i < chunk.length && !this.problem && !this.ended) {
			if (this.skip > 0) {
				const n = Math.min(this.skip, chunk.length - i);
				this.skip -= n;
				i += n;
				if (this.skip === 0 && this.endAfterSkip) this.ended = true;
				continue;
			}
			const n = Math.min(8 - this.headerLength, chunk.length - i);
			chunk.copy(this.header, this.headerLength, i, i + n);
			this.headerLength += n;
			i += n;
			if (this.headerLength < 8) continue;
			this.headerLength = 0;
			const length = this.header.readUInt32BE(0);
			const type = this.header.toString('latin1', 4, 8);
			const first = this.chunks++ === 0;
			if (!/^[A-Za-z]{4}$/.test(type) || length > 0x7fffffff || (first && type !== 'IHDR')) {
				this.problem = 'a PNG whose content is damaged (only its header looks like an image)';
				return;
			}
			this.skip = length + 4;
			this.endAfterSkip = type === 'IEND';
		}
	}
}
