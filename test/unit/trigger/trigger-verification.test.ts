/** The trigger's pure parts: WaveSpeed's v3 signature check, each::labs' secret header, secret and body readers, the replay memory. */
import { createHmac } from 'node:crypto';

import {
	callbackPrediction,
	eachLabsReplayKey,
	readEachLabsCallback,
	readEachLabsCredentialSecret,
	sameSecret,
	verifyEachLabsSecret,
} from '../../../nodes/shared/providers/eachlabs/webhook';
import { ReplayGuard } from '../../../nodes/shared/trigger/replayGuard';
import {
	hmacKey,
	readWaveSpeedCallback,
	readWebhookSecret,
	sameHex,
	SIGNATURE_TOLERANCE_SECONDS,
	signatureHex,
	v3Signatures,
	verifyWaveSpeedSignature,
} from '../../../nodes/shared/providers/wavespeed/webhook';

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
	it('reads the bare prediction of a callback into a job', () => {
		const reading = readWaveSpeedCallback({
			id: 'p1',
			model: 'openai/gpt-image-2/edit',
			status: 'completed',
			outputs: ['https://cdn.example/p1.png'],
			has_nsfw_contents: [false],
			input: { prompt: 'x' },
		});
		expect(reading).toMatchObject({ ok: true, job: { id: 'p1', state: 'succeeded', outputs: ['https://cdn.example/p1.png'] } });
	});

	it('reads a failed task with its code', () => {
		const reading = readWaveSpeedCallback({ id: 'p2', status: 'failed', code: 5003, error: 'boom' });
		expect(reading).toMatchObject({ ok: true, job: { state: 'failed', failure: { kind: 'task', taskCode: 5003 } } });
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

describe('ReplayGuard', () => {
	it('admits a key once inside its window, again after it', () => {
		const guard = new ReplayGuard();
		expect(guard.admit('a', 1000, 0)).toBe(true);
		expect(guard.admit('a', 1000, 999)).toBe(false);
		expect(guard.admit('b', 1000, 999)).toBe(true);
		expect(guard.admit('a', 1000, 1000)).toBe(true);
	});

	it('forgets expired keys and stays bounded under a flood', () => {
		const guard = new ReplayGuard(3);
		for (let i = 0; i < 10; i++) guard.admit(`k${i}`, 1000, i);
		expect(guard.size).toBe(3);
		guard.admit('late', 1000, 5000);
		expect(guard.size).toBe(1);
	});
});

describe('each::labs X-Webhook-Secret', () => {
	const EL_SECRET = 'el-secret-42';
	const EL_BODY = Buffer.from('{"exec_id":"exec-1","status":"succeeded","output":"https://cdn.example/x.png","error":""}');
	const elCheck = (headers: Record<string, string | undefined>, body = EL_BODY) => verifyEachLabsSecret(EL_SECRET, { headers, rawBody: body, nowSec: NOW });

	it('accepts the exact secret, keyed by exec_id and status for the replay guard', () => {
		expect(elCheck({ 'x-webhook-secret': EL_SECRET })).toEqual({ ok: true, replayKey: 'exec-1|succeeded' });
	});

	it('refuses a missing, shorter, longer or different secret, and never matches an empty one', () => {
		expect(elCheck({})).toMatchObject({ ok: false, reason: 'unsigned' });
		expect(elCheck({ 'x-webhook-secret': '' })).toMatchObject({ ok: false, reason: 'unsigned' });
		expect(elCheck({ 'x-webhook-secret': EL_SECRET.slice(1) })).toMatchObject({ ok: false, reason: 'forged' });
		expect(elCheck({ 'x-webhook-secret': `${EL_SECRET} ` })).toMatchObject({ ok: false, reason: 'forged' });
		expect(elCheck({ 'x-webhook-secret': 'el-secret-43' })).toMatchObject({ ok: false, reason: 'forged' });
		expect(sameSecret('', '')).toBe(false);
		expect(sameSecret('é', 'é')).toBe(true);
	});

	it('keys an unreadable body by its bytes, so a genuine sender still gets one failed item, not two', () => {
		const key = eachLabsReplayKey(Buffer.from('not json'));
		expect(key).toMatch(/^body\|[0-9a-f]{64}$/);
		expect(eachLabsReplayKey(Buffer.from('not json'))).toBe(key);
	});

	it('reads the three output shapes into a finished job of provider each::labs', () => {
		for (const output of ['https://cdn.example/a.png', ['https://cdn.example/a.png'], { url: 'https://cdn.example/a.png' }]) {
			const reading = readEachLabsCallback({ exec_id: 'e1', status: 'succeeded', output, error: '' });
			expect(reading).toMatchObject({ ok: true, job: { id: 'e1', state: 'succeeded', status: 'succeeded', outputs: ['https://cdn.example/a.png'], nsfw: [false] } });
		}
	});

	it('takes the failure reason from error, else from output[0].error', () => {
		expect(readEachLabsCallback({ exec_id: 'e2', status: 'failed', output: [{ error: 'moderated' }], error: '' })).toMatchObject({
			ok: true,
			job: { state: 'failed', outputs: [], failure: { kind: 'task', predictionId: 'e2', message: expect.stringContaining('moderated') } },
		});
		expect(readEachLabsCallback({ exec_id: 'e3', status: 'failed', output: null, error: 'out of credits' })).toMatchObject({
			job: { state: 'failed', failure: { message: expect.stringContaining('out of credits') } },
		});
		expect(callbackPrediction({ exec_id: 'e4', status: 'failed', output: { error: 'boom' }, error: '' }).error).toBe('boom');
	});

	it('says what is missing in a body it cannot read, with the exec_id when there is one', () => {
		expect(readEachLabsCallback({ exec_id: 'e5' })).toMatchObject({ ok: false, detail: expect.stringContaining('status'), predictionId: 'e5' });
		expect(readEachLabsCallback('nope')).toMatchObject({ ok: false, predictionId: null });
	});

	it('reads the secret from the credential (trimmed as the nodes send it), or says it is missing', () => {
		expect(readEachLabsCredentialSecret({ webhookSecret: ' s1 ' })).toEqual({ ok: true, secret: 's1' });
		expect(readEachLabsCredentialSecret({ webhookSecret: '  ' })).toMatchObject({ ok: false, failure: { message: 'The each::labs API credential has no Webhook Secret' } });
		expect(readEachLabsCredentialSecret({})).toMatchObject({ ok: false });
	});
});
