/** The pure money decisions: token formula, estimates, totals, Max Cost Per Run and balance refusals; WaveSpeed's readers. */
import type { CostInput, PricedRow } from '../../../nodes/shared/money/cost';
import type { FormulaPricing } from '../../../nodes/shared/providers/provider';
import {
	budgetFailure,
	checkBalance,
	checkBudget,
	estimatedSize,
	formatUsd,
	formulaUsd,
	imageOutputTokens,
	isSaneQuote,
	itemCost,
	runTotalUsd,
} from '../../../nodes/shared/money/cost';
import { FailureError } from '../../../nodes/shared/core/errors';
import type { SubmitPlan } from '../../../nodes/shared/params/itemPlan';
import { BalanceGuard, NOTHING_RECOVERED, recoveredFromMemory, rowsToPrice, RunBudget } from '../../../nodes/shared/money/pricing';
import { clearProcessMemory, RecoveryMemory } from '../../../nodes/shared/money/recovery';
import { EACHLABS_PRICING } from '../../../nodes/shared/providers/eachlabs/pricing';
import { quoteCalls, readBalance, readQuote, WAVESPEED_PRICING } from '../../../nodes/shared/providers/wavespeed/pricing';
import { outputSize } from '../../../nodes/shared/core/sizes';
import type { RawResponse } from '../../../nodes/shared/http/transport';

const input = (resolution: CostInput['settings']['resolution'], quality: CostInput['settings']['quality'], aspectRatio: CostInput['settings']['aspectRatio'] = '1:1'): CostInput => ({
	kind: 'generate',
	promptLength: 40,
	referenceCount: 0,
	settings: { aspectRatio, resolution, quality },
});

const row = (index: number, usd: number, quality: CostInput['settings']['quality'] = 'low'): PricedRow => ({
	index,
	kind: 'generate',
	settings: { aspectRatio: '1:1', resolution: '1k', quality },
	estimate: { usd, source: 'quote' },
});

describe('the token formula', () => {
	test.each([
		[1024, 1024, [196, 1756, 7024]],
		[1536, 1024, [158, 1372, 5488]],
	])('%ix%i gives the published token counts for low / medium / high', (width, height, tokens) => {
		expect((['low', 'medium', 'high'] as const).map((q) => imageOutputTokens({ width, height }, q))).toEqual(tokens);
	});

	test('WaveSpeed: output tokens at $30/M, never below the listed $0.06', () => {
		expect(formulaUsd(input('1k', 'low'), WAVESPEED_PRICING)).toBe(0.06);
		expect(formulaUsd(input('1k', 'medium'), WAVESPEED_PRICING)).toBe(0.06);
		expect(formulaUsd(input('1k', 'high'), WAVESPEED_PRICING)).toBe(0.2107);
		expect(formulaUsd(input('2k', 'medium'), WAVESPEED_PRICING)).toBe(0.107);
		expect(formulaUsd(input('4k', 'high'), WAVESPEED_PRICING)).toBe(0.7116);
	});

	test("'match' is priced as a square: the most any shape costs at a resolution", () => {
		expect(estimatedSize({ aspectRatio: 'match', resolution: '2k', quality: 'high' })).toEqual({ width: 2048, height: 2048 });
		for (const ratio of ['16:9', '3:2', '9:16', '21:9'] as const) {
			expect(formulaUsd(input('4k', 'high', ratio), WAVESPEED_PRICING)).toBeLessThanOrEqual(formulaUsd(input('4k', 'high', 'match'), WAVESPEED_PRICING));
		}
	});

	test('a provider that prices inputs by token (each::labs) adds the prompt and the references', () => {
		const tokenPriced: FormulaPricing = { tokenPrices: { imageOutputPerMillion: 30, textInputPerMillion: 5, imageInputPerMillion: 10 }, floorUsd: 0 };
		const edit: CostInput = { kind: 'edit', promptLength: 400, referenceCount: 2, settings: { aspectRatio: '1:1', resolution: '1k', quality: 'high' } };
		// 7024 output tokens at $30/M + 100 text tokens at $5/M + 2 x 765 image tokens at $10/M.
		expect(formulaUsd(edit, tokenPriced)).toBeCloseTo((7024 * 30 + 100 * 5 + 1530 * 10) / 1e6, 4);
	});

	test('each::labs: its token prices, no floor, and the size it would send when it says one', () => {
		const edit: CostInput = { kind: 'edit', promptLength: 40, referenceCount: 1, settings: { aspectRatio: '3:2', resolution: '1k', quality: 'low' } };
		// 10 text tokens at $5/M + 765 image tokens at $10/M + output tokens at $30/M, nothing rounded up to a floor.
		const input = 10 * 5 + 765 * 10;
		expect(formulaUsd(edit, EACHLABS_PRICING)).toBeCloseTo((input + imageOutputTokens(outputSize('3:2', '1k'), 'low') * 30) / 1e6, 4);
		expect(formulaUsd({ ...edit, size: { width: 1536, height: 1024 } }, EACHLABS_PRICING)).toBeCloseTo((input + 158 * 30) / 1e6, 4);
	});

	test('the size rule matches the one reported size (16:9 at 2k = 2736x1536)', () => {
		expect(outputSize('16:9', '2k')).toEqual({ width: 2736, height: 1536 });
		expect(outputSize('1:1', '1k')).toEqual({ width: 1024, height: 1024 });
	});
});

describe('totals and item figures', () => {
	test('rows without an estimate add nothing; the total is rounded to a tenth of a cent', () => {
		expect(runTotalUsd([{ usd: 0.1, source: 'quote' }, undefined, { usd: 0.2, source: 'formula' }])).toBe(0.3);
		expect(runTotalUsd([])).toBe(0);
	});

	test("the provider's real charge replaces the estimate", () => {
		expect(itemCost({ usd: 0.06, source: 'formula' }, undefined)).toEqual({ usd: 0.06, source: 'formula' });
		expect(itemCost({ usd: 0.06, source: 'formula' }, 0.0531)).toEqual({ usd: 0.0531, source: 'provider' });
		// Get Result: no estimate of this run, but a reported charge still shows.
		expect(itemCost(undefined, 0.05)).toEqual({ usd: 0.05, source: 'provider' });
		expect(itemCost(undefined, undefined)).toBeUndefined();
	});

	test.each([
		[0.06, '$0.06'],
		[0.006, '$0.006'],
		[0.2107, '$0.211'],
		[0.0531, '$0.053'],
		[12.6, '$12.60'],
	])('%d reads as %s', (usd, text) => {
		expect(formatUsd(usd)).toBe(text);
	});
});

describe('Max Cost Per Run and balance decisions', () => {
	const rows = [row(0, 0.06), row(1, 0.72, 'high'), row(2, 0.72, 'high'), row(3, 0.09, 'medium')];

	test('no limit, or a total within it, refuses nothing (equal is within)', () => {
		expect(checkBudget(rows, undefined)).toEqual({ ok: true });
		expect(checkBudget(rows, 1.59)).toEqual({ ok: true });
		expect(checkBudget([], 0.01)).toEqual({ ok: true });
	});

	test('over the limit: the total, the limit and the first of the most expensive rows', () => {
		const decision = checkBudget(rows, 1);
		expect(decision).toEqual({ ok: false, totalUsd: 1.59, limitUsd: 1, top: rows[1] });
		if (decision.ok) return;
		const failure = budgetFailure(decision, rows);
		expect(failure.kind).toBe('budget');
		expect(failure.message).toBe('This run would cost about $1.59 (quoted, 4 rows), over Max Cost Per Run of $1.00');
		expect(failure.hint).toContain('Generate Image at 1k, high quality, 1:1 ($0.72 per image)');
	});

	test('an unknown balance refuses nothing; a smaller one refuses', () => {
		expect(checkBalance(rows, undefined)).toEqual({ ok: true });
		expect(checkBalance(rows, 2)).toEqual({ ok: true });
		expect(checkBalance(rows, 1.5)).toMatchObject({ ok: false, totalUsd: 1.59, limitUsd: 1.5 });
	});

	test('rows that cost nothing (recovered from an earlier run) are not priced; invalid rows neither', async () => {
		const plan = { operation: 'generateImage' } as SubmitPlan;
		const plans = [plan, undefined, plan, plan];
		expect((await rowsToPrice(plans, NOTHING_RECOVERED)).map((r) => r.index)).toEqual([0, 2, 3]);
		expect((await rowsToPrice(plans, async (index) => index === 2)).map((r) => r.index)).toEqual([0, 3]);
	});

	test('from the recovery memory: as many identical rows cost nothing as it holds predictions for them', async () => {
		clearProcessMemory();
		const plan = { operation: 'generateImage', options: {} } as SubmitPlan;
		const fingerprints: number[] = [];
		const fingerprint = async (index: number) => (fingerprints.push(index), index < 3 ? 'same' : 'other');
		expect(await recoveredFromMemory(new RecoveryMemory({ scope: 'cost' }), fingerprint)(0, plan)).toBe(false);
		expect(fingerprints).toEqual([]); // nothing remembered: no fingerprint computed
		const earlier = new RecoveryMemory({ scope: 'cost' });
		earlier.rememberSubmitted('same', 'pred-one');
		earlier.rememberSubmitted('same', 'pred-two');
		const costsNothing = recoveredFromMemory(new RecoveryMemory({ scope: 'cost' }), fingerprint);
		expect((await rowsToPrice([plan, plan, plan, plan], costsNothing)).map((r) => r.index)).toEqual([2, 3]);
		clearProcessMemory();
	});

	test('the balance guard: a refusal for balance stops new rows; a failure of a created task does not', () => {
		const guard = new BalanceGuard('WaveSpeed');
		expect(() => guard.check()).not.toThrow();
		expect(guard.absorbs(new FailureError({ kind: 'balance', message: 'low', hint: '', predictionId: 'abc' }))).toBe(false);
		expect(guard.absorbs(new FailureError({ kind: 'server', message: '500', hint: '' }))).toBe(false);
		expect(guard.absorbs(new FailureError({ kind: 'balance', message: 'low', hint: '', httpCode: 402 }))).toBe(true);
		expect(() => guard.check()).toThrow(/^Not submitted: your WaveSpeed balance ran out earlier in this run$/);
	});

});

describe('quotes that are believed', () => {
	test.each([
		[0.06, 0.06, 0.06, true],
		[0.24, 0.21, 0.06, true],
		[0, 0.06, 0.06, false],
		[0.05, 0.06, 0.06, false],
		[0.0001, 0.006, 0, false],
		[123456.78, 0.06, 0.06, false],
		[Number.NaN, 0.06, 0.06, false],
	])('quote %p against formula %p and floor %p: %p', (quote, formula, floor, sane) => {
		expect(isSaneQuote(quote, formula, floor)).toBe(sane);
	});
});

describe('RunBudget: rows priced as free are counted when they submit after all', () => {
	test('a deferred row is counted against the limit; one that no longer fits is refused; a counted row is not charged twice', async () => {
		const budget = new RunBudget([row(0, 0.06)], [row(1, 0.06), row(2, 0.06)], 0.15, async () => undefined, 'WaveSpeed');
		expect(await budget.charge(0)).toBeUndefined();
		expect(await budget.charge(1)).toEqual({ usd: 0.06, source: 'quote' });
		await expect(budget.charge(2)).rejects.toThrow(/^Not submitted: this row's earlier prediction could not be picked up, and paying for it again \(\$0\.06\) would take this run to about \$0\.18, over Max Cost Per Run of \$0\.15$/);
	});

	test('rows charged at the same moment see each other; the balance is read once', async () => {
		let reads = 0;
		const budget = new RunBudget([], [row(0, 0.06), row(1, 0.06), row(2, 0.06)], undefined, async () => ((reads += 1), 0.13), 'WaveSpeed');
		const outcomes = await Promise.allSettled([budget.charge(0), budget.charge(1), budget.charge(2)]);
		expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
		expect(String((outcomes[2] as PromiseRejectedResult).reason)).toMatch(/more than your WaveSpeed balance of \$0\.13$/);
		expect(reads).toBe(1);
	});
});

describe('WaveSpeed pricing answers', () => {
	const response = (status: number, body: unknown): RawResponse => ({ status, headers: {}, body });

	test('the quote asks /model/price, then the legacy /model/pricing, with the model and the submit body', () => {
		const calls = quoteCalls({ kind: 'edit', prompt: 'p', imageUrls: [], settings: { aspectRatio: 'match', resolution: '2k', quality: 'high', outputFormat: 'png' }, waitMode: 'poll', inlineBase64: false });
		const body = { model_id: 'openai/gpt-image-2/edit', inputs: { prompt: 'p', resolution: '2k', quality: 'high', output_format: 'png', enable_sync_mode: false, enable_base64_output: false } };
		expect(calls).toEqual([
			{ method: 'POST', path: '/api/v3/model/price', body },
			{ method: 'POST', path: '/api/v3/model/pricing', body },
		]);
	});

	test.each([
		['a legacy quote', response(200, { code: 200, message: 'success', data: { model_id: 'm', unit_price: 0.15, currency: 'USD' } }), 0.15],
		['a /model/price quote with a discount: the discounted price', response(200, { code: 200, data: { model_id: 'm', price: 0.2, discounted_price: 0.16, discount_rate: 0.2, currency: 'USD' } }), 0.16],
		['a /model/price quote without a discount', response(200, { code: 200, data: { model_id: 'm', price: 0.2 } }), 0.2],
		['a /model/price quote in another currency', response(200, { code: 200, data: { price: 0.2, discounted_price: 0.1, currency: 'EUR' } }), undefined],
		['a quote without a currency', response(200, { code: 200, data: { unit_price: 0.09 } }), 0.09],
		['another currency', response(200, { code: 200, data: { unit_price: 0.09, currency: 'EUR' } }), undefined],
		['a 404', response(404, { code: 404, message: 'not found', data: null }), undefined],
		['an odd answer', response(200, { code: 200, data: { price: 'cheap' } }), undefined],
		['an HTML page', response(200, '<html>hi</html>'), undefined],
		['a negative price', response(200, { code: 200, data: { unit_price: -1 } }), undefined],
	])('%s', (_what, answer, expected) => {
		expect(readQuote(answer)).toBe(expected);
	});

	test('the balance', () => {
		expect(readBalance(response(200, { code: 200, data: { balance: 12.5 } }))).toBe(12.5);
		expect(readBalance(response(401, { code: 401, message: 'bad key' }))).toBeUndefined();
	});
});
