import { maskSecrets, secretsOf } from '../../../nodes/shared/core/redact';

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

describe('secretsOf', () => {
	test('takes the API key of a credential, trimmed and as typed', () => {
		expect(secretsOf({ apiKey: ` ${KEY} `, baseUrl: 'https://api.wavespeed.ai' })).toEqual([` ${KEY} `, KEY]);
		expect(secretsOf({})).toEqual([]);
		expect(secretsOf(undefined)).toEqual([]);
	});
});
