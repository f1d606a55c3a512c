/** HTTP listeners: every request is recorded, its body read, then handed to the API or CDN router. */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { flatHeaders, queryObject, readBody, sendError, tryParseJson, type ReadBody } from './http';
import type { EmulatorState } from './state';
import type { RecordedRequest } from './types';

/** One request in flight, as the routers see it. */
export interface Exchange {
	req: IncomingMessage;
	res: ServerResponse;
	url: URL;
	record: RecordedRequest;
	body: ReadBody;
}

export type Router = (exchange: Exchange) => Promise<void>;

export interface Listener {
	server: http.Server;
	origin: string;
}

let sequence = 0;

/** Builds the record of a request at arrival (the router fills in endpoint, fault and body details). */
function recordOf(req: IncomingMessage, origin: string, url: URL): RecordedRequest {
	return {
		seq: ++sequence,
		at: Date.now(),
		origin,
		method: req.method ?? 'GET',
		path: url.pathname,
		query: queryObject(url),
		headers: flatHeaders(req),
		bodyBytes: 0,
		endpoint: 'other',
	};
}

/** Handles one request: record, read body, route; a router crash becomes a 500 envelope. */
async function handle(
	req: IncomingMessage,
	res: ServerResponse,
	origin: string,
	state: () => EmulatorState,
	router: Router,
	onRequest?: (record: RecordedRequest) => void,
): Promise<void> {
	const url = new URL(req.url ?? '/', origin);
	const record = recordOf(req, origin, url);
	state().requests.push(record);
	res.on('close', () => {
		record.status = res.writableFinished ? res.statusCode : undefined;
		onRequest?.(record);
	});
	try {
		const body = await readBody(req, state().config.maxUploadBytes);
		record.bodyBytes = body.totalBytes;
		if ((record.headers['content-type'] ?? '').includes('json')) record.json = tryParseJson(body.bytes.toString('utf8'));
		await router({ req, res, url, record, body });
	} catch (error) {
		if (!res.headersSent && !res.destroyed) sendError(res, 500, `Emulator error: ${String(error)}`);
	}
}

/** Starts a listener on host:port (port 0 = any free port). */
export function listen(
	host: string,
	port: number,
	state: () => EmulatorState,
	router: Router,
	onRequest?: (record: RecordedRequest) => void,
): Promise<Listener> {
	return new Promise((resolve, reject) => {
		const listener: Listener = { server: http.createServer(), origin: '' };
		listener.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
			void handle(req, res, listener.origin, state, router, onRequest);
		});
		listener.server.once('error', reject);
		listener.server.listen(port, host, () => {
			const address = listener.server.address() as AddressInfo;
			listener.origin = `http://${host}:${address.port}`;
			resolve(listener);
		});
	});
}

/** Closes a listener at once, including keep-alive and held (sync mode) connections. */
export function closeListener(listener: Listener): Promise<void> {
	return new Promise((resolve) => {
		listener.server.close(() => resolve());
		listener.server.closeAllConnections();
	});
}
