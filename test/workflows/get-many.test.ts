/** Get Many through n8n's engine on both providers: paging, filters as sent, downloads, bad input, the key. */
import type { EmulatedTask } from '../../dev/emulator';
import type { INodeParameters } from 'n8n-workflow';

import type { ProviderCase, TestBed } from './helpers';
import { chain, editNode, everyText, generateNode, manualTrigger, PROVIDER_CASES, rows, useTestBed } from './helpers';

/** Another model of the same seller, made elsewhere (another node, the web UI). */
const OTHER_MODEL = { wavespeed: 'openai/gpt-image-2.5-flare/text-to-image', eachlabs: 'gpt-image-v2-5-flare-text-to-image' } as const;

/** Creates predictions straight through the API, as another workflow or the web UI would, and waits for them. */
async function seed(bed: TestBed, count: number, model?: string): Promise<EmulatedTask[]> {
	const { emulator, provider } = bed;
	const ids: string[] = [];
	for (let n = 0; n < count; n++) {
		const prompt = `seeded picture ${n}`;
		const wavespeed = provider.id === 'wavespeed';
		const url = wavespeed ? `${emulator.baseUrl}/api/v3/${model ?? provider.models.generate}` : `${emulator.baseUrl}/v1/prediction`;
		const body = wavespeed
			? { prompt, resolution: '1k', quality: 'low', output_format: 'png', enable_sync_mode: false, enable_base64_output: false }
			: { model: model ?? provider.models.generate, version: '0.0.1', input: { prompt } };
		const response = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${emulator.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
		const answer = (await response.json()) as { data?: { id: string }; predictionID?: string };
		ids.push(answer.data?.id ?? answer.predictionID ?? '');
	}
	return await Promise.all(ids.map(async (id) => await emulator.waitForTask(id)));
}

const getMany = (parameters: INodeParameters = {}) => chain(manualTrigger(), generateNode({ operation: 'getMany', ...parameters }));

/** What the node sent to the history endpoint, in the seller's words. */
function historyRequests(bed: TestBed): Array<Record<string, unknown>> {
	const endpoint = bed.provider.id === 'wavespeed' ? 'history' : 'executions';
	return bed.apiRequests(endpoint).map((r) => (bed.provider.id === 'wavespeed' ? (r.json as Record<string, unknown>) : r.query));
}

const STATUS_SENT: Record<ProviderCase['id'], Record<string, string>> = {
	wavespeed: { succeeded: 'completed', failed: 'failed', running: 'processing' },
	eachlabs: { succeeded: 'success', failed: 'error', running: 'starting' },
};

describe.each(PROVIDER_CASES)('Get Many on $label', (provider) => {
	const bed = useTestBed({ latencyMs: 20 }, provider);
	const pageKey = provider.id === 'wavespeed' ? 'page_size' : 'limit';

	it('lists the recent predictions newest first, one item each, with what a user needs and no key', async () => {
		const tasks = await seed(bed, 3);
		const result = await bed.run(getMany());
		expect(result.status).toBe('success');
		const items = result.output('Generate');
		expect(items.map((i) => i.json.id)).toEqual(tasks.map((t) => t.id).reverse());
		for (const item of items) {
			expect(item.json).toMatchObject({
				provider: provider.id,
				status: provider.done,
				model: provider.models.generate,
				createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
				outputs: [expect.stringMatching(/^http:\/\/127\.0\.0\.2:\d+\//)],
				resultUrl: provider.resultUrl(bed.emulator.baseUrl, String(item.json.id)),
			});
			expect(item.pairedItem).toEqual({ item: 0 });
			expect(item.binary).toBeUndefined();
		}
		if (provider.id === 'eachlabs') expect(items[0].json).toMatchObject({ costUsd: 0.17, costSource: 'provider' });
		else expect(items[0].json.costUsd).toBeUndefined();
		expect(everyText(result)).not.toContain(bed.emulator.apiKey);
		// The list is a free read, sent with the key to the Base URL only; nothing was submitted.
		expect(bed.submits()).toHaveLength(3);
		expect(bed.emulator.requests.filter((r) => r.origin !== bed.emulator.baseUrl && r.headers.authorization)).toEqual([]);
	});

	it('honours Limit with one page of that size', async () => {
		await seed(bed, 5);
		const result = await bed.run(getMany({ limit: 2 }));
		expect(result.output('Generate')).toHaveLength(2);
		expect(historyRequests(bed)).toEqual([expect.objectContaining({ [pageKey]: provider.id === 'wavespeed' ? 2 : '2' })]);
	});

	it('reads more than one page of 100 for Return All, and stops at the last one', async () => {
		const tasks = await seed(bed, 103);
		const result = await bed.run(getMany({ returnAll: true }));
		const ids = result.output('Generate').map((i) => i.json.id);
		expect(ids).toHaveLength(103);
		expect(new Set(ids)).toEqual(new Set(tasks.map((t) => t.id)));
		const pages = historyRequests(bed);
		expect(pages).toHaveLength(2);
		if (provider.id === 'wavespeed') expect(pages.map((p) => [p.page, p.page_size])).toEqual([[1, 100], [2, 100]]);
		else expect(pages.map((p) => [p.offset, p.limit])).toEqual([['0', '100'], ['100', '100']]);
	}, 120_000);

	it("lists only this node's model unless Model is Any", async () => {
		await seed(bed, 2);
		await seed(bed, 1, OTHER_MODEL[provider.id]);
		const mine = await bed.run(getMany());
		expect(mine.output('Generate').map((i) => i.json.model)).toEqual([provider.models.generate, provider.models.generate]);
		const any = await bed.run(getMany({ filters: { model: 'any' } }));
		expect(any.output('Generate')).toHaveLength(3);
		const [first, second] = historyRequests(bed);
		expect(first.model).toBe(provider.models.generate);
		expect(second).not.toHaveProperty('model');
	});

	it("the Edit node lists its own model: nothing from Generate, until Model is Any", async () => {
		const generated = await seed(bed, 2);
		const editGetMany = (filters: INodeParameters) => chain(manualTrigger(), editNode({ operation: 'getMany', filters }));
		const mine = await bed.run(editGetMany({}));
		expect(mine.status).toBe('success');
		expect(mine.output('Edit')).toEqual([]);
		const any = await bed.run(editGetMany({ model: 'any' }));
		expect(any.output('Edit').map((i) => i.json.id)).toEqual(generated.map((t) => t.id).reverse());
		expect(historyRequests(bed)[0].model).toBe(provider.models.edit);
	});

	it('maps Status onto the seller\'s words and lists only those', async () => {
		await seed(bed, 2);
		bed.emulator.injectFault({ endpoint: 'submit', kind: 'task-failed' });
		const [failed] = await seed(bed, 1);
		const result = await bed.run(getMany({ filters: { status: 'failed' } }));
		expect(result.output('Generate').map((i) => [i.json.id, i.json.status])).toEqual([[failed.id, provider.failed]]);
		expect(historyRequests(bed)[0].status).toBe(STATUS_SENT[provider.id].failed);
	});

	it('sends the time window and lists only predictions inside it', async () => {
		await seed(bed, 2);
		await new Promise((resolve) => setTimeout(resolve, 20));
		const after = new Date().toISOString();
		const later = await seed(bed, 1);
		const result = await bed.run(getMany({ filters: { createdAfter: after, createdBefore: '2099-01-01T00:00:00Z' } }));
		expect(result.output('Generate').map((i) => i.json.id)).toEqual([later[0].id]);
		const [sent] = historyRequests(bed);
		const [afterKey, beforeKey] = provider.id === 'wavespeed' ? ['created_after', 'created_before'] : ['from', 'to'];
		expect([sent[afterKey], sent[beforeKey]]).toEqual([after, '2099-01-01T00:00:00.000Z']);
	});

	it('runs once per input item with that item\'s filters, paired to it', async () => {
		await seed(bed, 2);
		bed.emulator.injectFault({ endpoint: 'submit', kind: 'task-failed' });
		await seed(bed, 1);
		const workflow = chain(manualTrigger(), ...rows([{ status: 'succeeded' }, { status: 'failed' }]), generateNode({ operation: 'getMany', filters: { status: '={{ $json.status }}' } }));
		const items = (await bed.run(workflow)).output('Generate');
		expect(items.map((i) => [i.json.status, i.pairedItem])).toEqual([
			[provider.done, { item: 0 }],
			[provider.done, { item: 0 }],
			[provider.failed, { item: 1 }],
		]);
	});

	it('downloads the images with Download Images, without the key on the CDN', async () => {
		await seed(bed, 2);
		const result = await bed.run(getMany({ options: { downloadImages: true } }));
		const items = result.output('Generate');
		expect(items).toHaveLength(2);
		for (const item of items) {
			expect(item.binary?.data).toMatchObject({ mimeType: 'image/png' });
			const bytes = await result.readBinary(item.binary!.data);
			expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
			expect(item.json.images).toEqual([expect.objectContaining({ binaryField: 'data', mimeType: 'image/png' })]);
		}
		const cdn = bed.emulator.requests.filter((r) => r.origin === bed.emulator.cdnBaseUrl && !r.internal);
		expect(cdn.length).toBeGreaterThanOrEqual(2);
		expect(cdn.filter((r) => r.headers.authorization)).toEqual([]);
		expect(everyText(result)).not.toContain(bed.emulator.apiKey);
	});

	it.each([
		[{ filters: { createdAfter: 'next tuesday' } }, 'Filters > Created After "next tuesday" is not a date [item 0]'],
		[{ filters: { createdAfter: '2026-12-05T00:00:00Z', createdBefore: '2026-12-01T00:00:00Z' } }, 'is later than Created Before'],
		[{ limit: 0 }, 'Limit 0 is out of range [item 0]'],
		[{ limit: 5000 }, 'Limit 5000 is out of range [item 0]'],
		[{ filters: { status: 'done' } }, 'Filters > Status "done" is not a supported value [item 0]'],
	])('refuses %j before any request', async (parameters, message) => {
		const result = await bed.run(getMany(parameters));
		expect(result.status).toBe('error');
		expect(result.error?.message).toContain(message);
		expect(result.error?.description).toBeTruthy();
		expect(bed.apiRequests()).toEqual([]);
	});

	it('a bad filter on a later item stops the run before the first item is listed', async () => {
		const workflow = chain(manualTrigger(), ...rows([{ after: '2026-12-01T00:00:00Z' }, { after: 'soon' }]), generateNode({ operation: 'getMany', filters: { createdAfter: '={{ $json.after }}' } }));
		const result = await bed.run(workflow);
		expect(result.error?.message).toContain('[item 1]');
		expect(bed.apiRequests()).toEqual([]);
	});
});
