import { classifySubmitAnswer } from '../../../../nodes/shared/providers/wavespeed/submitAnswer';

const ok = (data: unknown, code: unknown = 200) => ({ status: 200, headers: {}, body: { code, message: 'success', data } });
const prediction = { id: 'abc123', model: 'openai/gpt-image-2/edit', status: 'created', outputs: [], urls: { get: 'x' } };

describe('classifySubmitAnswer', () => {
	test('a clean acceptance', () => {
		expect(classifySubmitAnswer(ok(prediction))).toMatchObject({ kind: 'accepted', prediction: { id: 'abc123' } });
	});

	test.each([
		['429 with Retry-After', { status: 429, headers: { 'retry-after': '3' }, body: { code: 429, message: 'slow down' } }, 'rateLimit'],
		['401', { status: 401, headers: {}, body: { code: 401, message: 'bad key' } }, 'auth'],
		['400', { status: 400, headers: {}, body: { code: 400, message: 'bad' } }, 'badRequest'],
		['400 without envelope', { status: 400, headers: {}, body: { error: 'webhook cannot be used' } }, 'badRequest'],
	])('a definite refusal: %s', (_name, response, kind) => {
		const answer = classifySubmitAnswer(response);
		expect(answer.kind).toBe('refused');
		if (answer.kind === 'refused') expect(answer.failure.kind).toBe(kind);
	});

	test('a balance refusal inside HTTP 200 reads as such (and, like every non-429 refusal, is not sent again)', () => {
		const answer = classifySubmitAnswer({ status: 200, headers: {}, body: { code: 403, message: 'Insufficient credits for this request', data: null } });
		expect(answer).toMatchObject({ kind: 'refused', failure: { kind: 'balance' } });
	});

	test('the 429 refusal carries Retry-After', () => {
		const answer = classifySubmitAnswer({ status: 429, headers: { 'retry-after': '3' }, body: '' });
		expect(answer).toMatchObject({ kind: 'refused', failure: { retryAfterMs: 3000 } });
	});

	test.each([
		['a truncated body', { status: 200, headers: {}, body: '{"code":200,"message":"success","data":{"id":"abc12' }, undefined],
		['HTML', { status: 200, headers: {}, body: '<html>OK</html>' }, undefined],
		['a numeric id', ok({ ...prediction, id: 12345 }), '12345'],
		['code "200" as a string', ok(prediction, '200'), 'abc123'],
		['HTTP 200 with code 429 inside', ok(prediction, 429), 'abc123'],
		['HTTP 200 with code 500 inside and no data', { status: 200, headers: {}, body: { code: 500, message: 'oops' } }, undefined],
		['a status that is not text', ok({ ...prediction, status: 7 }), 'abc123'],
		['an id that is not path-safe', ok({ ...prediction, id: '..' }), undefined],
		['a 5xx', { status: 502, headers: {}, body: 'bad gateway' }, undefined],
		['a gateway 504', { status: 504, headers: {}, body: '<html>504</html>' }, undefined],
		['a redirect', { status: 302, headers: {}, body: '' }, undefined],
		['a 408 (the server may have read the whole request)', { status: 408, headers: {}, body: '' }, undefined],
	])('ambiguous, never retried or "try again": %s', (_name, response, id) => {
		const answer = classifySubmitAnswer(response);
		expect(answer.kind).toBe('ambiguous');
		if (answer.kind !== 'ambiguous') return;
		expect(answer.failure.predictionId).toBe(id);
		expect(`${answer.failure.message} ${answer.failure.hint}`).not.toMatch(/try again/i);
		expect(`${answer.failure.message} ${answer.failure.hint}`).toMatch(/may have been created|not submitted again/);
	});

	test('an unsafe id is shown in words, not used', () => {
		const answer = classifySubmitAnswer(ok({ ...prediction, id: '../../balance' }));
		expect(answer.kind).toBe('ambiguous');
		if (answer.kind === 'ambiguous') expect(`${answer.failure.message}`).toContain('"../../balance"');
	});
});
