/** The /api/v3 router: auth, fault pre-handling, and one handler per documented endpoint. */
import { BODY_KINDS, PRE_HANDLER_KINDS, sendFault, submitAcceptsTask, type ConcreteEndpoint } from './faults';
import { isGone, sendJson } from './http';
import { syncTimeoutPrediction, toPrediction } from './prediction';
import { priceOf } from './billing';
import { isModelId, taskOf, WAVESPEED_MASK_FIELD } from './catalog';
import { billingsSearch, deletePredictions, history, modelsCatalog } from './accountApi';
import { priceHandler, pricingHandler } from './pricing';
import { Reply } from './reply';
import type { Exchange } from './server';
import type { EmulatorState } from './state';
import type { FaultRule, ModelId, OutputFormat, RenderSpec, Resolution } from './types';
import { checkWebhook, validateSubmit } from './validation';

type Handler = (state: EmulatorState, exchange: Exchange, reply: Reply, match: RegExpExecArray) => Promise<void> | void;

interface Route {
	method: string;
	pattern: RegExp;
	endpoint: ConcreteEndpoint;
	handler: Handler;
}

/** The model a submit path names (`/api/v3/openai/gpt-image-2.5-flare/edit` -> its id), when the emulator serves it. */
const modelOfPath = (pathname: string): ModelId | undefined => {
	const id = pathname.replace(/^\/api\/v3\//, '');
	return isModelId(id) ? id : undefined;
};

/** What WaveSpeed's documented fields ask the engine to draw. */
export function renderSpecOf(model: ModelId, input: Record<string, unknown>): RenderSpec {
	const mask = input[WAVESPEED_MASK_FIELD];
	return {
		prompt: String(input.prompt),
		imageUrls: taskOf(model) === 'edit' ? (input.images as string[]) : [],
		...(typeof mask === 'string' ? { maskUrl: mask } : {}),
		aspectRatio: input.aspect_ratio as string | undefined,
		resolution: (input.resolution as Resolution | undefined) ?? '1k',
		format: (input.output_format as OutputFormat | undefined) ?? 'png',
		base64: input.enable_base64_output === true,
	};
}

/** `Authorization: Bearer <key>` with exactly the configured key. */
function authorized(state: EmulatorState, exchange: Exchange): boolean {
	const match = /^Bearer\s+(.+)$/i.exec(exchange.record.headers.authorization ?? '');
	return match !== null && match[1].trim() === state.config.apiKey;
}

/** Submit: the only endpoint where a fault may still create the task (ambiguous submit). */
async function submit(state: EmulatorState, exchange: Exchange, reply: Reply, fault: FaultRule | undefined): Promise<void> {
	const { res, record, url } = exchange;
	const model = modelOfPath(url.pathname) as ModelId;
	const accepts = fault !== undefined && submitAcceptsTask(fault);
	if (fault) record.fault = fault.kind;
	if (fault && PRE_HANDLER_KINDS.includes(fault.kind) && !accepts) return sendFault(res, fault);
	if (fault?.kind === 'slow' && !accepts) {
		await state.timers.sleep(fault.delayMs ?? 2000);
		if (isGone(res)) return; // the client gave up before the server accepted anything
	}

	const retryAfter = state.rateLimiter.retryAfterSeconds(state.config.rateLimitPerMinute);
	if (retryAfter > 0) {
		return reply.error(429, `Rate limit exceeded: at most ${state.config.rateLimitPerMinute} requests per minute`, {
			'Retry-After': String(retryAfter),
		});
	}
	if (record.json === undefined) return reply.error(400, '[1401] Request body must be JSON (Content-Type: application/json)');
	const webhook = checkWebhook(url.searchParams.get('webhook'));
	if (webhook.error) return reply.error(400, webhook.error);
	const body = record.json as Record<string, unknown>;
	if (webhook.url && typeof body === 'object' && body !== null && body.enable_base64_output === true) {
		// Documented exception: this error has no envelope.
		return sendJson(res, 400, { error: 'webhook cannot be used together with enable_base64_output' });
	}
	const validated = validateSubmit(model, body);
	if (!validated.ok) return reply.error(400, validated.message);

	const price = priceOf(model, validated.input) * (1 - state.config.discountRate);
	const charged = state.billing.charge(state.config.balance, price);
	if (!charged.ok) return reply.error(402, charged.message);
	const task = state.runner.create({
		model,
		input: validated.input,
		dropped: validated.dropped,
		render: renderSpecOf(model, validated.input),
		webhook: webhook.url,
		failWithCode: fault?.kind === 'task-failed' ? (fault.taskErrorCode ?? 1403) : undefined,
		failWithMessage: fault?.kind === 'task-failed' ? fault.taskError : undefined,
		endWithStatus: fault?.kind === 'task-cancelled' ? 'cancelled' : fault?.kind === 'task-timeout' ? 'timeout' : undefined,
		priceUsd: price,
	});
	state.rateLimiter.note();

	if (fault && PRE_HANDLER_KINDS.includes(fault.kind)) {
		if (fault.kind === 'gateway504' && fault.delayMs) await state.timers.sleep(fault.delayMs);
		return sendFault(res, fault);
	}
	if (fault?.kind === 'slow') await state.timers.sleep(fault.delayMs ?? 2000);
	if (validated.input.enable_sync_mode !== true) return reply.data(toPrediction(task, state.baseUrl));

	// Sync mode: hold the POST until the task finishes or the sync timeout passes.
	const timeout = state.timers.later(state.config.syncTimeoutMs, () =>
		reply.data(syncTimeoutPrediction(task, state.baseUrl, state.config.syncTimeoutMs)),
	);
	state.runner.whenFinished(task, (finished) => {
		state.timers.cancel(timeout);
		reply.data(toPrediction(finished, state.baseUrl));
	});
}

const result: Handler = (state, _exchange, reply, match) => {
	const task = state.runner.get(match[1]);
	if (!task || task.deleted) return reply.error(404, `Prediction not found: ${match[1]}`);
	task.polls += 1;
	reply.data(toPrediction(task, state.baseUrl));
};

const uploadTicket: Handler = (state, exchange, reply) => {
	if (state.config.legacyUploadOnly) return reply.error(404, 'Not found');
	const ticket = state.uploads.createTicket(exchange.record.json, state.config.maxUploadBytes);
	if (!ticket.ok) return reply.error(ticket.status, ticket.message);
	reply.data(ticket.data);
};

const uploadLegacy: Handler = async (state, exchange, reply) => {
	const { body, record } = exchange;
	if (body.tooLarge) return reply.error(413, `File too large: the limit is ${state.config.maxUploadBytes} bytes`);
	const contentType = record.headers['content-type'] ?? '';
	if (!contentType.startsWith('multipart/form-data')) return reply.error(400, 'Expected multipart/form-data with a file field');
	let form: FormData;
	try {
		form = await new Response(new Uint8Array(body.bytes), { headers: { 'content-type': contentType } }).formData();
	} catch {
		return reply.error(400, 'Malformed multipart body');
	}
	const file = form.get('file');
	if (file === null || typeof file === 'string') return reply.error(400, 'Missing multipart field: file');
	const bytes = Buffer.from(await file.arrayBuffer());
	if (bytes.length === 0) return reply.error(400, 'The uploaded file is empty');
	reply.data(state.uploads.storeLegacy(file.name || 'upload', file.type, bytes));
};

const ROUTES: Route[] = [
	{ method: 'POST', pattern: /^\/api\/v3\/openai\/gpt-image-2(?:\.[56]-(?:flare|sunburst))?\/(?:edit|text-to-image)$/, endpoint: 'submit', handler: () => undefined },
	{ method: 'GET', pattern: /^\/api\/v3\/models$/, endpoint: 'catalog', handler: modelsCatalog },
	{ method: 'POST', pattern: /^\/api\/v3\/model\/price$/, endpoint: 'price', handler: priceHandler },
	{ method: 'POST', pattern: /^\/api\/v3\/billings\/search$/, endpoint: 'billings', handler: billingsSearch },
	{ method: 'POST', pattern: /^\/api\/v3\/predictions$/, endpoint: 'history', handler: history },
	{ method: 'POST', pattern: /^\/api\/v3\/predictions\/delete$/, endpoint: 'predictions-delete', handler: deletePredictions },
	{ method: 'GET', pattern: /^\/api\/v3\/predictions\/([^/]+)\/result$/, endpoint: 'result', handler: result },
	{ method: 'GET', pattern: /^\/api\/v3\/predictions\/([^/]+)$/, endpoint: 'result', handler: result },
	{ method: 'GET', pattern: /^\/api\/v3\/balance$/, endpoint: 'balance', handler: (s, _e, reply) => reply.data({ balance: s.billing.balanceUsd(s.config.balance) }) },
	{ method: 'POST', pattern: /^\/api\/v3\/model\/pricing$/, endpoint: 'pricing', handler: pricingHandler },
	{ method: 'GET', pattern: /^\/api\/v3\/webhook\/secret$/, endpoint: 'webhook-secret', handler: (s, _e, reply) => reply.data({ secret: s.webhookSecret }) },
	{ method: 'POST', pattern: /^\/api\/v3\/media\/uploads$/, endpoint: 'upload-ticket', handler: uploadTicket },
	{ method: 'POST', pattern: /^\/api\/v3\/media\/upload\/binary$/, endpoint: 'upload-legacy', handler: uploadLegacy },
];

/** Routes one API request. */
export async function routeApi(state: EmulatorState, exchange: Exchange): Promise<void> {
	const { res, record, url } = exchange;
	const route = ROUTES.find((r) => r.method === record.method && r.pattern.test(url.pathname));
	if (route) record.endpoint = route.endpoint;
	if (!authorized(state, exchange)) {
		return sendJson(res, 401, { code: 401, message: 'Invalid API key: send Authorization: Bearer <your WaveSpeed API key>', data: null });
	}
	if (!route) {
		const what = record.method === 'POST' && url.pathname.startsWith('/api/v3/') ? 'Model or endpoint' : 'Endpoint';
		return sendJson(res, 404, { code: 404, message: `${what} not found: ${record.method} ${url.pathname}`, data: null });
	}
	const fault = state.faults.take(route.endpoint);
	const reply = new Reply(res, record, fault && BODY_KINDS.includes(fault.kind) ? fault : undefined);
	if (route.endpoint === 'submit') return submit(state, exchange, reply, fault);
	if (fault) record.fault = fault.kind;
	if (fault && PRE_HANDLER_KINDS.includes(fault.kind)) return sendFault(res, fault);
	if (fault?.kind === 'slow') {
		await state.timers.sleep(fault.delayMs ?? 2000);
		if (isGone(res)) return;
	}
	await route.handler(state, exchange, reply, route.pattern.exec(url.pathname) as RegExpExecArray);
}
