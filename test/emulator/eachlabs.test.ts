/** The each::labs dialect on the shared engine: create/read, both schemas, both status words, output shapes, money. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';

import type { Emulator } from '../../dev/emulator';
import { startEmulator } from '../../dev/emulator';
import { api, download, solidImage } from './helpers';

let emulator: Emulator;
beforeAll(async () => {
	emulator = await startEmulator({ dialect: 'eachlabs', latencyMs: 50 });
});
afterAll(async () => await emulator.close());
beforeEach(() => {
	emulator.reset();
	emulator.configure({ latencyMs: 50, eachlabsSchema: 'array', eachlabsStatusWords: 'docs', eachlabsOutputShape: 'string', eachlabsFailureIn: 'error', inFlightCap: Infinity, balance: 42.5 });
});

const create = (input: Record<string, unknown>, model = 'gpt-image-v2-text-to-image', extra: Record<string, unknown> = {}) =>
	api(emulator, 'POST', '/v1/prediction', { model, version: '0.0.1', input, ...extra });

async function finished(id: string) {
	await emulator.waitForTask(id);
	return (await api(emulator, 'GET', `/v1/prediction/${id}`)).json;
}

it('creates a prediction (predictionID), reads it until success, with metrics.cost and a CDN URL of the asked size', async () => {
	const created = await create({ prompt: 'a red bike', size: '1536x1024' });
	expect(created.status).toBe(200);
	expect(created.json).toMatchObject({ status: 'success', predictionID: expect.any(String) });
	const prediction = await finished(created.json.predictionID);
	expect(prediction).toMatchObject({ status: 'success', metrics: { cost: 0.17 } });
	const image = await download(prediction.output as string);
	expect(await sharp(image.bytes).metadata()).toMatchObject({ width: 1536, height: 1024 });
	expect(emulator.spentUsd).toBeCloseTo(0.17);
});

it('refuses a wrong key with 401 and the documented body; accepts the legacy X-API-Key header', async () => {
	const wrong = await api(emulator, 'GET', '/v1/executions?limit=1', undefined, { authorization: 'Bearer nope' });
	expect([wrong.status, wrong.json]).toEqual([401, { error: 'Invalid or missing API key' }]);
	const legacy = await api(emulator, 'GET', '/v1/executions?limit=1', undefined, { authorization: '', 'x-api-key': emulator.apiKey });
	expect(legacy.status).toBe(200);
});

it.each(['array', 'single'] as const)('serves the %s schema variant and holds create to it', async (variant) => {
	emulator.configure({ eachlabsSchema: variant });
	const model = await api(emulator, 'GET', '/v1/model?slug=gpt-image-v2-edit', undefined, { authorization: '' });
	const fields = Object.keys(model.json.request_schema.properties);
	expect(fields).toContain(variant === 'array' ? 'image_urls' : 'image_url');
	const wrongField = variant === 'array' ? { image_url: 'https://example.com/a.png' } : { image_urls: ['https://example.com/a.png'] };
	const refused = await create({ prompt: 'x', ...wrongField }, 'gpt-image-v2-edit');
	expect(refused.status).toBe(400);
	expect(refused.json.error).toBe('Invalid input for model');
});

it('the unavailable variant answers 500 on the model endpoint', async () => {
	emulator.configure({ eachlabsSchema: 'unavailable' });
	expect((await api(emulator, 'GET', '/v1/model?slug=gpt-image-v2-edit')).status).toBe(500);
});

it.each([
	['string', (url: string) => url],
	['array', (url: string) => [url]],
	['object', (url: string) => ({ url })],
] as const)('output as a %s', async (shape, expected) => {
	emulator.configure({ eachlabsOutputShape: shape });
	const created = await create({ prompt: 'a bike' });
	const prediction = await finished(created.json.predictionID);
	expect(prediction.output).toEqual(expected(emulator.tasks[0].outputs[0]));
});

it.each([
	['docs', 'error', 'error'],
	['openapi', 'failed', 'logs'],
	['docs', 'error', 'output'],
] as const)('a failed task says %s words (%s), reason in %s', async (words, status, where) => {
	emulator.configure({ eachlabsStatusWords: words, eachlabsFailureIn: where });
	emulator.injectFault({ endpoint: 'submit', kind: 'task-failed', taskErrorCode: 1200 });
	const created = await create({ prompt: 'a bike' });
	const prediction = await finished(created.json.predictionID);
	expect(prediction.status).toBe(status);
	const text = JSON.stringify(where === 'output' ? prediction.output : prediction[where]);
	expect(text).toMatch(/Content moderation/);
	if (where === 'output') expect(prediction.output.classification).toBe('content_moderation');
});

it('429 at the in-flight cap creates nothing; 402 when reservations exceed the balance', async () => {
	emulator.configure({ inFlightCap: 1, latencyMs: 400 });
	const first = await create({ prompt: 'one' });
	const capped = await create({ prompt: 'two' });
	expect([first.status, capped.status]).toEqual([200, 429]);
	expect(capped.json.details).toMatch(/concurrency limit/);
	expect(emulator.tasks).toHaveLength(1);
	emulator.configure({ inFlightCap: Infinity, balance: 0.3, reservationUsd: 0.25 });
	const broke = await create({ prompt: 'three' });
	expect(broke.status).toBe(402);
	expect(broke.json).toMatchObject({ status: 402, error: 'payment required', details: expect.stringMatching(/in-flight executions exceeds your current balance/) });
	expect(emulator.tasks).toHaveLength(1);
});

it('presigned upload: PUT without Authorization, then the public URL is a usable reference', async () => {
	const ticket = await api(emulator, 'POST', '/v1/upload/presign', { content_type: 'image/png', file_type: 'image' });
	expect(ticket.json).toMatchObject({ presigned_url: expect.any(String), public_url: expect.any(String), required_headers: { 'Content-Type': 'image/png' } });
	const png = await solidImage(64, 48, '#00f');
	const withAuth = await fetch(ticket.json.presigned_url, { method: 'PUT', body: new Uint8Array(png), headers: { 'content-type': 'image/png', authorization: 'Bearer x' } });
	expect(withAuth.status).toBe(400);
	const put = await fetch(ticket.json.presigned_url, { method: 'PUT', body: new Uint8Array(png), headers: { 'content-type': 'image/png' } });
	expect(put.status).toBe(200);
	const created = await create({ prompt: 'edit', image_urls: [ticket.json.public_url] }, 'gpt-image-v2-edit');
	const prediction = await finished(created.json.predictionID);
	expect(prediction.status).toBe('success');
	expect(emulator.uploads).toMatchObject([{ flow: 'presign', contentType: 'image/png' }]);
});

it('webhooks carry X-Webhook-Secret verbatim and the webhook words', async () => {
	const received: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];
	const server = http.createServer((req, res) => {
		let body = '';
		req.on('data', (c: Buffer) => (body += c.toString()));
		req.on('end', () => {
			received.push({ headers: req.headers, body });
			res.end('ok');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	try {
		const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
		const created = await create({ prompt: 'a bike' }, 'gpt-image-v2-text-to-image', { webhook_url: url, webhook_secret: 's3cret' });
		await emulator.waitForTask(created.json.predictionID);
		while (emulator.webhookDeliveries.length === 0) await new Promise((r) => setTimeout(r, 20));
		expect(received[0].headers['x-webhook-secret']).toBe('s3cret');
		expect(JSON.parse(received[0].body)).toMatchObject({ exec_id: created.json.predictionID, status: 'succeeded' });
	} finally {
		server.close();
	}
});
