/** Contract: sync mode success, the 5004 sync timeout shape, and the gateway 504 without a task id. */
import sharp from 'sharp';
import { startEmulator, type Emulator } from '../../dev/emulator';
import { api, download, pollUntilDone, T2I } from './helpers';

let emulator: Emulator;

beforeAll(async () => {
	emulator = await startEmulator({ latencyMs: 30 });
});
afterAll(() => emulator.close());
beforeEach(() => {
	emulator.reset();
	emulator.configure({ latencyMs: 30, syncTimeoutMs: 90_000 });
});

it('holds the POST and answers the finished prediction', async () => {
	const answer = await api(emulator, 'POST', T2I, { prompt: 'sync', enable_sync_mode: true, output_format: 'jpeg' });
	expect(answer.status).toBe(200);
	expect(answer.json.code).toBe(200);
	expect(answer.json.data).toMatchObject({ status: 'completed', code: 0, error: '' });
	const meta = await sharp((await download(answer.json.data.outputs[0])).bytes).metadata();
	expect(meta.format).toBe('jpeg');
	expect(emulator.tasks[0].status).toBe('completed');
});

it('answers a failed task in sync mode with its code', async () => {
	emulator.injectFault({ endpoint: 'submit', kind: 'task-failed', taskErrorCode: 1200 });
	const answer = await api(emulator, 'POST', T2I, { prompt: 'sync', enable_sync_mode: true });
	expect(answer.status).toBe(200);
	expect(answer.json.data).toMatchObject({ status: 'failed', code: 1200, outputs: [] });
	expect(answer.json.data.error).not.toBe('');
});

it('answers the 5004 processing shape after the sync timeout, and polling then completes', async () => {
	emulator.configure({ syncTimeoutMs: 50, latencyMs: 400 });
	const answer = await api(emulator, 'POST', T2I, { prompt: 'slow sync', enable_sync_mode: true });
	expect(answer.status).toBe(200);
	expect(answer.json.code).toBe(200);
	const data = answer.json.data;
	expect(data).toMatchObject({ status: 'processing', code: 5004, outputs: [] });
	expect(data.error).toMatch(/^Sync mode timed out after [\d.]+ seconds/);
	expect(data.urls.get).toBe(`${emulator.baseUrl}/api/v3/predictions/${data.id}/result`);
	const { last } = await pollUntilDone(emulator, data.id);
	expect(last.json.data).toMatchObject({ id: data.id, status: 'completed', code: 0 });
});

it('gateway504 on a sync submit answers a bare 504 without any id while the task runs', async () => {
	emulator.injectFault({ endpoint: 'submit', kind: 'gateway504' });
	const answer = await api(emulator, 'POST', T2I, { prompt: 'lost', enable_sync_mode: true });
	expect(answer.status).toBe(504);
	expect(answer.json).toBeUndefined();
	expect(answer.headers.get('content-type')).toMatch(/text\/html/);
	expect(emulator.tasks).toHaveLength(1);
	expect(answer.text).not.toContain(emulator.tasks[0].id);
	expect(emulator.requests[0].fault).toBe('gateway504');
	const task = await emulator.waitForTask(emulator.tasks[0].id);
	expect(task.status).toBe('completed');
});
