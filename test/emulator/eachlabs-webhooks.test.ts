/** Contract: each::labs callbacks signed as its docs say (checked here with node:crypto), retries, redeliveries, tampering knobs. */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startEmulator, type Emulator, type WebhookTamper } from '../../dev/emulator';
import { api, pause, testServer, type TestServer } from './helpers';

const SECRET = 'whs-each-0123456789';
let emulator: Emulator;
let receiver: TestServer;
/** How the receiver answers the next deliveries (shifted per delivery; 200 once empty). */
const answers: number[] = [];

beforeAll(async () => {
	emulator = await startEmulator({ dialect: 'eachlabs', latencyMs: 10 });
	receiver = await testServer((_req: IncomingMessage, res: ServerResponse) => res.writeHead(answers.shift() ?? 200).end());
});
afterAll(async () => {
	await emulator.close();
	await receiver.close();
});
beforeEach(() => {
	emulator.reset();
	receiver.received.length = 0;
	answers.length = 0;
	emulator.configure({ webhookTamper: 'none', eachlabsWebhookRetryMs: 10_000, eachlabsWebhookErrorShape: 'string', eachlabsOutputShape: 'string' });
});

/** The docs' rule: `sha256=` + lowercase hex HMAC-SHA256(secret, `<timestamp>.<raw body>`), compared in constant time. */
function signatureValid(secret: string, headers: IncomingMessage['headers'], body: string): boolean {
	const timestamp = String(headers['x-webhook-timestamp']);
	const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
	const given = String(headers['x-webhook-signature'] ?? '');
	return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

async function submit(extra: Record<string, unknown> = {}, input: Record<string, unknown> = { prompt: 'a lamp' }): Promise<string> {
	const created = await api(emulator, 'POST', '/v1/prediction', { model: 'gpt-image-v2-5-flare-text-to-image', version: '0.0.1', input, webhook_url: `${receiver.url}/hook?sku=1`, webhook_secret: SECRET, ...extra });
	expect(created.status).toBe(200);
	return created.json.predictionID as string;
}

async function received(count: number) {
	for (let waited = 0; receiver.received.length < count; waited += 10) {
		if (waited > 20_000) throw new Error(`only ${receiver.received.length} deliveries`);
		await pause(10);
	}
	return receiver.received;
}

it('signs a success callback: X-Webhook-Signature over timestamp and raw body, X-Webhook-Timestamp now, legacy X-Webhook-Secret', async () => {
	const id = await submit();
	const [delivery] = await received(1);
	expect(delivery.path).toBe('/hook?sku=1');
	expect(delivery.headers['content-type']).toBe('application/json');
	expect(signatureValid(SECRET, delivery.headers, delivery.body)).toBe(true);
	expect(String(delivery.headers['x-webhook-signature'])).toMatch(/^sha256=[0-9a-f]{64}$/);
	expect(Math.abs(Number(delivery.headers['x-webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(5);
	expect(delivery.headers['x-webhook-secret']).toBe(SECRET);
	expect(delivery.headers['x-webhook-redelivery']).toBeUndefined();
	expect(JSON.parse(delivery.body)).toEqual({ exec_id: id, flow_id: null, status: 'succeeded', output: expect.stringMatching(/^http.*\.png$/), error: '' });
	expect(signatureValid('another-secret', delivery.headers, delivery.body)).toBe(false);
});

it('several images: output is an array in the callback too', async () => {
	await submit({}, { prompt: 'two', num_images: 2 });
	const [delivery] = await received(1);
	expect(JSON.parse(delivery.body).output).toEqual([expect.stringMatching(/^http/), expect.stringMatching(/^http/)]);
});

it('without a webhook_secret the callback is unsigned', async () => {
	await submit({ webhook_secret: undefined });
	const [delivery] = await received(1);
	expect(delivery.headers['x-webhook-signature']).toBeUndefined();
	expect(delivery.headers['x-webhook-timestamp']).toBeUndefined();
	expect(delivery.headers['x-webhook-secret']).toBeUndefined();
	expect(JSON.parse(delivery.body).status).toBe('succeeded');
});

it('a failure callback: status failed, the reason in output[0].error (string by default, upper-case code by knob)', async () => {
	emulator.injectFault({ endpoint: 'submit', kind: 'task-failed', taskErrorCode: 1401, taskError: 'prompt too long' });
	const id = await submit();
	expect(JSON.parse((await received(1))[0].body)).toEqual({ exec_id: id, flow_id: null, status: 'failed', output: [{ error: 'prompt too long' }], error: '' });
	emulator.configure({ eachlabsWebhookErrorShape: 'object' });
	emulator.injectFault({ endpoint: 'submit', kind: 'task-timeout' });
	await submit();
	const timeout = JSON.parse((await received(2))[1].body);
	expect(timeout.output).toEqual([{ error: { error_code: 'EXECUTION_TIMEOUT', error_message: expect.any(String) } }]);
	emulator.injectFault({ endpoint: 'submit', kind: 'task-failed', taskErrorCode: 1401 });
	await submit();
	expect(JSON.parse((await received(3))[2].body).output[0].error.error_code).toBe('INPUT_VALIDATION_ERROR');
});

it('retries an unacknowledged callback: 3 attempts, eachlabsWebhookRetryMs apart, the same body, signature and timestamp', async () => {
	emulator.configure({ eachlabsWebhookRetryMs: 150 });
	answers.push(500, 503, 500);
	await submit();
	const deliveries = await received(3);
	await pause(400);
	expect(receiver.received).toHaveLength(3); // no fourth attempt
	for (const field of ['x-webhook-signature', 'x-webhook-timestamp'] as const) expect(new Set(deliveries.map((d) => d.headers[field])).size).toBe(1);
	expect(new Set(deliveries.map((d) => d.body)).size).toBe(1);
	expect(deliveries.every((d) => signatureValid(SECRET, d.headers, d.body))).toBe(true);
	expect(emulator.webhookDeliveries.map((d) => [d.attempt, d.status])).toEqual([[1, 500], [2, 503], [3, 500]]);
});

it('stops retrying once a retry is acknowledged', async () => {
	emulator.configure({ eachlabsWebhookRetryMs: 100 });
	answers.push(502);
	await submit();
	await received(2);
	await pause(300);
	expect(emulator.webhookDeliveries.map((d) => [d.attempt, d.status])).toEqual([[1, 502], [2, 200]]);
});

it('a 2xx first answer is never retried; the default retry interval is about 10 s (nothing within 1 s)', async () => {
	answers.push(404);
	await submit();
	await received(1);
	await pause(1000);
	expect(receiver.received).toHaveLength(1);
	expect(emulator.config.eachlabsWebhookRetryMs).toBe(10_000);
});

it('redeliverWebhook re-sends signed afresh (new timestamp) with X-Webhook-Redelivery: true', async () => {
	const id = await submit();
	const [original] = await received(1);
	await pause(1100); // a later second: the fresh timestamp differs
	const redelivery = await emulator.redeliverWebhook(id);
	const [, again] = await received(2);
	expect(redelivery).toMatchObject({ status: 200, redelivery: true });
	expect(again.headers['x-webhook-redelivery']).toBe('true');
	expect(again.body).toBe(original.body);
	expect(Number(again.headers['x-webhook-timestamp'])).toBeGreaterThan(Number(original.headers['x-webhook-timestamp']));
	expect(again.headers['x-webhook-signature']).not.toBe(original.headers['x-webhook-signature']);
	expect(signatureValid(SECRET, again.headers, again.body)).toBe(true);
	await expect(emulator.redeliverWebhook('no-such-id')).rejects.toThrow('No finished task');
});

describe('webhookTamper knob (deliveries a receiver must refuse or mark)', () => {
	const deliveryWith = async (tamper: WebhookTamper) => {
		emulator.configure({ webhookTamper: tamper });
		await submit();
		return received(tamper === 'replayed' ? 2 : 1);
	};

	it('forged: signed with another secret', async () => {
		const [d] = await deliveryWith('forged');
		expect(signatureValid(SECRET, d.headers, d.body)).toBe(false);
		expect(d.headers['x-webhook-secret']).not.toBe(SECRET);
	});

	it('altered: the genuine signature over a body that was changed afterwards', async () => {
		const [d] = await deliveryWith('altered');
		expect(signatureValid(SECRET, d.headers, d.body)).toBe(false);
		expect(JSON.parse(d.body).output).toBe('https://attacker.example/swapped.png');
	});

	it('stale: correctly signed, timestamp more than 300 s old', async () => {
		const [d] = await deliveryWith('stale');
		expect(signatureValid(SECRET, d.headers, d.body)).toBe(true);
		expect(Date.now() / 1000 - Number(d.headers['x-webhook-timestamp'])).toBeGreaterThan(300);
	});

	it('replayed: the same bytes and headers twice', async () => {
		const [a, b] = await deliveryWith('replayed');
		expect([b.body, b.headers['x-webhook-signature']]).toEqual([a.body, a.headers['x-webhook-signature']]);
		expect(signatureValid(SECRET, a.headers, a.body)).toBe(true);
	});

	it('secretOnly: the legacy X-Webhook-Secret and no signature; unsigned: neither', async () => {
		const [legacy] = await deliveryWith('secretOnly');
		expect([legacy.headers['x-webhook-secret'], legacy.headers['x-webhook-signature']]).toEqual([SECRET, undefined]);
		receiver.received.length = 0;
		const [bare] = await deliveryWith('unsigned');
		expect([bare.headers['x-webhook-secret'], bare.headers['x-webhook-signature']]).toEqual([undefined, undefined]);
	});

	it('malformed and notJson', async () => {
		const [malformed] = await deliveryWith('malformed');
		expect(malformed.headers['x-webhook-timestamp']).toBe('yesterday');
		expect(signatureValid(SECRET, malformed.headers, malformed.body)).toBe(false);
		receiver.received.length = 0;
		const [garbled] = await deliveryWith('notJson');
		expect(signatureValid(SECRET, garbled.headers, garbled.body)).toBe(true);
		expect(() => JSON.parse(garbled.body)).toThrow();
	});
});
