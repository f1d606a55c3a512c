import type { INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import {
	describeTimeout,
	FailureError,
	inputFailure,
	redactSecrets,
	toNodeError,
	type Failure,
} from '../../../nodes/shared/core/errors';
import { errorJson } from '../../../nodes/shared/item/json';
import { describeHttpFailure, describeTaskFailure, isInsufficientBalance } from '../../../nodes/shared/providers/wavespeed/errors';

const node: INode = {
	id: 'node-1',
	name: 'GPT Image 2 Edit',
	type: 'n8n-nodes-gpt-image-2.gptImage2Edit',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

describe('describeHttpFailure', () => {
	test('401 is an auth failure pointing at the credential, with the API message', () => {
		const failure = describeHttpFailure(401, 'Invalid API key', 'submit');
		expect(failure.kind).toBe('auth');
		expect(failure.httpCode).toBe(401);
		expect(failure.message).toContain('401');
		expect(failure.message).toContain('Invalid API key');
		expect(failure.hint).toMatch(/API key in the WaveSpeed API credential/);
	});

	test('403 says access was refused and suggests checking the account', () => {
		const failure = describeHttpFailure(403, '', 'result');
		expect(failure.kind).toBe('forbidden');
		expect(failure.message).toContain('403');
		expect(failure.message).not.toMatch(/: $/);
		expect(failure.hint).toMatch(/suspended|access to this model/);
	});

	test('404 while fetching a result means the prediction is unknown (deleted after 7 days)', () => {
		const failure = describeHttpFailure(404, 'prediction not found', 'result');
		expect(failure.kind).toBe('notFound');
		expect(failure.hint).toMatch(/prediction ID/);
		expect(failure.hint).toMatch(/7 days/);
	});

	test.each(['submit', 'upload', 'balance'] as const)('404 during %s points at the Base URL instead', (phase) => {
		const failure = describeHttpFailure(404, '', phase);
		expect(failure.kind).toBe('badRequest');
		expect(failure.hint).toMatch(/Base URL/);
		expect(failure.hint).toContain('https://api.wavespeed.ai');
	});

	test('429 is a rate limit that carries the Retry-After and mentions it in the hint', () => {
		const failure = describeHttpFailure(429, 'Too many requests', 'submit', 12500);
		expect(failure.kind).toBe('rateLimit');
		expect(failure.retryAfterMs).toBe(12500);
		expect(failure.hint).toMatch(/Max Concurrent Requests/);
		expect(failure.hint).toContain('wait 13 s');
	});

	test('429 without Retry-After says nothing about a wait', () => {
		const failure = describeHttpFailure(429, '', 'result');
		expect(failure.retryAfterMs).toBeUndefined();
		expect(failure.hint).not.toMatch(/asked to wait/);
	});

	test('402 is an insufficient balance failure telling the user to top up', () => {
		const failure = describeHttpFailure(402, '', 'submit');
		expect(failure.kind).toBe('balance');
		expect(failure.httpCode).toBe(402);
		expect(failure.hint).toMatch(/Top up/);
	});

	test.each([
		[400, 'Insufficient balance'],
		[403, 'Your balance is too low'],
		[400, 'Please top up your account'],
		[400, 'Not enough credit'],
	])('%i with the message %j is recognised as insufficient balance', (status, message) => {
		const failure = describeHttpFailure(status, message, 'submit');
		expect(failure.kind).toBe('balance');
		expect(failure.message).toContain(message);
	});

	test('an insufficient-balance message in a 5xx answer is still a server error', () => {
		expect(describeHttpFailure(500, 'insufficient balance service down', 'submit').kind).toBe('server');
		expect(isInsufficientBalance(500, 'insufficient balance')).toBe(false);
	});

	test('5xx on submit says the request was not resubmitted because it could bill twice', () => {
		const failure = describeHttpFailure(502, 'bad gateway', 'submit');
		expect(failure.kind).toBe('server');
		expect(failure.message).toContain('502');
		expect(failure.hint).toMatch(/not submitted again/);
		expect(failure.hint).toMatch(/bill twice/);
		expect(failure.hint).toMatch(/dashboard/);
	});

	test('5xx on a result poll suggests trying again later', () => {
		const failure = describeHttpFailure(500, '', 'result');
		expect(failure.kind).toBe('server');
		expect(failure.hint).not.toMatch(/submitted again/);
		expect(failure.hint).toMatch(/try again/);
	});

	test('504 on submit is a gateway timeout: the task may be running and it was not submitted again', () => {
		const failure = describeHttpFailure(504, '<html>Gateway Timeout</html>', 'submit');
		expect(failure.kind).toBe('gatewayTimeout');
		expect(failure.message).toContain('504');
		expect(failure.hint).toMatch(/not submitted again/);
		expect(failure.hint).toMatch(/Poll Until Done/);
	});

	test('504 on a result poll says the request is safe to repeat', () => {
		expect(describeHttpFailure(504, '', 'result').hint).toMatch(/safe to repeat/);
	});

	test('other 4xx is a bad request that shows WaveSpeed\'s reason', () => {
		const failure = describeHttpFailure(400, 'aspect_ratio must be one of ...', 'submit');
		expect(failure.kind).toBe('badRequest');
		expect(failure.message).toContain('(400)');
		expect(failure.message).toContain('aspect_ratio must be one of');
		expect(failure.hint).toMatch(/node parameters/);
	});
});

describe('describeTaskFailure', () => {
	const cases: Array<[number, RegExp, RegExp]> = [
		[1200, /content moderation/, /Change the prompt/],
		[1400, /missing or invalid parameter \(1400\)/, /Check the prompt/],
		[1401, /missing or invalid parameter \(1401\)/, /Check the prompt/],
		[1402, /could not fetch a reference image/, /must be public/],
		[1403, /failed while running \(1403\)/, /new billed task/],
		[1405, /failed while running \(1405\)/, /new billed task/],
		[5000, /internal problem .*\(5000\)/, /new billed task/],
		[5003, /internal problem .*\(5003\)/, /new billed task/],
		[5004, /timed out on WaveSpeed \(5004\)/, /Get Result/],
	];

	test.each(cases)('code %i gives a message and a hint a user can act on', (code, message, hint) => {
		const failure = describeTaskFailure(code, 'upstream said no', 'pred-1', 'failed');
		expect(failure.kind).toBe('task');
		expect(failure.taskCode).toBe(code);
		expect(failure.predictionId).toBe('pred-1');
		expect(failure.status).toBe('failed');
		expect(failure.message).toMatch(message);
		expect(failure.message).toContain('upstream said no');
		expect(failure.hint).toMatch(hint);
	});

	test('an unknown code reports the status and the code', () => {
		const failure = describeTaskFailure(9999, 'weird', 'pred-2', 'failed');
		expect(failure.kind).toBe('task');
		expect(failure.message).toContain('"failed"');
		expect(failure.message).toContain('code 9999');
		expect(failure.message).toContain('weird');
		expect(failure.hint).toMatch(/new billed task/);
	});

	test('no code and no error text still reads as a sentence', () => {
		const failure = describeTaskFailure(undefined, '', 'pred-3', 'cancelled');
		expect(failure.message).toBe('The task ended with status "cancelled"');
	});
});

describe('describeTimeout', () => {
	test('names the prediction id, the status and Get Result so the user can fetch it later', () => {
		const failure = describeTimeout('abc123', 'processing', 600);
		expect(failure.kind).toBe('timeout');
		expect(failure.predictionId).toBe('abc123');
		expect(failure.message).toContain('600 s');
		expect(failure.message).toContain('processing');
		expect(failure.hint).toContain('Get Result');
		expect(failure.hint).toContain('abc123');
		expect(failure.hint).toMatch(/Timeout/);
	});
});

describe('redactSecrets', () => {
	test('masks bearer tokens whatever their case and spacing', () => {
		const out = redactSecrets('header was Authorization: Bearer sk_live_abc.def-123 and bearer   xyz987;');
		expect(out).not.toContain('sk_live_abc.def-123');
		expect(out).not.toContain('xyz987');
		expect(out).toContain('Bearer ***');
	});

	test('masks a bearer token inside JSON without eating the quote', () => {
		expect(redactSecrets('{"Authorization":"Bearer tok_123456"}')).toBe('{"Authorization":"Bearer ***"}');
	});

	test('masks every occurrence of an explicit secret', () => {
		expect(redactSecrets('key=ws-secret-key and again ws-secret-key', ['ws-secret-key'])).toBe('key=*** and again ***');
	});

	test('ignores empty or very short "secrets" that would mangle ordinary text', () => {
		expect(redactSecrets('a b c', ['', 'a'])).toBe('a b c');
	});

	test('leaves text without secrets alone', () => {
		expect(redactSecrets('WaveSpeed rejected the request (400)')).toBe('WaveSpeed rejected the request (400)');
	});
});

describe('FailureError', () => {
	test('carries the failure and its message', () => {
		const error = inputFailure('Prompt is empty', 'Write one');
		expect(error).toBeInstanceOf(Error);
		expect(error.message).toBe('Prompt is empty');
		expect(error.failure).toEqual({ kind: 'input', message: 'Prompt is empty', hint: 'Write one' });
	});

	test('withPrediction adds the id and status to a failure without one', () => {
		const original = new FailureError({ kind: 'network', message: 'reset', hint: 'retry' });
		const withId = original.withPrediction('pred-9', 'processing');
		expect(withId.failure.predictionId).toBe('pred-9');
		expect(withId.failure.status).toBe('processing');
		expect(original.failure.predictionId).toBeUndefined();
	});

	test('withPrediction never overwrites an existing prediction id', () => {
		const original = new FailureError({ kind: 'task', message: 'x', hint: 'y', predictionId: 'first', status: 'failed' });
		const again = original.withPrediction('second', 'processing');
		expect(again.failure.predictionId).toBe('first');
		expect(again.failure.status).toBe('failed');
	});

	test('withPrediction keeps an existing status and ignores an empty id', () => {
		const original = new FailureError({ kind: 'download', message: 'x', hint: 'y', status: 'completed' });
		expect(original.withPrediction('p', 'processing').failure.status).toBe('completed');
		expect(original.withPrediction(undefined).failure.predictionId).toBeUndefined();
		expect(original.withPrediction('').failure.predictionId).toBeUndefined();
	});
});

describe('toNodeError', () => {
	const apiKinds: Failure['kind'][] = ['auth', 'forbidden', 'balance', 'rateLimit', 'badRequest', 'notFound', 'server', 'network', 'gatewayTimeout', 'malformed', 'upload', 'download'];
	const operationKinds: Failure['kind'][] = ['input', 'task', 'timeout', 'nsfw', 'cancelled'];

	test.each(apiKinds)('an %s failure becomes a NodeApiError', (kind) => {
		expect(toNodeError(node, { kind, message: 'm', hint: 'h' }, 0)).toBeInstanceOf(NodeApiError);
	});

	test.each(operationKinds)('an %s failure becomes a NodeOperationError', (kind) => {
		const error = toNodeError(node, { kind, message: 'm', hint: 'h' }, 0);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error).not.toBeInstanceOf(NodeApiError);
	});

	test('an API error names the item, keeps the HTTP code and says how to recover the paid result', () => {
		const failure = { ...describeHttpFailure(500, 'boom', 'result'), predictionId: 'pred-77' };
		const error = toNodeError(node, failure, 3) as NodeApiError;
		expect(error.message).toBe('WaveSpeed had a server error (500): boom [item 3]');
		expect(error.httpCode).toBe('500');
		expect(error.description).toContain('Prediction ID: pred-77.');
		expect(error.description).toContain('Get Result');
		expect(error.description).toContain('instead of paying again');
		expect(error.context.itemIndex).toBe(3);
	});

	test('an input error names the item and carries the fix', () => {
		const error = toNodeError(node, inputFailure('Prompt is empty', 'Describe the image you want.').failure, 5);
		expect(error.message).toMatch(/\[item 5\]$/);
		expect(error.description).toBe('Describe the image you want.');
		expect(error.context.itemIndex).toBe(5);
	});

	test('a timeout names the prediction id once, with the Get Result hint', () => {
		const error = toNodeError(node, describeTimeout('pred-5', 'processing', 30), 0);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(/\[item 0\]$/);
		expect(error.description).toContain('pred-5');
		expect(error.description).toContain('Get Result');
		expect(error.description).not.toContain('instead of paying again');
	});

	test('a task failure carries the prediction id and its own hint', () => {
		const error = toNodeError(node, describeTaskFailure(1200, 'blocked', 'pred-6', 'failed'), 2);
		expect(error.message).toMatch(/content moderation.*\[item 2\]$/);
		expect(error.description).toContain('Prediction ID: pred-6.');
		expect(error.description).toContain('Change the prompt');
	});

	test('secrets and bearer tokens never reach the message or the description', () => {
		const failure: Failure = { kind: 'badRequest', httpCode: 400, message: 'echo: Bearer abcdef123 and key-ABCDEFG', hint: 'key-ABCDEFG again' };
		const error = toNodeError(node, failure, 0, ['key-ABCDEFG']);
		expect(`${error.message} ${error.description}`).not.toMatch(/abcdef123|key-ABCDEFG/);
	});
});

describe('errorJson', () => {
	test('has exactly the Continue On Fail fields, with nulls for what is unknown', () => {
		expect(errorJson(inputFailure('Prompt is empty', 'Write one').failure, 4, 'wavespeed')).toEqual({
			provider: 'wavespeed',
			error: 'Prompt is empty [item 4]',
			description: 'Write one',
			code: null,
			kind: 'input',
			httpCode: null,
			predictionId: null,
			status: null,
		});
	});

	test('carries the task code, prediction id and status of a failed task', () => {
		const json = errorJson(describeTaskFailure(1402, 'cannot fetch', 'pred-1', 'failed'), 0, 'wavespeed');
		expect(json).toMatchObject({ code: 1402, kind: 'task', httpCode: null, predictionId: 'pred-1', status: 'failed' });
		expect(json.error).toMatch(/\[item 0\]$/);
		expect(json.description).toContain('pred-1');
	});

	test('carries the HTTP code of an API failure', () => {
		expect(errorJson(describeHttpFailure(401, '', 'submit'), 1, 'wavespeed')).toMatchObject({ kind: 'auth', httpCode: 401, code: null });
	});

	test('redacts secrets', () => {
		const json = errorJson({ kind: 'network', message: 'Bearer abcdefgh', hint: 'my-secret-key' }, 0, 'wavespeed', ['my-secret-key']);
		expect(JSON.stringify(json)).not.toMatch(/abcdefgh|my-secret-key/);
	});
});
