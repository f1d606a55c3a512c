/** Fetching reference images the way WaveSpeed does: real HTTP to any host, failing the task with 1402. */
import { Agent, interceptors, request, type Dispatcher } from 'undici';
import sharp from 'sharp';

/** Header the emulator puts on its own fetches so its CDN listener can tell them apart (no faults hit them). */
export const INTERNAL_FETCH_HEADER = 'x-wavespeed-emulator-fetch';

/** Largest reference image the emulator downloads. */
const MAX_REFERENCE_BYTES = 50 * 1024 * 1024;

export class ReferenceError extends Error {}

/** Builds the dispatcher used for reference fetches and webhooks (follows a few redirects, closable). */
export function createDispatcher(): Dispatcher {
	return new Agent({ connectTimeout: 10_000, headersTimeout: 30_000, bodyTimeout: 30_000 }).compose(
		interceptors.redirect({ maxRedirections: 3 }),
	);
}

/** Downloads one reference URL and checks it decodes as an image; throws ReferenceError naming the URL. */
export async function fetchReference(url: string, dispatcher: Dispatcher, signal: AbortSignal): Promise<Buffer> {
	let body: Buffer;
	try {
		const response = await request(url, {
			dispatcher,
			signal,
			headers: { 'user-agent': 'WaveSpeed-Emulator-Fetcher/1.0', [INTERNAL_FETCH_HEADER]: '1' },
		});
		if (response.statusCode < 200 || response.statusCode >= 300) {
			await response.body.dump();
			throw new ReferenceError(`Media URL not reachable: ${url} answered HTTP ${response.statusCode}`);
		}
		body = await readCapped(response.body, url);
	} catch (error) {
		if (error instanceof ReferenceError) throw error;
		const reason = error instanceof Error ? error.message : String(error);
		throw new ReferenceError(`Media URL not reachable: ${url} (${reason})`);
	}
	try {
		await sharp(body).metadata();
	} catch {
		throw new ReferenceError(`Media URL is not a supported image: ${url}`);
	}
	return body;
}

async function readCapped(body: Dispatcher.ResponseData['body'], url: string): Promise<Buffer> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of body) {
		size += (chunk as Buffer).length;
		if (size > MAX_REFERENCE_BYTES) {
			body.destroy();
			throw new ReferenceError(`Media URL too large (over ${MAX_REFERENCE_BYTES} bytes): ${url}`);
		}
		chunks.push(chunk as Buffer);
	}
	return Buffer.concat(chunks);
}
