/** Small HTTP helpers shared by the API and CDN listeners: body reading, JSON envelopes, plain answers. */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface ReadBody {
	/** The body, or only its first `limit` bytes when it was larger. */
	bytes: Buffer;
	/** Bytes that arrived in total. */
	totalBytes: number;
	tooLarge: boolean;
}

/** Reads the whole body, keeping at most `limit` bytes (the rest is drained so the client is not cut off). */
export function readBody(req: IncomingMessage, limit = Infinity): Promise<ReadBody> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let kept = 0;
		let total = 0;
		req.on('data', (chunk: Buffer) => {
			total += chunk.length;
			if (kept + chunk.length <= limit) {
				chunks.push(chunk);
				kept += chunk.length;
			}
		});
		req.on('end', () => resolve({ bytes: Buffer.concat(chunks), totalBytes: total, tooLarge: total > limit }));
		req.on('error', reject);
		req.on('aborted', () => reject(new Error('request aborted')));
	});
}

/** Parses JSON text; undefined when it is not JSON. */
export function tryParseJson(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}

/** True once the client went away or the answer was already sent. */
export const isGone = (res: ServerResponse): boolean => res.writableEnded || res.destroyed;

/** Sends a JSON body with an exact Content-Length. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
	sendText(res, status, JSON.stringify(body), 'application/json; charset=utf-8', headers);
}

/** Sends text with an exact Content-Length. */
export function sendText(
	res: ServerResponse,
	status: number,
	text: string,
	contentType = 'text/plain; charset=utf-8',
	headers: Record<string, string> = {},
): void {
	if (isGone(res)) return;
	const body = Buffer.from(text, 'utf8');
	res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': String(body.length), ...headers });
	res.end(body);
}

/** The WaveSpeed success envelope: code mirrors the HTTP status. */
export const sendData = (res: ServerResponse, data: unknown): void =>
	sendJson(res, 200, { code: 200, message: 'success', data });

/** The WaveSpeed error envelope: { code, message, data: null } with code = HTTP status. */
export const sendError = (res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void =>
	sendJson(res, status, { code: status, message, data: null }, headers);

/** Lower-cased header names, multi-valued headers joined like Node does for most of them. */
export function flatHeaders(req: IncomingMessage): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [name, value] of Object.entries(req.headers)) {
		if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
	}
	return out;
}

/** Query parameters as a plain object (last value wins). */
export const queryObject = (url: URL): Record<string, string> => Object.fromEntries(url.searchParams.entries());
