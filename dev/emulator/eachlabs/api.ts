/** each::labs' /v1 routes on the shared engine: auth, create (402 reservations, 429 cap), read, model schema, presign. */
import { BODY_KINDS, PRE_HANDLER_KINDS, sendFault, submitAcceptsTask, type ConcreteEndpoint } from '../faults';
import { isGone, sendJson } from '../http';
import { Reply } from '../reply';
import type { Exchange } from '../server';
import type { EmulatorState } from '../state';
import { isFinished } from '../tasks';
import type { FaultRule, OutputFormat, RenderSpec } from '../types';
import { toEachLabsPrediction } from './prediction';
import { checkInput, EACHLABS_MODELS, isEachLabsSlug, requestSchema, type RequestSchema } from './schema';

type Handler = (state: EmulatorState, exchange: Exchange, reply: Reply, match: RegExpExecArray) => Promise<void> | void;

interface Route {
	method: string;
	pattern: RegExp;
	endpoint: ConcreteEndpoint;
	/** The model catalog is public. */
	open?: boolean;
	handler: Handler;
}

/** `Authorization: Bearer <key>` (current docs) or the legacy `X-API-Key: <key>`. */
function authorized(state: EmulatorState, exchange: Exchange): boolean {
	const { headers } = exchange.record;
	const bearer = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '');
	return (bearer !== null && bearer[1].trim() === state.config.apiKey) || headers['x-api-key'] === state.config.apiKey;
}

const refuse = (reply: Reply, status: number, error: string, details?: string, headers: Record<string, string> = {}): void =>
	reply.json(status, { status, error, ...(details ? { details } : {}) }, headers);

/** Predictions not finished yet: each reserves its estimated cost and counts against the concurrency cap. */
const inFlight = (state: EmulatorState): number => state.runner.tasks.filter((task) => !isFinished(task)).length;

function schemaFor(state: EmulatorState, slug: string): RequestSchema | undefined {
	if (!isEachLabsSlug(slug)) return undefined;
	return requestSchema(slug, state.config.eachlabsSchema === 'single' ? 'single' : 'array');
}

/** 'WxH' is the exact size asked for; 'auto' (or nothing) lets the first image or 1:1 decide. */
function renderSpecOf(slug: string, input: Record<string, unknown>): RenderSpec {
	const sizeText = String(input.image_size ?? input.size ?? '');
	const size = /^(\d+)x(\d+)$/.exec(sizeText);
	const imageUrls = Array.isArray(input.image_urls) ? (input.image_urls as string[]) : typeof input.image_url === 'string' ? [input.image_url] : [];
	return {
		prompt: String(input.prompt),
		imageUrls: slug === EACHLABS_MODELS.edit ? imageUrls : [],
		size: size ? { width: Number(size[1]), height: Number(size[2]) } : undefined,
		resolution: '1k',
		format: (input.output_format === 'jpeg' ? 'jpeg' : 'png') satisfies OutputFormat,
		base64: false,
	};
}

async function create(state: EmulatorState, exchange: Exchange, reply: Reply, fault: FaultRule | undefined): Promise<void> {
	const { res, record } = exchange;
	const accepts = fault !== undefined && submitAcceptsTask(fault);
	if (fault) record.fault = fault.kind;
	if (fault && PRE_HANDLER_KINDS.includes(fault.kind) && !accepts) return sendFault(res, fault);
	if (fault?.kind === 'slow' && !accepts) {
		await state.timers.sleep(fault.delayMs ?? 2000);
		if (isGone(res)) return;
	}
	const body = (record.json ?? {}) as Record<string, unknown>;
	if (typeof body.model !== 'string' || body.model === '') return refuse(reply, 400, 'model field is required');
	const schema = schemaFor(state, body.model);
	if (!schema) return refuse(reply, 400, 'Invalid input for model', `unknown model ${body.model}`);
	const input = checkInput(schema, body.input);
	if (!input.ok) return refuse(reply, 400, 'Invalid input for model', input.details);
	const cap = state.config.inFlightCap;
	if (inFlight(state) >= cap) {
		return refuse(reply, 429, 'too many requests', `concurrency limit reached: ${cap} predictions in flight for this account. A rejected request creates no prediction and is never billed.`);
	}
	const reserved = (inFlight(state) + 1) * state.config.reservationUsd;
	const left = state.config.balance - state.spentUsd;
	if (reserved > left) {
		return refuse(reply, 402, 'payment required', `the estimated cost of your in-flight executions exceeds your current balance ($${left.toFixed(2)} left, $${reserved.toFixed(2)} needed)`);
	}
	const webhook = typeof body.webhook_url === 'string' && body.webhook_url !== '' ? body.webhook_url : undefined;
	const task = state.runner.create({
		model: body.model,
		input: body.input as Record<string, unknown>,
		dropped: [],
		render: renderSpecOf(body.model, body.input as Record<string, unknown>),
		webhook,
		webhookSecret: typeof body.webhook_secret === 'string' ? body.webhook_secret : undefined,
		failWithCode: fault?.kind === 'task-failed' ? (fault.taskErrorCode ?? 1403) : undefined,
		failWithMessage: fault?.kind === 'task-failed' ? fault.taskError : undefined,
	});
	if (fault && PRE_HANDLER_KINDS.includes(fault.kind)) {
		if (fault.kind === 'gateway504' && fault.delayMs) await state.timers.sleep(fault.delayMs);
		return sendFault(res, fault);
	}
	if (fault?.kind === 'slow') await state.timers.sleep(fault.delayMs ?? 2000);
	reply.json(200, { status: 'success', message: 'Prediction created successfully', predictionID: task.id });
}

const read: Handler = (state, _exchange, reply, match) => {
	const task = state.runner.get(match[1]);
	if (!task) return refuse(reply, 404, 'Prediction not found');
	task.polls += 1;
	reply.json(200, toEachLabsPrediction(task, state.baseUrl, state.config));
};

const model: Handler = (state, exchange, reply) => {
	if (state.config.eachlabsSchema === 'unavailable') return refuse(reply, 500, 'Failed to get model');
	const slug = exchange.url.searchParams.get('slug') ?? '';
	const schema = schemaFor(state, slug);
	if (!schema) return refuse(reply, 404, 'Model not found');
	reply.json(200, { slug, title: slug === EACHLABS_MODELS.edit ? 'GPT Image v2 Edit' : 'GPT Image v2 Text to Image', version: '0.0.1', request_schema: schema });
};

const presign: Handler = (state, exchange, reply) => {
	const ticket = state.uploads.createPresign(exchange.record.json);
	if (!ticket.ok) return refuse(reply, ticket.status, ticket.message);
	reply.json(200, ticket.data);
};

const executions: Handler = (state, _exchange, reply) => {
	const done = state.runner.tasks.filter((task) => task.costUsd !== undefined).slice(-1);
	reply.json(200, { executions: done.map((task) => ({ id: task.id, model: task.model, cost: task.costUsd })), total: done.length });
};

const ROUTES: Route[] = [
	{ method: 'POST', pattern: /^\/v1\/prediction\/?$/, endpoint: 'submit', handler: () => undefined },
	{ method: 'GET', pattern: /^\/v1\/prediction\/([^/]+)\/?$/, endpoint: 'result', handler: read },
	{ method: 'GET', pattern: /^\/v1\/model\/?$/, endpoint: 'model', open: true, handler: model },
	{ method: 'POST', pattern: /^\/v1\/upload\/presign\/?$/, endpoint: 'upload-ticket', handler: presign },
	{ method: 'GET', pattern: /^\/v1\/executions\/?$/, endpoint: 'executions', handler: executions },
];

export async function routeEachLabsApi(state: EmulatorState, exchange: Exchange): Promise<void> {
	const { res, record, url } = exchange;
	const route = ROUTES.find((r) => r.method === record.method && r.pattern.test(url.pathname));
	if (route) record.endpoint = route.endpoint;
	if (!route?.open && !authorized(state, exchange)) return sendJson(res, 401, { error: 'Invalid or missing API key' });
	if (!route) return sendJson(res, 404, { error: `Not found: ${record.method} ${url.pathname}` });
	const fault = state.faults.take(route.endpoint);
	const reply = new Reply(res, record, fault && BODY_KINDS.includes(fault.kind) ? fault : undefined);
	if (route.endpoint === 'submit') return create(state, exchange, reply, fault);
	if (fault) record.fault = fault.kind;
	if (fault && PRE_HANDLER_KINDS.includes(fault.kind)) return sendFault(res, fault);
	if (fault?.kind === 'slow') {
		await state.timers.sleep(fault.delayMs ?? 2000);
		if (isGone(res)) return;
	}
	await route.handler(state, exchange, reply, route.pattern.exec(url.pathname) as RegExpExecArray);
}
