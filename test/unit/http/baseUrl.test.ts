import { checkBaseUrl as check } from '../../../nodes/shared/http/baseUrl';
import { WAVESPEED_BASE_URL as DEFAULT_BASE_URL } from '../../../nodes/shared/providers/wavespeed/entry';

const checkBaseUrl = (raw: unknown) => check(raw, DEFAULT_BASE_URL);

const okUrl = (raw: unknown) => {
	const result = checkBaseUrl(raw);
	if (!result.ok) throw new Error(`expected ok, got: ${result.reason}`);
	return result.baseUrl;
};
const reason = (raw: unknown) => {
	const result = checkBaseUrl(raw);
	if (result.ok) throw new Error(`expected a refusal, got ${result.baseUrl}`);
	return result.reason;
};

describe('checkBaseUrl', () => {
	test.each([undefined, null, '', '   ', 42])('uses the default WaveSpeed URL when the field is empty (%p)', (raw) => {
		expect(okUrl(raw)).toBe('https://api.wavespeed.ai');
		expect(DEFAULT_BASE_URL).toBe('https://api.wavespeed.ai');
	});

	test.each([
		['https://api.wavespeed.ai', 'https://api.wavespeed.ai'],
		['https://gateway.example.com', 'https://gateway.example.com'],
		['https://gateway.example.com:8443/wavespeed', 'https://gateway.example.com:8443/wavespeed'],
		['  https://api.wavespeed.ai  ', 'https://api.wavespeed.ai'],
	])('accepts https to any host: %s', (raw, expected) => {
		expect(okUrl(raw)).toBe(expected);
	});

	test.each([
		['https://api.wavespeed.ai/', 'https://api.wavespeed.ai'],
		['https://gateway.example.com/prefix///', 'https://gateway.example.com/prefix'],
	])('trims trailing slashes so paths can be appended: %s', (raw, expected) => {
		expect(okUrl(raw)).toBe(expected);
	});

	test.each([
		['http://localhost:3000', 'http://localhost:3000'],
		['http://LOCALHOST:3000/', 'http://localhost:3000'],
		['http://127.0.0.1:4010', 'http://127.0.0.1:4010'],
		['http://127.5.6.7', 'http://127.5.6.7'],
		['http://[::1]:8080', 'http://[::1]:8080'],
	])('accepts plain http only on this machine: %s', (raw, expected) => {
		expect(okUrl(raw)).toBe(expected);
	});

	test.each([
		'http://api.wavespeed.ai',
		'http://192.168.1.10:3000',
		'http://10.0.0.1',
		'http://127.0.0.1.evil.example.com',
		'http://localhost.evil.example.com',
		'http://[::2]:8080',
	])('refuses plain http to another host (%s) and says the key would travel unencrypted', (raw) => {
		const why = reason(raw);
		expect(why).toMatch(/plain http/);
		expect(why).toMatch(/unencrypted/);
		expect(why).toMatch(/https:\/\//);
	});

	test('refuses a URL with a user name or password, and does not echo them', () => {
		const why = reason('https://bob:s3cr3tpass@api.wavespeed.ai');
		expect(why).toMatch(/user name or password/);
		expect(why).not.toContain('s3cr3tpass');
		expect(why).not.toContain('bob');
		expect(reason('https://onlyuser@api.wavespeed.ai')).toMatch(/user name or password/);
	});

	test.each(['ftp://api.wavespeed.ai', 'file:///etc/hosts', 'ws://localhost:3000', 'javascript:alert(1)'])(
		'refuses the non-http scheme %s and asks for https://',
		(raw) => {
			expect(reason(raw)).toMatch(/must start with https:\/\//);
		},
	);

	test('refuses text that is not a URL and gives the default as an example', () => {
		const why = reason('api.wavespeed.ai');
		expect(why).toMatch(/is not a valid URL/);
		expect(why).toContain('https://api.wavespeed.ai');
	});

	test('drops query and fragment from the Base URL', () => {
		expect(okUrl('https://gateway.example.com/base?x=1#y')).toBe('https://gateway.example.com/base');
	});
});
