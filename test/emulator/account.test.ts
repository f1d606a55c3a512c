/** Contract: WaveSpeed quotes (/model/price and legacy /model/pricing), real charges (billings/search), history and delete. */
import { ABSURD_QUOTE, PRICE_TABLE, startEmulator, type Emulator } from '../../dev/emulator';
import { api, EDIT, pause, pollUntilDone, result, T2I } from './helpers';

let emulator: Emulator;
beforeAll(async () => {
	emulator = await startEmulator({ latencyMs: 20 });
});
afterAll(() => emulator.close());
beforeEach(() => {
	emulator.reset();
	emulator.configure({ latencyMs: 20, priceEndpoint: 'quote', pricingEndpoint: 'quote', quoteOverride: 'none', discountRate: 0, billingSettleMs: 0, balance: 42.5 });
});

const FLARE_T2I = 'openai/gpt-image-2.5-flare/text-to-image';
const quoteBody = (model_id: string, inputs: Record<string, unknown>) => ({ model_id, inputs });

describe('POST /api/v3/model/price', () => {
	it('quotes price and discounted_price in USD for gpt-image-2 from the same table as the legacy endpoint', async () => {
		const inputs = { prompt: 'x', images: ['https://a/b.png'], resolution: '2k', quality: 'high' };
		const price = await api(emulator, 'POST', '/api/v3/model/price', quoteBody('openai/gpt-image-2/edit', inputs));
		expect(price.json).toEqual({ code: 200, message: 'success', data: { model_id: 'openai/gpt-image-2/edit', price: PRICE_TABLE['2k'].high, discounted_price: PRICE_TABLE['2k'].high, discount_rate: 0, currency: 'USD' } });
		const legacy = await api(emulator, 'POST', '/api/v3/model/pricing', quoteBody('openai/gpt-image-2/edit', inputs));
		expect(legacy.json.data).toEqual({ model_id: 'openai/gpt-image-2/edit', unit_price: PRICE_TABLE['2k'].high, currency: 'USD' });
	});

	it('quotes the newer models from their base price upward; partial inputs get the base_price', async () => {
		const low = await api(emulator, 'POST', '/api/v3/model/price', quoteBody(FLARE_T2I, { prompt: 'x', quality: 'low' }));
		expect(low.json.data.price).toBe(0.01);
		const max4k = await api(emulator, 'POST', '/api/v3/model/price', quoteBody(FLARE_T2I, { prompt: 'x', quality: 'max', resolution: '4k' }));
		expect(max4k.json.data.price).toBe(0.16);
		const complex = await api(emulator, 'POST', '/api/v3/model/price', quoteBody('openai/gpt-image-2.6-flare/text-to-image', { prompt: 'x', quality: 'low', complexity: 'high' }));
		expect(complex.json.data.price).toBeCloseTo(0.0675, 6);
		const partial = await api(emulator, 'POST', '/api/v3/model/price', quoteBody('openai/gpt-image-2.6-sunburst/edit', { prompt: 'x', quality: 'max' }));
		expect(partial.json.data.price).toBe(0.045);
	});

	it('discountRate lowers discounted_price and the real charge', async () => {
		emulator.configure({ discountRate: 0.2 });
		const quote = await api(emulator, 'POST', '/api/v3/model/price', quoteBody('openai/gpt-image-2/text-to-image', { prompt: 'x', quality: 'high' }));
		expect(quote.json.data).toMatchObject({ price: 0.24, discounted_price: 0.192, discount_rate: 0.2 });
		const submitted = await api(emulator, 'POST', T2I, { prompt: 'x', quality: 'high' });
		await pollUntilDone(emulator, submitted.json.data.id);
		const bills = await api(emulator, 'POST', '/api/v3/billings/search', { prediction_uuids: [submitted.json.data.id], page: 1, page_size: 10 });
		expect(bills.json.data.items[0].price).toBeCloseTo(0.192, 6);
		expect(emulator.balanceUsd).toBeCloseTo(42.5 - 0.192, 6);
	});

	it('priceEndpoint absent: /model/price answers 404 while /model/pricing still quotes (the fallback)', async () => {
		emulator.configure({ priceEndpoint: 'absent' });
		const body = quoteBody('openai/gpt-image-2/text-to-image', { prompt: 'x' });
		expect((await api(emulator, 'POST', '/api/v3/model/price', body)).status).toBe(404);
		expect((await api(emulator, 'POST', '/api/v3/model/pricing', body)).json.data.unit_price).toBe(PRICE_TABLE['1k'].medium);
	});

	it.each([
		['zero', 0],
		['absurd', ABSURD_QUOTE],
	] as const)('quoteOverride %s answers %d on both endpoints', async (mode, figure) => {
		emulator.configure({ quoteOverride: mode });
		const body = quoteBody('openai/gpt-image-2/text-to-image', { prompt: 'x' });
		expect((await api(emulator, 'POST', '/api/v3/model/price', body)).json.data).toMatchObject({ price: figure, discounted_price: figure });
		expect((await api(emulator, 'POST', '/api/v3/model/pricing', body)).json.data.unit_price).toBe(figure);
	});

	it('a newer model is charged its own price at submit: 402 names it to the hundredth of a cent', async () => {
		emulator.configure({ balance: 0.05 });
		const refused = await api(emulator, 'POST', '/api/v3/openai/gpt-image-2.6-flare/text-to-image', { prompt: 'x', quality: 'low', complexity: 'high' });
		expect(refused.json).toEqual({ code: 402, message: expect.stringMatching(/^Insufficient balance: this task costs \$0\.0675, your balance is \$0\.05\./), data: null });
		expect((await api(emulator, 'POST', '/api/v3/openai/gpt-image-2.5-flare/text-to-image', { prompt: 'x', quality: 'low' })).status).toBe(200);
		expect(emulator.balanceUsd).toBeCloseTo(0.04, 6);
	});

	it('refuses an unknown model_id with 400', async () => {
		const answer = await api(emulator, 'POST', '/api/v3/model/price', quoteBody('openai/gpt-image-1/edit', { prompt: 'x' }));
		expect(answer.status).toBe(400);
		expect(answer.json.message).toContain('model_id');
	});
});

describe('POST /api/v3/billings/search', () => {
	it('a charge is pre right after submit and done once the task finished and billingSettleMs passed', async () => {
		emulator.configure({ latencyMs: 150, billingSettleMs: 200 });
		const submitted = await api(emulator, 'POST', '/api/v3/openai/gpt-image-2.5-sunburst/text-to-image', { prompt: 'x', quality: 'high' });
		const id = submitted.json.data.id as string;
		const search = () => api(emulator, 'POST', '/api/v3/billings/search', { prediction_uuids: [id], page: 1, page_size: 10 });
		const early = await search();
		expect(early.json.data).toMatchObject({ page: 1, total: 1 });
		expect(early.json.data.items[0]).toMatchObject({ price: 0.04, billing_type: 'deduct', order: { state: 'pre' }, prediction: { uuid: id, model_uuid: 'openai/gpt-image-2.5-sunburst/text-to-image' } });
		await emulator.waitForTask(id);
		expect((await search()).json.data.items[0].order.state).toBe('pre');
		await pause(250);
		expect((await search()).json.data.items[0]).toMatchObject({ order: { state: 'done' }, prediction: { status: 'completed' } });
	});

	it('finds only the asked ids, pages them, and knows no refunds', async () => {
		const ids: string[] = [];
		for (const quality of ['low', 'medium', 'high']) ids.push((await api(emulator, 'POST', T2I, { prompt: 'x', quality })).json.data.id);
		const two = await api(emulator, 'POST', '/api/v3/billings/search', { prediction_uuids: ids.slice(0, 2), page: 1, page_size: 1 });
		expect(two.json.data.total).toBe(2);
		expect(two.json.data.items.map((item: { prediction: { uuid: string } }) => item.prediction.uuid)).toEqual([ids[0]]);
		const refunds = await api(emulator, 'POST', '/api/v3/billings/search', { prediction_uuids: ids, billing_type: 'refund' });
		expect(refunds.json.data.items).toEqual([]);
		expect((await api(emulator, 'POST', '/api/v3/billings/search', { prediction_uuids: 'nope' })).status).toBe(400);
		expect((await api(emulator, 'POST', '/api/v3/billings/search', { page_size: 101 })).status).toBe(400);
	});
});

describe('POST /api/v3/predictions (history) and /predictions/delete', () => {
	async function three(): Promise<string[]> {
		const ids: string[] = [];
		ids.push((await api(emulator, 'POST', T2I, { prompt: 'one' })).json.data.id);
		ids.push((await api(emulator, 'POST', '/api/v3/openai/gpt-image-2.5-flare/text-to-image', { prompt: 'two' })).json.data.id);
		emulator.injectFault({ endpoint: 'submit', kind: 'task-failed', taskErrorCode: 1200 });
		ids.push((await api(emulator, 'POST', T2I, { prompt: 'three' })).json.data.id);
		await Promise.all(ids.map((id) => emulator.waitForTask(id)));
		return ids;
	}

	it('needs page and page_size (1-100)', async () => {
		expect((await api(emulator, 'POST', '/api/v3/predictions', { page: 1 })).json).toMatchObject({ code: 400, message: expect.stringContaining('page_size') });
		expect((await api(emulator, 'POST', '/api/v3/predictions', { page: 1, page_size: 0 })).status).toBe(400);
		expect((await api(emulator, 'POST', '/api/v3/predictions', { page: 1, page_size: 101 })).status).toBe(400);
		expect((await api(emulator, 'POST', '/api/v3/predictions', { page: 1, page_size: 100 })).status).toBe(200);
	});

	it('lists newest first, without input, paged', async () => {
		const ids = await three();
		emulator.tasks.forEach((task, index) => (task.createdAt -= (3 - index) * 1000)); // distinct times, in submit order
		const page1 = await api(emulator, 'POST', '/api/v3/predictions', { page: 1, page_size: 2 });
		expect(page1.json.data).toMatchObject({ page: 1, total: 3 });
		expect(page1.json.data.items.map((item: { id: string }) => item.id)).toEqual([ids[2], ids[1]]);
		const page2 = await api(emulator, 'POST', '/api/v3/predictions', { page: 2, page_size: 2 });
		expect(page2.json.data.items.map((item: { id: string }) => item.id)).toEqual([ids[0]]);
		const item = page2.json.data.items[0];
		expect(Object.keys(item).sort()).toEqual(['created_at', 'error', 'executionTime', 'has_nsfw_contents', 'id', 'model', 'outputs', 'status', 'timings', 'urls'].sort());
		expect(item).toMatchObject({ status: 'completed', outputs: [expect.stringMatching(/^http/)], urls: { get: `${emulator.baseUrl}${result(ids[0])}` } });
	});

	it('filters by model, status and time window; keeps only the last 7 days', async () => {
		const ids = await three();
		const list = async (filter: Record<string, unknown>) =>
			(await api(emulator, 'POST', '/api/v3/predictions', { page: 1, page_size: 10, ...filter })).json.data.items.map((item: { id: string }) => item.id);
		expect(await list({ model: 'openai/gpt-image-2.5-flare/text-to-image' })).toEqual([ids[1]]);
		expect(await list({ status: 'failed' })).toEqual([ids[2]]);
		emulator.tasks[0].createdAt = Date.parse('2026-01-01T00:00:00Z');
		expect(await list({ created_before: '2026-06-01T00:00:00Z' })).toEqual([]); // older than 7 days: gone
		emulator.tasks[0].createdAt = Date.now() - 6 * 24 * 3600 * 1000;
		const sixDaysAgo = new Date(emulator.tasks[0].createdAt).toISOString();
		expect(await list({ created_before: sixDaysAgo })).toEqual([ids[0]]);
		expect((await list({ created_after: new Date(Date.now() - 60_000).toISOString() })).sort()).toEqual([ids[1], ids[2]].sort());
		expect((await api(emulator, 'POST', '/api/v3/predictions', { page: 1, page_size: 10, created_after: 'yesterday' })).status).toBe(400);
	});

	it('delete removes predictions from history and their result answers 404', async () => {
		const ids = await three();
		const deleted = await api(emulator, 'POST', '/api/v3/predictions/delete', { ids: [ids[0], 'unknown-id'] });
		expect(deleted.json).toEqual({ code: 200, message: 'success', data: { deleted: [ids[0]] } });
		expect((await api(emulator, 'GET', result(ids[0]))).status).toBe(404);
		const listed = await api(emulator, 'POST', '/api/v3/predictions', { page: 1, page_size: 10 });
		expect(listed.json.data.items.map((item: { id: string }) => item.id)).not.toContain(ids[0]);
		expect((await api(emulator, 'POST', '/api/v3/predictions/delete', { ids: [] })).status).toBe(400);
	});

	it.each([
		['task-cancelled', 'cancelled'],
		['task-timeout', 'timeout'],
	] as const)('the %s fault ends the task as %s (result and history)', async (kind, status) => {
		emulator.injectFault({ endpoint: 'submit', kind });
		const submitted = await api(emulator, 'POST', EDIT, { prompt: 'x', images: ['https://example.invalid/a.png'] });
		expect(submitted.status).toBe(200);
		const task = await emulator.waitForTask(submitted.json.data.id);
		expect(task.status).toBe(status);
		const read = await api(emulator, 'GET', result(task.id));
		expect(read.json.data).toMatchObject({ status, outputs: [], error: expect.any(String) });
		expect(read.json.data.error).not.toBe('');
		const listed = await api(emulator, 'POST', '/api/v3/predictions', { page: 1, page_size: 10, status });
		expect(listed.json.data.items.map((item: { id: string }) => item.id)).toEqual([task.id]);
	});
});
