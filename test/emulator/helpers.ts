/** Plain-HTTP helpers for the emulator contract tests (no client code from the package is used). */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import type { Emulator } from '../../dev/emulator';

export interface Answer {
	status: number;
	headers: Headers;
	text: string;
	/** Parsed body, undefined when the body is not JSON. */
	json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read arbitrary answer shapes
}

/** Calls the emulator API with the right key unless headers override it. */
export async function api(
	emulator: Emulator,
	method: string,
	path: string,
	body?: unknown,
	headers: Record<string, string> = {},
): Promise<Answer> {
	const response = await fetch(`${emulator.baseUrl}${path}`, {
		method,
		headers: {
			authorization: `Bearer ${emulator.apiKey}`,
			...(body === undefined ? {} : { 'content-type': 'application/json' }),
			...headers,
		},
		body: body === undefined ? undefined : JSON.stringify(body),
		redirect: 'manual',
	});
	const text = await response.text();
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: response.status, headers: response.headers, text, json };
}

export const EDIT = '/api/v3/openai/gpt-image-2/edit';
export const T2I = '/api/v3/openai/gpt-image-2/text-to-image';
export const result = (id: string): string => `/api/v3/predictions/${id}/result`;

/** Downloads bytes without any auth header. */
export async function download(url: string): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
	const response = await fetch(url, { redirect: 'manual' });
	return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}

/** A solid-colour test picture. */
export const solidImage = (width: number, height: number, colour: string, format: 'png' | 'jpeg' = 'png'): Promise<Buffer> =>
	sharp({ create: { width, height, channels: 3, background: colour } })[format]().toBuffer();

/** Mean R, G, B of an image. */
export async function meanColour(image: Buffer): Promise<[number, number, number]> {
	const stats = await sharp(image).stats();
	return [stats.channels[0].mean, stats.channels[1].mean, stats.channels[2].mean];
}

export interface TestServer {
	url: string;
	received: Array<{ method: string; path: string; headers: IncomingMessage['headers']; body: string }>;
	close(): Promise<void>;
}

/** A small loopback server (image host or webhook receiver); the handler answers, every request is kept. */
export function testServer(handler: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void): Promise<TestServer> {
	const received: TestServer['received'] = [];
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const body = Buffer.concat(chunks);
			received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: body.toString('utf8') });
			handler(req, res, body);
		});
	});
	return new Promise((resolve) => {
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as AddressInfo;
			resolve({
				url: `http://127.0.0.1:${port}`,
				received,
				close: () =>
					new Promise<void>((done) => {
						server.close(() => done());
						server.closeAllConnections();
					}),
			});
		});
	});
}

/** Serves fixed files by path ('/red.png' -> buffer); anything else is 404. */
export function imageHost(files: Record<string, { bytes: Buffer; type: string }>): Promise<TestServer> {
	return testServer((req, res) => {
		const file = files[req.url ?? ''];
		if (!file) {
			res.writeHead(404).end('missing');
			return;
		}
		res.writeHead(200, { 'content-type': file.type, 'content-length': String(file.bytes.length) }).end(file.bytes);
	});
}

/** Resolves after ms (only to let server-side state move on, never to measure time). */
export const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls the result URL until the status is final; returns every status seen, in order. */
export async function pollUntilDone(emulator: Emulator, id: string, everyMs = 10): Promise<{ statuses: string[]; last: Answer }> {
	const statuses: string[] = [];
	for (;;) {
		const answer = await api(emulator, 'GET', result(id));
		const status = answer.json?.data?.status as string;
		if (statuses[statuses.length - 1] !== status) statuses.push(status);
		if (status === 'completed' || status === 'failed') return { statuses, last: answer };
		await pause(everyMs);
	}
}
