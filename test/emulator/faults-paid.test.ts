/** Contract of the fault knobs for batches and billing safety: odd submit answers, odd outputs, trickles, echoes. */
import { startEmulator, type Emulator } from '../../dev/emulator';
import { api, result, T2I } from './helpers';

let emulator: Emulator;

beforeAll(async () => {
	emulator = await startEmulator({ latencyMs: 20 });
});
afterAll(async () => {
	await emulator.close();
});
beforeEach(() => emulator.reset());

describe('submit answers that are not clean (the task is created)', () => {
	it.each([
		['numeric-id', (json: { code: unknown; data: { id: unknown } }) => expect(json.data.id).toBe(987654321)],
		['string-code', (json: { code: unknown; data: { id: unknown } }) => expect(json.code).toBe('200')],
		['code-in-200', (json: { code: unknown; data: { id: unknown } }) => expect(json.code).toBe(429)],
		['unsafe-id', (json: { code: unknown; data: { id: unknown } }) => expect(json.data.id).toBe('..')],
	] as const)('%s', async (kind, check) => {
		emulator.injectFault({ endpoint: 'submit', kind });
		const answer = await api(emulator, 'POST', T2I, { prompt: 'odd answer' });
		expect(answer.status).toBe(200);
		check(answer.json);
		expect(emulator.tasks).toHaveLength(1);
		expect(emulator.requests[0].fault).toBe(kind);
	});

	it('http-error answers the status and message given, creating nothing', async () => {
		emulator.injectFault({ endpoint: 'submit', kind: 'http-error', httpStatus: 401, message: `Invalid API key ${emulator.apiKey}` });
		const answer = await api(emulator, 'POST', T2I, { prompt: 'x' });
		expect(answer.status).toBe(401);
		expect(answer.json.message).toContain(emulator.apiKey);
		expect(emulator.tasks).toHaveLength(0);
	});

	it('task-failed can carry its own error text', async () => {
		emulator.injectFault({ endpoint: 'submit', kind: 'task-failed', taskErrorCode: 1403, taskError: 'upstream said token=abc' });
		const submit = await api(emulator, 'POST', T2I, { prompt: 'x' });
		const task = await emulator.waitForTask(submit.json.data.id);
		expect(task.error).toBe('upstream said token=abc');
	});
});

describe('outputs of a completed prediction', () => {
	async function completedWith(kind: 'many-outputs' | 'private-outputs', extra: Record<string, unknown> = {}) {
		const submit = await api(emulator, 'POST', T2I, { prompt: 'outputs' });
		await emulator.waitForTask(submit.json.data.id);
		emulator.injectFault({ endpoint: 'result', kind, ...extra });
		return (await api(emulator, 'GET', result(submit.json.data.id))).json;
	}

	it('many-outputs repeats the output', async () => {
		const json = await completedWith('many-outputs', { outputCount: 40 });
		expect(json.data.outputs).toHaveLength(40);
	});

	it('private-outputs points them at a private address', async () => {
		const json = await completedWith('private-outputs');
		expect(json.data.outputs).toEqual(['http://169.254.169.254/latest/meta-data/image.png']);
	});

	it('leaves a prediction that is not completed alone', async () => {
		emulator.configure({ latencyMs: 2000 });
		const submit = await api(emulator, 'POST', T2I, { prompt: 'running' });
		emulator.injectFault({ endpoint: 'result', kind: 'many-outputs' });
		const json = (await api(emulator, 'GET', result(submit.json.data.id))).json;
		expect(json.data.outputs).toEqual([]);
	});

	it('private-ticket points the upload PUT at a private address', async () => {
		emulator.injectFault({ endpoint: 'upload-ticket', kind: 'private-ticket', privateUrl: 'http://10.0.0.7/put' });
		const json = (await api(emulator, 'POST', '/api/v3/media/uploads', { filename: 'a.png', size: 10, content_type: 'image/png' })).json;
		expect(json.data.upload.url).toBe('http://10.0.0.7/put');
	});
});

describe('CDN', () => {
	it('cdn-trickle sends one byte at a time', async () => {
		const submit = await api(emulator, 'POST', T2I, { prompt: 'trickle' });
		const task = await emulator.waitForTask(submit.json.data.id);
		emulator.injectFault({ endpoint: 'cdn', kind: 'cdn-trickle', trickleMs: 100 });
		const controller = new AbortController();
		const response = await fetch(task.outputs[0], { signal: controller.signal });
		const reader = response.body!.getReader();
		const started = Date.now();
		let bytes = 0;
		while (Date.now() - started < 450) {
			const { value } = await reader.read();
			bytes += value?.length ?? 0;
		}
		controller.abort();
		expect(bytes).toBeGreaterThanOrEqual(3);
		expect(bytes).toBeLessThanOrEqual(7);
	});
});
