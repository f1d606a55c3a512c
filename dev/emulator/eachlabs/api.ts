/**
 * each::labs' /v1 routes on the shared engine: auth, create (402 reservations, 429 cap, sticky 429), read, model
 * details (both endpoints and the per-model OpenAPI), presign, executions, balance.
 */
import { BODY_KINDS, PRE_HANDLER_KINDS, sendFault, submitAcceptsTask, type ConcreteEndpoint } from '../faults';
import { isGone, sendJson } from '../http';
import { Reply } from '../reply';
import type { Exchange } from '../server';
import type { EmulatorState } from '../state';
import { isFinished } from '../tasks';
import type { FaultRule, OutputFormat, RenderSpec } from '../types';
import { executionsHandler } from './executions';
import { toEachLabsPrediction } from './prediction';
import { checkInput, isEachLabsSlug, isEditSlug, requestSchema, type EachLabsSlug, type RequestSchema } from './schema';

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
function renderSpecOf(slug: EachLabsSlug, input: Record<string, unknown>): RenderSpec {
	const sizeText = String(input.image_size ?? input.size ?? '');
	const size = /^(\d+)x(\d+)$/.exec(sizeText);
	const imageUrls = Array.isArray(input.image_urls) ? (input.image_urls as string[]) : typeof input.image_url === 'string' ? [input.image_url] : [];
	const format: OutputFormat = input.output_format === 'jpeg' || input.output_format === 'webp' ? input.output_format : 'png';
	return {
		prompt: String(input.prompt),
		imageUrls: isEditSlug(slug) ? imageUrls : [],
		size: size ? { width: Number(size[1]), height: Number(size[2]) } : undefined,
		resolution: '1k',
		format,
		base64: false,
		...(typeof input.mask_url === 'string' ? { maskUrl: input.mask_url } : {}),
		...(input.background === 'transparent' ? { transparent: true } : {}),
		...(typeof input.output_compression === 'number' ? { compression: input.output_compression } : {}),
		...(typeof input.num_images === 'number' ? { count: input.num_images } : {}),
	};
}

/** The 429 text of the page: a concurrency cap, not a request rate; small balances get a small cap. */
const CAP_DETAILS = (cap: number): string =>
	`concurrency limit reached: ${cap} predictions in flight for this account (accounts with a balance of $10 or less may run 2 metered predictions at once). A rejected request creates no prediction and is never billed.`;

/**
 * The sticky 429 (knob `sticky429`): once the cap refused a create, every create is refused until `stickyQuietMs`
 * passed without any create request. Each refused create restarts the silence.
 */
function stickyRefusal(state: EmulatorState, now: number): boolean {
	const sticky = state.sticky;
	if (!state.config.sticky429 || sticky.since === undefined) return false;
	const quiet = now - (sticky.lastCreateAt ?? 0) >= state.config.stickyQuietMs;
	if (quiet) sticky.since = undefined;
	return !quiet;
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
	const now = Date.now();
	const refusedBySticky = stickyRefusal(state, now);
	state.sticky.lastCreateAt = now;
	if (refusedBySticky) return refuse(reply, 429, 'too many requests', CAP_DETAILS(state.config.inFlightCap));
	if (typeof body.model !== 'string' || body.model === '') return refuse(reply, 400, 'model field is required');
	const schema = schemaFor(state, body.model);
	if (!schema) return refuse(reply, 400, 'Invalid input for model', `unknown model ${body.model}`);
	const input = checkInput(schema, body.input);
	if (!input.ok) return refuse(reply, 400, 'Invalid input for model', input.details);
	const cap = state.config.inFlightCap;
	if (inFlight(state) >= cap) {
		if (state.config.sticky429) state.sticky.since = now;
		return refuse(reply, 429, 'too many requests', CAP_DETAILS(cap));
	}
	const reserved = (inFlight(state) + 1) * state.config.reservationUsd;
	const left = state.config.balance - state.spentUsd;
	if (reserved > left) {
		return refuse(reply, 402, 'payment required', `the estimated cost of your in-flight executions exceeds your current balance ($${left.toFixed(2)} left, $${reserved.toFixed(2)} needed)`);
	}
	const webhook = typeof body.webhook_url === 'string' && body.webhook_url !== '' ? body.webhook_url : undefined;
	const slug = body.model as EachLabsSlug;
	const task = state.runner.create({
		model: slug,
		input: body.input as Record<string, unknown>,
		dropped: [],
		render: renderSpecOf(slug, body.input as Record<string, unknown>),
		webhook,
		webhookSecret: typeof body.webhook_secret === 'string' ? body.webhook_secret : undefined,
		failWithCode: fault?.kind === 'task-failed' ? (fault.taskErrorCode ?? 1403) : undefined,
		failWithMessage: fault?.kind === 'task-failed' ? fault.taskError : undefined,
		endWithStatus: fault?.kind === 'task-cancelled' ? 'cancelled' : fault?.kind === 'task-timeout' ? 'timeout' : undefined,
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

const TITLES: Record<string, string> = { 'v2-5-flare': 'GPT Image 2.5 Flare', 'v2-5-sunburst': 'GPT Image 2.5 Sunburst', v2: 'GPT Image v2' };

/** The model details both endpoints answer: `request_schema`, `output_type`, `cost` (usage based: no price before the run). */
function modelDetails(slug: EachLabsSlug, schema: RequestSchema): Record<string, unknown> {
	const key = slug.includes('v2-5-flare') ? 'v2-5-flare' : slug.includes('v2-5-sunburst') ? 'v2-5-sunburst' : 'v2';
	return {
		slug,
		title: `${TITLES[key]} ${isEditSlug(slug) ? 'Edit' : 'Text to Image'}`,
		version: '0.0.1',
		output_type: 'array',
		cost: { type: 'usage_based', amount: null, min: null, max: null },
		request_schema: schema,
	};
}

/** One model-details endpoint: `which` says whether the `eachlabsModelEndpoints` knob serves it. */
const modelEndpoint = (which: 'models' | 'model'): Handler => (state, exchange, reply, match) => {
	const served = state.config.eachlabsModelEndpoints;
	if (served === 'none' || (served === 'modelsOnly' && which === 'model')) return refuse(reply, 404, 'Not found');
	if (state.config.eachlabsSchema === 'unavailable') return refuse(reply, 500, 'Failed to get model');
	const slug = which === 'models' ? decodeURIComponent(match[1]) : (exchange.url.searchParams.get('slug') ?? '');
	const schema = schemaFor(state, slug);
	if (!schema) return refuse(reply, 404, 'Model not found');
	const details = modelDetails(slug as EachLabsSlug, schema);
	if (which === 'models' && match[2]) return reply.json(200, openApiOf(details, schema));
	reply.json(200, details);
};

/** GET /v1/models/{slug}/schemas/openapi: the create call of this model as an OpenAPI 3 document. */
function openApiOf(details: Record<string, unknown>, schema: RequestSchema): Record<string, unknown> {
	return {
		openapi: '3.0.3',
		info: { title: details.title, version: details.version },
		paths: {
			'/v1/prediction': {
				post: {
					requestBody: {
						required: true,
						content: {
							'application/json': {
								schema: {
									type: 'object',
									required: ['model', 'input'],
									properties: { model: { type: 'string', enum: [details.slug] }, version: { type: 'string' }, input: schema, webhook_url: { type: 'string' }, webhook_secret: { type: 'string' } },
								},
							},
						},
					},
					responses: { '200': { description: 'Prediction created' } },
				},
			},
		},
	};
}

/** GET /v1/billing/balance: `{ balance_usd }` (what is left after finished predictions); 429 beyond 3 per second; 503 by knob. */
const balance: Handler = (state, _exchange, reply) => {
	const now = Date.now();
	state.balanceReads = state.balanceReads.filter((at) => now - at < 1000);
	if (state.balanceReads.length >= 3) return refuse(reply, 429, 'too many requests', 'at most 3 balance requests per second', { 'Retry-After': '1' });
	state.balanceReads.push(now);
	if (state.config.eachlabsBalanceUnavailable) return refuse(reply, 503, 'balance unavailable', 'the balance cannot be read right now; try again later');
	reply.json(200, { balance_usd: Math.round((state.config.balance - state.spentUsd) * 1e6) / 1e6 });
};

const presign: Handler = (state, exchange, reply) => {
	const ticket = state.uploads.createPresign(exchange.record.json);
	if (!ticket.ok) return refuse(reply, ticket.status, ticket.message);
	reply.json(200, ticket.data);
};

const ROUTES: Route[] = [
	{ method: 'POST', pattern: /^\/v1\/prediction\/?$/, endpoint: 'submit', handler: () => undefined },
	{ method: 'GET', pattern: /^\/v1\/prediction\/([^/]+)\/?$/, endpoint: 'result', handler: read },
	{ method: 'GET', pattern: /^\/v1\/model\/?$/, endpoint: 'model', open: true, handler: modelEndpoint('model') },
	{ method: 'GET', pattern: /^\/v1\/models\/([^/]+)(\/schemas\/openapi)?\/?$/, endpoint: 'model', open: true, handler: modelEndpoint('models') },
	{ method: 'GET', pattern: /^\/v1\/billing\/balance\/?$/, endpoint: 'balance', handler: balance },
	{ method: 'POST', pattern: /^\/v1\/upload\/presign\/?$/, endpoint: 'upload-ticket', handler: presign },
	{ method: 'GET', pattern: /^\/v1\/executions\/?$/, endpoint: 'executions', handler: executionsHandler },
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
