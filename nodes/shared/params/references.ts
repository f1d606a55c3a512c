/** Reference images: binary fields and URLs in the order given, read and checked (item/upload.ts uploads them). */
import { createHash } from 'crypto';
import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import { inputFailure } from '../core/errors';
import type { ImageBytes, ImageType } from '../core/imageFormat';
import { ACCEPTED_INPUT_TYPES, extensionFor, MIME_TYPES, sniffImageType } from '../core/imageFormat';
import type { ReferenceImage } from '../core/schemas';

/** The smallest per-image limit the providers document (20 MB). */
export const MAX_INPUT_IMAGE_BYTES = 20 * 1024 * 1024;

const MB = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Image types that are never accepted, by MIME label (e.g. image/gif -> GIF). */
const REFUSED_BY_LABEL: Record<string, string> = {
	...Object.fromEntries(
		(Object.keys(MIME_TYPES) as ImageType[]).filter((type) => !ACCEPTED_INPUT_TYPES.includes(type)).map((type) => [MIME_TYPES[type], type.toUpperCase()]),
	),
	'image/svg+xml': 'SVG',
};

/** Checks what can be checked without reading the bytes: the field exists, its label and size fit. */
export function checkBinaryField(binaries: Record<string, IBinaryData> | undefined, field: string, position: number): void {
	const binary = binaries?.[field];
	const label = `Reference image ${position}`;
	if (!binary) {
		const available = Object.keys(binaries ?? {});
		throw inputFailure(
			`${label}: the input item has no binary field "${field}"`,
			available.length
				? `Set Binary Field to one of: ${available.join(', ')}.`
				: 'The input item carries no binary data. Read the image first (e.g. Read/Write Files from Disk or HTTP Request), or use a URL.',
		);
	}
	if (binary.mimeType && !/^image\//i.test(binary.mimeType) && binary.mimeType !== 'application/octet-stream') {
		throw inputFailure(
			`${label}: binary field "${field}" is ${binary.mimeType}, not an image`,
			'Use a PNG, JPEG or WebP image.',
		);
	}
	// A type GPT Image 2 does not take, known from the label alone: refused with the batch's validation, before any upload.
	const refusedType = REFUSED_BY_LABEL[(binary.mimeType ?? '').toLowerCase()];
	if (refusedType) {
		throw inputFailure(
			`${label}: binary field "${field}" is a ${refusedType} image (${binary.mimeType})`,
			"GPT Image 2 accepts PNG, JPEG and WebP. Convert it first, e.g. with n8n's Edit Image node.",
		);
	}
	const size = binary.bytes;
	if (typeof size === 'number' && size === 0) throw emptyImage(label, field);
	if (typeof size === 'number' && size > MAX_INPUT_IMAGE_BYTES) throw tooLarge(label, field, size);
}

const emptyImage = (label: string, field: string) =>
	inputFailure(`${label}: binary field "${field}" is empty (0 bytes)`, 'Check the node that produced the file.');

const tooLarge = (label: string, field: string, size: number) =>
	inputFailure(
		`${label}: binary field "${field}" is ${MB(size)}; the limit is ${MB(MAX_INPUT_IMAGE_BYTES)}`,
		"Make it smaller first, e.g. with n8n's Edit Image node (Resize).",
	);

/** Reads a binary field (as a stream when it lives in filesystem/S3 mode) and checks it is an accepted image; a hash already known is not computed again. */
export async function readBinaryImage(fx: IExecuteFunctions, itemIndex: number, field: string, position: number, knownSha256?: string): Promise<ImageBytes> {
	const label = `Reference image ${position}`;
	const binary = fx.getInputData()[itemIndex]?.binary?.[field];
	checkBinaryField(fx.getInputData()[itemIndex]?.binary, field, position);
	const bytes = binary?.id
		? await readStreamCapped(await fx.helpers.getBinaryStream(binary.id), label, field)
		: await fx.helpers.getBinaryDataBuffer(itemIndex, field);
	if (bytes.length === 0) throw emptyImage(label, field);
	if (bytes.length > MAX_INPUT_IMAGE_BYTES) throw tooLarge(label, field, bytes.length);
	const type = acceptedType(bytes, label, field, binary?.mimeType);
	const fileName = safeUploadName(binary?.fileName, type);
	return { bytes, type, fileName, sha256: knownSha256 ?? createHash('sha256').update(bytes).digest('hex') };
}

/** The accepted image type the bytes start with, or a refusal that names the real type and the label it came with. */
function acceptedType(bytes: Buffer, label: string, field: string, mimeType: string | undefined): ImageType {
	const type = sniffImageType(bytes);
	if (type && ACCEPTED_INPUT_TYPES.includes(type)) return type;
	const what = type ? `a ${type.toUpperCase()} image` : 'not an image';
	throw inputFailure(
		`${label}: binary field "${field}" is ${what}${mimeType ? ` (labelled ${mimeType})` : ''}`,
		type
			? "GPT Image 2 accepts PNG, JPEG and WebP. Convert it first, e.g. with n8n's Edit Image node."
			: 'Check that the previous node produced an image file (PNG, JPEG or WebP).',
	);
}

/** Enough bytes to tell PNG, JPEG and WebP from GIF, HEIC, AVIF or text. */
const HEAD_BYTES = 64;

/**
 * Pre-flight: the first bytes of a binary reference say whether it is an accepted image, so a bad row is refused
 * before any row is submitted. In filesystem, S3 and database modes only the head of the stream is read.
 */
export async function checkBinaryHead(fx: IExecuteFunctions, itemIndex: number, field: string, position: number): Promise<void> {
	const label = `Reference image ${position}`;
	const binary = fx.getInputData()[itemIndex]?.binary?.[field];
	checkBinaryField(fx.getInputData()[itemIndex]?.binary, field, position);
	// Without a byte count (e.g. a binary built in a Code node) the whole stream is measured, so no row is billed before a too-large one fails.
	const sized = typeof binary?.bytes === 'number';
	const read = binary?.id
		? await readStreamHead(await fx.helpers.getBinaryStream(binary.id, sized ? HEAD_BYTES : undefined), HEAD_BYTES, !sized)
		: measured(await fx.helpers.getBinaryDataBuffer(itemIndex, field));
	if (read.total > MAX_INPUT_IMAGE_BYTES) throw tooLarge(label, field, read.total);
	if (read.head.length === 0) throw emptyImage(label, field);
	acceptedType(read.head, label, field, binary?.mimeType);
}

const measured = (bytes: Buffer) => ({ head: bytes.subarray(0, HEAD_BYTES), total: bytes.length });

/** The first bytes of a stream and, when asked to measure, how many bytes it holds (counted, not kept; stops past the limit). */
async function readStreamHead(stream: AsyncIterable<Buffer | string>, wanted: number, measure: boolean): Promise<{ head: Buffer; total: number }> {
	const chunks: Buffer[] = [];
	let kept = 0;
	let total = 0;
	for await (const chunk of stream) {
		const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
		if (kept < wanted) {
			chunks.push(buffer);
			kept += buffer.length;
		}
		total += buffer.length;
		if ((!measure && kept >= wanted) || total > MAX_INPUT_IMAGE_BYTES) break;
	}
	// Leaving the loop early closes the stream; destroy() covers streams that do not close themselves.
	(stream as { destroy?: () => void }).destroy?.();
	return { head: Buffer.concat(chunks, kept).subarray(0, wanted), total };
}

async function readStreamCapped(stream: AsyncIterable<Buffer | string>, label: string, field: string): Promise<Buffer> {
	const chunks: Buffer[] = [];
	let total = 0;
	for await (const chunk of stream) {
		const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
		total += buffer.length;
		if (total > MAX_INPUT_IMAGE_BYTES) {
			(stream as { destroy?: () => void }).destroy?.();
			throw tooLarge(label, field, total);
		}
		chunks.push(buffer);
	}
	return Buffer.concat(chunks, total);
}

function safeUploadName(original: string | undefined, type: ImageType): string {
	const base = (original ?? 'image').replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 60) || 'image';
	return `${base}.${extensionFor(type)}`;
}

/** A binary reference read, checked and hashed; its bytes are kept only when the row's upload follows at once. */
export interface BinaryReference {
	binaryField: string;
	/** 1-based, for messages. */
	position: number;
	sha256: string;
	image?: ImageBytes;
}

/** A reference image read and checked, not yet uploaded. */
export type PreparedReference = { url: string } | BinaryReference;

/**
 * Reads, checks and hashes the item's reference images, in order, without uploading anything yet. Without keepBytes
 * only the hashes stay (pricing reads rows long before they run; the upload reads the bytes again).
 */
export async function readReferenceImages(fx: IExecuteFunctions, itemIndex: number, entries: ReferenceImage[], keepBytes: boolean): Promise<PreparedReference[]> {
	const prepared: PreparedReference[] = [];
	for (const [index, entry] of entries.entries()) {
		if (entry.source === 'url') {
			prepared.push({ url: entry.url });
			continue;
		}
		const position = index + 1;
		const image = await readBinaryImage(fx, itemIndex, entry.binaryField, position);
		prepared.push({ binaryField: entry.binaryField, position, sha256: image.sha256, ...(keepBytes ? { image } : {}) });
	}
	return prepared;
}
