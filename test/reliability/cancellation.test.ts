/** Cancelling a run mid-batch (the editor's Stop button): it ends within 2 s in every phase, and nothing is sent afterwards. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { RecordedRequest } from '../../dev/emulator';
import type { BinaryMode, WorkflowJson } from '../../dev/harness';
import { runWorkflow } from '../../dev/harness';
import { chain, editNode, everyText, generateNode, makeImages, manualTrigger, readFile, rows, useTestBed } from '../workflows/helpers';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const DEADLINE_MS = 2000;
/** PNG signature + IHDR chunk; followed by an IDAT that claims almost 2 GB, it stays a well-formed PNG while it streams. */
const PNG_HEADER = Buffer.from('89504e470d0a1a0a0000000d494844520000040000000400080200000000000000', 'hex');

describe('cancellation', () => {
	const bed = useTestBed({ latencyMs: 60 });
	let images: Awaited<ReturnType<typeof makeImages>>;
	beforeAll(async () => {
		images = await makeImages();
	});

	const external = (): RecordedRequest[] => bed.emulator.requests.filter((r) => !r.internal);
	const prompts = (count: number) => Array.from({ length: count }, (_, i) => ({ prompt: `cancel test item ${i}` }));

	const generateBatch = (count: number, parameters: Record<string, unknown> = {}, options: Record<string, unknown> = {}) =>
		chain(
			manualTrigger(),
			...rows(prompts(count)),
			generateNode({
				operation: 'generateImage',
				prompt: '={{ $json.prompt }}',
				aspectRatio: '1:1',
				quality: 'low',
				...parameters,
				options: { pollInterval: 1, maxConcurrency: 2, ...options },
			}),
		);

	const editBatch = (count: number) =>
		chain(
			manualTrigger(),
			...rows(prompts(count)),
			readFile(images.red),
			editNode({ prompt: "={{ $('Rows').item.json.prompt }}", quality: 'low', options: { pollInterval: 1, maxConcurrency: 2 } }),
		);

	/** Starts the run, waits for the phase, cancels, and checks it ended in time with nothing sent afterwards. */
	async function cancelDuring(workflow: WorkflowJson, reached: (requests: RecordedRequest[]) => boolean, binaryMode: BinaryMode = 'default') {
		const run = bed.start(workflow, binaryMode);
		const waitStarted = Date.now();
		while (!reached(external())) {
			if (Date.now() - waitStarted > 15_000) throw new Error(`phase not reached; requests: ${external().map((r) => `${r.endpoint}:${r.status}`).join(', ')}`);
			await sleep(20);
		}
		// Let the phase settle in (the request is on the wire, or the wait has begun).
		await sleep(150);
		const tasksAtCancel = bed.emulator.tasks.length;
		const cancelledAt = Date.now();
		run.cancel();
		const ended = await Promise.race([
			Promise.all([run.promise, run.finished]).then(([result]) => ({ result, ms: Date.now() - cancelledAt })),
			sleep(DEADLINE_MS).then(() => undefined),
		]);
		expect(ended).toBeDefined();
		expect(ended!.ms).toBeLessThan(DEADLINE_MS);
		const { result } = ended!;
		expect(result.status).toBe('canceled');

		// A request that passed the cancel check before Stop may still be on the wire; let it land, then nothing more.
		await sleep(300);
		const countAtEnd = external().length;
		await sleep(500);
		expect(external().slice(countAtEnd).map((r) => `${r.method} ${r.endpoint}`)).toEqual([]);
		// Nothing new was paid for, and never two tasks for one item.
		expect(bed.emulator.tasks.length).toBe(tasksAtCancel);
		const perPrompt = new Set(bed.emulator.tasks.map((t) => t.input.prompt));
		expect(perPrompt.size).toBe(bed.emulator.tasks.length);
		expect(everyText(result)).not.toContain(bed.emulator.apiKey);
		return { result, ms: ended!.ms };
	}

	it('while polling a long task', async () => {
		bed.emulator.configure({ latencyMs: 30_000 });
		await cancelDuring(generateBatch(4), (requests) => requests.filter((r) => r.endpoint === 'result').length >= 2);
		expect(bed.emulator.tasks).toHaveLength(2);
		expect(bed.emulator.tasks.every((t) => t.status !== 'completed')).toBe(true);
	});

	it('while a result request is held open by a slow server', async () => {
		bed.emulator.configure({ latencyMs: 30_000 });
		bed.emulator.injectFault({ endpoint: 'result', kind: 'slow', delayMs: 20_000, times: Infinity });
		await cancelDuring(generateBatch(3), (requests) => requests.some((r) => r.endpoint === 'result'));
	});

	it('while a sync-mode submit is held open', async () => {
		bed.emulator.configure({ latencyMs: 30_000 });
		await cancelDuring(generateBatch(3, { waitMode: 'sync' }), (requests) => requests.some((r) => r.endpoint === 'submit'));
		expect(bed.submits().length).toBeLessThanOrEqual(2);
	});

	it.each(['default', 'filesystem'] as BinaryMode[])('while uploading a reference image (slow PUT, %s mode)', async (mode) => {
		bed.emulator.injectFault({ endpoint: 'upload-put', kind: 'slow', delayMs: 20_000, times: Infinity });
		await cancelDuring(editBatch(3), (requests) => requests.some((r) => r.endpoint === 'upload-put'), mode);
		expect(bed.submits()).toHaveLength(0);
		expect(bed.emulator.tasks).toHaveLength(0);
	});

	it('while asking for an upload ticket (slow answer)', async () => {
		bed.emulator.injectFault({ endpoint: 'upload-ticket', kind: 'slow', delayMs: 20_000, times: Infinity });
		await cancelDuring(editBatch(3), (requests) => requests.some((r) => r.endpoint === 'upload-ticket'));
		expect(bed.submits()).toHaveLength(0);
	});

	it('while downloading from a slow CDN', async () => {
		bed.emulator.injectFault({ endpoint: 'cdn', kind: 'slow', delayMs: 20_000, times: Infinity });
		await cancelDuring(generateBatch(4), (requests) => requests.some((r) => r.endpoint === 'cdn'));
		expect(bed.emulator.tasks.length).toBeLessThanOrEqual(2);
	});

	it.each(['default', 'filesystem'] as BinaryMode[])('while a large download is streaming (%s mode)', async (mode) => {
		// A WaveSpeed stand-in whose output is a well-formed PNG that trickles in: only the cancel can end it.
		const seen: string[] = [];
		let streaming = false;
		let closedAt = 0;
		const server = createServer((req, res) => {
			// The free reads before a run (model catalog, price quotes, balance) find nothing here; the test looks at what follows.
			if (['/api/v3/models', '/api/v3/model/price', '/api/v3/model/pricing', '/api/v3/balance'].includes(req.url ?? '')) return void res.writeHead(404).end('not found');
			seen.push(`${req.method} ${req.url}`);
			if (req.method === 'POST') {
				req.resume();
				const data = { id: 'stream1', model: 'm', status: 'completed', outputs: [`${base}/big.png`], has_nsfw_contents: [false] };
				res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ code: 200, message: 'success', data }));
				return;
			}
			res.writeHead(200, { 'Content-Type': 'image/png' });
			res.write(Buffer.concat([PNG_HEADER, Buffer.from('7ffffff049444154', 'hex')]));
			streaming = true;
			const timer = setInterval(() => res.write(Buffer.alloc(256 * 1024, 3)), 20);
			res.on('close', () => {
				clearInterval(timer);
				streaming = false;
				closedAt = Date.now();
			});
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		try {
			const run = runWorkflow(generateBatch(2, {}, { maxConcurrency: 1 }), { binaryMode: mode, credentials: { waveSpeedApi: { apiKey: 'stream-key-123456', baseUrl: base } } });
			while (!streaming) await sleep(20);
			await sleep(300);
			const cancelledAt = Date.now();
			run.cancel();
			const ended = await Promise.race([Promise.all([run.promise, run.finished]).then(([r]) => r), sleep(DEADLINE_MS).then(() => undefined)]);
			expect(ended?.status).toBe('canceled');
			await sleep(500);
			// The download was dropped at once, and the second item never started.
			expect(streaming).toBe(false);
			expect(closedAt - cancelledAt).toBeLessThan(DEADLINE_MS);
			expect(seen).toEqual(['POST /api/v3/openai/gpt-image-2/text-to-image', 'GET /big.png']);
		} finally {
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
		}
	});

	it('while waiting out a 429 backoff (Retry-After: 30 s) on submit', async () => {
		bed.emulator.injectFault({ endpoint: 'submit', kind: 'http429', retryAfterSeconds: 30, times: Infinity });
		await cancelDuring(generateBatch(3), (requests) => requests.filter((r) => r.endpoint === 'submit' && r.status === 429).length >= 2);
		expect(bed.emulator.tasks).toHaveLength(0);
		expect(bed.submits().every((s) => s.status === 429)).toBe(true);
	});
});
