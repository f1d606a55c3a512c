/** Contract: current upload flow (ticket + pre-signed PUT without auth), legacy multipart, limits, CDN serving. */
import { startEmulator, type Emulator } from '../../dev/emulator';
import { api, download, EDIT, solidImage } from './helpers';

let emulator: Emulator;
let png: Buffer;

beforeAll(async () => {
	emulator = await startEmulator({ latencyMs: 20 });
	png = await solidImage(64, 48, '#00ff00');
});
afterAll(() => emulator.close());
beforeEach(() => {
	emulator.reset();
	emulator.configure({ legacyUploadOnly: false, maxUploadBytes: 20 * 1024 * 1024 });
});

/** Legacy multipart upload of `bytes` as field `file`. */
function legacyUpload(bytes: Buffer, name = 'photo.png') {
	const form = new FormData();
	form.append('file', new Blob([new Uint8Array(bytes)], { type: 'image/png' }), name);
	return fetch(`${emulator.baseUrl}/api/v3/media/upload/binary`, {
		method: 'POST',
		headers: { authorization: `Bearer ${emulator.apiKey}` },
		body: form,
	});
}

describe('current flow', () => {
	it('hands out a PUT ticket on the CDN origin; the PUT without auth stores the file', async () => {
		const ticket = await api(emulator, 'POST', '/api/v3/media/uploads', { filename: 'photo.png', size: png.length, content_type: 'image/png' });
		expect(ticket.status).toBe(200);
		const data = ticket.json.data;
		expect(data.upload).toEqual({ method: 'PUT', url: expect.stringMatching(`^${emulator.cdnBaseUrl}/upload/`), headers: { 'Content-Type': 'image/png' } });
		expect(data.download_url).toMatch(new RegExp(`^${emulator.cdnBaseUrl}/media/[0-9a-f]+/photo\\.png$`));
		expect(new URL(data.upload.url).origin).not.toBe(new URL(emulator.baseUrl).origin);

		const put = await fetch(data.upload.url, { method: 'PUT', headers: data.upload.headers, body: new Uint8Array(png) });
		expect(put.status).toBe(200);
		const file = await download(data.download_url);
		expect(file.status).toBe(200);
		expect(file.headers.get('content-type')).toBe('image/png');
		expect(file.bytes.equals(png)).toBe(true);

		expect(emulator.uploads).toEqual([{ id: expect.any(String), bytes: png.length, contentType: 'image/png', url: data.download_url, flow: 'current' }]);
		const cdnRequests = emulator.requests.filter((r) => r.origin === emulator.cdnBaseUrl);
		expect(cdnRequests.map((r) => `${r.method} ${r.endpoint}`)).toEqual(['PUT upload-put', 'GET cdn']);
		for (const request of cdnRequests) expect(request.headers.authorization).toBeUndefined();
	});

	it('refuses a PUT carrying Authorization (400) and one of the wrong size', async () => {
		const ticket = (await api(emulator, 'POST', '/api/v3/media/uploads', { filename: 'a.png', size: png.length })).json.data;
		const withAuth = await fetch(ticket.upload.url, {
			method: 'PUT',
			headers: { ...ticket.upload.headers, authorization: `Bearer ${emulator.apiKey}` },
			body: new Uint8Array(png),
		});
		expect(withAuth.status).toBe(400);
		const short = await fetch(ticket.upload.url, { method: 'PUT', headers: ticket.upload.headers, body: new Uint8Array(png.subarray(1)) });
		expect(short.status).toBe(400);
		expect(emulator.uploads).toHaveLength(0);
		const put = emulator.requests.find((r) => r.endpoint === 'upload-put' && r.headers.authorization);
		expect(put?.status).toBe(400);
	});

	it('answers 413 for a ticket over the size limit and 400 for a bad ticket body', async () => {
		emulator.configure({ maxUploadBytes: 1000 });
		const big = await api(emulator, 'POST', '/api/v3/media/uploads', { filename: 'big.png', size: 1001 });
		expect(big.status).toBe(413);
		expect(big.json).toMatchObject({ code: 413, data: null });
		const bad = await api(emulator, 'POST', '/api/v3/media/uploads', { size: 10 });
		expect(bad.status).toBe(400);
	});

	it('answers 404 when configured legacy-only, and the legacy flow still works', async () => {
		emulator.configure({ legacyUploadOnly: true });
		const ticket = await api(emulator, 'POST', '/api/v3/media/uploads', { filename: 'a.png', size: png.length });
		expect(ticket.status).toBe(404);
		expect(ticket.json).toMatchObject({ code: 404, data: null });
		const legacy = await legacyUpload(png);
		expect(legacy.status).toBe(200);
	});
});

describe('legacy flow', () => {
	it('stores a multipart `file` and serves it from the CDN without auth', async () => {
		const answer = await legacyUpload(png, 'green.png');
		expect(answer.status).toBe(200);
		const body = (await answer.json()) as { code: number; data: { download_url: string; filename: string; size: number } };
		expect(body.code).toBe(200);
		expect(body.data).toMatchObject({ filename: 'green.png', size: png.length });
		expect(body.data.download_url).toMatch(new RegExp(`^${emulator.cdnBaseUrl}/media/`));
		const file = await download(body.data.download_url);
		expect(file.bytes.equals(png)).toBe(true);
		expect(emulator.uploads).toEqual([expect.objectContaining({ flow: 'legacy', bytes: png.length, contentType: 'image/png' })]);
		const cdnGet = emulator.requests.find((r) => r.endpoint === 'cdn');
		expect(cdnGet?.headers.authorization).toBeUndefined();
	});

	it('answers 413 over the size limit and 400 without a file field', async () => {
		emulator.configure({ maxUploadBytes: 100 });
		const big = await legacyUpload(png);
		expect(big.status).toBe(413);
		emulator.configure({ maxUploadBytes: 20 * 1024 * 1024 });
		const form = new FormData();
		form.append('other', 'x');
		const none = await fetch(`${emulator.baseUrl}/api/v3/media/upload/binary`, {
			method: 'POST',
			headers: { authorization: `Bearer ${emulator.apiKey}` },
			body: form,
		});
		expect(none.status).toBe(400);
	});

	it('an uploaded file works as an edit reference', async () => {
		const answer = (await (await legacyUpload(png)).json()) as { data: { download_url: string } };
		const submit = await api(emulator, 'POST', EDIT, { prompt: 'use upload', images: [answer.data.download_url] });
		const task = await emulator.waitForTask(submit.json.data.id);
		expect(task.status).toBe('completed');
		const internal = emulator.requests.find((r) => r.internal);
		expect(internal).toMatchObject({ origin: emulator.cdnBaseUrl, endpoint: 'cdn', status: 200 });
	});
});
