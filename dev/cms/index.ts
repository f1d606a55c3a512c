/**
 * A stand-in for a headless CMS on loopback, for the CMS round-trip example (examples/cms-product-image.json): it
 * serves the product photos (public URLs a provider can fetch), takes media uploads as multipart/form-data, sets an
 * uploaded image on a product, and records what it received so the demo, tests and e2e can check the bytes.
 * It checks what a real CMS checks: the bearer token, the multipart field, that the file is a PNG or JPEG.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import sharp from 'sharp';

/** Stands for the user's CMS in the importable example; the demo, tests and e2e put the stand-in's URL in its place. */
export const CMS_URL_PLACEHOLDER = 'https://cms.example.com';
/** The CMS example's webhook: its Production URL is `<n8n>/webhook/product-published`. */
export const CMS_WEBHOOK_PATH = 'product-published';
export const CMS_WEBHOOK_ID = 'c3d5a1e2-7f4b-4c8e-9a10-5b6c7d8e9f01';

/** The multipart field the media endpoint reads the file from. */
export const CMS_MEDIA_FIELD = 'file';

export interface CmsMedia {
	id: number;
	fileName: string;
	/** The MIME type the multipart part declared. */
	declaredType: string;
	format: 'png' | 'jpeg';
	width: number;
	height: number;
	bytes: number;
	alt?: string;
	url: string;
	data: Buffer;
}

export interface CmsProduct {
	id: string;
	featuredMedia?: number;
}

export interface CmsRequest {
	method: string;
	path: string;
	status: number;
	/** Why the stand-in refused it (4xx), as it answered. */
	refused?: string;
}

export interface Cms {
	baseUrl: string;
	/** The bearer token the API endpoints require (the example's Header Auth credential holds it). */
	token: string;
	/** A photo of `photosDir` as a public URL. */
	photoUrl(file: string): string;
	media: CmsMedia[];
	products: Map<string, CmsProduct>;
	requests: CmsRequest[];
	close(): Promise<void>;
}

export interface CmsOptions {
	/** Folder served at /photos/ (the product photos the CMS already has). */
	photosDir: string;
	/** Products that exist in the CMS. */
	products: string[];
	token?: string;
}

class Refusal extends Error {
	constructor(
		readonly status: number,
		message: string,
	) {
		super(message);
	}
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

function send(res: ServerResponse, status: number, body: unknown): void {
	res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
	res.end(JSON.stringify(body));
}

/** The multipart body, parsed by the platform's own form-data reader (undici). */
async function formData(req: IncomingMessage, body: Buffer): Promise<FormData> {
	const type = req.headers['content-type'] ?? '';
	if (!type.startsWith('multipart/form-data')) throw new Refusal(415, `expected multipart/form-data, got "${type}"`);
	try {
		return await new Response(new Uint8Array(body), { headers: { 'content-type': type } }).formData();
	} catch (error) {
		throw new Refusal(400, `the multipart body does not parse: ${(error as Error).message}`);
	}
}

function fieldNames(form: FormData): string {
	const names: string[] = [];
	form.forEach((_value, name) => names.push(name));
	return names.join(', ');
}

export async function startCms(options: CmsOptions): Promise<Cms> {
	const token = options.token ?? 'cms-stand-in-token';
	const media: CmsMedia[] = [];
	const products = new Map(options.products.map((id) => [id, { id } as CmsProduct]));
	const requests: CmsRequest[] = [];
	let base = '';

	const authorize = (req: IncomingMessage) => {
		if (req.headers.authorization !== `Bearer ${token}`) throw new Refusal(401, 'missing or wrong bearer token');
	};

	async function upload(req: IncomingMessage): Promise<CmsMedia> {
		authorize(req);
		const form = await formData(req, await readBody(req));
		const file = form.get(CMS_MEDIA_FIELD);
		if (!(file instanceof Blob)) throw new Refusal(400, `no file in the multipart field "${CMS_MEDIA_FIELD}" (fields: ${fieldNames(form) || 'none'})`);
		const data = Buffer.from(await file.arrayBuffer());
		const meta = await sharp(data)
			.metadata()
			.catch(() => undefined);
		if (!meta || (meta.format !== 'png' && meta.format !== 'jpeg') || !meta.width || !meta.height) {
			throw new Refusal(415, `the file is not a PNG or JPEG image (${data.length} bytes, detected ${meta?.format ?? 'nothing'})`);
		}
		const id = media.length + 1;
		const fileName = 'name' in file && typeof file.name === 'string' ? file.name : `media-${id}`;
		const alt = form.get('alt');
		const entry: CmsMedia = {
			id,
			fileName,
			declaredType: file.type,
			format: meta.format,
			width: meta.width,
			height: meta.height,
			bytes: data.length,
			alt: typeof alt === 'string' ? alt : undefined,
			url: `${base}/media/${id}/${encodeURIComponent(fileName)}`,
			data,
		};
		media.push(entry);
		return entry;
	}

	async function setImage(req: IncomingMessage, productId: string): Promise<{ id: string; featured_media: number; image_url: string }> {
		authorize(req);
		const product = products.get(productId);
		if (!product) throw new Refusal(404, `no product "${productId}"`);
		let body: { featured_media?: unknown };
		try {
			body = JSON.parse((await readBody(req)).toString('utf8')) as { featured_media?: unknown };
		} catch {
			throw new Refusal(400, 'the body is not JSON');
		}
		const chosen = media.find((m) => m.id === Number(body.featured_media));
		if (!chosen) throw new Refusal(400, `featured_media ${JSON.stringify(body.featured_media)} is not an uploaded media id`);
		product.featuredMedia = chosen.id;
		return { id: product.id, featured_media: chosen.id, image_url: chosen.url };
	}

	function servePhoto(res: ServerResponse, file: string): boolean {
		const full = path.join(options.photosDir, path.basename(file));
		if (!existsSync(full) || !statSync(full).isFile()) return false;
		res.writeHead(200, { 'content-type': full.endsWith('.png') ? 'image/png' : 'image/jpeg', 'content-length': statSync(full).size });
		createReadStream(full).pipe(res);
		return true;
	}

	async function route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<number> {
		const product = /^\/api\/products\/([^/]+)$/.exec(url.pathname);
		const uploaded = /^\/media\/(\d+)\//.exec(url.pathname);
		if (req.method === 'GET' && url.pathname.startsWith('/photos/')) {
			if (servePhoto(res, decodeURIComponent(url.pathname.slice('/photos/'.length)))) return 200;
		} else if (req.method === 'GET' && uploaded) {
			const entry = media.find((m) => m.id === Number(uploaded[1]));
			if (entry) {
				res.writeHead(200, { 'content-type': `image/${entry.format}`, 'content-length': entry.bytes });
				res.end(entry.data);
				return 200;
			}
		} else if (req.method === 'POST' && url.pathname === '/api/media') {
			const { data: _bytes, ...entry } = await upload(req);
			send(res, 201, entry);
			return 201;
		} else if (req.method === 'PATCH' && product) {
			send(res, 200, await setImage(req, decodeURIComponent(product[1])));
			return 200;
		}
		throw new Refusal(404, `no route ${req.method} ${url.pathname}`);
	}

	const server = createServer((req, res) => {
		const url = new URL(req.url ?? '/', base);
		route(req, res, url).then(
			(status) => requests.push({ method: req.method ?? '', path: url.pathname, status }),
			(error: unknown) => {
				const status = error instanceof Refusal ? error.status : 500;
				const message = error instanceof Error ? error.message : String(error);
				requests.push({ method: req.method ?? '', path: url.pathname, status, refused: message });
				if (!res.headersSent) send(res, status, { message });
				else res.destroy();
			},
		);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return {
		baseUrl: base,
		token,
		photoUrl: (file) => `${base}/photos/${encodeURIComponent(file)}`,
		media,
		products,
		requests,
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
