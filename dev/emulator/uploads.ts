/** Uploads: the current ticket + pre-signed PUT flow, the legacy multipart flow, and the stored media. */
import { extname } from 'node:path';
import type { ByteSource } from './random';
import type { UploadRecord } from './types';

export interface StoredMedia {
	filename: string;
	contentType: string;
	bytes: Buffer;
}

interface Ticket {
	id: string;
	filename: string;
	/** Exact byte count the PUT must carry; each::labs' presign does not ask for one. */
	size?: number;
	contentType: string;
	flow: 'current' | 'presign';
}

const TYPES_BY_EXTENSION: Record<string, string> = {
	'.png': 'image/png',
	'.jpg': 'image/jpeg',
	'.jpeg': 'image/jpeg',
	'.webp': 'image/webp',
	'.gif': 'image/gif',
	'.bmp': 'image/bmp',
	'.tif': 'image/tiff',
	'.tiff': 'image/tiff',
};

export const contentTypeForName = (filename: string): string =>
	TYPES_BY_EXTENSION[extname(filename).toLowerCase()] ?? 'application/octet-stream';

/** Keeps file names URL-safe in download URLs. */
const safeName = (filename: string): string => filename.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 120) || 'file';

export type TicketResult = { ok: true; data: Record<string, unknown> } | { ok: false; status: number; message: string };
export type PutResult = { ok: true } | { ok: false; status: number; message: string };

export class UploadStore {
	readonly uploads: UploadRecord[] = [];
	private readonly media = new Map<string, StoredMedia>();
	private readonly tickets = new Map<string, Ticket>();

	constructor(
		private readonly bytes: ByteSource,
		private readonly cdnBaseUrl: string,
	) {}

	/** POST /api/v3/media/uploads: validates {filename, size, content_type?} and hands out a pre-signed PUT. */
	createTicket(body: unknown, maxBytes: number): TicketResult {
		const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
		const { filename, size } = fields;
		if (typeof filename !== 'string' || filename.trim() === '') return { ok: false, status: 400, message: 'filename is required' };
		if (typeof size !== 'number' || !Number.isInteger(size) || size <= 0) {
			return { ok: false, status: 400, message: 'size must be a positive integer (bytes)' };
		}
		if (size > maxBytes) return { ok: false, status: 413, message: `File too large: ${size} bytes, the limit is ${maxBytes} bytes` };
		if (fields.content_type !== undefined && typeof fields.content_type !== 'string') {
			return { ok: false, status: 400, message: 'content_type must be a string' };
		}
		const contentType = (fields.content_type as string | undefined) ?? contentTypeForName(filename);
		const id = this.bytes(12).toString('hex');
		const token = this.bytes(16).toString('hex');
		const ticket: Ticket = { id, filename: safeName(filename), size, contentType, flow: 'current' };
		this.tickets.set(token, ticket);
		return {
			ok: true,
			data: {
				id,
				download_url: this.mediaUrl(ticket.id, ticket.filename),
				expires_at: new Date(Date.now() + 3600_000).toISOString(),
				upload: { method: 'PUT', url: `${this.cdnBaseUrl}/upload/${token}`, headers: { 'Content-Type': contentType } },
			},
		};
	}

	/** each::labs' POST /v1/upload/presign: {content_type} gives a PUT URL (15 min) and the public URL to use. */
	createPresign(body: unknown): TicketResult {
		const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
		const contentType = fields.content_type;
		if (typeof contentType !== 'string' || !/^[a-z]+\/[a-z0-9.+-]+$/i.test(contentType)) {
			return { ok: false, status: 400, message: 'content_type is required, e.g. image/png' };
		}
		const id = this.bytes(12).toString('hex');
		const token = this.bytes(16).toString('hex');
		const extension = Object.entries(TYPES_BY_EXTENSION).find(([, type]) => type === contentType)?.[0] ?? '.bin';
		const ticket: Ticket = { id, filename: `${id}${extension}`, contentType, flow: 'presign' };
		this.tickets.set(token, ticket);
		return {
			ok: true,
			data: {
				id,
				presigned_url: `${this.cdnBaseUrl}/upload/${token}`,
				public_url: this.mediaUrl(ticket.id, ticket.filename),
				expires_at: new Date(Date.now() + 15 * 60_000).toISOString(),
				required_headers: { 'Content-Type': contentType },
			},
		};
	}

	/** PUT /upload/<token> on the CDN: like a pre-signed object-store URL (no Authorization, exact size and type). */
	put(token: string, headers: Record<string, string>, body: Buffer, totalBytes: number, maxBytes: number): PutResult {
		const ticket = this.tickets.get(token);
		if (!ticket) return { ok: false, status: 404, message: 'NoSuchUpload: unknown or expired upload URL' };
		if (headers.authorization !== undefined) {
			return { ok: false, status: 400, message: 'InvalidArgument: a pre-signed URL must not carry an Authorization header' };
		}
		if (totalBytes > maxBytes) return { ok: false, status: 413, message: 'EntityTooLarge' };
		if ((headers['content-type'] ?? '') !== ticket.contentType) {
			return { ok: false, status: 403, message: `SignatureDoesNotMatch: Content-Type must be ${ticket.contentType}` };
		}
		if (ticket.size !== undefined && totalBytes !== ticket.size) {
			return { ok: false, status: 400, message: `BadDigest: got ${totalBytes} bytes, the ticket says ${ticket.size}` };
		}
		this.store(ticket.id, ticket.filename, ticket.contentType, body, ticket.flow);
		return { ok: true };
	}

	/** POST /api/v3/media/upload/binary (multipart field `file`): stores at once. */
	storeLegacy(filename: string, contentType: string, bytes: Buffer): Record<string, unknown> {
		const id = this.bytes(12).toString('hex');
		const name = safeName(filename);
		const type = contentType && contentType !== 'application/octet-stream' ? contentType : contentTypeForName(name);
		this.store(id, name, type, bytes, 'legacy');
		return { type: type.startsWith('image/') ? 'image' : 'file', download_url: this.mediaUrl(id, name), filename: name, size: bytes.length };
	}

	/** Media for GET /media/<id>/<filename> on the CDN. */
	getMedia(id: string, filename: string): StoredMedia | undefined {
		const media = this.media.get(id);
		return media && media.filename === filename ? media : undefined;
	}

	clear(): void {
		this.uploads.length = 0;
		this.media.clear();
		this.tickets.clear();
	}

	private mediaUrl(id: string, filename: string): string {
		return `${this.cdnBaseUrl}/media/${id}/${filename}`;
	}

	/** A repeated PUT of the same ticket replaces the file instead of counting a second upload. */
	private store(id: string, filename: string, contentType: string, bytes: Buffer, flow: UploadRecord['flow']): void {
		const url = this.mediaUrl(id, filename);
		this.media.set(id, { filename, contentType, bytes });
		const existing = this.uploads.find((upload) => upload.id === id);
		if (existing) existing.bytes = bytes.length;
		else this.uploads.push({ id, bytes: bytes.length, contentType, url, flow });
	}
}
