/** The webhook secret cache: one fetch per provider, Base URL and key; a refetch only when a rotation is plausible. */
import type { ICredentialsDecrypted } from 'n8n-workflow';

import { callbackSecret, FAILURE_BACKOFF_MS, forgetCallbackSecrets, REFRESH_BURST, REFRESH_REFILL_MS, SECRET_TTL_MS } from '../../../nodes/shared/trigger/callbackSecrets';
import { waveSpeedCallbacks } from '../../../nodes/shared/providers/wavespeed/webhook';
import type { ApiTarget, HttpContext } from '../../../nodes/shared/http/transport';

/** A node context whose authenticated requests answer with the next secret (or fail), counting the calls. */
function fakeContext(answers: Array<string | 'fail'>): { fx: HttpContext; calls: () => number; urls: string[] } {
	const urls: string[] = [];
	let index = 0;
	const fx = {
		helpers: {
			httpRequestWithAuthentication: async (_type: string, options: { url: string }) => {
				urls.push(options.url);
				const answer = answers[Math.min(index++, answers.length - 1)];
				if (answer === 'fail') return { statusCode: 401, headers: {}, body: { code: 401, message: 'Unauthorized' } };
				return { statusCode: 200, headers: {}, body: { code: 200, message: 'success', data: { secret: answer } } };
			},
		},
	} as unknown as HttpContext;
	return { fx, calls: () => index, urls };
}

const target = (apiKey = 'key-1', baseUrl = 'https://api.wavespeed.ai'): ApiTarget => ({
	baseUrl,
	credentials: { id: 'cred-1', name: 'WaveSpeed', type: 'waveSpeedApi', data: { apiKey, baseUrl } } as ICredentialsDecrypted,
	label: 'WaveSpeed',
	headers: {},
});

beforeEach(() => forgetCallbackSecrets());

it('fetches GET /api/v3/webhook/secret once, then answers from the cache', async () => {
	const { fx, calls, urls } = fakeContext(['whsec_a']);
	const first = await callbackSecret(fx, waveSpeedCallbacks, target(), { nowMs: 0 });
	const second = await callbackSecret(fx, waveSpeedCallbacks, target(), { nowMs: 1000 });
	expect(first.answer).toEqual({ ok: true, secret: 'whsec_a' });
	expect(second.answer).toEqual({ ok: true, secret: 'whsec_a' });
	expect(calls()).toBe(1);
	expect(urls).toEqual(['https://api.wavespeed.ai/api/v3/webhook/secret']);
});

it('shares one fetch between callbacks that arrive together', async () => {
	const { fx, calls } = fakeContext(['whsec_a']);
	await Promise.all([1, 2, 3].map(async () => await callbackSecret(fx, waveSpeedCallbacks, target(), { nowMs: 0 })));
	expect(calls()).toBe(1);
});

it('keeps accounts apart: another key or Base URL fetches its own secret', async () => {
	const { fx, calls } = fakeContext(['whsec_a', 'whsec_b', 'whsec_c']);
	await callbackSecret(fx, waveSpeedCallbacks, target('key-1'), { nowMs: 0 });
	expect((await callbackSecret(fx, waveSpeedCallbacks, target('key-2'), { nowMs: 0 })).answer).toEqual({ ok: true, secret: 'whsec_b' });
	expect((await callbackSecret(fx, waveSpeedCallbacks, target('key-1', 'http://127.0.0.1:9'), { nowMs: 0 })).answer).toEqual({ ok: true, secret: 'whsec_c' });
	expect(calls()).toBe(3);
});

it('refetches for a possible rotation at once when asked, within a small budget, and after the TTL', async () => {
	const { fx, calls } = fakeContext(['whsec_a', 'whsec_b', 'whsec_c', 'whsec_d', 'whsec_e', 'whsec_f']);
	expect((await callbackSecret(fx, waveSpeedCallbacks, target(), { nowMs: 0 })).fetched).toBe(true);
	expect((await callbackSecret(fx, waveSpeedCallbacks, target(), { nowMs: 1 })).fetched).toBe(false);
	// A failed signature 1 ms after the fetch refetches: a rotated secret is picked up by the very next callback.
	const refreshed = await callbackSecret(fx, waveSpeedCallbacks, target(), { refresh: true, nowMs: 1 });
	expect(refreshed).toEqual({ answer: { ok: true, secret: 'whsec_b' }, fetched: true });
	// Forged requests cannot drive more than the burst, then one per refill period.
	for (let i = 0; i < 10; i++) await callbackSecret(fx, waveSpeedCallbacks, target(), { refresh: true, nowMs: 2 });
	expect(calls()).toBe(1 + REFRESH_BURST);
	await callbackSecret(fx, waveSpeedCallbacks, target(), { refresh: true, nowMs: REFRESH_REFILL_MS });
	expect(calls()).toBe(2 + REFRESH_BURST);
	await callbackSecret(fx, waveSpeedCallbacks, target(), { nowMs: REFRESH_REFILL_MS + SECRET_TTL_MS + 1 });
	expect(calls()).toBe(3 + REFRESH_BURST);
});

it('after a failed fetch, asks again only once its backoff ran out, doubling per failure', async () => {
	const { fx, calls } = fakeContext(['fail', 'fail', 'whsec_a']);
	const failed = await callbackSecret(fx, waveSpeedCallbacks, target(), { nowMs: 0 });
	expect(failed.answer).toMatchObject({ ok: false, failure: { kind: 'auth' } });
	for (let i = 0; i < 20; i++) expect((await callbackSecret(fx, waveSpeedCallbacks, target(), { nowMs: 1 + i })).answer.ok).toBe(false);
	expect(calls()).toBe(1);
	await callbackSecret(fx, waveSpeedCallbacks, target(), { nowMs: FAILURE_BACKOFF_MS });
	expect(calls()).toBe(2);
	await callbackSecret(fx, waveSpeedCallbacks, target(), { nowMs: 2 * FAILURE_BACKOFF_MS });
	expect(calls()).toBe(2);
	expect((await callbackSecret(fx, waveSpeedCallbacks, target(), { nowMs: 3 * FAILURE_BACKOFF_MS })).answer).toEqual({ ok: true, secret: 'whsec_a' });
	expect(calls()).toBe(3);
});

it('shares one failing fetch between the requests that arrive while it runs', async () => {
	const { fx, calls } = fakeContext(['fail']);
	await Promise.all(Array.from({ length: 50 }, async () => await callbackSecret(fx, waveSpeedCallbacks, target(), { nowMs: 0 })));
	expect(calls()).toBe(1);
});
