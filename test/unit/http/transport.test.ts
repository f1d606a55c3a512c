import { z } from 'zod';

import type { Failure } from '../../../nodes/shared/core/errors';
import { FailureError } from '../../../nodes/shared/core/errors';
import { CLIENT_NAME, CLIENT_VERSION } from '../../../nodes/shared/providers/wavespeed/entry';
import { parseEnvelope, readEnvelope } from '../../../nodes/shared/providers/wavespeed/envelope';
import { predictionSchema } from '../../../nodes/shared/providers/wavespeed/schemas';
import type { IExecuteFunctions } from 'n8n-workflow';

import type { ApiTarget, RawResponse } from '../../../nodes/shared/http/transport';
import { apiClient, describeNetworkFailure, describeZod, isTransient, MAX_REDIRECTS, parseJsonBody, sendPlainRequest } from '../../../nodes/shared/http/transport';
import { FREE_REQUEST_RETRY } from '../../../nodes/shared/http/retry';

const response = (status: number, body: unknown, headers: Record<string, string> = {}): RawResponse => ({ status, headers, body });
const predictionData = { id: 'pred-1', model: 'openai/gpt-image-2/edit', status: 'created', outputs: [], urls: { get: 'https://x/result' } };
const envelope = (code: number, data: unknown, message = 'success') => ({ code, message, data });

const failureOf = (result: ReturnType<typeof parseEnvelope>): Failure => {
	if (result.ok) throw new Error('expected a failure');
	return result.failure;
};

describe('parseJsonBody', () => {
	test('parses JSON bytes', () => {
		expect(parseJsonBody(Buffer.from('{"code":200,"data":{"a":1}}'))).toEqual({ code: 200, data: { a: 1 } });
	});

	test('parses a JSON string', () => {
		expect(parseJsonBody('{"code":200}')).toEqual({ code: 200 });
	});

	test('returns a string that is not JSON unchanged', () => {
		expect(parseJsonBody('<html>504 Gateway Time-out</html>')).toBe('<html>504 Gateway Time-out</html>');
	});

	test('returns bytes that are not JSON as text', () => {
		expect(parseJsonBody(Buffer.from('Bad Gateway'))).toBe('Bad Gateway');
	});

	test('returns an already parsed body unchanged', () => {
		const body = { code: 200 };
		expect(parseJsonBody(body)).toBe(body);
		expect(parseJsonBody(undefined)).toBeUndefined();
	});
});

describe('parseEnvelope / readEnvelope', () => {
	test('a 200 answer with code 200 yields the validated data', () => {
		const result = parseEnvelope(response(200, envelope(200, predictionData)), predictionSchema, 'submit');
		expect(result.ok).toBe(true);
		expect(result.ok && result.data).toMatchObject({ id: 'pred-1', status: 'created', outputs: [], has_nsfw_contents: [] });
	});

	test('the envelope may arrive as bytes or as a JSON string', () => {
		const json = JSON.stringify(envelope(200, predictionData));
		expect(parseEnvelope(response(200, Buffer.from(json)), predictionSchema, 'result').ok).toBe(true);
		expect(parseEnvelope(response(200, json), predictionSchema, 'result').ok).toBe(true);
	});

	test('readEnvelope returns the data of a success', () => {
		expect(readEnvelope(response(200, envelope(200, predictionData)), predictionSchema, 'result').id).toBe('pred-1');
	});

	test('code !== 200 inside an HTTP 200 answer is a failure described by that code', () => {
		const failure = failureOf(parseEnvelope(response(200, envelope(401, null, 'Invalid API key')), predictionSchema, 'submit'));
		expect(failure.kind).toBe('auth');
		expect(failure.httpCode).toBe(401);
		expect(failure.message).toContain('Invalid API key');
	});

	test('readEnvelope throws the failure as a FailureError', () => {
		expect(() => readEnvelope(response(200, envelope(500, null, 'oops')), predictionSchema, 'result')).toThrow(FailureError);
	});

	test('an HTTP error with the usual envelope surfaces its message', () => {
		const failure = failureOf(parseEnvelope(response(400, envelope(400, null, 'prompt is required')), predictionSchema, 'submit'));
		expect(failure.kind).toBe('badRequest');
		expect(failure.message).toContain('prompt is required');
	});

	test('HTTP 400 {error: "..."} (webhook together with base64) surfaces the error text', () => {
		const body = { error: 'webhook is not supported with enable_base64_output' };
		const failure = failureOf(parseEnvelope(response(400, body), predictionSchema, 'submit'));
		expect(failure.kind).toBe('badRequest');
		expect(failure.httpCode).toBe(400);
		expect(failure.message).toContain('webhook is not supported with enable_base64_output');
	});

	test('an HTML 504 page from a gateway on submit is a gateway timeout that was not resubmitted', () => {
		const html = '<html><head><title>504 Gateway Time-out</title></head><body><h1>504 Gateway Time-out</h1></body></html>';
		const failure = failureOf(parseEnvelope(response(504, html, { 'content-type': 'text/html' }), predictionSchema, 'submit'));
		expect(failure.kind).toBe('gatewayTimeout');
		expect(failure.httpCode).toBe(504);
		expect(failure.hint).toMatch(/not submitted again/);
	});

	test('an HTML error page is reduced to its text in the message', () => {
		const failure = failureOf(parseEnvelope(response(502, Buffer.from('<html><body><h1>Bad   Gateway</h1></body></html>')), predictionSchema, 'result'));
		expect(failure.kind).toBe('server');
		expect(failure.message).toContain('Bad Gateway');
		expect(failure.message).not.toContain('<h1>');
	});

	test('a 429 carries the Retry-After header', () => {
		const failure = failureOf(parseEnvelope(response(429, envelope(429, null, 'rate limited'), { 'retry-after': '7' }), predictionSchema, 'submit'));
		expect(failure.kind).toBe('rateLimit');
		expect(failure.retryAfterMs).toBe(7000);
	});

	test('a success whose data lacks a required field is malformed and names the field', () => {
		const { id: _id, ...withoutId } = predictionData;
		const failure = failureOf(parseEnvelope(response(200, envelope(200, withoutId)), predictionSchema, 'result'));
		expect(failure.kind).toBe('malformed');
		expect(failure.message).toMatch(/missing fields/);
		expect(failure.message).toContain('id');
	});

	test('a success with no data at all is malformed', () => {
		const failure = failureOf(parseEnvelope(response(200, { code: 200, message: 'ok' }), predictionSchema, 'result'));
		expect(failure.kind).toBe('malformed');
	});

	test('a 200 answer that is not an envelope at all is malformed and says so', () => {
		const failure = failureOf(parseEnvelope(response(200, '<html>captive portal</html>'), predictionSchema, 'result'));
		expect(failure.kind).toBe('malformed');
		expect(failure.httpCode).toBe(200);
		expect(failure.message).toMatch(/unexpected format/);
	});

	test('a 200 answer with an envelope missing "code" names the field', () => {
		const failure = failureOf(parseEnvelope(response(200, { message: 'ok', data: predictionData }), predictionSchema, 'result'));
		expect(failure.kind).toBe('malformed');
		expect(failure.message).toContain('code');
	});
});

describe('describeZod', () => {
	test('names the path of each problem, at most three', () => {
		const result = z.object({ a: z.string(), b: z.number(), c: z.boolean(), d: z.string() }).safeParse({});
		expect(result.success).toBe(false);
		const text = describeZod((result as z.SafeParseError<unknown>).error);
		expect(text).toMatch(/^a: .*; b: .*; c: /);
		expect(text).not.toContain('d:');
	});

	test('uses "body" for a problem with the whole value', () => {
		const result = z.object({}).safeParse('text');
		expect(describeZod((result as z.SafeParseError<unknown>).error)).toMatch(/^body: /);
	});
});

describe('isTransient', () => {
	const failure = (kind: Failure['kind'], httpCode?: number): Failure => ({ kind, message: 'm', hint: 'h', httpCode });

	test.each(['network', 'malformed', 'rateLimit', 'server', 'gatewayTimeout'] as const)('%s may succeed later', (kind) => {
		expect(isTransient(failure(kind))).toBe(true);
	});

	test.each(['input', 'auth', 'forbidden', 'balance', 'badRequest', 'notFound', 'task', 'timeout', 'nsfw', 'cancelled'] as const)(
		'%s will not change on retry',
		(kind) => {
			expect(isTransient(failure(kind))).toBe(false);
		},
	);

	test.each(['download', 'upload'] as const)('%s is retried after network errors, 429 and 5xx but not 4xx or a bad 200', (kind) => {
		expect(isTransient(failure(kind))).toBe(true);
		expect(isTransient(failure(kind, 429))).toBe(true);
		expect(isTransient(failure(kind, 503))).toBe(true);
		expect(isTransient(failure(kind, 403))).toBe(false);
		expect(isTransient(failure(kind, 404))).toBe(false);
		expect(isTransient(failure(kind, 200))).toBe(false);
	});
});

describe('describeNetworkFailure', () => {
	test('on submit says the request was not resent because it could bill twice', () => {
		const failure = describeNetworkFailure({ code: 'ECONNRESET' }, 'submit', 'WaveSpeed');
		expect(failure.kind).toBe('network');
		expect(failure.message).toBe('Could not reach WaveSpeed (ECONNRESET)');
		expect(failure.hint).toMatch(/not submitted again/);
		expect(failure.hint).toMatch(/bill twice/);
	});

	test('on a free request suggests checking the network and the Base URL', () => {
		const failure = describeNetworkFailure({ code: 'ECONNREFUSED' }, 'result', 'WaveSpeed');
		expect(failure.hint).toMatch(/network connection/);
		expect(failure.hint).toMatch(/Base URL/);
	});

	test('finds the code in a nested cause', () => {
		const error = new Error('fetch failed', { cause: { code: 'ETIMEDOUT' } });
		expect(describeNetworkFailure(error, 'result', 'WaveSpeed').message).toBe('Could not reach WaveSpeed (ETIMEDOUT)');
	});

	test('never includes anything from the error but its code: no headers, URL or message', () => {
		const error = Object.assign(new Error('connect ECONNREFUSED https://user:pw@api.wavespeed.ai Bearer secret'), {
			code: 'ECONNREFUSED',
			config: { headers: { Authorization: 'Bearer secret' }, url: 'https://api.wavespeed.ai/api/v3/x?token=secret' },
			request: { _header: 'Authorization: Bearer secret' },
		});
		for (const phase of ['submit', 'result', 'upload', 'balance'] as const) {
			const text = JSON.stringify(describeNetworkFailure(error, phase, 'WaveSpeed'));
			expect(text).not.toContain('secret');
			expect(text).not.toContain('Bearer');
			expect(text).not.toContain('pw@');
			expect(text).toContain('ECONNREFUSED');
		}
	});

	test('ignores a "code" that is not an error code (e.g. a message) and leaves it out', () => {
		const failure = describeNetworkFailure({ code: 'Bearer secret-token', message: 'Bearer secret-token' }, 'result', 'WaveSpeed');
		expect(failure.message).toBe('Could not reach WaveSpeed');
		expect(JSON.stringify(failure)).not.toContain('secret');
	});

	test('copes with an error that is not an object', () => {
		expect(describeNetworkFailure(undefined, 'result', 'WaveSpeed').message).toBe('Could not reach WaveSpeed');
		expect(describeNetworkFailure('Bearer secret', 'result', 'WaveSpeed').message).toBe('Could not reach WaveSpeed');
	});
});

describe('attribution headers', () => {
	test('name and version follow package.json, so a release never reports a stale version', () => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const pkg = require('../../../package.json') as { name: string; version: string };
		expect({ name: CLIENT_NAME, version: CLIENT_VERSION }).toEqual({ name: pkg.name, version: pkg.version });
	});
});

describe('key-less requests follow redirects by hand, each hop checked (issue 20, item 15)', () => {
	/** A node context whose plain requests answer from a list, recording each request. */
	const plainContext = (answers: Array<{ status: number; headers?: Record<string, string> }>) => {
		const sent: Array<{ method: string; url: string; body?: unknown; disableFollowRedirect?: boolean }> = [];
		const fx = {
			helpers: {
				httpRequest: async (options: { method: string; url: string; body?: unknown; disableFollowRedirect?: boolean }) => {
					sent.push({ method: options.method, url: options.url, body: options.body, disableFollowRedirect: options.disableFollowRedirect });
					const answer = answers[Math.min(sent.length - 1, answers.length - 1)];
					return { statusCode: answer.status, headers: answer.headers ?? {}, body: Buffer.alloc(0) };
				},
			},
		} as unknown as IExecuteFunctions;
		return { fx, sent };
	};
	const api: ApiTarget = { baseUrl: 'https://api.wavespeed.ai', credentials: { id: 'c', name: 'c', type: 'waveSpeedApi', data: {} }, label: 'WaveSpeed', headers: {} };

	test('an upload ticket redirected (307) to 127.0.0.1 sends nothing there', async () => {
		const { fx, sent } = plainContext([{ status: 307, headers: { location: 'http://127.0.0.1:8080/steal' } }]);
		const client = apiClient(fx, api, FREE_REQUEST_RETRY);
		await expect(client.sendPlain({ method: 'PUT', url: 'https://storage.example.com/put', body: Buffer.from('bytes') })).rejects.toMatchObject({
			failure: { kind: 'upload', httpCode: 307, message: expect.stringContaining('redirected (307) to an address that was not followed: it points at 127.0.0.1') },
		});
		expect(sent).toEqual([{ method: 'PUT', url: 'https://storage.example.com/put', body: Buffer.from('bytes'), disableFollowRedirect: true }]);
	});

	test('a redirect to a public host is followed with the same method and body (307), as GET after a 303', async () => {
		const { fx, sent } = plainContext([
			{ status: 307, headers: { location: 'https://other.example.com/put' } },
			{ status: 303, headers: { location: '/done' } },
			{ status: 200 },
		]);
		const response = await sendPlainRequest(fx, { method: 'PUT', url: 'https://storage.example.com/put', body: Buffer.from('x'), baseUrl: api.baseUrl }, 'upload', 'WaveSpeed');
		expect(response.status).toBe(200);
		expect(sent.map((r) => [r.method, r.url, r.body === undefined])).toEqual([
			['PUT', 'https://storage.example.com/put', false],
			['PUT', 'https://other.example.com/put', false],
			['GET', 'https://other.example.com/done', true],
		]);
	});

	test(`at most ${MAX_REDIRECTS} redirects`, async () => {
		const { fx, sent } = plainContext([{ status: 302, headers: { location: 'https://cdn.example.com/again' } }]);
		await expect(sendPlainRequest(fx, { method: 'GET', url: 'https://cdn.example.com/a', baseUrl: api.baseUrl }, 'download', 'WaveSpeed')).rejects.toMatchObject({
			failure: { kind: 'download', message: expect.stringContaining(`more than ${MAX_REDIRECTS} times`) },
		});
		expect(sent).toHaveLength(MAX_REDIRECTS + 1);
	});
});
