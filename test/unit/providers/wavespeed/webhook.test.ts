/** WaveSpeed's callback dialect: the v3 signature check, the secret and callback readers. */
import { createHmac } from 'node:crypto';

import {
	hmacKey,
	readWaveSpeedCallback,
	readWebhookSecret,
	sameHex,
	SIGNATURE_TOLERANCE_SECONDS,
	signatureHex,
	v3Signatures,
	verifyWaveSpeedSignature,
} from '../../../../nodes/shared/providers/wavespeed/webhook';

const SECRET = 'whsec_c2VjcmV0LWtleS1mb3ItdGVzdHM=';
const NOW = 1_800_000_000;
const BODY = Buffer.from('{"id":"abc","status":"completed","outputs":["https://cdn.example/x.png"],"note":"é ✓"}');

/** Written from the documented algorithm, independently of the code under test. */
const docSignature = (secret: string, id: string, ts: string, body: Buffer) =>
	createHmac('sha256', secret.replace(/^whsec_/, '')).update(Buffer.concat([Buffer.from(`${id}.${ts}.`), body])).digest('hex');

const headersFor = (overrides: Record<string, string | undefined> = {}, ts = NOW, body = BODY) => ({
	'webhook-id': 'msg_1',
	'webhook-timestamp': String(ts),
	'webhook-signature': `v3,${docSignature(SECRET, 'msg_1', String(ts), body)}`,
	...overrides,
});

const check = (headers: Record<string, string | undefined>, body = BODY, nowSec = NOW) => verifyWaveSpeedSignature(SECRET, { headers, rawBody: body, nowSec });

describe('WaveSpeed v3 signature', () => {
	it('strips whsec_ and signs id.timestamp.body as the documentation says', () => {
		expect(hmacKey(SECRET)).toBe('c2VjcmV0LWtleS1mb3ItdGVzdHM=');
		expect(hmacKey('plain')).toBe('plain');
		expect(signatureHex(SECRET, 'msg_1', String(NOW), BODY)).toBe(docSignature(SECRET, 'msg_1', String(NOW), BODY));
	});

	it('accepts a fresh, correct signature, and gives the delivery id for replay detection', () => {
		expect(check(headersFor())).toEqual({ ok: true, replayKey: 'msg_1' });
	});

	it('accepts the timestamp up to 300 s either way, not beyond', () => {
		expect(check(headersFor({}, NOW - SIGNATURE_TOLERANCE_SECONDS)).ok).toBe(true);
		expect(check(headersFor({}, NOW + SIGNATURE_TOLERANCE_SECONDS)).ok).toBe(true);
		expect(check(headersFor({}, NOW - SIGNATURE_TOLERANCE_SECONDS - 1))).toMatchObject({ ok: false, reason: 'stale' });
		expect(check(headersFor({}, NOW + SIGNATURE_TOLERANCE_SECONDS + 1))).toMatchObject({ ok: false, reason: 'stale' });
	});

	it('checks the raw bytes: one byte changed, re-serialised JSON or another id is forged', () => {
		const headers = headersFor();
		expect(check(headers, Buffer.from(BODY.toString().replace('abc', 'abd')))).toMatchObject({ ok: false, reason: 'forged' });
		expect(check(headers, Buffer.from(JSON.stringify(JSON.parse(BODY.toString()), null, 1)))).toMatchObject({ ok: false, reason: 'forged' });
		expect(check({ ...headers, 'webhook-id': 'msg_2' })).toMatchObject({ ok: false, reason: 'forged' });
		expect(verifyWaveSpeedSignature('whsec_other', { headers, rawBody: BODY, nowSec: NOW })).toMatchObject({ ok: false, reason: 'forged' });
	});

	it('tells unsigned from malformed', () => {
		expect(check({})).toMatchObject({ ok: false, reason: 'unsigned' });
		expect(check(headersFor({ 'webhook-signature': undefined }))).toMatchObject({ ok: false, reason: 'malformed' });
		expect(check(headersFor({ 'webhook-timestamp': 'yesterday' }))).toMatchObject({ ok: false, reason: 'malformed' });
		expect(check(headersFor({ 'webhook-timestamp': '1.8e9' }))).toMatchObject({ ok: false, reason: 'malformed' });
		expect(check(headersFor({ 'webhook-signature': 'v3;abc' }))).toMatchObject({ ok: false, reason: 'malformed' });
		expect(check(headersFor({ 'webhook-signature': 'v1,abc' }))).toMatchObject({ ok: false, reason: 'malformed' });
	});

	it('accepts any matching v3 entry among several (key rotation), and upper-case hex', () => {
		const good = docSignature(SECRET, 'msg_1', String(NOW), BODY);
		expect(check(headersFor({ 'webhook-signature': `v3,${'0'.repeat(64)} v3,${good}` })).ok).toBe(true);
		expect(check(headersFor({ 'webhook-signature': `v3,${good.toUpperCase()}` })).ok).toBe(true);
		expect(v3Signatures('v3,aa v2,bb  v3,cc')).toEqual(['aa', 'cc']);
		expect(v3Signatures('nonsense')).toBeUndefined();
	});

	it('compares in constant time without throwing on different lengths', () => {
		expect(sameHex('abcd', 'abcd')).toBe(true);
		expect(sameHex('abcd', 'ABCD')).toBe(true);
		expect(sameHex('abcd', 'abc')).toBe(false);
		expect(sameHex('abcd', '')).toBe(false);
	});
});

describe('WaveSpeed callback and secret readers', () => {
	it('reads the bare prediction of a callback into a task', () => {
		const reading = readWaveSpeedCallback({
			id: 'p1',
			model: 'openai/gpt-image-2/edit',
			status: 'completed',
			outputs: ['https://cdn.example/p1.png'],
			has_nsfw_contents: [false],
			input: { prompt: 'x' },
		});
		expect(reading).toMatchObject({ ok: true, task: { id: 'p1', state: 'succeeded', outputs: ['https://cdn.example/p1.png'] } });
	});

	it('reads a failed task with its code', () => {
		const reading = readWaveSpeedCallback({ id: 'p2', status: 'failed', code: 5003, error: 'boom' });
		expect(reading).toMatchObject({ ok: true, task: { state: 'failed', failure: { kind: 'task', taskCode: 5003 } } });
	});

	it('says what is wrong with an unreadable body, keeping the id when there is one', () => {
		expect(readWaveSpeedCallback({ id: 'p3' })).toMatchObject({ ok: false, predictionId: 'p3', detail: expect.stringContaining('status') });
		expect(readWaveSpeedCallback(undefined)).toMatchObject({ ok: false, predictionId: null });
	});

	it('reads the secret from its envelope, and refuses anything else', () => {
		expect(readWebhookSecret({ status: 200, headers: {}, body: { code: 200, message: 'success', data: { secret: 'whsec_x' } } })).toEqual({ ok: true, secret: 'whsec_x' });
		expect(readWebhookSecret({ status: 401, headers: {}, body: { code: 401, message: 'Unauthorized' } })).toMatchObject({ ok: false, failure: { kind: 'auth' } });
		expect(readWebhookSecret({ status: 200, headers: {}, body: { code: 200, data: {} } })).toMatchObject({ ok: false, failure: { kind: 'malformed' } });
	});
});
