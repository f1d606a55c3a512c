/** Contract: the price table, the pricing endpoint and its knob, a balance each accepted task decrements, 402 at zero. */
import { startEmulator, type Emulator } from '../../dev/emulator';
import { PRICE_TABLE } from '../../dev/emulator/billing';
import { api, T2I } from './helpers';

let emulator: Emulator;

beforeAll(async () => {
	emulator = await startEmulator({ latencyMs: 30 });
});
afterAll(() => emulator.close());
beforeEach(() => {
	emulator.reset();
	emulator.configure({ latencyMs: 30, balance: 42.5, pricingEndpoint: 'quote' });
});

const quote = (inputs: Record<string, unknown>, model = 'openai/gpt-image-2/text-to-image') =>
	api(emulator, 'POST', '/api/v3/model/pricing', { model_id: model, inputs });

describe('pricing endpoint', () => {
	it('quotes the table by resolution and quality (1k / medium when unset)', async () => {
		const answer = await quote({ prompt: 'x', resolution: '4k', quality: 'high' });
		expect(answer.json).toEqual({ code: 200, message: 'success', data: { model_id: 'openai/gpt-image-2/text-to-image', unit_price: PRICE_TABLE['4k'].high, currency: 'USD' } });
		expect((await quote({ prompt: 'x' })).json.data.unit_price).toBe(PRICE_TABLE['1k'].medium);
		expect(emulator.requests.map((r) => r.endpoint)).toEqual(['pricing', 'pricing']);
	});

	it('refuses an unknown model', async () => {
		expect((await quote({ prompt: 'x' }, 'openai/dall-e')).status).toBe(400);
	});

	it('can be absent (404) or answer in a shape no documentation describes', async () => {
		emulator.configure({ pricingEndpoint: 'absent' });
		expect((await quote({ prompt: 'x' })).status).toBe(404);
		emulator.configure({ pricingEndpoint: 'odd' });
		const odd = await quote({ prompt: 'x' });
		expect(odd.status).toBe(200);
		expect(odd.json.data.unit_price).toBeUndefined();
	});
});

describe('balance', () => {
	it('each accepted task takes its price; a task the balance cannot pay is refused with 402 and created nothing', async () => {
		emulator.configure({ balance: 0.5 });
		const submit = () => api(emulator, 'POST', T2I, { prompt: 'x', resolution: '1k', quality: 'high' });
		expect((await submit()).status).toBe(200);
		expect((await submit()).status).toBe(200);
		expect(emulator.balanceUsd).toBeCloseTo(0.02, 6);
		expect((await api(emulator, 'GET', '/api/v3/balance')).json.data.balance).toBeCloseTo(0.02, 6);
		const refused = await submit();
		expect(refused.status).toBe(402);
		expect(refused.json).toEqual({ code: 402, message: expect.stringMatching(/^Insufficient balance: this task costs \$0\.24, your balance is \$0\.02/), data: null });
		expect(emulator.tasks).toHaveLength(2);
	});

	it('reset gives the configured balance back', async () => {
		await api(emulator, 'POST', T2I, { prompt: 'x' });
		expect(emulator.balanceUsd).toBeCloseTo(42.5 - PRICE_TABLE['1k'].medium, 6);
		emulator.reset();
		expect(emulator.balanceUsd).toBe(42.5);
	});
});
