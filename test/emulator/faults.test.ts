/** Contract: every fault kind has its documented shape; matching honours endpoint, skip, times and acceptTask. */
import sharp from 'sharp';
import { startEmulator, type Emulator, type FaultRule } from '../../dev/emulator';
import { api, download, EDIT, imageHost, result, solidImage, T2I, type TestServer } from './helpers';

let emulator: Emulator;
let host: TestServer;

beforeAll(async () => {
	emulator = await startEmulator({ latencyMs: 20 });
	host = await imageHost({ '/red.png': { bytes: await solidImage(40, 40, '#ff0000'), type: 'image/png' } });
});
afterAll(async () => {
	await emulator.close();
	await host.close();
});
beforeEach(() => emulator.reset());

/** A completed t2i prediction (to have an output URL and an id). */
async function completed(): Promise<{ id: string; output: string }> {
	const submit = await api(emulator, 'POST', T2I, { prompt: 'fault fixture' });
	const task = await emulator.waitForTask(submit.json.data.id);
	return { id: task.id, output: task.outputs[0] };
}

describe('API answers', () => {
	it.each([
		['http500', 500],
		['http502', 502],
		['http503', 503],
	] as const)('%s answers the error envelope with that status', async (kind, status) => {
		emulator.injectFault({ endpoint: 'balance', kind });
		const answer = await api(emulator, 'GET', '/api/v3/balance');
		expect(answer.status).toBe(status);
		expect(answer.json).toEqual({ code: status, message: expect.any(String), data: null });
		expect((await api(emulator, 'GET', '/api/v3/balance')).status).toBe(200); // times defaults to 1
		expect(emulator.requests[0].fault).toBe(kind);
	});

	it('gateway504 answers HTML without an envelope', async () => {
		emulator.injectFault({ endpoint: 'result', kind: 'gateway504' });
		const { id } = await completed();
		const answer = await api(emulator, 'GET', result(id));
		expect(answer.status).toBe(504);
		expect(answer.json).toBeUndefined();
		expect(answer.text).toContain('504 Gateway');
	});

	it('http429 answers the envelope with Retry-After', async () => {
		emulator.injectFault({ endpoint: 'result', kind: 'http429', retryAfterSeconds: 7 });
		const { id } = await completed();
		const answer = await api(emulator, 'GET', result(id));
		expect(answer.status).toBe(429);
		expect(answer.json).toMatchObject({ code: 429, data: null });
		expect(answer.headers.get('retry-after')).toBe('7');
	});

	it('reset destroys the socket without an answer', async () => {
		emulator.injectFault({ endpoint: 'webhook-secret', kind: 'reset' });
		await expect(api(emulator, 'GET', '/api/v3/webhook/secret')).rejects.toThrow();
		expect(emulator.requests[0]).toMatchObject({ endpoint: 'webhook-secret', fault: 'reset', status: undefined });
	});

	it('slow delays the normal answer', async () => {
		emulator.injectFault({ endpoint: 'balance', kind: 'slow', delayMs: 1500 });
		const impatient = fetch(`${emulator.baseUrl}/api/v3/balance`, {
			headers: { authorization: `Bearer ${emulator.apiKey}` },
			signal: AbortSignal.timeout(100),
		});
		await expect(impatient).rejects.toThrow();
		emulator.injectFault({ endpoint: 'balance', kind: 'slow', delayMs: 50 });
		const patient = await api(emulator, 'GET', '/api/v3/balance');
		expect(patient.json.data.balance).toBe(42.5);
		expect(emulator.requests.map((r) => r.fault)).toEqual(['slow', 'slow']);
	});

	it('malformed answers 200 with a body that is not JSON', async () => {
		emulator.injectFault({ endpoint: 'balance', kind: 'malformed' });
		const answer = await api(emulator, 'GET', '/api/v3/balance');
		expect(answer.status).toBe(200);
		expect(answer.json).toBeUndefined();
		expect(answer.text.length).toBeGreaterThan(0);
	});

	it('truncated answers 200 with the first half of the JSON', async () => {
		const { id } = await completed();
		const full = (await api(emulator, 'GET', result(id))).text;
		emulator.injectFault({ endpoint: 'result', kind: 'truncated' });
		const answer = await api(emulator, 'GET', result(id));
		expect(answer.status).toBe(200);
		expect(answer.json).toBeUndefined();
		expect(full.startsWith(answer.text)).toBe(true);
		expect(answer.text.length).toBe(Math.floor(full.length / 2));
	});

	it('bad-envelope answers 200 JSON with missing and mistyped envelope fields', async () => {
		emulator.injectFault({ endpoint: 'submit', kind: 'bad-envelope' });
		const answer = await api(emulator, 'POST', T2I, { prompt: 'x' });
		expect(answer.status).toBe(200);
		expect(answer.json.message).toBeUndefined();
		expect(typeof answer.json.data.id).toBe('number');
		expect(emulator.tasks).toHaveLength(1); // the server did accept it
	});
});

describe('submit ambiguity', () => {
	it.each([
		[{ kind: 'http500' }, 500, 0],
		[{ kind: 'http502', acceptTask: true }, 502, 1],
		[{ kind: 'gateway504' }, 504, 1],
		[{ kind: 'gateway504', acceptTask: false }, 504, 0],
		[{ kind: 'http429' }, 429, 0],
	] as const)('%o answers %i and leaves %i task(s)', async (rule, status, tasks) => {
		emulator.injectFault({ endpoint: 'submit', ...rule } as FaultRule);
		const answer = await api(emulator, 'POST', T2I, { prompt: 'x' });
		expect(answer.status).toBe(status);
		expect(emulator.tasks).toHaveLength(tasks);
	});

	it('reset on submit creates the task by default but answers nothing', async () => {
		emulator.injectFault({ endpoint: 'submit', kind: 'reset' });
		await expect(api(emulator, 'POST', T2I, { prompt: 'x' })).rejects.toThrow();
		expect(emulator.tasks).toHaveLength(1);
	});

	it('slow submit without acceptTask creates nothing when the client gives up', async () => {
		emulator.injectFault({ endpoint: 'submit', kind: 'slow', delayMs: 300 });
		const aborted = fetch(`${emulator.baseUrl}${T2I}`, {
			method: 'POST',
			headers: { authorization: `Bearer ${emulator.apiKey}`, 'content-type': 'application/json' },
			body: JSON.stringify({ prompt: 'x' }),
			signal: AbortSignal.timeout(50),
		});
		await expect(aborted).rejects.toThrow();
		await new Promise((resolve) => setTimeout(resolve, 400));
		expect(emulator.tasks).toHaveLength(0);
	});
});

describe('task failures', () => {
	it.each([1200, 1400, 1401, 1402, 1403, 1405, 5000, 5003, 5004])('task-failed ends the task with data.code %i', async (code) => {
		emulator.injectFault({ endpoint: 'submit', kind: 'task-failed', taskErrorCode: code });
		const submit = await api(emulator, 'POST', T2I, { prompt: 'doomed' });
		expect(submit.status).toBe(200);
		expect(submit.json.data.status).toBe('created');
		await emulator.waitForTask(submit.json.data.id);
		const data = (await api(emulator, 'GET', result(submit.json.data.id))).json.data;
		expect(data).toMatchObject({ status: 'failed', code, outputs: [] });
		expect(data.error).toContain(String(code));
	});

	it('task-failed defaults to 1403', async () => {
		emulator.injectFault({ endpoint: 'submit', kind: 'task-failed' });
		const submit = await api(emulator, 'POST', T2I, { prompt: 'doomed' });
		expect((await emulator.waitForTask(submit.json.data.id)).errorCode).toBe(1403);
	});

	it('a reference-fetch fault fails the edit with 1402', async () => {
		emulator.injectFault({ endpoint: 'reference-fetch', kind: 'http503' });
		const url = `${host.url}/red.png`;
		const submit = await api(emulator, 'POST', EDIT, { prompt: 'x', images: [url] });
		const task = await emulator.waitForTask(submit.json.data.id);
		expect(task).toMatchObject({ status: 'failed', errorCode: 1402 });
		expect(task.error).toContain(url);
	});
});

describe('CDN', () => {
	it('cdn-not-image answers 200 image/png with a body that is not an image', async () => {
		const { output } = await completed();
		emulator.injectFault({ endpoint: 'cdn', kind: 'cdn-not-image' });
		const file = await download(output);
		expect(file.status).toBe(200);
		expect(file.headers.get('content-type')).toBe('image/png');
		await expect(sharp(file.bytes).metadata()).rejects.toThrow();
	});

	it('cdn-redirect answers 302 to the same file on another loopback origin', async () => {
		const { output } = await completed();
		const original = await download(output);
		emulator.injectFault({ endpoint: 'cdn', kind: 'cdn-redirect', times: Infinity });
		const redirect = await download(output);
		expect(redirect.status).toBe(302);
		const location = redirect.headers.get('location') as string;
		expect(new URL(location).origin).toBe(emulator.cdnMirrorBaseUrl);
		expect(new URL(location).origin).not.toBe(new URL(output).origin);
		expect(new URL(location).pathname).toBe(new URL(output).pathname);
		const followed = await download(location);
		expect(followed.status).toBe(200);
		expect(followed.bytes.equals(original.bytes)).toBe(true);
	});

	it('cdn-huge streams a PNG header followed by hugeBytes', async () => {
		const { output } = await completed();
		emulator.injectFault({ endpoint: 'cdn', kind: 'cdn-huge', hugeBytes: 3 * 1024 * 1024 });
		const file = await download(output);
		expect(file.headers.get('content-type')).toBe('image/png');
		expect(file.bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
		expect(file.bytes.length).toBe(33 + 3 * 1024 * 1024);
		expect(Number(file.headers.get('content-length'))).toBe(file.bytes.length);
	});

	it('truncated downloads are cut mid-way', async () => {
		const { output } = await completed();
		emulator.injectFault({ endpoint: 'cdn', kind: 'truncated' });
		await expect(download(output)).rejects.toThrow();
	});

	it('upload-put faults hit the PUT, and a retry then succeeds', async () => {
		emulator.injectFault({ endpoint: 'upload-put', kind: 'http503' });
		const png = await solidImage(8, 8, '#123456');
		const ticket = (await api(emulator, 'POST', '/api/v3/media/uploads', { filename: 'a.png', size: png.length })).json.data;
		const put = () => fetch(ticket.upload.url, { method: 'PUT', headers: ticket.upload.headers, body: new Uint8Array(png) });
		expect((await put()).status).toBe(503);
		expect((await put()).status).toBe(200);
		expect(emulator.uploads).toHaveLength(1);
	});
});

describe('matching', () => {
	it('skip lets requests through first, times bounds the affected ones', async () => {
		emulator.injectFault({ endpoint: 'balance', kind: 'http503', skip: 1, times: 2 });
		const statuses: number[] = [];
		for (let i = 0; i < 4; i++) statuses.push((await api(emulator, 'GET', '/api/v3/balance')).status);
		expect(statuses).toEqual([200, 503, 503, 200]);
	});

	it("'any' matches every API endpoint in order; clearFaults removes rules", async () => {
		emulator.injectFault({ endpoint: 'any', kind: 'http500', times: 2 });
		expect((await api(emulator, 'GET', '/api/v3/balance')).status).toBe(500);
		expect((await api(emulator, 'GET', '/api/v3/webhook/secret')).status).toBe(500);
		expect((await api(emulator, 'GET', '/api/v3/balance')).status).toBe(200);
		emulator.injectFault({ endpoint: 'any', kind: 'http500', times: Infinity });
		emulator.clearFaults();
		expect((await api(emulator, 'GET', '/api/v3/balance')).status).toBe(200);
	});

	it('faults never hit requests failing auth', async () => {
		emulator.injectFault({ endpoint: 'balance', kind: 'http500' });
		expect((await api(emulator, 'GET', '/api/v3/balance', undefined, { authorization: 'Bearer nope' })).status).toBe(401);
		expect((await api(emulator, 'GET', '/api/v3/balance')).status).toBe(500);
	});

	it('random faults are reproducible for a seed', async () => {
		const sequence = async (): Promise<number[]> => {
			emulator.reset();
			emulator.injectRandomFaults({ seed: 42, probability: 0.5, kinds: ['http500', 'http503', 'http429'] });
			const statuses: number[] = [];
			for (let i = 0; i < 12; i++) statuses.push((await api(emulator, 'GET', '/api/v3/balance')).status);
			return statuses;
		};
		const first = await sequence();
		expect(await sequence()).toEqual(first);
		expect(first.some((s) => s === 200)).toBe(true);
		expect(first.some((s) => s !== 200)).toBe(true);
	});
});
