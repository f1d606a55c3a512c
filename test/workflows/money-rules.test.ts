/** Money and safety rules: the submit is sent once (only a 429 is retried); free requests retry; the key stays home. */
import type { FaultKind } from '../../dev/emulator';
import type { RunResult } from '../../dev/harness';
import { chain, editNode, everyText, generateNode, imageOf, makeImages, manualTrigger, PROVIDER_CASES, readFile, useTestBed, waveSpeedOnlyFor } from './helpers';

describe.each(PROVIDER_CASES)('GPT Image 2 on $label: money and safety rules', (provider) => {
	const bed = useTestBed({}, provider);
	let images: Awaited<ReturnType<typeof makeImages>>;
	beforeAll(async () => {
		images = await makeImages();
	});

	const generate = (options: Record<string, unknown> = {}) =>
		chain(
			manualTrigger(),
			generateNode({
				operation: 'generateImage',
				prompt: 'a blue teapot on a wooden table',
				aspectRatio: '1:1',
				resolution: '1k',
				quality: 'low',
				options: { pollInterval: 1, ...options },
			}),
		);

	const cdnRequests = () => bed.emulator.requests.filter((r) => r.endpoint === 'cdn' && !r.internal);

	/** No request to a host other than the Base URL carried Authorization, and the key is in no output or error. */
	const expectKeyKeptSafe = (result: RunResult): void => {
		const elsewhere = bed.emulator.requests.filter((r) => r.origin !== bed.emulator.baseUrl);
		for (const request of elsewhere) expect(request.headers.authorization).toBeUndefined();
		expect(everyText(result)).not.toContain(bed.emulator.apiKey);
	};

	describe('submit', () => {
		// each::labs keeps the run quiet at least 120 s after a 429, whatever Retry-After says: eachlabs.test.ts (sticky 429).
		waveSpeedOnlyFor(provider).it('a 429 created nothing: waits for Retry-After and sends again, ending with one task', async () => {
			bed.emulator.injectFault({ endpoint: 'submit', kind: 'http429', times: 2, retryAfterSeconds: 1 });
			const result = await bed.run(generate());

			expect(result.error).toBeUndefined();
			const submits = bed.submits();
			expect(submits.map((s) => s.status)).toEqual([429, 429, 200]);
			// Retry-After: 1 was honoured between the attempts.
			expect(submits[1].at - submits[0].at).toBeGreaterThanOrEqual(950);
			expect(submits[2].at - submits[1].at).toBeGreaterThanOrEqual(950);
			expect(bed.emulator.tasks).toHaveLength(1);
			const [item] = result.output('Generate');
			expect(item.json).toMatchObject({ id: bed.emulator.tasks[0].id, status: provider.done });
			expect((await imageOf(result, item.binary!.data)).format).toBe('png');
			expectKeyKeptSafe(result);
		});

		it.each([
			['http500', true, 500],
			['http500', false, 500],
			['http502', true, 502],
			['http502', false, 502],
			['http503', true, 503],
			['http503', false, 503],
		] as const)('a %s on submit (task created: %s) is reported, never resubmitted', async (kind, acceptTask, httpCode) => {
			bed.emulator.injectFault({ endpoint: 'submit', kind, acceptTask });
			const result = await bed.run(generate());

			expect(result.status).toBe('error');
			expect(result.error!.message).toMatch(new RegExp(`server error \\(${httpCode}\\).*\\[item 0\\]$`));
			expect(result.error!.description).toMatch(/it was not submitted again \(that could bill twice\)/);
			expect(result.error!.httpCode).toBe(String(httpCode));
			expect(bed.submits()).toHaveLength(1);
			expect(bed.emulator.tasks).toHaveLength(acceptTask ? 1 : 0);
			expect(bed.apiRequests('result')).toHaveLength(0);
			expectKeyKeptSafe(result);
		});

		it('a connection reset on submit is reported, never resubmitted', async () => {
			bed.emulator.injectFault({ endpoint: 'submit', kind: 'reset', acceptTask: true });
			const result = await bed.run(generate());

			expect(result.status).toBe('error');
			expect(result.error!.message).toMatch(new RegExp(`^Could not reach ${provider.label}.*\\[item 0\\]$`));
			expect(result.error!.description).toMatch(/it was not submitted again \(that could bill twice\)/);
			expect(bed.submits()).toHaveLength(1);
			expect(bed.emulator.tasks).toHaveLength(1);
			expect(bed.apiRequests('result')).toHaveLength(0);
			expectKeyKeptSafe(result);
		});
	});

	describe('polling', () => {
		it.each([
			['http500', 3],
			['http502', 2],
			['http503', 2],
			['reset', 2],
			['malformed', 2],
			['truncated', 2],
			['bad-envelope', 2],
		] as Array<[FaultKind, number]>)('%s on result polls (x%i) is retried: still one submit, and the image arrives', async (kind, times) => {
			bed.emulator.injectFault({ endpoint: 'result', kind, times });
			const result = await bed.run(generate());

			expect(result.error).toBeUndefined();
			const [item] = result.output('Generate');
			expect(item.json).toMatchObject({ id: bed.emulator.tasks[0].id, status: provider.done });
			expect((await imageOf(result, item.binary!.data)).format).toBe('png');
			expect(bed.submits()).toHaveLength(1);
			expect(bed.emulator.tasks).toHaveLength(1);
			const polls = bed.apiRequests('result');
			expect(polls.filter((p) => p.fault === kind)).toHaveLength(times);
			expect(polls.length).toBeGreaterThan(times);
			expectKeyKeptSafe(result);
		});
	});

	describe('output downloads', () => {
		it('a CDN 500 is retried and the download succeeds', async () => {
			bed.emulator.injectFault({ endpoint: 'cdn', kind: 'http500' });
			const result = await bed.run(generate());

			expect(result.error).toBeUndefined();
			const [item] = result.output('Generate');
			expect((await imageOf(result, item.binary!.data)).width).toBe(1024);
			expect(cdnRequests().map((r) => r.status)).toEqual([500, 200]);
			expect(bed.submits()).toHaveLength(1);
			expectKeyKeptSafe(result);
		});

		it('a CDN answer that is not an image is refused with the prediction id', async () => {
			bed.emulator.injectFault({ endpoint: 'cdn', kind: 'cdn-not-image' });
			const result = await bed.run(generate());

			expect(result.status).toBe('error');
			const id = bed.emulator.tasks[0].id;
			expect(result.error!.message).toMatch(/is not an image.*\[item 0\]$/);
			expect(result.error!.description).toContain(`Prediction ID: ${id}`);
			expect(result.error!.description).toMatch(/Get Result/);
			// A 200 that is not an image is not a passing failure: one download, one submit.
			expect(cdnRequests()).toHaveLength(1);
			expect(bed.submits()).toHaveLength(1);
			expectKeyKeptSafe(result);
		});

		it('a CDN redirect is followed, the image stored, and the redirected request carries no Authorization', async () => {
			bed.emulator.injectFault({ endpoint: 'cdn', kind: 'cdn-redirect' });
			const result = await bed.run(generate());

			expect(result.error).toBeUndefined();
			const [item] = result.output('Generate');
			expect((await imageOf(result, item.binary!.data)).format).toBe('png');
			const downloads = cdnRequests();
			expect(downloads.map((r) => [r.origin, r.status])).toEqual([
				[bed.emulator.cdnBaseUrl, 302],
				[bed.emulator.cdnMirrorBaseUrl, 200],
			]);
			for (const download of downloads) expect(download.headers.authorization).toBeUndefined();
			expectKeyKeptSafe(result);
		});

		it('an output larger than the 100 MB cap is refused', async () => {
			// Just over the node's cap (MAX_OUTPUT_BYTES = 100 MiB); the emulator announces it in Content-Length.
			bed.emulator.injectFault({ endpoint: 'cdn', kind: 'cdn-huge', hugeBytes: 100 * 1024 * 1024 + 1 });
			const started = Date.now();
			const result = await bed.run(generate());

			expect(result.status).toBe('error');
			expect(result.error!.message).toMatch(/is larger than 100 MB.*\[item 0\]$/);
			expect(result.error!.description).toContain(`Prediction ID: ${bed.emulator.tasks[0].id}`);
			expect(cdnRequests()).toHaveLength(1);
			expect(Date.now() - started).toBeLessThan(15_000);
			expectKeyKeptSafe(result);
		});
	});

	describe('uploads', () => {
		it('an upload-ticket 5xx is retried: the photo is uploaded once and the edit completes', async () => {
			bed.emulator.injectFault({ endpoint: 'upload-ticket', kind: 'http503' });
			const result = await bed.run(
				chain(manualTrigger(), readFile(images.red), editNode({ prompt: 'on a marble counter', aspectRatio: '1:1', quality: 'low', options: { pollInterval: 1 } })),
			);

			expect(result.error).toBeUndefined();
			expect(bed.apiRequests('upload-ticket').map((r) => r.status)).toEqual([503, 200]);
			const puts = bed.emulator.requests.filter((r) => r.endpoint === 'upload-put');
			expect(puts).toHaveLength(1);
			expect(puts[0].headers.authorization).toBeUndefined();
			expect(bed.emulator.uploads).toHaveLength(1);
			expect(bed.submits()).toHaveLength(1);
			expect(provider.imagesSent(bed.submits()[0].json)).toEqual([bed.emulator.uploads[0].url]);
			const [item] = result.output('Edit');
			expect(item.json.status).toBe(provider.done);
			expectKeyKeptSafe(result);
		});
	});
});
