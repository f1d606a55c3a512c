/** The neutral live-schema reader: the seller's reads in order, the documented fallback, one read per process and Base URL. */
import type { ApiClient, ApiRequest, RawResponse } from '../../../nodes/shared/http/transport';
import { findSchema } from '../../../nodes/shared/providers/liveSchema';
import type { ModelInputSchema } from '../../../nodes/shared/providers/modelSchema';
import type { Provider } from '../../../nodes/shared/providers/provider';
import { providerFor } from '../../../nodes/shared/providers';

const SCHEMA: ModelInputSchema = { properties: { prompt: { type: 'string' }, size: { type: 'string', enum: ['1024x1024'] } }, required: ['prompt'] };

/** A client that answers each path from a table and records what was asked. */
function fakeClient(baseUrl: string, answers: Record<string, RawResponse | Error>): ApiClient & { asked: ApiRequest[] } {
	const asked: ApiRequest[] = [];
	return {
		asked,
		api: { baseUrl, label: 'Seller', headers: {}, credentials: { id: '1', name: 'c', type: 't', data: {} } },
		send: async (request) => {
			asked.push(request);
			const answer = answers[request.path];
			if (answer instanceof Error) throw answer;
			return answer ?? { status: 404, headers: {}, body: { error: 'Not found' } };
		},
		sendPlain: async () => ({ status: 500, headers: {}, body: '' }),
		retrying: async (attempt) => await attempt(),
	};
}

const seller = (overrides: Partial<Provider> = {}): Provider => ({
	...providerFor('eachlabs'),
	id: 'eachlabs',
	liveSchema: {
		calls: () => [
			{ method: 'GET', path: '/first' },
			{ method: 'GET', path: '/second', qs: { slug: 's' } },
		],
		read: (_kind, body) => ((body as { schema?: ModelInputSchema }).schema ? (body as { schema: ModelInputSchema }).schema : undefined),
	},
	...overrides,
});

const ok = (body: unknown): RawResponse => ({ status: 200, headers: {}, body });

describe('findSchema', () => {
	it('uses the first read that answers a usable schema, and remembers it per Base URL and kind', async () => {
		const client = fakeClient('https://a.example', { '/first': ok({ schema: SCHEMA }) });
		expect(await findSchema(client, seller(), 'edit')).toEqual({ source: 'live', schema: SCHEMA });
		expect(await findSchema(client, seller(), 'edit')).toEqual({ source: 'live', schema: SCHEMA });
		expect(client.asked.map((r) => r.path)).toEqual(['/first']);
		// Another Base URL is another account's host: asked again.
		const other = fakeClient('https://b.example', { '/first': ok({ schema: SCHEMA }) });
		await findSchema(other, seller(), 'edit');
		expect(other.asked).toHaveLength(1);
	});

	it('falls to the next read on a 404, an error, a network failure or an answer without a schema', async () => {
		for (const first of [undefined, { status: 500, headers: {}, body: {} }, new Error('reset'), ok({ nothing: true })]) {
			const client = fakeClient(`https://c${Math.random()}.example`, { ...(first ? { '/first': first } : {}), '/second': ok({ schema: SCHEMA }) });
			expect(await findSchema(client, seller(), 'generate')).toEqual({ source: 'live', schema: SCHEMA });
			expect(client.asked.map((r) => [r.path, r.qs])).toEqual([
				['/first', undefined],
				['/second', { slug: 's' }],
			]);
		}
	});

	it('says documented when every read fails, and asks again next time (nothing remembered)', async () => {
		const client = fakeClient('https://d.example', {});
		expect(await findSchema(client, seller(), 'edit')).toEqual({ source: 'documented' });
		expect(await findSchema(client, seller(), 'edit')).toEqual({ source: 'documented' });
		expect(client.asked.map((r) => r.path)).toEqual(['/first', '/second', '/first', '/second']);
	});

	it('a seller without a live schema is documented and nothing is asked', async () => {
		const client = fakeClient('https://e.example', {});
		expect(await findSchema(client, seller({ liveSchema: undefined }), 'edit')).toEqual({ source: 'documented' });
		expect(client.asked).toHaveLength(0);
	});

	it('a seller that keeps its schema a limited time (rememberMs) is asked again once that time has passed', async () => {
		const now = jest.spyOn(Date, 'now').mockReturnValue(1_000_000);
		try {
			const client = fakeClient('https://f.example', { '/first': ok({ schema: SCHEMA }) });
			const timed = seller();
			const hour = seller({ liveSchema: { ...timed.liveSchema!, rememberMs: 3_600_000 } });
			await findSchema(client, hour, 'edit');
			now.mockReturnValue(1_000_000 + 3_599_999);
			await findSchema(client, hour, 'edit');
			expect(client.asked).toHaveLength(1);
			now.mockReturnValue(1_000_000 + 3_600_000);
			expect(await findSchema(client, hour, 'edit')).toEqual({ source: 'live', schema: SCHEMA });
			expect(client.asked).toHaveLength(2);
		} finally {
			now.mockRestore();
		}
	});
});
