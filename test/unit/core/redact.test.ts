import { maskDeep, maskSecrets, secretsOf } from '../../../nodes/shared/core/redact';

const KEY = 'ws-live-0123456789abcdef';

describe('maskSecrets', () => {
	test.each([
		[`Invalid API key ${KEY}`, 'Invalid API key ***'],
		[`token=${KEY}&x=1`, 'token=***&x=1'],
		[`key "${KEY}" is not active`, 'key "***" is not active'],
		[`task error: upstream rejected ${KEY}.`, 'task error: upstream rejected ***.'],
		[`${KEY}${KEY}`, '******'],
	])('masks the key wherever it sits: %s', (text, expected) => {
		expect(maskSecrets(text, [KEY])).toBe(expected);
	});

	test('masks the URL-encoded and JSON-escaped spellings of a key', () => {
		const odd = 'ab/c+d"e=f0123';
		expect(maskSecrets(`q=${encodeURIComponent(odd)}`, [odd])).toBe('q=***');
		expect(maskSecrets(JSON.stringify({ k: odd }), [odd])).toBe('{"k":"***"}');
	});

	test('keeps the sentence around "Bearer <your key>" intact (the 401 wording)', () => {
		const text = 'Invalid API key: send Authorization: Bearer <your WaveSpeed API key> [item 0]';
		expect(maskSecrets(text, [KEY])).toBe(text);
	});

	test('masks a bearer token even without knowing the key, but not prose after the word', () => {
		expect(maskSecrets('Authorization: Bearer sk_live_abc.def-123')).toBe('Authorization: Bearer ***');
		expect(maskSecrets('use Bearer authentication')).toBe('use Bearer authentication');
		expect(maskSecrets(`Bearer ${KEY}`, [KEY])).toBe('Bearer ***');
	});

	test('short or empty values are not treated as secrets', () => {
		expect(maskSecrets('a b c', ['', 'a', 'abc'])).toBe('a b c');
	});
});

describe('maskSecrets: the weak forms (issue 20, item 5)', () => {
	test.each([
		['base64 of the key', `echo ${Buffer.from(KEY).toString('base64')} end`],
		['URL-safe base64 of the key', `x=${Buffer.from(KEY).toString('base64url')}`],
		['a Basic-auth dump of "user:key"', `Authorization: Basic ${Buffer.from(`user:${KEY}`).toString('base64')}`],
		['a Basic-auth dump of ":key"', `auth=${Buffer.from(`:${KEY}`).toString('base64')}`],
		['the key upper-cased', `Invalid API key ${KEY.toUpperCase()}`],
		['all but its last 4 characters', `Invalid API key ${KEY.slice(0, -4)}...`],
		['its last 12 characters', `key ending ${KEY.slice(-12)}`],
	])('%s', (_what, text) => {
		const masked = maskSecrets(text, [KEY]);
		expect(masked).toContain('***');
		for (let i = 0; i + 12 <= KEY.length; i++) expect(masked.toLowerCase()).not.toContain(KEY.slice(i, i + 12).toLowerCase());
		expect(masked).not.toContain(Buffer.from(KEY).toString('base64').slice(4, 20));
	});

	test('leaves 11 characters of a key and ordinary base64-looking text alone', () => {
		expect(maskSecrets(`ends in ${KEY.slice(-11)}`, [KEY])).toBe(`ends in ${KEY.slice(-11)}`);
		const path = '/api/v3/predictions/abc123def456/result';
		expect(maskSecrets(path, [KEY])).toBe(path);
	});
});

describe('maskDeep', () => {
	test('masks every string of a JSON value, keys and numbers untouched', () => {
		expect(maskDeep({ a: [`u?k=${KEY}`, 1, null], b: { c: KEY.toUpperCase() }, n: 2 }, [KEY])).toEqual({ a: ['u?k=***', 1, null], b: { c: '***' }, n: 2 });
	});
});

describe('secretsOf', () => {
	test('takes the API key and the Webhook Secret of a credential, trimmed', () => {
		expect(secretsOf({ apiKey: ` ${KEY} `, baseUrl: 'https://api.wavespeed.ai' })).toEqual([KEY]);
		expect(secretsOf({ apiKey: KEY, webhookSecret: 'each-secret-1234' })).toEqual([KEY, 'each-secret-1234']);
		expect(secretsOf({})).toEqual([]);
		expect(secretsOf(undefined)).toEqual([]);
	});
});
