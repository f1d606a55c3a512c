/** Wait For Result (poll, sync, don't wait), Get Result, and how outputs arrive (download, inline base64, URL only). */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { INodeParameters } from 'n8n-workflow';
import sharp from 'sharp';

import type { RecordedRequest } from '../../dev/emulator';
import { runWorkflow } from '../../dev/harness';
import type { RunResult } from '../../dev/harness';
import { chain, everyText, generateNode, generateSneaker, imageOf, manualTrigger, PROVIDER_CASES, rows, useTestBed, waveSpeedOnlyFor } from './helpers';

describe.each(PROVIDER_CASES)('GPT Image 2 on $label: waiting for the result', (provider) => {
	const bed = useTestBed({}, provider);
	/** Sync Mode, Inline Base64 and several outputs per prediction exist only on WaveSpeed. */
	const waveSpeedOnly = waveSpeedOnlyFor(provider).it;

	const generate = (parameters: INodeParameters = {}, options: INodeParameters = {}) => generateSneaker(parameters, { pollInterval: 1, ...options });

	const getResult = (predictionId: string, parameters: Record<string, unknown> = {}, options: Record<string, unknown> = {}) =>
		chain(manualTrigger(), generateNode({ operation: 'getResult', predictionId, ...parameters, options: { pollInterval: 1, ...options } }));

	const resultGets = (id?: string): RecordedRequest[] =>
		bed.apiRequests('result').filter((r) => !id || r.path.includes(`/${id}`));
	const cdnRequests = (): RecordedRequest[] => bed.emulator.requests.filter((r) => r.endpoint === 'cdn' && !r.internal);

	/** The key goes only to the Base URL and appears nowhere in what the run produced. */
	const expectKeyKeptSafe = (result: RunResult): void => {
		for (const request of bed.emulator.requests.filter((r) => r.origin !== bed.emulator.baseUrl)) {
			expect(request.headers.authorization).toBeUndefined();
		}
		expect(everyText(result)).not.toContain(bed.emulator.apiKey);
	};

	it('Poll Until Done: polls, no closer than the poll interval, until the task completes', async () => {
		bed.emulator.configure({ latencyMs: 2300 });
		const result = await bed.run(generate());

		expect(result.error).toBeUndefined();
		const [item] = result.output('Generate');
		expect(item.json).toMatchObject({ status: provider.done, model: provider.models.generate, nsfw: [false] });
		const [task] = bed.emulator.tasks;
		expect(item.json.id).toBe(task.id);
		expect(bed.submits()).toHaveLength(1);
		if (provider.id === 'wavespeed') expect(bed.submits()[0].json).toMatchObject({ enable_sync_mode: false, enable_base64_output: false });

		// Status progression: at least one look found it unfinished, the last found it completed.
		const polls = resultGets(task.id);
		expect(polls.length).toBeGreaterThanOrEqual(2);
		expect(polls[0].at).toBeLessThan(task.completedAt!);
		expect(polls.at(-1)!.at).toBeGreaterThanOrEqual(task.completedAt!);
		expect(polls.every((p) => p.status === 200)).toBe(true);
		// Never closer together than the 1 s poll interval (small slack for timer granularity).
		for (let i = 1; i < polls.length; i++) expect(polls[i].at - polls[i - 1].at).toBeGreaterThanOrEqual(990);
		expect(polls[0].at - bed.submits()[0].at).toBeGreaterThanOrEqual(900);
		expect(task.polls).toBe(polls.length);

		const image = await imageOf(result, item.binary!.data);
		expect(image).toMatchObject({ format: 'png', width: 1024, height: 1024 });
		expect(cdnRequests()).toHaveLength(1);
		expectKeyKeptSafe(result);
	});

	waveSpeedOnly('Sync Mode: the POST is held until the image exists, no polling needed', async () => {
		const result = await bed.run(generate({ waitMode: 'sync' }));

		expect(result.error).toBeUndefined();
		const [item] = result.output('Generate');
		expect(item.json).toMatchObject({ status: provider.done, id: bed.emulator.tasks[0].id });
		expect(bed.submits()).toHaveLength(1);
		expect(bed.submits()[0].json).toMatchObject({ enable_sync_mode: true });
		expect(resultGets()).toHaveLength(0);
		expect((await imageOf(result, item.binary!.data)).format).toBe('png');
		expectKeyKeptSafe(result);
	});

	waveSpeedOnly('Sync Mode: the server-side sync timeout (5004) continues by polling, without a second submit', async () => {
		bed.emulator.configure({ syncTimeoutMs: 200, latencyMs: 1500 });
		const result = await bed.run(generate({ waitMode: 'sync' }));

		expect(result.error).toBeUndefined();
		const [item] = result.output('Generate');
		const [task] = bed.emulator.tasks;
		expect(item.json).toMatchObject({ status: provider.done, id: task.id });
		expect(bed.submits()).toHaveLength(1);
		expect(bed.emulator.tasks).toHaveLength(1);
		const polls = resultGets(task.id);
		expect(polls.length).toBeGreaterThanOrEqual(1);
		expect(polls.at(-1)!.at).toBeGreaterThanOrEqual(task.completedAt!);
		expect((await imageOf(result, item.binary!.data)).width).toBe(1024);
		expectKeyKeptSafe(result);
	});

	waveSpeedOnly('Sync Mode: a gateway 504 on submit is reported (no prediction id came back) and never resubmitted', async () => {
		bed.emulator.injectFault({ endpoint: 'submit', kind: 'gateway504', acceptTask: true });
		const result = await bed.run(generate({ waitMode: 'sync' }));

		expect(result.status).toBe('error');
		expect(result.error!.message).toMatch(/gateway timed out \(504\).*\[item 0\]$/);
		expect(result.error!.description).toMatch(/no prediction ID came back, so it was not submitted again/);
		expect(result.error!.description).toMatch(/dashboard/);
		expect(bed.submits()).toHaveLength(1);
		// The task exists server-side (it is billed): that is why it must not be sent again.
		expect(bed.emulator.tasks).toHaveLength(1);
		expect(resultGets()).toHaveLength(0);
		expectKeyKeptSafe(result);
	});

	it("Don't Wait returns the id at once; a second workflow's Get Result (id from that output) waits for the image", async () => {
		bed.emulator.configure({ latencyMs: 1200 });
		const first = await bed.run(generate({ waitMode: 'none' }));

		expect(first.error).toBeUndefined();
		const [pending] = first.output('Generate');
		const [task] = bed.emulator.tasks;
		expect(pending.json).toEqual({
			provider: provider.id,
			id: task.id,
			model: provider.models.generate,
			status: expect.stringMatching(/^(created|processing)$/),
			resultUrl: provider.resultUrl(bed.emulator.baseUrl, task.id),
			createdAt: expect.any(String),
			...provider.pendingExtras,
		});
		expect(pending.binary).toBeUndefined();
		expect(resultGets()).toHaveLength(0);
		expect(cdnRequests()).toHaveLength(0);
		expect(task.status).not.toBe('completed');

		const second = await bed.run(
			chain(manualTrigger(), ...rows([{ id: pending.json.id }]), generateNode({ operation: 'getResult', predictionId: '={{ $json.id }}', options: { pollInterval: 1 } })),
		);
		expect(second.error).toBeUndefined();
		const [item] = second.output('Generate');
		expect(item.json).toMatchObject({ id: task.id, status: provider.done });
		expect(await imageOf(second, item.binary!.data)).toMatchObject({ format: 'png', width: 1024, height: 1024 });
		expect(bed.submits()).toHaveLength(1);
		expect(resultGets(task.id).length).toBeGreaterThanOrEqual(1);
		expectKeyKeptSafe(first);
		expectKeyKeptSafe(second);
	});

	it('Get Result without waiting returns the current status of a running task, without binary', async () => {
		bed.emulator.configure({ latencyMs: 5000 });
		const submitted = await bed.run(generate({ waitMode: 'none' }));
		const id = submitted.output('Generate')[0].json.id as string;

		const result = await bed.run(getResult(id, { waitForCompletion: false }));
		expect(result.error).toBeUndefined();
		const [item] = result.output('Generate');
		expect(item.json).toMatchObject({ id, status: 'processing', resultUrl: provider.resultUrl(bed.emulator.baseUrl, id) });
		expect(item.binary).toBeUndefined();
		expect(resultGets(id)).toHaveLength(1);
		expect(bed.submits()).toHaveLength(1);
		expect(cdnRequests()).toHaveLength(0);
	});

	it('Get Result with an unknown id says so clearly (404)', async () => {
		const result = await bed.run(getResult('doesnotexist123'));

		expect(result.status).toBe('error');
		expect(result.error!.message).toMatch(/does not know this prediction \(404\).*\[item 0\]$/);
		expect(result.error!.description).toMatch(/Check the prediction ID/);
		expect(result.error!.description).toContain('doesnotexist123');
		// A 404 is not a passing problem: asked once, not retried.
		expect(resultGets()).toHaveLength(1);
		expect(bed.submits()).toHaveLength(0);
		expectKeyKeptSafe(result);
	});

	waveSpeedOnly('Inline Base64: the image arrives in the answer, is decoded to binary, and is not repeated in JSON', async () => {
		const result = await bed.run(generate({ outputFormat: 'jpeg', aspectRatio: '16:9' }, { transfer: 'base64' }));

		expect(result.error).toBeUndefined();
		const [item] = result.output('Generate');
		expect(bed.submits()[0].json).toMatchObject({ enable_base64_output: true, output_format: 'jpeg' });
		const image = await imageOf(result, item.binary!.data);
		expect(image.format).toBe('jpeg');
		expect(item.binary!.data.mimeType).toBe('image/jpeg');
		expect(item.json.outputs).toBeUndefined();
		expect(item.json.images).toEqual([
			{ binaryField: 'data', fileName: `${item.json.id}.jpg`, mimeType: 'image/jpeg', width: image.width, height: image.height, fileSize: image.bytes.length },
		]);
		// No long base64 string anywhere in the JSON.
		expect(JSON.stringify(item.json)).not.toMatch(/[A-Za-z0-9+/]{200,}/);
		expect(cdnRequests()).toHaveLength(0);
		expectKeyKeptSafe(result);
	});

	it('URL Only: returns the output URL in JSON and downloads nothing', async () => {
		const result = await bed.run(generate({}, { output: 'url' }));

		expect(result.error).toBeUndefined();
		const [item] = result.output('Generate');
		const [task] = bed.emulator.tasks;
		expect(item.binary).toBeUndefined();
		expect(item.json).toMatchObject({ id: task.id, status: provider.done, outputs: task.outputs, nsfw: [false] });
		expect((item.json.outputs as string[])[0]).toMatch(new RegExp(`^${bed.emulator.cdnBaseUrl}/outputs/`));
		expect(cdnRequests()).toHaveLength(0);
		expectKeyKeptSafe(result);
	});

	it.each([
		['png', '16:9', '2k'],
		['jpeg', '3:4', '1k'],
	] as const)('%s output: MIME type, file size and pixel size in JSON match the decoded binary', async (format, aspectRatio, resolution) => {
		const result = await bed.run(generate({ outputFormat: format, aspectRatio, resolution }, { fileName: 'hero shot' }));

		expect(result.error).toBeUndefined();
		const [item] = result.output('Generate');
		const bytes = await result.readBinary(item.binary!.data);
		const meta = await sharp(bytes).metadata();
		const [task] = bed.emulator.tasks;
		expect(meta.format).toBe(format);
		expect({ width: meta.width, height: meta.height }).toEqual({ width: task.width, height: task.height });
		const extension = format === 'png' ? 'png' : 'jpg';
		expect(item.binary!.data).toMatchObject({ mimeType: `image/${format}`, fileName: `hero shot.${extension}` });
		expect(item.json.images).toEqual([
			{ binaryField: 'data', fileName: `hero shot.${extension}`, mimeType: `image/${format}`, width: meta.width, height: meta.height, fileSize: bytes.length },
		]);
	});

	waveSpeedOnly('several outputs on one prediction become data, data_1 on the same item', async () => {
		// The emulator makes one output per task (as documented). A small WaveSpeed-shaped server on loopback
		// answers with two outputs that point at the emulator's CDN, so the node downloads two real images.
		const seed = await bed.run(generate({}, { output: 'url' }));
		const firstUrl = (seed.output('Generate')[0].json.outputs as string[])[0];
		const second = await bed.run(generate({ outputFormat: 'jpeg' }, { output: 'url' }));
		const secondUrl = (second.output('Generate')[0].json.outputs as string[])[0];
		const prediction = {
			id: 'multi0001',
			model: provider.models.generate,
			outputs: [firstUrl, secondUrl],
			urls: { get: '' },
			has_nsfw_contents: [false, false],
			status: provider.done,
			created_at: new Date().toISOString(),
			error: '',
			timings: { inference: 10 },
			code: 0,
		};
		const seen: string[] = [];
		const server = createServer((req, res) => {
			seen.push(`${req.method} ${req.url}`);
			res.writeHead(200, { 'Content-Type': 'application/json' });
			res.end(JSON.stringify({ code: 200, message: 'success', data: prediction }));
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
			prediction.urls.get = `${baseUrl}/api/v3/predictions/multi0001/result`;
			const result = await runWorkflow(getResult('multi0001'), { credentials: { waveSpeedApi: { apiKey: 'local-key-123456', baseUrl } } }).promise;

			expect(result.error).toBeUndefined();
			const [item] = result.output('Generate');
			expect(Object.keys(item.binary!).sort()).toEqual(['data', 'data_1']);
			const a = await imageOf(result, item.binary!.data);
			const b = await imageOf(result, item.binary!.data_1);
			expect(a.format).toBe('png');
			expect(b.format).toBe('jpeg');
			expect(item.json.images).toEqual([
				expect.objectContaining({ binaryField: 'data', fileName: 'multi0001.png', mimeType: 'image/png', fileSize: a.bytes.length }),
				expect.objectContaining({ binaryField: 'data_1', fileName: 'multi0001_1.jpg', mimeType: 'image/jpeg', fileSize: b.bytes.length }),
			]);
			expect(item.json.outputs).toEqual([firstUrl, secondUrl]);
			// Besides the model catalog (a free read before every batch; this stand-in has none), one result read.
			expect(seen.filter((request) => request !== 'GET /api/v3/models')).toEqual(['GET /api/v3/predictions/multi0001/result']);
		} finally {
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}
	});
});
