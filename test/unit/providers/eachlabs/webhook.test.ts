/** each::labs' callback dialect: the signature, the legacy X-Webhook-Secret, the secret and callback readers. */
import { signEachLabs } from '../../../../dev/emulator/eachlabs/webhooks';
import {
	callbackPrediction,
	eachLabsReplayKey,
	readEachLabsCallback,
	readEachLabsCredentialSecret,
	sameSecret,
	verifyEachLabsCallback,
} from '../../../../nodes/shared/providers/eachlabs/webhook';

const NOW = 1_800_000_000;

describe('each::labs X-Webhook-Signature', () => {
	const SECRET = 'el-secret-42';
	const BODY = '{"exec_id":"exec-1","status":"succeeded","output":"https://cdn.example/x.png","error":""}';
	// Signed by the emulator's signer, written from the API page, not by the code under test.
	const signed = (timestamp = NOW, secret = SECRET, body = BODY) => ({
		'x-webhook-timestamp': String(timestamp),
		'x-webhook-signature': `sha256=${signEachLabs(secret, timestamp, body)}`,
		'x-webhook-secret': secret,
	});
	const check = (headers: Record<string, string | undefined>, body = BODY, nowSec = NOW) => verifyEachLabsCallback(SECRET, { headers, rawBody: Buffer.from(body), nowSec });

	it('accepts a genuine signature within 300 s either way, keyed by exec_id and status, verified by signature', () => {
		expect(check(signed())).toEqual({ ok: true, replayKey: 'exec-1|succeeded', verifiedBy: 'signature' });
		expect(check(signed(NOW - 300))).toMatchObject({ ok: true });
		expect(check(signed(NOW + 300))).toMatchObject({ ok: true });
		expect(check({ ...signed(), 'x-webhook-signature': signed()['x-webhook-signature'].toUpperCase().replace('SHA256=', 'sha256=') })).toMatchObject({ ok: true });
	});

	it('refuses a wrong key, an altered body, a stale or future timestamp and malformed headers', () => {
		expect(check(signed(NOW, 'someone-else'))).toMatchObject({ ok: false, reason: 'forged' });
		expect(check(signed(), BODY.replace('x.png', 'y.png'))).toMatchObject({ ok: false, reason: 'forged' });
		expect(check(signed(NOW - 301))).toMatchObject({ ok: false, reason: 'stale' });
		expect(check(signed(NOW + 301))).toMatchObject({ ok: false, reason: 'stale' });
		expect(check({ ...signed(), 'x-webhook-timestamp': 'yesterday' })).toMatchObject({ ok: false, reason: 'malformed' });
		expect(check({ ...signed(), 'x-webhook-timestamp': undefined })).toMatchObject({ ok: false, reason: 'malformed' });
		expect(check({ ...signed(), 'x-webhook-signature': `sha256:${'a'.repeat(64)}` })).toMatchObject({ ok: false, reason: 'malformed' });
	});

	it('ignores a correct X-Webhook-Secret on a delivery whose signature fails', () => {
		expect(check({ ...signed(NOW, 'someone-else'), 'x-webhook-secret': SECRET })).toMatchObject({ ok: false, reason: 'forged' });
	});
});

describe('each::labs X-Webhook-Secret (deliveries with no signature at all)', () => {
	const EL_SECRET = 'el-secret-42';
	const EL_BODY = Buffer.from('{"exec_id":"exec-1","status":"succeeded","output":"https://cdn.example/x.png","error":""}');
	const elCheck = (headers: Record<string, string | undefined>, body = EL_BODY) => verifyEachLabsCallback(EL_SECRET, { headers, rawBody: body, nowSec: NOW });

	it('accepts the exact secret, keyed by exec_id and status for the replay guard, verified by secret', () => {
		expect(elCheck({ 'x-webhook-secret': EL_SECRET })).toEqual({ ok: true, replayKey: 'exec-1|succeeded', verifiedBy: 'secret' });
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

	it('reads the three output shapes into a finished task of provider each::labs', () => {
		for (const output of ['https://cdn.example/a.png', ['https://cdn.example/a.png'], { url: 'https://cdn.example/a.png' }]) {
			const reading = readEachLabsCallback({ exec_id: 'e1', status: 'succeeded', output, error: '' });
			expect(reading).toMatchObject({ ok: true, task: { id: 'e1', state: 'succeeded', status: 'succeeded', outputs: ['https://cdn.example/a.png'], nsfw: [false] } });
		}
	});

	it('takes the failure reason from error, else from output[0].error', () => {
		expect(readEachLabsCallback({ exec_id: 'e2', status: 'failed', output: [{ error: 'moderated' }], error: '' })).toMatchObject({
			ok: true,
			task: { state: 'failed', outputs: [], failure: { kind: 'task', predictionId: 'e2', message: expect.stringContaining('moderated') } },
		});
		expect(readEachLabsCallback({ exec_id: 'e3', status: 'failed', output: null, error: 'out of credits' })).toMatchObject({
			task: { state: 'failed', failure: { message: expect.stringContaining('out of credits') } },
		});
		expect(callbackPrediction({ exec_id: 'e4', status: 'failed', output: { error: 'boom' }, error: '' }).error).toBe('boom');
		// Upper-case codes as each::labs' callbacks give them; INPUT_VALIDATION_ERROR is its invalid_user_input.
		expect(readEachLabsCallback({ exec_id: 'e6', status: 'failed', output: [{ error: { error_code: 'INPUT_VALIDATION_ERROR', error_message: 'mask size differs' } }], error: '' })).toMatchObject({
			task: {
				state: 'failed',
				failure: { message: 'The prediction ended with status "failed" (INPUT_VALIDATION_ERROR): mask size differs', hint: expect.stringMatching(/Reference image URLs must be public/) },
			},
		});
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
