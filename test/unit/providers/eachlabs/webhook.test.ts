/** each::labs' callback dialect: the X-Webhook-Secret header, the secret and callback readers. */
import {
	callbackPrediction,
	eachLabsReplayKey,
	readEachLabsCallback,
	readEachLabsCredentialSecret,
	sameSecret,
	verifyEachLabsSecret,
} from '../../../../nodes/shared/providers/eachlabs/webhook';

const NOW = 1_800_000_000;

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
