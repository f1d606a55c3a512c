/**
 * Issue 20, items 1-6, 14, 15, 19, 20: no secret of the credential in any item, error or HTTP answer, in any of its
 * common encodings; the trigger's secret reads are bounded; its downloads follow the nodes' policy.
 */
import { execFileSync } from 'node:child_process';
import dns from 'node:dns';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInThisContext } from 'node:vm';
import sharp from 'sharp';

import { signWebhook } from '../../dev/emulator';
import type { RunResult, WebhookExchange, WebhookListener, WorkflowJson } from '../../dev/harness';
import { listenForWebhooks, runWorkflow } from '../../dev/harness';
import { onProvider } from '../../dev/workflows/build';
import { triggerWorkflow } from '../../dev/workflows/trigger';
import { chain, EACHLABS, editNode, everyText, generateNode, generateSneaker, makeImages, manualTrigger, readFile, useTestBed } from './helpers';

/** Every form of a secret that must not appear: any 12-character run in any case, base64 alone or in Basic auth. */
function leaks(text: string, secret: string): string[] {
	const found: string[] = [];
	const lower = text.toLowerCase();
	for (let i = 0; i + 12 <= secret.length; i++) if (lower.includes(secret.slice(i, i + 12).toLowerCase())) found.push(secret.slice(i, i + 12));
	for (const encoded of [Buffer.from(secret).toString('base64'), Buffer.from(`user:${secret}`).toString('base64')]) if (text.includes(encoded.slice(8, 24))) found.push(encoded);
	return found;
}

/** A provider text that echoes a secret in every weak form the issue names. */
const echoing = (secret: string) =>
	`Invalid API key ${secret}; as sent: Basic ${Buffer.from(`user:${secret}`).toString('base64')}, ${Buffer.from(secret).toString('base64')}, ${secret.toUpperCase()}, ${secret.slice(0, -4)}`;

const exchangeText = (exchange: WebhookExchange) => JSON.stringify({ status: exchange.status, body: exchange.body, error: exchange.error });

const realLookup = dns.lookup;
/** Makes public-looking host names resolve to this machine (as any DNS answer could), until the returned undo runs. */
function resolveToLoopback(hosts: readonly string[]): () => void {
	dns.lookup = ((host: string, options: unknown, callback?: unknown) => {
		const cb = (typeof options === 'function' ? options : callback) as (...args: unknown[]) => void;
		const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all;
		if (!hosts.includes(host)) return (realLookup as (...args: unknown[]) => void)(host, options, callback);
		return all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4);
	}) as typeof dns.lookup;
	return () => {
		dns.lookup = realLookup;
	};
}

const listening = async (server: ReturnType<typeof createServer> | ReturnType<typeof createTlsServer>): Promise<number> => {
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return (server.address() as AddressInfo).port;
};
const closing = async (server: ReturnType<typeof createServer> | ReturnType<typeof createTlsServer>) => await new Promise<void>((resolve) => server.close(() => resolve()));

/** A callback from someone without the secret: signature headers present, signature wrong. */
const forgedPost = async (url: string) =>
	await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'webhook-id': `forged-${Math.random()}`, 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': `v3,${'0'.repeat(64)}` },
		body: JSON.stringify({ id: 'forged', status: 'completed', outputs: [] }),
	});

/** Trigger listeners for one describe block, closed after each test; `setup` names the workflow and credentials. */
function useListeners<A extends unknown[]>(setup: (...args: A) => { workflow: WorkflowJson; credentials: Record<string, Record<string, string>> }): (...args: A) => Promise<WebhookListener> {
	const listeners: WebhookListener[] = [];
	afterEach(async () => {
		await Promise.all(listeners.splice(0).map(async (l) => await l.close()));
	});
	return async (...args: A) => {
		const { workflow, credentials } = setup(...args);
		const listener = await listenForWebhooks(workflow, { credentials });
		listeners.push(listener);
		return listener;
	};
}

/** Its own emulator (so its own Base URL): the failed secret reads and their backoff stay out of the other tests. */
describe('the trigger while the secret read fails (WaveSpeed)', () => {
	const bed = useTestBed({ latencyMs: 100 });
	const listen = useListeners((workflow: WorkflowJson = triggerWorkflow()) => ({ workflow, credentials: { waveSpeedApi: { apiKey: bed.emulator.apiKey, baseUrl: bed.emulator.baseUrl } } }));

	it('item 1: a secret read refused with a text that echoes the key: the 503 and the publish error carry no key', async () => {
		const key = bed.emulator.apiKey;
		bed.emulator.injectFault({ endpoint: 'webhook-secret', kind: 'http-error', httpStatus: 401, message: echoing(key), times: Infinity });
		const listener = await listen();
		const published = await listener.activate('Trigger');
		expect(published.ok).toBe(false);
		expect(JSON.stringify(published)).toMatch(/rejected the API key \(401\)/);
		expect(leaks(JSON.stringify(published), key)).toEqual([]);
		await forgedPost(listener.productionUrl('Trigger'));
		const [exchange] = await listener.waitForExchanges(1);
		expect(exchange.status).toBe(503);
		expect(JSON.parse(exchange.body)).toEqual({ message: 'The trigger cannot check callbacks now; try again later' });
		expect(leaks(exchangeText(exchange), key)).toEqual([]);
	});

	it('item 6: while the secret read fails, 50 anonymous POSTs cost at most one API call each backoff, unsigned ones none', async () => {
		bed.emulator.injectFault({ endpoint: 'webhook-secret', kind: 'http-error', httpStatus: 401, message: 'Invalid API key', times: Infinity });
		const listener = await listen();
		const url = listener.productionUrl('Trigger');
		const started = Date.now();
		for (let round = 0; round < 5; round++) await Promise.all(Array.from({ length: 10 }, async () => await forgedPost(url)));
		const unsigned = await Promise.all(Array.from({ length: 10 }, async () => await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })));
		expect(unsigned.map((r) => r.status)).toEqual(Array(10).fill(401));
		const exchanges = await listener.waitForExchanges(60);
		expect(exchanges.filter((e) => e.status === 503)).toHaveLength(50);
		// The first read fails; the next may only start after the backoff (1 s, then 2 s, 4 s, ...), however long the 50 POSTs took.
		const backoffsElapsed = Math.floor(Math.log2((Date.now() - started) / 1000 + 1));
		expect(bed.apiRequests('webhook-secret').length).toBeLessThanOrEqual(1 + backoffsElapsed);
		expect(bed.apiRequests('webhook-secret').length).toBeLessThanOrEqual(5);
	});

});

describe('secrets on WaveSpeed: trigger and nodes', () => {
	const bed = useTestBed({ latencyMs: 100 });
	const listen = useListeners((workflow: WorkflowJson = triggerWorkflow()) => ({ workflow, credentials: { waveSpeedApi: { apiKey: bed.emulator.apiKey, baseUrl: bed.emulator.baseUrl } } }));

	/** A callback signed with the emulator's current secret, with any body. */
	const signedPost = async (url: string, body: unknown) => {
		const raw = JSON.stringify(body);
		const id = `msg-${Math.random()}`;
		const timestamp = Math.floor(Date.now() / 1000);
		return await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': `v3,${signWebhook(bed.emulator.webhookSecret, id, timestamp, raw)}` },
			body: raw,
		});
	};

	it('item 2: a genuine failed-task callback whose text echoes the key gives a Failed item without it', async () => {
		const key = bed.emulator.apiKey;
		const listener = await listen();
		bed.emulator.injectFault({ endpoint: 'submit', kind: 'task-failed', taskError: echoing(key) });
		const submitted = await bed.run(generateSneaker({ waitMode: 'none' }, { webhookUrl: listener.productionUrl('Trigger') }));
		expect(submitted.status).toBe('success');
		const [run] = await listener.waitForRuns(1);
		const failed = run.output('Trigger', 1)[0].json;
		expect(failed).toMatchObject({ kind: 'task', error: expect.stringContaining('Invalid API key ***') });
		expect(leaks(everyText(run), key)).toEqual([]);
	});

	it('item 4: a key echoed in model, urls.get, an output URL and created_at is masked on the trigger item', async () => {
		const key = bed.emulator.apiKey;
		const listener = await listen(triggerWorkflow({ options: { output: 'url' } }));
		const response = await signedPost(listener.productionUrl('Trigger'), {
			id: 'pred-echo-1',
			model: `openai/gpt-image-2?key=${key}`,
			status: 'completed',
			outputs: [`https://cdn.example.com/out.png?token=${key}`],
			urls: { get: `https://api.wavespeed.ai/api/v3/predictions/pred-echo-1/result?key=${key}` },
			has_nsfw_contents: [false],
			created_at: `2026-12-07T00:00:00Z ${key}`,
		});
		expect(response.status).toBe(200);
		const [run] = await listener.waitForRuns(1);
		const [item] = run.output('Trigger', 0);
		expect(item.json).toMatchObject({ model: 'openai/gpt-image-2?key=***', outputs: ['https://cdn.example.com/out.png?token=***'], createdAt: '2026-12-07T00:00:00Z ***' });
		expect(leaks(everyText(run), key)).toEqual([]);
	});

	it('item 4: the same on the nodes: Get Result of a prediction that echoes the key in every field', async () => {
		const key = 'ws-live-key-9f8e7d6c5b4a3210';
		const prediction = {
			id: 'pred-echo-2',
			model: `openai/gpt-image-2/text-to-image#${key}`,
			status: 'completed',
			outputs: [`https://cdn.example.com/out.png?token=${key}`],
			urls: { get: `https://api.example.com/r?key=${key}` },
			has_nsfw_contents: [false],
			created_at: key.toUpperCase(),
		};
		const server = createServer((req, res) => {
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ code: 200, message: 'success', data: prediction }));
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		try {
			const workflow = chain(manualTrigger(), generateNode({ operation: 'getResult', predictionId: 'pred-echo-2', options: { output: 'url' } }));
			const result = await runWorkflow(workflow, { credentials: { waveSpeedApi: { apiKey: key, baseUrl } } }).promise;
			expect(result.status).toBe('success');
			expect(result.output('Generate')[0].json).toMatchObject({ resultUrl: 'https://api.example.com/r?key=***', createdAt: '***' });
			expect(leaks(everyText(result), key)).toEqual([]);
		} finally {
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}
	});

	it('item 5: a node error quoting the key in base64, Basic auth, upper case and cut short shows none of them', async () => {
		const key = bed.emulator.apiKey;
		bed.emulator.injectFault({ endpoint: 'submit', kind: 'http-error', httpStatus: 400, message: echoing(key) });
		const result = await bed.run(generateSneaker());
		expect(result.error?.message).toMatch(/Invalid API key \*\*\*/);
		expect(leaks(everyText(result), key)).toEqual([]);
	});

	it('item 14: a trickling download on the trigger ends at its Timeout, on the Failed output', async () => {
		const listener = await listen(triggerWorkflow({ options: { timeout: 10 } }));
		bed.emulator.injectFault({ endpoint: 'cdn', kind: 'cdn-trickle', trickleMs: 2000, times: Infinity });
		const submitted = await bed.run(generateSneaker({ waitMode: 'none' }, { webhookUrl: listener.productionUrl('Trigger') }));
		const id = String(submitted.output('Generate')[0].json.id);
		const started = Date.now();
		const [run] = await listener.waitForRuns(1, 25_000);
		expect(Date.now() - started).toBeLessThan(16_000);
		expect(run.output('Trigger', 1)[0].json).toMatchObject({ predictionId: id, kind: 'timeout', error: expect.stringMatching(/did not finish within the Timeout \(10 s\)/) });
	}, 40_000);

	it('item 14: more than 16 outputs in a callback are refused on the trigger too, nothing downloaded', async () => {
		const listener = await listen();
		const outputs = Array.from({ length: 17 }, (_, i) => `${bed.emulator.cdnBaseUrl}/outputs/none-${i}.png`);
		await signedPost(listener.productionUrl('Trigger'), { id: 'pred-many', model: 'm', status: 'completed', outputs, has_nsfw_contents: outputs.map(() => false) });
		const [run] = await listener.waitForRuns(1);
		expect(run.output('Trigger', 1)[0].json).toMatchObject({ kind: 'malformed', error: expect.stringContaining('17 outputs') });
		expect(bed.emulator.requests.filter((r) => r.origin === bed.emulator.cdnBaseUrl && !r.internal)).toEqual([]);
	});

	it('item 19: after the secret rotates, the next genuine callback is accepted at once (one refetch)', async () => {
		const listener = await listen();
		// A secret the trigger has not seen: the first callback makes it fetch, so the cache is seconds old at the rotation.
		bed.emulator.webhookSecret = 'whsec_first0123456789abcdefFIRST';
		await bed.run(generateSneaker({ waitMode: 'none' }, { webhookUrl: listener.productionUrl('Trigger') }));
		await listener.waitForRuns(1);
		const reads = bed.apiRequests('webhook-secret').length;
		bed.emulator.webhookSecret = 'whsec_rotated0123456789abcdefROTATED';
		await bed.run(generateSneaker({ waitMode: 'none' }, { webhookUrl: listener.productionUrl('Trigger') }));
		const exchanges = await listener.waitForExchanges(2);
		expect(exchanges.map((e) => e.status)).toEqual([200, 200]);
		expect(bed.apiRequests('webhook-secret')).toHaveLength(reads + 1);
	});
});

describe('secrets and charges on each::labs', () => {
	const bed = useTestBed({ latencyMs: 100 }, EACHLABS);
	const SECRET = 'each-webhook-secret-5678-abcd';
	const credentials = (baseUrl = bed.emulator.baseUrl) => ({ eachLabsApi: { apiKey: bed.emulator.apiKey, baseUrl, webhookSecret: SECRET } });
	const listen = useListeners((workflow: WorkflowJson, baseUrl?: string) => ({ workflow: onProvider(workflow, 'eachlabs'), credentials: credentials(baseUrl) }));
	const run = async (workflow: WorkflowJson): Promise<RunResult> => await runWorkflow(onProvider(workflow, 'eachlabs'), { credentials: credentials() }).promise;

	it('item 3: a 400 quoting the Webhook Secret shows it neither in the node error nor in the Continue On Fail item', async () => {
		const message = `Invalid input: webhook_secret "${SECRET}" is not accepted`;
		const webhookUrl = 'https://hooks.example.com/x';
		bed.emulator.injectFault({ endpoint: 'submit', kind: 'http-error', httpStatus: 400, message, times: 2 });
		const stopped = await run(generateSneaker({ waitMode: 'none' }, { webhookUrl }));
		expect(stopped.error?.message).toMatch(/webhook_secret "\*\*\*"/);
		expect(leaks(everyText(stopped), SECRET)).toEqual([]);
		const workflow = chain(manualTrigger(), generateNode({ operation: 'generateImage', prompt: 'a red sneaker', aspectRatio: '1:1', resolution: '1k', quality: 'low', waitMode: 'none', options: { webhookUrl } }, 'Generate', { onError: 'continueRegularOutput' }));
		const continued = await run(workflow);
		expect(continued.output('Generate')[0].json.error).toMatch(/webhook_secret "\*\*\*"/);
		expect(leaks(everyText(continued), SECRET)).toEqual([]);
	});

	it('item 4: a key and Webhook Secret echoed in an each::labs output URL are masked on the trigger item', async () => {
		const key = bed.emulator.apiKey;
		const listener = await listen(triggerWorkflow({ options: { output: 'url' } }));
		const output = `https://cdn.example.com/x.png?key=${key}&s=${encodeURIComponent(SECRET)}`;
		const response = await fetch(listener.productionUrl('Trigger'), {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-webhook-secret': SECRET },
			body: JSON.stringify({ exec_id: 'exec-echo-1', flow_id: null, status: 'succeeded', output, error: '' }),
		});
		expect(response.status).toBe(200);
		const [result] = await listener.waitForRuns(1);
		expect(result.output('Trigger', 0)[0].json.outputs).toEqual(['https://cdn.example.com/x.png?key=***&s=***']);
		expect(leaks(everyText(result), key)).toEqual([]);
		expect(leaks(everyText(result), SECRET)).toEqual([]);
	});

	it.each([-3, 1e9])('item 20: a reported charge of %d is not shown as the charge; the item says why', async (charge) => {
		bed.emulator.configure({ costUsd: charge });
		const result = await run(generateSneaker());
		const json = result.output('Generate')[0].json;
		expect(json.costUsd).toBeUndefined();
		expect(json.costSource).toBe('formula');
		expect(json.costNote).toMatch(/reported a charge of \$/);
	});

	it("item 20: the 429 message says each::labs' rate limit", async () => {
		bed.emulator.injectFault({ endpoint: 'submit', kind: 'http429', retryAfterSeconds: 1, times: Infinity });
		const result = await run(generateSneaker({}, { timeout: 10 }));
		expect(result.error?.message).toMatch(/^each::labs' rate limit was reached \(429\)/);
	}, 30_000);

	describe('with a public Base URL (the trigger never calls it on each::labs)', () => {
		const PUBLIC_HOST = 'images.public-cdn.example';
		let origin: ReturnType<typeof createServer>;
		let port = 0;
		let undoDns: () => void;
		beforeAll(async () => {
			const internalImage = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#0f0' } }).png().toBuffer();
			undoDns = resolveToLoopback([PUBLIC_HOST]);
			origin = createServer((req, res) => {
				if (req.url === '/redirect.png') {
					res.writeHead(302, { location: `http://127.0.0.1:${port}/internal.png` });
					return void res.end();
				}
				res.writeHead(200, { 'content-type': 'image/png' });
				res.end(internalImage);
			});
			await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
			port = (origin.address() as AddressInfo).port;
		});
		afterAll(async () => {
			undoDns();
			await closing(origin);
		});

		const listenPublic = async () => {
			const listener = await listen(triggerWorkflow(), 'https://api.eachlabs.ai');
			return listener;
		};
		const callback = async (listener: WebhookListener, output: string) =>
			await fetch(listener.productionUrl('Trigger'), {
				method: 'POST',
				headers: { 'content-type': 'application/json', 'x-webhook-secret': SECRET },
				body: JSON.stringify({ exec_id: `exec-${Math.random()}`, flow_id: null, status: 'succeeded', output, error: '' }),
			});

		it('item 14: an output URL on a local address is refused by the trigger', async () => {
			const listener = await listenPublic();
			await callback(listener, `http://127.0.0.1:${port}/internal.png`);
			const [result] = await listener.waitForRuns(1);
			expect(result.output('Trigger', 1)[0].json).toMatchObject({ kind: 'download', error: expect.stringContaining('a local or private address') });
		});

		it('item 15: a public output URL that redirects to 127.0.0.1 is not followed', async () => {
			const listener = await listenPublic();
			await callback(listener, `http://${PUBLIC_HOST}:${port}/redirect.png`);
			const [result] = await listener.waitForRuns(1);
			expect(result.output('Trigger', 0)).toEqual([]);
			expect(result.output('Trigger', 1)[0].json).toMatchObject({ kind: 'download', error: expect.stringMatching(/redirected \(302\) to an address that was not followed: it points at 127\.0\.0\.1/) });
		});
	});
});

/**
 * The nodes' paths with a public Base URL: an https front (self-signed, trusted for this file only) for the emulator
 * under a public name, a public storage host that redirects, and an internal server that must receive nothing.
 */
describe('redirects on the nodes with a public Base URL (item 15)', () => {
	const bed = useTestBed({ latencyMs: 50 });
	const API_HOST = 'api.public-test.example';
	const STORAGE_HOST = 'storage.public-test.example';
	/** The Node process itself: jest's `process.env` is a copy that Node's TLS never reads. */
	const realProcess = runInThisContext('process') as NodeJS.Process;
	const trustAll = realProcess.env.NODE_TLS_REJECT_UNAUTHORIZED;
	const servers: Array<ReturnType<typeof createServer> | ReturnType<typeof createTlsServer>> = [];
	const internalHits: Array<{ method: string; bytes: number }> = [];
	let apiPort = 0;
	let storagePort = 0;
	let internalPort = 0;
	let undoDns: () => void;
	let images: Awaited<ReturnType<typeof makeImages>>;

	beforeAll(async () => {
		images = await makeImages();
		const dir = mkdtempSync(join(tmpdir(), 'tls-'));
		execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=public-test.example'], { stdio: 'ignore' });
		const tls = { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
		realProcess.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
		undoDns = resolveToLoopback([API_HOST, STORAGE_HOST]);
		const internalImage = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#f0f' } }).png().toBuffer();
		const internal = createServer((req: IncomingMessage, res: ServerResponse) => {
			let bytes = 0;
			req.on('data', (chunk: Buffer) => (bytes += chunk.length));
			req.on('end', () => {
				internalHits.push({ method: String(req.method), bytes });
				res.writeHead(200, { 'content-type': 'image/png' });
				res.end(req.method === 'GET' ? internalImage : '');
			});
		});
		internalPort = await listening(internal);
		const storage = createTlsServer(tls, (req, res) => {
			req.resume();
			res.writeHead(req.method === 'PUT' ? 307 : 302, { location: `http://127.0.0.1:${internalPort}/internal${req.method === 'PUT' ? '-upload' : '.png'}` });
			res.end();
		});
		storagePort = await listening(storage);
		const emulatorPort = Number(new URL(bed.emulator.baseUrl).port);
		const api = createTlsServer(tls, (req, res) => {
			const upstream = request({ host: '127.0.0.1', port: emulatorPort, path: req.url, method: req.method, headers: { ...req.headers, host: `127.0.0.1:${emulatorPort}` } }, (answer) => {
				res.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(res);
			});
			req.pipe(upstream);
		});
		apiPort = await listening(api);
		servers.push(internal, storage, api);
	});
	afterAll(async () => {
		undoDns();
		if (trustAll === undefined) delete realProcess.env.NODE_TLS_REJECT_UNAUTHORIZED;
		else realProcess.env.NODE_TLS_REJECT_UNAUTHORIZED = trustAll;
		await Promise.all(servers.map(closing));
	});
	beforeEach(() => {
		internalHits.length = 0;
	});

	const runPublic = async (workflow: WorkflowJson) =>
		await runWorkflow(workflow, { credentials: { waveSpeedApi: { apiKey: bed.emulator.apiKey, baseUrl: `https://${API_HOST}:${apiPort}` } } }).promise;

	it('an upload ticket redirected (307) to 127.0.0.1 sends the reference bytes nowhere, and nothing is submitted', async () => {
		bed.emulator.injectFault({ endpoint: 'upload-ticket', kind: 'private-ticket', privateUrl: `https://${STORAGE_HOST}:${storagePort}/put`, times: Infinity });
		const result = await runPublic(chain(manualTrigger(), readFile(images.red), editNode({ prompt: 'on marble', aspectRatio: '1:1', resolution: '1k', quality: 'low' })));
		expect(result.error?.message).toMatch(/redirected \(307\) to an address that was not followed: it points at 127\.0\.0\.1/);
		expect(internalHits).toEqual([]);
		expect(bed.submits()).toHaveLength(0);
	});

	it('a public output URL that redirects (302) to 127.0.0.1 is not followed, and no internal image is stored', async () => {
		bed.emulator.injectFault({ endpoint: 'result', kind: 'private-outputs', privateUrl: `https://${STORAGE_HOST}:${storagePort}/out.png`, times: Infinity });
		const result = await runPublic(generateSneaker({}, { pollInterval: 1 }));
		expect(result.error?.message).toMatch(/redirected \(302\) to an address that was not followed: it points at 127\.0\.0\.1/);
		expect(result.error?.description).toContain(`Prediction ID: ${bed.emulator.tasks[0].id}`);
		expect(internalHits).toEqual([]);
	});
});
