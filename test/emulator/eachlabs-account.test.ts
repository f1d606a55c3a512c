/** Contract: each::labs balance (401, 3 per second, 503 knob), the sticky 429 knob, and the executions history. */
import { startEmulator, type Emulator } from '../../dev/emulator';
import { api, pause } from './helpers';

let emulator: Emulator;
beforeAll(async () => {
	emulator = await startEmulator({ dialect: 'eachlabs', latencyMs: 10 });
});
afterAll(() => emulator.close());
beforeEach(() => {
	emulator.reset(); // also forgets the balance reads of the last second
	emulator.configure({ latencyMs: 10, balance: 42.5, costUsd: 0.17, inFlightCap: Infinity, sticky429: false, stickyQuietMs: 120_000, eachlabsBalanceUnavailable: false });
});

const create = (prompt = 'x', model = 'gpt-image-v2-text-to-image') => api(emulator, 'POST', '/v1/prediction', { model, version: '0.0.1', input: { prompt } });

describe('GET /v1/billing/balance', () => {
	it('answers { balance_usd }: the balance minus what finished predictions were charged', async () => {
		expect((await api(emulator, 'GET', '/v1/billing/balance')).json).toEqual({ balance_usd: 42.5 });
		const created = await create();
		await emulator.waitForTask(created.json.predictionID);
		expect((await api(emulator, 'GET', '/v1/billing/balance')).json).toEqual({ balance_usd: 42.33 });
	});

	it('answers 401 for a wrong key', async () => {
		const answer = await api(emulator, 'GET', '/v1/billing/balance', undefined, { authorization: 'Bearer smk_wrong' });
		expect([answer.status, answer.json]).toEqual([401, { error: 'Invalid or missing API key' }]);
	});

	it('answers 429 with Retry-After: 1 beyond 3 requests a second, then serves again', async () => {
		const answers = await Promise.all([1, 2, 3, 4].map(() => api(emulator, 'GET', '/v1/billing/balance')));
		expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 429]);
		const limited = answers.find((a) => a.status === 429);
		expect(limited?.headers.get('retry-after')).toBe('1');
		await pause(1050);
		expect((await api(emulator, 'GET', '/v1/billing/balance')).status).toBe(200);
	});

	it('eachlabsBalanceUnavailable: 503, never a zero balance', async () => {
		emulator.configure({ eachlabsBalanceUnavailable: true });
		const answer = await api(emulator, 'GET', '/v1/billing/balance');
		expect(answer.status).toBe(503);
		expect(answer.json.balance_usd).toBeUndefined();
		expect(answer.json.error).toBe('balance unavailable');
	});
});

describe('sticky 429', () => {
	it('without the knob the cap refuses only while predictions are in flight', async () => {
		emulator.configure({ inFlightCap: 1, latencyMs: 100 });
		const first = await create();
		expect((await create()).status).toBe(429);
		await emulator.waitForTask(first.json.predictionID);
		expect((await create()).status).toBe(200);
	});

	it('once the cap refused a create, every create is refused until stickyQuietMs passed without any create', async () => {
		emulator.configure({ inFlightCap: 1, latencyMs: 100, sticky429: true, stickyQuietMs: 1500 });
		const first = await create();
		const refused = await create();
		expect([refused.status, refused.json.error]).toEqual([429, 'too many requests']);
		expect(refused.json.details).toContain('A rejected request creates no prediction and is never billed');
		expect(refused.json.details).toContain('$10 or less');
		await emulator.waitForTask(first.json.predictionID);
		// Nothing in flight now, but retries inside the quiet time keep it sticky (each restarts the silence).
		for (let i = 0; i < 3; i++) {
			await pause(250);
			expect((await create()).status).toBe(429);
		}
		expect(emulator.tasks).toHaveLength(1);
		await pause(1600);
		const through = await create();
		expect(through.status).toBe(200);
		await emulator.waitForTask(through.json.predictionID);
		expect((await create()).status).toBe(200); // cleared: normal again
	});
});

describe('GET /v1/executions', () => {
	async function four(): Promise<string[]> {
		const ids: string[] = [];
		for (const [prompt, model] of [['a', 'gpt-image-v2-text-to-image'], ['b', 'gpt-image-v2-5-flare-text-to-image'], ['c', 'gpt-image-v2-text-to-image']]) {
			ids.push((await create(prompt, model)).json.predictionID);
		}
		emulator.injectFault({ endpoint: 'submit', kind: 'task-failed' });
		ids.push((await create('d')).json.predictionID);
		await Promise.all(ids.map((id) => emulator.waitForTask(id)));
		emulator.tasks.forEach((task, index) => (task.createdAt = Date.parse('2026-12-01T10:00:00Z') + index * 60_000));
		return ids;
	}
	const list = async (query: string) => (await api(emulator, 'GET', `/v1/executions?${query}`)).json;

	it('lists newest first with execution_cost, run_time and created_at; paged by limit and offset', async () => {
		const ids = await four();
		const all = await list('limit=10');
		expect(all).toMatchObject({ total: 4, limit: 10, offset: 0 });
		expect(all.executions.map((e: { id: string }) => e.id)).toEqual([...ids].reverse());
		expect(all.executions[3]).toEqual({ id: ids[0], model: 'gpt-image-v2-text-to-image', status: 'success', execution_cost: 0.17, run_time: expect.any(Number), created_at: '2026-12-01T10:00:00.000Z' });
		expect(all.executions[0]).toMatchObject({ status: 'error', execution_cost: 0 });
		expect((await list('limit=2&offset=1')).executions.map((e: { id: string }) => e.id)).toEqual([ids[2], ids[1]]);
	});

	it('filters by model, status and from/to (ISO or Unix seconds)', async () => {
		const ids = await four();
		expect((await list('model=gpt-image-v2-5-flare-text-to-image')).executions.map((e: { id: string }) => e.id)).toEqual([ids[1]]);
		expect((await list('status=error')).executions.map((e: { id: string }) => e.id)).toEqual([ids[3]]);
		expect((await list('from=2026-12-01T10:01:00Z&to=2026-12-01T10:02:00Z')).executions.map((e: { id: string }) => e.id)).toEqual([ids[2], ids[1]]);
		const fromUnix = Math.floor(Date.parse('2026-12-01T10:03:00Z') / 1000);
		expect((await list(`from=${fromUnix}`)).executions.map((e: { id: string }) => e.id)).toEqual([ids[3]]);
	});

	it('refuses a limit outside 1-100, a bad status or time with 400', async () => {
		for (const query of ['limit=0', 'limit=101', 'offset=-1', 'status=done', 'from=yesterday']) {
			expect([query, (await api(emulator, 'GET', `/v1/executions?${query}`)).status]).toEqual([query, 400]);
		}
	});
});
