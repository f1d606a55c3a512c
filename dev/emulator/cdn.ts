/** The CDN origin: public outputs and uploaded media (no auth), and the pre-signed upload PUTs. */
import type { ServerResponse } from 'node:http';
import { PRE_HANDLER_KINDS, sendFault } from './faults';
import { isGone, sendText } from './http';
import { INTERNAL_FETCH_HEADER } from './references';
import type { Exchange } from './server';
import type { EmulatorState, StoredOutput } from './state';
import type { FaultRule } from './types';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A PNG signature and IHDR chunk of a 20000x20000 picture: looks like a real (huge) PNG to a sniffing client. */
function pngHeader(): Buffer {
	const ihdr = Buffer.alloc(25);
	ihdr.writeUInt32BE(13, 0);
	ihdr.write('IHDR', 4, 'ascii');
	ihdr.writeUInt32BE(20000, 8);
	ihdr.writeUInt32BE(20000, 12);
	ihdr.writeUInt8(8, 16); // bit depth
	ihdr.writeUInt8(2, 17); // colour type RGB
	return Buffer.concat([PNG_SIGNATURE, ihdr]);
}

/** Waits until the response can take more data or the client went away. */
function drainedOrClosed(res: ServerResponse): Promise<void> {
	return new Promise((resolve) => {
		const done = (): void => {
			res.off('drain', done);
			res.off('close', done);
			resolve();
		};
		res.on('drain', done);
		res.on('close', done);
	});
}

/** Streams the 'cdn-huge' body with back-pressure; stops as soon as the client hangs up. */
async function streamHuge(res: ServerResponse, hugeBytes: number): Promise<void> {
	const header = pngHeader();
	res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': String(header.length + hugeBytes) });
	res.write(header);
	const chunk = Buffer.alloc(64 * 1024);
	let left = hugeBytes;
	while (left > 0 && !isGone(res)) {
		const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
		left -= piece.length;
		if (!res.write(piece)) await drainedOrClosed(res);
	}
	if (!isGone(res)) res.end();
}

/** Sends the real file one byte at a time, `everyMs` apart, until done or the client hangs up. */
async function trickle(state: EmulatorState, res: ServerResponse, file: StoredOutput, everyMs: number): Promise<void> {
	res.writeHead(200, { 'Content-Type': file.contentType, 'Content-Length': String(file.bytes.length) });
	for (let i = 0; i < file.bytes.length && !isGone(res); i++) {
		res.write(file.bytes.subarray(i, i + 1));
		await state.timers.sleep(everyMs);
	}
	if (!isGone(res)) res.end();
}

/** Serves a stored file (GET and HEAD) with exact Content-Type and Content-Length. */
function serveFile(res: ServerResponse, method: string, file: StoredOutput): void {
	res.writeHead(200, {
		'Content-Type': file.contentType,
		'Content-Length': String(file.bytes.length),
		'Cache-Control': 'public, max-age=604800',
	});
	res.end(method === 'HEAD' ? undefined : file.bytes);
}

/** Applies a fault to a CDN download; returns true when the fault answered the request. */
async function downloadFault(state: EmulatorState, exchange: Exchange, fault: FaultRule, file: StoredOutput): Promise<boolean> {
	const { res, url } = exchange;
	switch (fault.kind) {
		case 'cdn-not-image':
			sendText(res, 200, '<!DOCTYPE html><html><body><h1>Access denied</h1></body></html>', 'image/png');
			return true;
		case 'cdn-redirect':
			res.writeHead(302, { Location: `${state.cdnMirrorBaseUrl}${url.pathname}${url.search}`, 'Content-Length': '0' });
			res.end();
			return true;
		case 'cdn-huge':
			await streamHuge(res, fault.hugeBytes ?? 60 * 1024 * 1024);
			return true;
		case 'malformed':
			sendText(res, 200, 'not an image at all', file.contentType);
			return true;
		case 'truncated':
			// Announces the full length, sends half, then hangs up: a download cut mid-way.
			res.writeHead(200, { 'Content-Type': file.contentType, 'Content-Length': String(file.bytes.length) });
			res.write(file.bytes.subarray(0, Math.floor(file.bytes.length / 2)), () => res.destroy());
			return true;
		case 'slow':
			await state.timers.sleep(fault.delayMs ?? 2000);
			return isGone(res);
		case 'cdn-trickle':
			await trickle(state, res, file, fault.trickleMs ?? 2000);
			return true;
		default:
			if (!PRE_HANDLER_KINDS.includes(fault.kind)) return false;
			sendFault(res, fault);
			return true;
	}
}

/** GET/HEAD of an output or an uploaded file. */
async function download(state: EmulatorState, exchange: Exchange, file: StoredOutput | undefined, isMirror: boolean): Promise<void> {
	const { res, record } = exchange;
	record.endpoint = 'cdn';
	if (!file) return sendText(res, 404, 'Not Found');
	const fault = record.internal ? undefined : state.faults.take('cdn', isMirror ? ['cdn-redirect'] : []);
	if (fault) {
		record.fault = fault.kind;
		if (await downloadFault(state, exchange, fault, file)) return;
	}
	serveFile(res, record.method, file);
}

/** PUT of a pre-signed upload URL. */
async function uploadPut(state: EmulatorState, exchange: Exchange, token: string): Promise<void> {
	const { res, record, body } = exchange;
	record.endpoint = 'upload-put';
	const fault = state.faults.take('upload-put');
	if (fault) record.fault = fault.kind;
	if (fault && PRE_HANDLER_KINDS.includes(fault.kind)) return sendFault(res, fault);
	if (fault?.kind === 'slow') {
		await state.timers.sleep(fault.delayMs ?? 2000);
		if (isGone(res)) return;
	}
	const result = state.uploads.put(token, record.headers, body.bytes, body.totalBytes, state.config.maxUploadBytes);
	if (!result.ok) return sendText(res, result.status, result.message);
	res.writeHead(200, { ETag: `"${token.slice(0, 16)}"`, 'Content-Length': '0' });
	res.end();
}

/** Routes one CDN request (main CDN origin or its mirror, which the 'cdn-redirect' fault points at). */
export async function routeCdn(state: EmulatorState, exchange: Exchange, isMirror: boolean): Promise<void> {
	const { record, url } = exchange;
	record.internal = record.headers[INTERNAL_FETCH_HEADER] === '1' || undefined;
	const method = record.method;
	const put = /^\/upload\/([A-Za-z0-9]+)$/.exec(url.pathname);
	if (method === 'PUT' && put) return uploadPut(state, exchange, put[1]);
	if (method === 'GET' || method === 'HEAD') {
		const output = /^\/outputs\/([A-Za-z0-9-]+\.(?:png|jpeg|webp|gif|svg))$/.exec(url.pathname);
		if (output) return download(state, exchange, state.outputs.get(output[1]), isMirror);
		const media = /^\/media\/([A-Za-z0-9]+)\/([^/]+)$/.exec(url.pathname);
		if (media) return download(state, exchange, state.uploads.getMedia(media[1], decodeURIComponent(media[2])), isMirror);
	}
	sendText(exchange.res, 404, 'Not Found');
}
