/**
 * The key never shown, ambiguous submit answers that stay ambiguous, downloads that end, and the small refusals:
 * each through n8n's engine against the emulator.
 */
import type { FaultKind } from '../../dev/emulator';
import type { RunResult } from '../../dev/harness';
import { chain, editNode, everyText, generateNode, makeImages, manualTrigger, readFile, useTestBed } from './helpers';

describe('GPT Image 2: billing safety', () => {
	const bed = useTestBed();
	let images: Awaited<ReturnType<typeof makeImages>>;
	beforeAll(async () => {
		images = await makeImages();
	});

	const generate = (options: Record<string, unknown> = {}, parameters: Record<string, unknown> = {}, settings?: Record<string, unknown>) =>
		chain(
			manualTrigger(),
			generateNode(
				{ operation: 'generateImage', prompt: 'a blue teapot', aspectRatio: '1:1', resolution: '1k', quality: 'low', ...parameters, options: { pollInterval: 1, ...options } },
				'Generate',
				settings,
			),
		);
	const continueOnFail = { onError: 'continueRegularOutput' };
	const errorItem = (result: RunResult) => result.output('Generate')[0].json;

	describe('the key is never shown', () => {
		it('a 401 whose message holds the key: masked, the sentence intact', async () => {
			bed.emulator.injectFault({ endpoint: 'submit', kind: 'http-error', httpStatus: 401, message: `Invalid API key ${bed.emulator.apiKey}` });
			const result = await bed.run(generate());
			expect(result.error!.message).toBe('WaveSpeed rejected the API key (401): Invalid API key *** [item 0]');
			expect(everyText(result)).not.toContain(bed.emulator.apiKey);
		});

		it('the real 401 wording "Bearer <your WaveSpeed API key>" is not mangled', async () => {
			const result = await bed.run(generate(), 'default', 'ws-wrong-key-000000000000');
			expect(result.error!.message).toBe(
				'WaveSpeed rejected the API key (401): Invalid API key: send Authorization: Bearer <your WaveSpeed API key> [item 0]',
			);
		});

		it.each([
			['a 400 on submit', { endpoint: 'submit', kind: 'http-error', httpStatus: 400, message: 'bad request token=KEY' }],
			['a 403 on submit', { endpoint: 'submit', kind: 'http-error', httpStatus: 403, message: 'key "KEY" is suspended' }],
			['a 500 on submit', { endpoint: 'submit', kind: 'http500', acceptTask: false, message: 'upstream auth KEY failed' }],
			['a failed task echoing it', { endpoint: 'submit', kind: 'task-failed', taskErrorCode: 1403, taskError: 'upstream rejected Authorization KEY' }],
			['a persistent error on result polls', { endpoint: 'result', kind: 'http-error', httpStatus: 400, times: Infinity, message: 'poll with api_key=KEY refused' }],
			['an upload ticket error', { endpoint: 'upload-ticket', kind: 'http-error', httpStatus: 400, message: 'KEY cannot upload' }],
		] as const)('%s: masked in the error item and in the node error', async (_name, rule) => {
			const key = bed.emulator.apiKey;
			const withKey = JSON.parse(JSON.stringify(rule).replace(/KEY/g, key)) as typeof rule;
			const workflow = (settings?: Record<string, unknown>) =>
				rule.endpoint === 'upload-ticket'
					? chain(manualTrigger(), readFile(images.red), editNode({ prompt: 'x', quality: 'low', options: { pollInterval: 1 } }, 'Generate', settings))
					: generate({ timeout: 10 }, {}, settings);

			bed.emulator.injectFault({ ...withKey, times: withKey.endpoint === 'result' ? Infinity : 1 });
			const withCof = await bed.run(workflow(continueOnFail));
			const item = errorItem(withCof);
			expect(item.error).toMatch(/\*\*\*/);
			expect(everyText(withCof)).not.toContain(key);

			bed.emulator.reset();
			bed.emulator.injectFault({ ...withKey, times: withKey.endpoint === 'result' ? Infinity : 1 });
			const without = await bed.run(workflow());
			expect(`${without.error!.message} ${without.error!.description}`).toMatch(/\*\*\*/);
			expect(everyText(without)).not.toContain(key);
		}, 40_000);
	});

	describe('ambiguous submit answers stay ambiguous', () => {
		it.each([
			['truncated', undefined],
			['malformed', undefined],
			['numeric-id', '987654321'],
			['string-code', 'task'],
			['code-in-200', 'task'],
			['bad-envelope', '5'],
		] as Array<[FaultKind, string | undefined]>)('%s: "may have been created", never retried or "try again", any id kept', async (kind, id) => {
			bed.emulator.injectFault({ endpoint: 'submit', kind });
			const result = await bed.run(generate());

			expect(result.status).toBe('error');
			expect(result.error!.message).toMatch(/a task may have been created \[item 0\]$/);
			const words = `${result.error!.message} ${result.error!.description}`;
			expect(words).not.toMatch(/try again/i);
			expect(words).toMatch(/not submitted again \(that could bill twice\)/);
			const expectedId = id === 'task' ? bed.emulator.tasks[0].id : id;
			if (expectedId) expect(result.error!.description).toContain(`Prediction ID: ${expectedId}`);
			expect(bed.submits()).toHaveLength(1);
			expect(bed.emulator.tasks).toHaveLength(1);
		});

		it('HTTP 200 with code 429 inside is not treated as a rate limit (no second task)', async () => {
			bed.emulator.injectFault({ endpoint: 'submit', kind: 'code-in-200', envelopeCode: 429 });
			const result = await bed.run(generate({}, {}, continueOnFail));
			expect(errorItem(result)).toMatchObject({ predictionId: bed.emulator.tasks[0].id, kind: 'malformed', httpCode: 200 });
			expect(bed.submits()).toHaveLength(1);
			expect(bed.emulator.tasks).toHaveLength(1);
		});

		it('in sync mode too', async () => {
			bed.emulator.injectFault({ endpoint: 'submit', kind: 'string-code' });
			const result = await bed.run(generate({}, { waitMode: 'sync' }));
			expect(result.error!.message).toMatch(/may have been created/);
			expect(bed.submits()).toHaveLength(1);
		});

		it('a prediction id that is not path-safe ("..") is never used in a URL', async () => {
			bed.emulator.injectFault({ endpoint: 'submit', kind: 'unsafe-id' });
			const result = await bed.run(generate());
			expect(result.error!.message).toMatch(/not safe to use in a URL \("\.\."\), so a task may have been created \[item 0\]$/);
			expect(bed.apiRequests('result')).toHaveLength(0);
			expect(bed.apiRequests().filter((r) => r.endpoint === 'other' || r.path === '/api/v3/result')).toHaveLength(0);
		});
	});

	describe('downloads end', () => {
		it('a trickling download is bounded by the row Timeout, with the prediction id', async () => {
			bed.emulator.injectFault({ endpoint: 'cdn', kind: 'cdn-trickle', trickleMs: 2000, times: Infinity });
			const started = Date.now();
			const result = await bed.run(generate({ timeout: 10 }));
			expect(Date.now() - started).toBeLessThan(15_000);
			expect(result.error!.message).toMatch(/did not finish within the Timeout \(10 s\) \[item 0\]$/);
			expect(result.error!.description).toContain(`Prediction ID: ${bed.emulator.tasks[0].id}`);
			expect(bed.submits()).toHaveLength(1);
		}, 30_000);

		it('a download with no bytes for 30 s is retried as a network error and then succeeds', async () => {
			bed.emulator.injectFault({ endpoint: 'cdn', kind: 'slow', delayMs: 40_000 });
			const result = await bed.run(generate());
			expect(result.error).toBeUndefined();
			const downloads = bed.emulator.requests.filter((r) => r.endpoint === 'cdn' && !r.internal);
			expect(downloads.length).toBe(2);
			expect(downloads[1].at - downloads[0].at).toBeGreaterThanOrEqual(29_000);
		}, 60_000);

		it('more than 16 outputs in one prediction is an error, and nothing is downloaded', async () => {
			bed.emulator.injectFault({ endpoint: 'result', kind: 'many-outputs', outputCount: 1000, times: Infinity });
			const result = await bed.run(generate());
			expect(result.error!.message).toBe('WaveSpeed returned 1000 outputs for one prediction; at most 16 are expected [item 0]');
			expect(result.error!.description).toContain(`Prediction ID: ${bed.emulator.tasks[0].id}`);
			expect(bed.emulator.requests.filter((r) => r.endpoint === 'cdn' && !r.internal)).toHaveLength(0);
		});

		it('inline base64 beyond 100 MB is refused before decoding', async () => {
			bed.emulator.injectFault({ endpoint: 'result', kind: 'huge-base64', hugeBytes: 101 * 1024 * 1024, times: Infinity });
			const result = await bed.run(generate({ transfer: 'base64' }));
			expect(result.error!.message).toMatch(/base64 output of about 101 MB; the limit is 100 MB \[item 0\]$/);
			expect(result.error!.description).toContain(`Prediction ID: ${bed.emulator.tasks[0].id}`);
		}, 60_000);
	});

	describe('small ones', () => {
		it.each([
			['\u0085', 'U+0085'],
			['\u009b', 'U+009B'],
		])('a C1 control character (%#) in the prompt is refused before anything is sent', async (char) => {
			const result = await bed.run(generate({}, { prompt: `a teapot${char}on a table` }));
			expect(result.error!.message).toBe('Prompt contains control characters. Remove them (newlines and tabs are fine) [item 0]');
			expect(bed.submits()).toHaveLength(0);
		});

		it('a reserved field name as a reference is refused clearly', async () => {
			const result = await bed.run(
				chain(manualTrigger(), readFile(images.red), editNode({ prompt: 'x', referenceImages: { image: [{ source: 'binary', binaryField: '__proto__' }] } })),
			);
			expect(result.error!.message).toBe(
				'Reference image 1: binary field name "__proto__" is a reserved name and cannot hold a file. Rename the field in the node before, e.g. to data [item 0]',
			);
			expect(bed.submits()).toHaveLength(0);
		});

		it('a reserved field name as the output field is refused clearly', async () => {
			const result = await bed.run(generate({ binaryPropertyName: '__proto__' }));
			expect(result.error!.message).toBe('Options > Put Output In Field "__proto__" is a reserved name and cannot hold a file. Use a field name such as data [item 0]');
			expect(bed.submits()).toHaveLength(0);
		});

		it('a ratio no seller lists gets a validation error that lists the ratios', async () => {
			const result = await bed.run(generate({}, { aspectRatio: '={{ "7:5" }}' }));
			expect(result.error!.message).toBe('Aspect Ratio "7:5" is not a supported value [item 0]');
			expect(result.error!.description).toMatch(/9:21/);
			expect(bed.submits()).toHaveLength(0);
		});

		it('a cancelled item says the execution was cancelled', async () => {
			bed.emulator.configure({ latencyMs: 5000 });
			const run = bed.start(generate({}, {}, continueOnFail));
			const until = Date.now() + 10_000;
			while (bed.apiRequests('result').length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
			run.cancel();
			const result = await run.promise;
			await run.finished;
			expect(result.status).toBe('canceled');
			// n8n records its own AbortError for the stopped node; the node itself never says "Unexpected error".
			expect(everyText(result)).not.toMatch(/Unexpected error/);
		});
	});
});
