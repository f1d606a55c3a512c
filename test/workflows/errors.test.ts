/** What the user reads when something goes wrong: task error codes, account problems, timeouts, NSFW, unsafe Base URL. */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { runWorkflow } from '../../dev/harness';
import type { RunResult } from '../../dev/harness';
import { chain, everyText, generateNode, manualTrigger, onProvider, PROVIDER_CASES, useTestBed, waveSpeedOnlyFor } from './helpers';

describe.each(PROVIDER_CASES)('GPT Image 2 on $label: error messages', (provider) => {
	const bed = useTestBed({}, provider);
	/** WaveSpeed's task codes, account answers and NSFW flags; each::labs' own are in eachlabs.test.ts. */
	const waveSpeedOnly = waveSpeedOnlyFor(provider).it;
	const describeWaveSpeedOnly = waveSpeedOnlyFor(provider).describe;

	const generate = (options: Record<string, unknown> = {}) =>
		chain(
			manualTrigger(),
			generateNode({
				operation: 'generateImage',
				prompt: 'a green bicycle leaning on a brick wall',
				aspectRatio: '1:1',
				resolution: '1k',
				quality: 'low',
				options: { pollInterval: 1, ...options },
			}),
		);

	const expectKeyKeptSafe = (result: RunResult, key = bed.emulator.apiKey): void => {
		for (const request of bed.emulator.requests.filter((r) => r.origin !== bed.emulator.baseUrl)) {
			expect(request.headers.authorization).toBeUndefined();
		}
		expect(everyText(result)).not.toContain(key);
	};

	describeWaveSpeedOnly('failed tasks', () => {
		it.each([
			[1200, /content moderation blocked this request \(1200\)/, /Change the prompt or the reference images/],
			[1400, /missing or invalid parameter \(1400\)/, /Check the prompt, aspect ratio and reference images/],
			[1401, /missing or invalid parameter \(1401\)/, /Check the prompt, aspect ratio and reference images/],
			[1402, /could not fetch a reference image \(1402\)/, /URLs must be public/],
			[1403, /task failed while running \(1403\)/, /Running it again creates a new billed task/],
			[1405, /task failed while running \(1405\)/, /Running it again creates a new billed task/],
			[5000, /internal problem running the task \(5000\)/, /Running it again creates a new billed task/],
			[5003, /internal problem running the task \(5003\)/, /Running it again creates a new billed task/],
			[5004, /task timed out on WaveSpeed \(5004\)/, /Use the Get Result operation with this prediction ID/],
		])('task code %i: says what happened and how to fix it, with the prediction id', async (code, message, hint) => {
			bed.emulator.injectFault({ endpoint: 'submit', kind: 'task-failed', taskErrorCode: code });
			const result = await bed.run(generate());

			expect(result.status).toBe('error');
			const [task] = bed.emulator.tasks;
			expect(task).toMatchObject({ status: 'failed', errorCode: code });
			expect(result.error!.message).toMatch(message);
			expect(result.error!.message).toMatch(/\[item 0\]$/);
			expect(result.error!.description).toMatch(hint);
			expect(result.error!.description).toContain(`Prediction ID: ${task.id}`);
			// Failed once, reported once: nothing was submitted again.
			expect(bed.submits()).toHaveLength(1);
			expect(bed.emulator.tasks).toHaveLength(1);
			expect(bed.emulator.requests.filter((r) => r.endpoint === 'cdn')).toHaveLength(0);
			expectKeyKeptSafe(result);
		});
	});

	describe('account', () => {
		it('a wrong API key (401) says to check the key and top up the account', async () => {
			const wrongKey = 'ws-wrong-key-not-valid-42';
			const result = await bed.run(generate(), 'default', wrongKey);

			expect(result.status).toBe('error');
			expect(result.error!.message).toMatch(/rejected the API key \(401\).*\[item 0\]$/);
			expect(result.error!.description).toMatch(/Check the API key/);
			if (provider.id === 'wavespeed') expect(result.error!.description).toMatch(/topped up/);
			expect(result.error!.httpCode).toBe('401');
			expect(bed.submits()).toHaveLength(1);
			expect(bed.submits()[0].status).toBe(401);
			expect(bed.emulator.tasks).toHaveLength(0);
			expectKeyKeptSafe(result, wrongKey);
			expectKeyKeptSafe(result);
		});

		/**
		 * The emulator has no account states, so a small WaveSpeed-shaped server on loopback answers the submit
		 * like WaveSpeed does for a suspended account or an empty balance.
		 */
		describeWaveSpeedOnly('answers the emulator cannot give', () => {
			let server: Server;
			let baseUrl: string;
			let answer: { status: number; body: unknown };
			const seen: Array<{ method?: string; url?: string; authorization?: string }> = [];
			beforeAll(async () => {
				server = createServer((req, res) => {
					// The free reads before a run (model catalog, price quotes, balance) find nothing here; the tests look at the submit.
					if (['/api/v3/models', '/api/v3/model/price', '/api/v3/model/pricing', '/api/v3/balance'].includes(req.url ?? '')) return void res.writeHead(404).end('not found');
					seen.push({ method: req.method, url: req.url, authorization: req.headers.authorization });
					req.resume();
					res.writeHead(answer.status, { 'Content-Type': 'application/json' });
					res.end(JSON.stringify(answer.body));
				});
				await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
				baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
			});
			afterAll(async () => {
				await new Promise<void>((resolve) => server.close(() => resolve()));
			});
			beforeEach(() => {
				seen.length = 0;
			});
			const key = 'ws-local-key-abcdef123456';
			const run = async () => await runWorkflow(generate(), { credentials: { waveSpeedApi: { apiKey: key, baseUrl } } }).promise;

			it('403: the account may be suspended', async () => {
				answer = { status: 403, body: { code: 403, message: 'Account suspended', data: null } };
				const result = await run();

				expect(result.status).toBe('error');
				expect(result.error!.message).toMatch(/refused access \(403\): Account suspended \[item 0\]$/);
				expect(result.error!.description).toMatch(/account may be suspended/);
				expect(seen).toEqual([{ method: 'POST', url: '/api/v3/openai/gpt-image-2/text-to-image', authorization: `Bearer ${key}` }]);
				expect(everyText(result)).not.toContain(key);
			});

			it.each([
				[402, { code: 402, message: 'Payment required', data: null }],
				[400, { code: 400, message: 'Insufficient balance, please top up', data: null }],
				[200, { code: 403, message: 'Insufficient credits for this request', data: null }],
			])('insufficient balance (HTTP %i): says to top up, not submitted again', async (status, body) => {
				answer = { status, body };
				const result = await run();

				expect(result.status).toBe('error');
				expect(result.error!.message).toMatch(/balance is too low.*\[item 0\]$/);
				expect(result.error!.description).toMatch(/Top up your WaveSpeed account/);
				expect(seen).toHaveLength(1);
				expect(everyText(result)).not.toContain(key);
			});
		});
	});

	it('a task still running at the timeout: "still running … use Get Result with <id>"', async () => {
		bed.emulator.configure({ latencyMs: 15_000 });
		const result = await bed.run(generate({ timeout: 10 }));

		expect(result.status).toBe('error');
		const [task] = bed.emulator.tasks;
		expect(task.status).toBe('processing');
		expect(result.error!.message).toMatch(/still running after 10 s \(status "processing"\) \[item 0\]$/);
		expect(result.error!.description).toContain(`Use Get Result with prediction ID ${task.id}`);
		expect(result.error!.description).toContain(`Prediction ID: ${task.id}`);
		expect(bed.submits()).toHaveLength(1);
		const polls = bed.apiRequests('result');
		expect(polls.length).toBeGreaterThanOrEqual(5);
		// Polling stopped at the deadline: nothing after ~10 s from the submit.
		expect(polls.at(-1)!.at - bed.submits()[0].at).toBeLessThanOrEqual(10_500);
		expectKeyKeptSafe(result);
	});

	waveSpeedOnly('an output flagged NSFW is reported with the prediction id', async () => {
		bed.emulator.configure({ nsfw: true });
		const result = await bed.run(generate());

		expect(result.status).toBe('error');
		const [task] = bed.emulator.tasks;
		expect(result.error!.message).toMatch(/flagged the output as NSFW.*\[item 0\]$/);
		expect(result.error!.description).toMatch(/Change the prompt/);
		expect(result.error!.description).toContain(`Prediction ID: ${task.id}`);
		expect(bed.submits()).toHaveLength(1);
		// The flagged image is not downloaded.
		expect(bed.emulator.requests.filter((r) => r.endpoint === 'cdn')).toHaveLength(0);
		expectKeyKeptSafe(result);
	});

	it('a plain-http Base URL to another host is refused before anything is sent', async () => {
		const key = 'ws-secret-key-for-example-com';
		const result = await runWorkflow(onProvider(generate(), provider.id), { credentials: { [provider.credentialType]: { apiKey: key, baseUrl: 'http://example.com' } } }).promise;

		expect(result.status).toBe('error');
		expect(result.error!.message).toMatch(/uses plain http, which would send your API key unencrypted.*\[item 0\]$/);
		expect(result.error!.description).toBe(`Edit the ${provider.label} API credential.`);
		expect(bed.emulator.requests).toHaveLength(0);
		expect(everyText(result)).not.toContain(key);
	});
});
