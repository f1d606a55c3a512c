import { submitRequestSchema } from '../../../nodes/shared/providers/wavespeed/schemas';
import {
	hasControlCharacters,
	MAX_PROMPT_LENGTH,
	promptSchema,
	referenceImageSchema,
} from '../../../nodes/shared/core/schemas';
import { itemOptionsSchema as outputOptionsSchema } from '../../../nodes/shared/params/options';
import { describeUrlProblem } from '../../../nodes/shared/core/urls';

const firstMessage = (result: { success: boolean; error?: { issues: Array<{ message: string }> } }) =>
	result.success ? undefined : result.error?.issues[0].message;

describe('promptSchema', () => {
	test('accepts an ordinary prompt unchanged', () => {
		expect(promptSchema.parse('put this sneaker on a marble counter')).toBe('put this sneaker on a marble counter');
	});

	test.each(['', '   ', '\n\t '])('refuses an empty or whitespace-only prompt (%j) and suggests what to write', (prompt) => {
		const message = firstMessage(promptSchema.safeParse(prompt));
		expect(message).toMatch(/is empty/);
		expect(message).toMatch(/Describe the image/);
	});

	test('accepts a prompt of exactly 32,000 characters', () => {
		expect(MAX_PROMPT_LENGTH).toBe(32000);
		expect(promptSchema.safeParse('a'.repeat(32000)).success).toBe(true);
	});

	test('refuses 32,001 characters and names the length and the limit', () => {
		const message = firstMessage(promptSchema.safeParse('a'.repeat(32001)));
		expect(message).toContain('32,001 characters');
		expect(message).toContain('32,000');
		expect(message).toMatch(/Shorten it/);
	});

	test.each([
		['NUL', 'a\u0000b'],
		['bell', 'a\u0007b'],
		['escape', 'a\u001bb'],
		['DEL', 'a\u007fb'],
	])('refuses a prompt with a control character (%s)', (_name, prompt) => {
		const message = firstMessage(promptSchema.safeParse(prompt));
		expect(message).toMatch(/control characters/);
		expect(message).toMatch(/newlines and tabs are fine/);
	});

	test('accepts newlines, carriage returns and tabs', () => {
		expect(promptSchema.safeParse('line one\r\nline two\tindented').success).toBe(true);
	});

	test('refuses a value that is not text', () => {
		expect(firstMessage(promptSchema.safeParse(42))).toBe('must be text');
	});
});

describe('hasControlCharacters', () => {
	test('is false for plain text, tabs, newlines and carriage returns', () => {
		expect(hasControlCharacters('hello world')).toBe(false);
		expect(hasControlCharacters('a\tb\nc\rd')).toBe(false);
		expect(hasControlCharacters('')).toBe(false);
		expect(hasControlCharacters('émoji 🙂 ünïcode')).toBe(false);
	});

	test('is true for C0 control characters other than tab/newline/CR, and for DEL', () => {
		expect(hasControlCharacters('\u0000')).toBe(true);
		expect(hasControlCharacters('x\u0008')).toBe(true);
		expect(hasControlCharacters('\u000b')).toBe(true);
		expect(hasControlCharacters('\u001f')).toBe(true);
		expect(hasControlCharacters('\u007f')).toBe(true);
	});
});

describe('describeUrlProblem', () => {
	test.each(['https://example.com/photo.png', 'http://example.com/a.jpg?x=1', 'https://cdn.example.com:8443/p/q.webp#frag'])(
		'accepts the http(s) URL %s',
		(url) => {
			expect(describeUrlProblem(url)).toBeUndefined();
		},
	);

	test.each([
		['file', 'file:///etc/passwd'],
		['data', 'data:image/png;base64,iVBORw0KGgo='],
		['javascript', 'javascript:alert(1)'],
		['ftp', 'ftp://files.example.com/photo.png'],
	])('refuses a %s: URL and says only http and https can be fetched', (scheme, url) => {
		const problem = describeUrlProblem(url);
		expect(problem).toContain(`uses ${scheme}:`);
		expect(problem).toMatch(/only http and https/);
	});

	test('refuses a URL with a user name and password without echoing the password', () => {
		const problem = describeUrlProblem('https://alice:hunter2secret@example.com/photo.png');
		expect(problem).toMatch(/user name or password/);
		expect(problem).not.toContain('hunter2secret');
		expect(problem).not.toContain('alice');
		expect(problem).toContain('example.com/photo.png');
	});

	test('refuses a URL with only a user name', () => {
		expect(describeUrlProblem('https://token123@example.com/a.png')).toMatch(/user name or password/);
	});

	test.each(['not a url', 'example.com/photo.png', ''])('refuses %j as not a valid URL with an example of a good one', (value) => {
		const problem = describeUrlProblem(value);
		expect(problem).toMatch(/is not a valid URL/);
		expect(problem).toContain('https://example.com/photo.png');
	});

	test('truncates a very long invalid value in the message', () => {
		const problem = describeUrlProblem(`not a url ${'x'.repeat(500)}`) as string;
		expect(problem.length).toBeLessThan(250);
		expect(problem).toContain('…');
	});
});

describe('referenceImageSchema', () => {
	test('accepts a binary field entry and trims its name', () => {
		expect(referenceImageSchema.parse({ source: 'binary', binaryField: '  data ' })).toEqual({ source: 'binary', binaryField: 'data' });
	});

	test('refuses an empty binary field name with an example', () => {
		expect(firstMessage(referenceImageSchema.safeParse({ source: 'binary', binaryField: '  ' }))).toMatch(/needs a binary field name, e.g. data/);
	});

	test('accepts an https URL entry and trims it', () => {
		expect(referenceImageSchema.parse({ source: 'url', url: ' https://example.com/a.png ' })).toEqual({
			source: 'url',
			url: 'https://example.com/a.png',
		});
	});

	test('refuses a non-http URL entry and says it is the reference image URL', () => {
		const message = firstMessage(referenceImageSchema.safeParse({ source: 'url', url: 'file:///tmp/a.png' }));
		expect(message).toMatch(/only http and https/);
		expect(message).toMatch(/reference image URL/);
	});

	test('refuses an unknown source', () => {
		const result = referenceImageSchema.safeParse({ source: 'ftp', url: 'x' });
		expect(result.success).toBe(false);
		expect(result.success ? undefined : result.error.issues[0].code).toBe('invalid_union_discriminator');
	});
});

describe('outputOptionsSchema', () => {
	test('fills the documented defaults when nothing is set', () => {
		expect(outputOptionsSchema.parse({})).toEqual({
			output: 'binary',
			transfer: 'download',
			binaryPropertyName: 'data',
			pollInterval: 2,
			timeout: 600,
			maxConcurrency: 5,
		});
	});

	test.each([
		['pollInterval', 0.5, /at least 1 second/],
		['pollInterval', 61, /at most 60 seconds/],
		['timeout', 9, /at least 10 seconds/],
		['timeout', 86401, /at most 86,400 seconds/],
		['maxConcurrency', 0, /at least 1/],
		['maxConcurrency', 101, /at most 100/],
		['maxConcurrency', 2.5, /whole number/],
	])('refuses %s = %p with a message saying the range', (field, value, expected) => {
		const result = outputOptionsSchema.safeParse({ [field]: value });
		expect(result.success).toBe(false);
		expect(result.success ? undefined : result.error.issues[0].path).toEqual([field]);
		expect(firstMessage(result)).toMatch(expected);
	});

	test.each([
		['pollInterval', 1],
		['pollInterval', 60],
		['timeout', 10],
		['timeout', 86400],
		['maxConcurrency', 1],
		['maxConcurrency', 100],
	])('accepts the boundary %s = %p', (field, value) => {
		expect(outputOptionsSchema.safeParse({ [field]: value }).success).toBe(true);
	});

	test('refuses a binary field name with spaces or slashes and says which characters are allowed', () => {
		expect(firstMessage(outputOptionsSchema.safeParse({ binaryPropertyName: 'my data' }))).toMatch(/letters, digits, _ - and \./);
		expect(firstMessage(outputOptionsSchema.safeParse({ binaryPropertyName: 'a/b' }))).toMatch(/letters, digits/);
		expect(outputOptionsSchema.parse({ binaryPropertyName: 'image_1.out-2' }).binaryPropertyName).toBe('image_1.out-2');
	});

	test('refuses an empty binary field name', () => {
		expect(firstMessage(outputOptionsSchema.safeParse({ binaryPropertyName: '  ' }))).toMatch(/is empty/);
	});

	test('refuses a file name longer than 200 characters', () => {
		expect(firstMessage(outputOptionsSchema.safeParse({ fileName: 'x'.repeat(201) }))).toMatch(/longer than 200/);
		expect(outputOptionsSchema.safeParse({ fileName: 'x'.repeat(200) }).success).toBe(true);
	});

	test('refuses unknown output and transfer modes', () => {
		expect(outputOptionsSchema.safeParse({ output: 'file' }).success).toBe(false);
		expect(outputOptionsSchema.safeParse({ transfer: 'stream' }).success).toBe(false);
	});
});

describe('submitRequestSchema (strict)', () => {
	const valid = {
		prompt: 'a cat',
		images: ['https://example.com/a.png'],
		aspect_ratio: '16:9',
		resolution: '2k',
		quality: 'high',
		output_format: 'jpeg',
		enable_sync_mode: false,
		enable_base64_output: false,
	};

	test('accepts exactly the documented fields', () => {
		expect(submitRequestSchema.strict().parse(valid)).toEqual(valid);
	});

	test.each(['size', 'seed', 'n', 'webhook_url'])('refuses the undocumented field %s instead of letting the server drop it', (field) => {
		const result = submitRequestSchema.strict().safeParse({ ...valid, [field]: 1 });
		expect(result.success).toBe(false);
		expect(result.success ? undefined : result.error.issues[0].code).toBe('unrecognized_keys');
	});

	test('refuses more than 16 images and an empty image list', () => {
		expect(submitRequestSchema.safeParse({ ...valid, images: Array(17).fill('https://e.com/a.png') }).success).toBe(false);
		expect(submitRequestSchema.safeParse({ ...valid, images: Array(16).fill('https://e.com/a.png') }).success).toBe(true);
		expect(submitRequestSchema.safeParse({ ...valid, images: [] }).success).toBe(false);
	});

	test('refuses aspect ratio "match" and unknown resolutions (they are never sent)', () => {
		expect(submitRequestSchema.safeParse({ ...valid, aspect_ratio: 'match' }).success).toBe(false);
		expect(submitRequestSchema.safeParse({ ...valid, resolution: '8k' }).success).toBe(false);
	});
});
