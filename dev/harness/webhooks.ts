/**
 * Webhook triggers through n8n-core, the way n8n's webhook server runs them: a loopback HTTP server reads the raw
 * body (and parses JSON) like n8n's body parser, calls the node's webhook() in a real WebhookContext, answers like
 * n8n's `onReceived` mode (or from the run's Respond to Webhook node, for a Webhook node set to respond that way), and
 * starts a run from the trigger with the items it returned.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { HookContext, WebhookContext, WorkflowExecute } from 'n8n-core';
import type { IDataObject, INode, IRun, IWebhookData, IWebhookResponseData, IWorkflowBase, WorkflowExecuteMode } from 'n8n-workflow';
import { createRunExecutionData, isNodeClassInstance, NodeHelpers, UserError, Workflow } from 'n8n-workflow';

import { buildAdditionalData, createHooks } from './additionalData';
import { setupContainer } from './container';
import { credentialTypesFrom } from './credentialTypes';
import { HarnessCredentialsHelper } from './credentialsHelper';
import { loadPackages } from './loaders';
import { nodeTypesFrom } from './nodeTypes';
import { toRunResult } from './runResult';
import { toWorkflowBase } from './runWorkflow';
import type { HarnessOptions, RunResult, WorkflowJson } from './types';

/** One request to a webhook URL and what became of it. */
export interface WebhookExchange {
	path: string;
	status: number;
	/** What a Respond to Webhook node answered; empty for the other response modes. */
	body: string;
	/** Set when webhook() returned items: the run they started. */
	run?: Promise<RunResult>;
	/** Set when webhook() threw (n8n answers 500 and records the error). */
	error?: string;
}

export interface WebhookListener {
	/** `<base>/webhook/<webhookId>/<path>`, as the editor shows it (production: the workflow is published). */
	productionUrl(nodeName: string): string;
	/** `<base>/webhook-test/<webhookId>/<path>` (manual runs, shown in the editor). */
	testUrl(nodeName: string): string;
	/** Runs the node's webhook create() hook as n8n does when the workflow is published; resolves to its error message, if any. */
	activate(nodeName: string): Promise<{ ok: true } | { ok: false; message: string; description: string }>;
	readonly exchanges: WebhookExchange[];
	/** Resolves once that many requests were answered. */
	waitForExchanges(count: number, timeoutMs?: number): Promise<WebhookExchange[]>;
	/** The finished runs of the first `count` exchanges that started one. */
	waitForRuns(count: number, timeoutMs?: number): Promise<RunResult[]>;
	close(): Promise<void>;
}

/** What n8n's request object carries for a node (rawBody, parsed body, query, params). */
type N8nRequest = IncomingMessage & { body?: unknown; query?: IDataObject; params?: IDataObject; rawBody: Buffer; _body: boolean };

async function readRaw(req: IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

/** Repeated keys become arrays, as Express's query parser does. */
function queryOf(url: URL): IDataObject {
	const query: IDataObject = {};
	for (const [key, value] of url.searchParams) {
		const existing = query[key];
		query[key] = existing === undefined ? value : Array.isArray(existing) ? [...(existing as string[]), value] : [existing as string, value];
	}
	return query;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
	if (res.headersSent) return;
	res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
	res.end(JSON.stringify(body));
}

let listenerCounter = 0;

export async function listenForWebhooks(json: WorkflowJson, options: HarnessOptions = {}): Promise<WebhookListener> {
	await setupContainer(options.binaryMode ?? 'default');
	const loaders = await loadPackages();
	const nodeTypes = nodeTypesFrom(loaders);
	const credentialTypes = credentialTypesFrom(loaders);
	const workflowId = json.id ?? `harness-webhooks-${++listenerCounter}`;
	const workflowData: IWorkflowBase = toWorkflowBase(json, workflowId, { name: 'Harness webhook workflow', active: true });
	const makeWorkflow = () =>
		new Workflow({ id: workflowId, name: workflowData.name, nodes: json.nodes, connections: json.connections, settings: json.settings, active: true, nodeTypes });

	const exchanges: WebhookExchange[] = [];
	const waiters = new Set<() => void>();
	const notify = () => waiters.forEach((wake) => wake());
	let executionCounter = 0;

	const server = createServer((req, res) => {
		void handle(req as N8nRequest, res).catch((error: unknown) => {
			sendJson(res, 500, { message: 'Harness error' });
			exchanges.push({ path: req.url ?? '', status: 500, body: '', error: error instanceof Error ? error.message : String(error) });
			notify();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

	/** The trigger's webhook path, as n8n registers it. */
	const pathOf = (node: INode): string => {
		const nodeType = nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
		const description = nodeType.description.webhooks?.[0];
		if (!description) throw new UserError(`Node "${node.name}" has no webhook`);
		// n8n's own Webhook node takes its path from a parameter (an expression in its description).
		const path = makeWorkflow().expression.getSimpleParameterValue(node, description.path, 'internal', {});
		return NodeHelpers.getNodeWebhookPath(workflowId, node, String(path), description.isFullPath === true);
	};
	const nodeNamed = (name: string): INode => {
		const node = json.nodes.find((n) => n.name === name);
		if (!node) throw new UserError(`No node named "${name}"`);
		return node;
	};

	async function handle(req: N8nRequest, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', base);
		const isTest = url.pathname.startsWith('/webhook-test/');
		const route = url.pathname.replace(/^\/webhook(-test)?\//, '');
		const node = json.nodes.find((n) => !n.disabled && nodeTypes.getByNameAndVersion(n.type, n.typeVersion).description.webhooks && pathOf(n) === route);
		// The answer's body as the caller receives it, whoever writes it.
		let answerBody = '';
		const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
		res.end = ((...args: unknown[]) => {
			const [chunk] = args;
			if (typeof chunk === 'string' || Buffer.isBuffer(chunk)) answerBody += chunk.toString();
			return end(...args);
		}) as typeof res.end;
		const record = (exchange: Omit<WebhookExchange, 'path'>) => {
			exchanges.push({ path: `${url.pathname}${url.search}`, ...exchange, body: answerBody });
			notify();
		};
		if (!node || req.method !== 'POST') {
			sendJson(res, 404, { message: 'The requested webhook is not registered.' });
			return record({ status: 404, body: '' });
		}

		// n8n's body parser: the raw bytes are kept, JSON is parsed for application/json (422 when it does not parse).
		req.rawBody = await readRaw(req);
		req._body = true;
		req.readRawBody = async () => {};
		req.query = queryOf(url);
		req.params = {};
		req.body = {};
		const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim();
		if (contentType === 'application/json' && req.rawBody.length > 0) {
			try {
				req.body = JSON.parse(req.rawBody.toString('utf8')) as unknown;
			} catch {
				sendJson(res, 422, { message: 'Failed to parse request body' });
				return record({ status: 422, body: '' });
			}
		}

		const mode: WorkflowExecuteMode = isTest ? 'manual' : 'webhook';
		const workflow = makeWorkflow();
		const executionId = `${workflowId}-${++executionCounter}`;
		const credentialsHelper = new HarnessCredentialsHelper(options.credentials ?? {}, credentialTypes);
		const additionalData = buildAdditionalData({ credentialsHelper, executionId, workflowId });
		additionalData.webhookBaseUrl = `${base}/webhook`;
		additionalData.webhookTestBaseUrl = `${base}/webhook-test`;
		additionalData.httpRequest = req as never;
		additionalData.httpResponse = res as never;
		const nodeType = nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
		const description = nodeType.description.webhooks?.[0];
		if (!description || !nodeType.webhook) throw new UserError(`Node "${node.name}" has no webhook() method`);
		const webhookData: IWebhookData = {
			httpMethod: 'POST',
			node: node.name,
			path: route,
			webhookDescription: description,
			workflowId,
			workflowExecuteAdditionalData: additionalData,
			webhookId: node.webhookId,
			isTest,
		};
		const context = new WebhookContext(workflow, node, additionalData, mode, webhookData, [], null);
		let result: IWebhookResponseData;
		try {
			// Nodes on n8n's newer context API (its own Webhook node) take the context as an argument.
			result = isNodeClassInstance(nodeType) ? await nodeType.webhook!(context) : await nodeType.webhook.call(context);
		} catch (error) {
			sendJson(res, 500, { message: 'Workflow Webhook Error: Workflow could not be started!' });
			return record({ status: 500, body: '', error: error instanceof Error ? error.message : String(error) });
		}
		// onReceived: n8n answers once the run is started, unless the node already answered itself. A Webhook node
		// set to respond from a Respond to Webhook node answers from the run instead, as n8n does.
		const fromNode = node.parameters.responseMode === 'responseNode' && result.workflowData !== undefined;
		if (result.noWebhookResponse !== true && !fromNode) {
			sendJson(res, 200, result.workflowData === undefined ? (result.webhookResponse ?? { message: 'Webhook call received' }) : { message: 'Workflow was started' });
		}
		const answered = new Promise<string>((resolve) => {
			if (res.writableFinished) resolve('');
			else res.once('finish', () => resolve(''));
		});
		if (!fromNode) await answered;
		if (result.workflowData === undefined) return record({ status: res.statusCode, body: '' });

		const hooks = createHooks(mode, executionId, workflowData);
		let sentBody = '';
		if (fromNode) {
			hooks.addHandler('sendResponse', (response) => {
				if (res.headersSent) return;
				const { body, headers, statusCode } = response;
				sentBody = typeof body === 'string' ? body : JSON.stringify(body);
				const extra = headers && typeof headers === 'object' ? Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, String(v)])) : {};
				res.writeHead(typeof statusCode === 'number' ? statusCode : 200, { 'content-type': 'application/json; charset=utf-8', ...extra });
				res.end(sentBody);
			});
		}
		const runData = buildAdditionalData({ credentialsHelper, hooks, executionId, workflowId });
		const runExecutionData = createRunExecutionData({
			executionData: { nodeExecutionStack: [{ node, data: { main: result.workflowData }, source: null }] },
		});
		const execution: Promise<IRun> = new WorkflowExecute(runData, mode, runExecutionData).processRunExecutionData(workflow);
		const run = execution.then(toRunResult);
		if (!fromNode) return record({ status: res.statusCode, body: '', run });
		// n8n answers an error when the run ends without reaching a Respond to Webhook node.
		void run.finally(() => sendJson(res, 500, { message: 'Error in workflow' })).catch(() => {});
		await answered;
		record({ status: res.statusCode, body: sentBody, run });
	}

	const waitUntil = async <T>(ready: () => T | undefined, timeoutMs: number, what: string): Promise<T> => {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const value = ready();
			if (value !== undefined) return value;
			const left = deadline - Date.now();
			if (left <= 0) throw new UserError(`Timed out waiting for ${what} (have ${exchanges.length} exchanges)`);
			await new Promise<void>((resolve) => {
				const wake = () => {
					waiters.delete(wake);
					clearTimeout(timer);
					resolve();
				};
				const timer = setTimeout(wake, Math.min(left, 200));
				waiters.add(wake);
			});
		}
	};

	return {
		productionUrl: (name) => `${base}/webhook/${pathOf(nodeNamed(name))}`,
		testUrl: (name) => `${base}/webhook-test/${pathOf(nodeNamed(name))}`,
		activate: async (name) => {
			const node = nodeNamed(name);
			const nodeType = nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
			const description = nodeType.description.webhooks?.[0];
			const create = nodeType.webhookMethods?.default?.create;
			if (!description || !create) throw new UserError(`Node "${name}" has no webhook create() hook`);
			const credentialsHelper = new HarnessCredentialsHelper(options.credentials ?? {}, credentialTypes);
			const additionalData = buildAdditionalData({ credentialsHelper, executionId: `${workflowId}-activate`, workflowId });
			additionalData.webhookBaseUrl = `${base}/webhook`;
			const webhookData: IWebhookData = {
				httpMethod: 'POST',
				node: name,
				path: pathOf(node),
				webhookDescription: description,
				workflowId,
				workflowExecuteAdditionalData: additionalData,
				webhookId: node.webhookId,
			};
			const context = new HookContext(makeWorkflow(), node, additionalData, 'webhook', 'activate', webhookData);
			try {
				await create.call(context);
				return { ok: true };
			} catch (error) {
				const described = error as { message?: string; description?: string | null };
				return { ok: false, message: String(described.message), description: String(described.description ?? '') };
			}
		},
		exchanges,
		waitForExchanges: async (count, timeoutMs = 30_000) =>
			await waitUntil(() => (exchanges.length >= count ? exchanges.slice(0, count) : undefined), timeoutMs, `${count} webhook requests`),
		waitForRuns: async (count, timeoutMs = 30_000) => {
			const started = await waitUntil(() => {
				const withRuns = exchanges.filter((e) => e.run);
				return withRuns.length >= count ? withRuns.slice(0, count) : undefined;
			}, timeoutMs, `${count} runs`);
			return await Promise.all(started.map(async (e) => await (e.run as Promise<RunResult>)));
		},
		close: async () => await new Promise<void>((resolve) => server.close(() => resolve())),
	};
}
