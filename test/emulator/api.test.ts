/** Contract: auth, envelope, submit/result lifecycle, validation, rate limit, concurrency (docs/wavespeed-api.md). */
import { startEmulator, type Emulator } from '../../dev/emulator';
import { api, EDIT, pause, pollUntilDone, result, T2I } from './helpers';

let emulator: Emulator;

beforeAll(async () => {
	emulator = await startEmulator({ latencyMs: 30 });
});
afterAll(() => emulator.close());
beforeEach(() => {
	emulator.reset();
	emulator.configure({ latencyMs: 30, queueMs: 0, concurrency: Infinity, rateLimitPerMinute: Infinity });
});

describe('auth and envelope', () => {
	it('answers 401 with the envelope for a missing or wrong key', async () => {
		for (const headers of [{ authorization: '' }, { authorization: 'Bearer wrong' }]) {
			const answer = await api(emulator, 'GET', '/api/v3/balance', undefined, headers);
			expect(answer.status).toBe(401);
			expect(answer.json).toEqual({ code: 401, message: expect.stringContaining('Invalid API key'), data: null });
		}
	});

	it('serves the balance and the webhook secret in a success envelope', async () => {
		const balance = await api(emulator, 'GET', '/api/v3/balance');
		expect(balance.status).toBe(200);
		expect(balance.json).toEqual({ code: 200, message: 'success', data: { balance: 42.5 } });
		const secret = await api(emulator, 'GET', '/api/v3/webhook/secret');
		expect(secret.json.code).toBe(200);
		expect(secret.json.data.secret).toMatch(/^whsec_.{16,}$/);
		expect(secret.json.data.secret).toBe(emulator.webhookSecret);
	});

	it('answers 404 envelopes for unknown models and predictions', async () => {
		const model = await api(emulator, 'POST', '/api/v3/openai/gpt-image-1/edit', { prompt: 'x' });
		expect(model.status).toBe(404);
		expect(model.json).toMatchObject({ code: 404, data: null });
		const prediction = await api(emulator, 'GET', result('0123456789abcdef0123456789abcdef'));
		expect(prediction.status).toBe(404);
		expect(prediction.json).toMatchObject({ code: 404, data: null });
		expect(emulator.tasks).toHaveLength(0);
	});
});

describe('submit and result', () => {
	it('answers a created prediction for both models', async () => {
		const edit = await api(emulator, 'POST', EDIT, { prompt: 'brighter', images: ['http://127.0.0.1:9/a.png'] });
		const t2i = await api(emulator, 'POST', T2I, { prompt: 'a red bicycle' });
		for (const [answer, model] of [
			[edit, 'openai/gpt-image-2/edit'],
			[t2i, 'openai/gpt-image-2/text-to-image'],
		] as const) {
			expect(answer.status).toBe(200);
			expect(answer.json).toEqual({
				code: 200,
				message: 'success',
				data: {
					id: expect.stringMatching(/^[0-9a-f]{32}$/),
					model,
					outputs: [],
					urls: { get: `${emulator.baseUrl}/api/v3/predictions/${answer.json.data.id}/result` },
					has_nsfw_contents: [],
					status: 'created',
					created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
					error: '',
					timings: { inference: 0 },
					code: 0,
				},
			});
		}
		expect(emulator.tasks.map((t) => t.model)).toEqual(['openai/gpt-image-2/edit', 'openai/gpt-image-2/text-to-image']);
	});

	it('goes created -> processing -> completed, on both result paths, counting polls', async () => {
		emulator.configure({ queueMs: 80, latencyMs: 80 });
		const submit = await api(emulator, 'POST', T2I, { prompt: 'lifecycle' });
		const id = submit.json.data.id as string;
		const { statuses, last } = await pollUntilDone(emulator, id);
		expect(statuses).toEqual(['created', 'processing', 'completed']);
		expect(last.json.data.outputs).toHaveLength(1);
		expect(last.json.data.has_nsfw_contents).toEqual([false]);
		expect(last.json.data.timings.inference).toBeGreaterThan(0);

		const bare = await api(emulator, 'GET', `/api/v3/predictions/${id}`);
		expect(bare.json.data).toEqual(last.json.data);
		const task = emulator.tasks[0];
		expect(task.polls).toBe(emulator.requests.filter((r) => r.endpoint === 'result').length);
		expect(task.startedAt).toBeGreaterThanOrEqual(task.createdAt);
		expect(task.completedAt).toBeGreaterThanOrEqual(task.startedAt as number);
	});

	it('silently drops unknown fields and records them', async () => {
		const answer = await api(emulator, 'POST', T2I, { prompt: 'p', size: '1024x1024', seed: 7, n: 2, aspect_ratio: '3:2' });
		expect(answer.status).toBe(200);
		const task = emulator.tasks[0];
		expect(task.input).toEqual({ prompt: 'p', aspect_ratio: '3:2' });
		expect(task.dropped.sort()).toEqual(['n', 'seed', 'size']);
		expect(emulator.requests[0].json).toMatchObject({ seed: 7 });
	});

	it.each([
		['missing prompt', T2I, { aspect_ratio: '1:1' }, '1400'],
		['empty prompt', T2I, { prompt: '' }, '1401'],
		['missing images', EDIT, { prompt: 'x' }, '1400'],
		['empty images', EDIT, { prompt: 'x', images: [] }, '1401'],
		['17 images', EDIT, { prompt: 'x', images: Array(17).fill('http://h/a.png') }, '1401'],
		['image not a URL', EDIT, { prompt: 'x', images: ['data:image/png;base64,AAAA'] }, '1401'],
		['bad aspect ratio', T2I, { prompt: 'x', aspect_ratio: '5:3' }, '1401'],
		['bad resolution', T2I, { prompt: 'x', resolution: '8k' }, '1401'],
		['bad quality', T2I, { prompt: 'x', quality: 'ultra' }, '1401'],
		['bad format', T2I, { prompt: 'x', output_format: 'webp' }, '1401'],
		['sync not boolean', T2I, { prompt: 'x', enable_sync_mode: 'yes' }, '1401'],
	])('answers 400 for %s', async (_name, path, body, code) => {
		const answer = await api(emulator, 'POST', path, body);
		expect(answer.status).toBe(400);
		expect(answer.json).toEqual({ code: 400, message: expect.stringContaining(code), data: null });
		expect(emulator.tasks).toHaveLength(0);
	});

	it('answers 400 { error } without an envelope for webhook + base64 output', async () => {
		const answer = await api(emulator, 'POST', `${T2I}?webhook=${encodeURIComponent('https://example.com/hook')}`, {
			prompt: 'x',
			enable_base64_output: true,
		});
		expect(answer.status).toBe(400);
		expect(Object.keys(answer.json)).toEqual(['error']);
		expect(typeof answer.json.error).toBe('string');
		expect(emulator.tasks).toHaveLength(0);
	});
});

describe('account limits', () => {
	it('answers 429 with Retry-After beyond the per-minute limit and creates no task', async () => {
		emulator.configure({ rateLimitPerMinute: 2 });
		const answers = [];
		for (let i = 0; i < 3; i++) answers.push(await api(emulator, 'POST', T2I, { prompt: `n${i}` }));
		expect(answers.map((a) => a.status)).toEqual([200, 200, 429]);
		expect(answers[2].json).toMatchObject({ code: 429, data: null });
		expect(Number(answers[2].headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
		expect(emulator.tasks).toHaveLength(2);
	});

	it('keeps a third task in created while two run (Bronze concurrency 2)', async () => {
		emulator.configure({ concurrency: 2, latencyMs: 400 });
		const ids: string[] = [];
		for (let i = 0; i < 3; i++) ids.push((await api(emulator, 'POST', T2I, { prompt: `c${i}` })).json.data.id);
		await pause(100);
		const statuses = await Promise.all(ids.map(async (id) => (await api(emulator, 'GET', result(id))).json.data.status));
		expect(statuses).toEqual(['processing', 'processing', 'created']);
		const third = await emulator.waitForTask(ids[2]);
		expect(third.status).toBe('completed');
		const firstDone = Math.min(...emulator.tasks.slice(0, 2).map((t) => t.completedAt as number));
		expect(third.startedAt).toBeGreaterThanOrEqual(firstDone);
	});
});
