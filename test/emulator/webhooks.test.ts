/** Contract: webhook delivery (bare prediction + input) and its v3 signature, verified independently from the doc. */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { startEmulator, verifyWebhookSignature, type Emulator } from '../../dev/emulator';
import { api, pause, T2I, testServer, type TestServer } from './helpers';

let emulator: Emulator;
let receiver: TestServer;

beforeAll(async () => {
	emulator = await startEmulator({ latencyMs: 20 });
	receiver = await testServer((_req, res) => res.writeHead(204).end());
});
afterAll(async () => {
	await emulator.close();
	await receiver.close();
});
beforeEach(() => emulator.reset());

/** The doc's algorithm: key = secret without 'whsec_', HMAC-SHA256 hex over `${id}.${ts}.${body}`, header `v3,<hex>`. */
function docSignatureValid(secret: string, id: string, timestamp: string, body: string, header: string): boolean {
	const expected = createHmac('sha256', secret.replace(/^whsec_/, '')).update(`${id}.${timestamp}.${body}`).digest('hex');
	const given = header.replace(/^v3,/, '');
	return header.startsWith('v3,') && given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

async function waitForDeliveries(count: number): Promise<void> {
	while (emulator.webhookDeliveries.length < count) await pause(10);
}

it('POSTs the bare prediction plus input on completion, signed with the documented algorithm', async () => {
	const hook = `${receiver.url}/hooks/wavespeed?token=abc`;
	const submit = await api(emulator, 'POST', `${T2I}?webhook=${encodeURIComponent(hook)}`, { prompt: 'hooked', seed: 1 });
	expect(submit.status).toBe(200);
	const id = submit.json.data.id;
	await waitForDeliveries(1);

	const delivery = receiver.received.find((r) => r.path === '/hooks/wavespeed?token=abc');
	expect(delivery?.method).toBe('POST');
	const body = JSON.parse(delivery?.body ?? '{}');
	expect(body).toMatchObject({ id, status: 'completed', code: 0, outputs: [expect.stringContaining('/outputs/')], input: { prompt: 'hooked' } });
	expect(body.code).toBe(0);
	expect(body.data).toBeUndefined(); // bare object, no envelope

	const headers = delivery?.headers ?? {};
	const timestamp = String(headers['webhook-timestamp']);
	expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(300);
	const secret = (await api(emulator, 'GET', '/api/v3/webhook/secret')).json.data.secret;
	expect(docSignatureValid(secret, String(headers['webhook-id']), timestamp, delivery?.body ?? '', String(headers['webhook-signature']))).toBe(true);
	expect(verifyWebhookSignature(secret, headers as Record<string, string>, delivery?.body ?? '')).toBe(true);

	expect(emulator.tasks[0].webhook).toBe(hook);
	expect(emulator.webhookDeliveries[0]).toMatchObject({ url: hook, status: 204 });
});

it('delivers failures too', async () => {
	emulator.injectFault({ endpoint: 'submit', kind: 'task-failed', taskErrorCode: 5003 });
	await api(emulator, 'POST', `${T2I}?webhook=${encodeURIComponent(`${receiver.url}/fail`)}`, { prompt: 'x' });
	await waitForDeliveries(1);
	expect(JSON.parse(emulator.webhookDeliveries[0].body)).toMatchObject({ status: 'failed', code: 5003 });
});

it('records a delivery error when the receiver is unreachable', async () => {
	await api(emulator, 'POST', `${T2I}?webhook=${encodeURIComponent('http://127.0.0.1:9/nobody')}`, { prompt: 'x' });
	await waitForDeliveries(1);
	expect(emulator.webhookDeliveries[0].status).toBeUndefined();
	expect(emulator.webhookDeliveries[0].error).toBeTruthy();
});

describe('verifyWebhookSignature', () => {
	const secret = 'whsec_c2VjcmV0LWtleS1mb3ItdGVzdHM=';
	const body = '{"id":"abc","status":"completed"}';
	const sign = (ts: number, content = body) =>
		`v3,${createHmac('sha256', secret.slice(6)).update(`abc.${ts}.${content}`).digest('hex')}`;
	const now = 1_800_000_000;

	it('accepts a fresh, correct signature', () => {
		expect(verifyWebhookSignature(secret, { 'webhook-id': 'abc', 'webhook-timestamp': String(now), 'webhook-signature': sign(now) }, body, now)).toBe(true);
	});

	it('rejects a tampered body, a wrong secret, a wrong version and an old timestamp', () => {
		const headers = { 'webhook-id': 'abc', 'webhook-timestamp': String(now), 'webhook-signature': sign(now) };
		expect(verifyWebhookSignature(secret, headers, body + ' ', now)).toBe(false);
		expect(verifyWebhookSignature('whsec_other', headers, body, now)).toBe(false);
		expect(verifyWebhookSignature(secret, { ...headers, 'webhook-signature': sign(now).replace('v3,', 'v1,') }, body, now)).toBe(false);
		const old = now - 301;
		expect(verifyWebhookSignature(secret, { 'webhook-id': 'abc', 'webhook-timestamp': String(old), 'webhook-signature': sign(old) }, body, now)).toBe(false);
	});
});

describe('webhookTamper knob', () => {
	it('delivers deliveries a receiver must refuse, each recorded with its kind', async () => {
		for (const tamper of ['forged', 'stale', 'malformed', 'unsigned', 'notJson', 'altered', 'secretOnly'] as const) {
			emulator.reset();
			emulator.configure({ webhookTamper: tamper });
			await api(emulator, 'POST', `${T2I}?webhook=${encodeURIComponent(`${receiver.url}/t`)}`, { prompt: 'x' });
			await waitForDeliveries(1);
			const delivery = emulator.webhookDeliveries[0];
			expect(delivery.tamper).toBe(tamper);
			expect(verifyWebhookSignature(emulator.webhookSecret, delivery.headers, delivery.body)).toBe(tamper === 'notJson');
			if (tamper === 'notJson') expect(() => JSON.parse(delivery.body)).toThrow();
			if (tamper === 'altered') {
				// The genuine signature, over a body other than the one sent.
				expect(JSON.parse(delivery.body).outputs).toEqual(['https://attacker.example/swapped.png']);
				expect(delivery.headers['webhook-signature']).toMatch(/^v3,[0-9a-f]{64}$/);
			}
			if (tamper === 'secretOnly') expect(delivery.headers['webhook-signature']).toBeUndefined();
		}
		emulator.configure({ webhookTamper: 'none' });
	});

	it('replays: the genuine delivery, then the same bytes and headers again', async () => {
		emulator.configure({ webhookTamper: 'replayed' });
		await api(emulator, 'POST', `${T2I}?webhook=${encodeURIComponent(`${receiver.url}/r`)}`, { prompt: 'x' });
		await waitForDeliveries(1);
		emulator.configure({ webhookTamper: 'none' });
		const sent = receiver.received.filter((r) => r.path === '/r');
		expect(sent).toHaveLength(2);
		expect(sent[1].body).toBe(sent[0].body);
		expect(sent[1].headers['webhook-signature']).toBe(sent[0].headers['webhook-signature']);
		expect(emulator.webhookDeliveries[0]).toMatchObject({ tamper: 'replayed', status: 204, replayOf: { status: 204 } });
		expect(verifyWebhookSignature(emulator.webhookSecret, emulator.webhookDeliveries[0].headers, emulator.webhookDeliveries[0].body)).toBe(true);
	});
});
