/**
 * The trigger's webhook(): authenticity first (401 and no run for anything that fails), then a quick 2xx, then the
 * item. The image is downloaded after the answer was sent, so the provider never waits on the download.
 */
import type { IDataObject, IHookFunctions, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { CallbackOutcome } from './callbackItems';
import { failedItem, finishedCallbackItem } from './callbackItems';
import { callbackSecret } from './callbackSecrets';
import type { Failure } from '../core/errors';
import { asFailure, describeFailureText } from '../core/errors';
import type { CallbackDialect, CallbackRequest, Verdict } from '../providers/callback';
import { callbackDialectFor, DEFAULT_CALLBACK_PROVIDER, isCallbackProvider } from '../providers/callbacks';
import { ReplayGuard } from './replayGuard';
import { settle } from '../core/settle';
import { describeZod, resolveApiTarget } from '../http/transport';
import type { ApiTarget } from '../http/transport';
import { triggerOptionsSchema } from '../editor/triggerProperties';

/** One per process: a delivery accepted here is refused when sent here again. */
const replays = new ReplayGuard();

/** What n8n's request object offers a node (its body parser keeps the raw bytes next to the parsed body). */
interface IncomingRequest {
	rawBody?: Buffer;
	readRawBody?: () => Promise<void>;
}

/** The part of the HTTP response a node writes to (plain Node.js methods, which Express keeps). */
interface OutgoingResponse {
	headersSent?: boolean;
	writeHead(status: number, headers: Record<string, string>): unknown;
	end(body: string): unknown;
}

function reply(res: OutgoingResponse, status: number, body: IDataObject): void {
	if (res.headersSent) return;
	res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
	res.end(JSON.stringify(body));
}

/** The answer to anything not proven to come from the provider: 401, a reason, and no workflow run. */
function refuse(res: OutgoingResponse, verdict: Exclude<Verdict, { ok: true }>): IWebhookResponseData {
	reply(res, 401, { message: 'Unauthorized', reason: verdict.reason, detail: verdict.detail });
	return { noWebhookResponse: true };
}

export async function readRawBody(request: IncomingRequest): Promise<Buffer | undefined> {
	// n8n reads the raw body only for content types it parses; anything else is read here.
	if (!Buffer.isBuffer(request.rawBody) && typeof request.readRawBody === 'function') await settle(request.readRawBody());
	return Buffer.isBuffer(request.rawBody) ? request.rawBody : undefined;
}

function lowerCaseHeaders(headers: IDataObject): Record<string, string | undefined> {
	const out: Record<string, string | undefined> = {};
	for (const [name, value] of Object.entries(headers)) {
		out[name.toLowerCase()] = Array.isArray(value) ? value.map(String).join(' ') : value === undefined || value === null ? undefined : String(value);
	}
	return out;
}

/** The secret check, fetching the secret again once if it may have rotated since it was cached. */
async function verify(wx: IWebhookFunctions, dialect: CallbackDialect, api: ApiTarget, request: CallbackRequest): Promise<Verdict | { noSecret: Failure }> {
	const first = await callbackSecret(wx, dialect, api);
	if (!first.answer.ok) return { noSecret: first.answer.failure };
	const verdict = dialect.verify(first.answer.secret, request);
	if (verdict.ok || verdict.reason !== 'forged' || !first.canRefresh) return verdict;
	const fresh = await callbackSecret(wx, dialect, api, { refresh: true });
	return fresh.answer.ok ? dialect.verify(fresh.answer.secret, request) : verdict;
}

function parseBody(rawBody: Buffer): unknown {
	try {
		return JSON.parse(rawBody.toString('utf8')) as unknown;
	} catch {
		return undefined;
	}
}

function readOptions(wx: IWebhookFunctions) {
	const raw = wx.getNodeParameter('options', {}) as IDataObject;
	const parsed = triggerOptionsSchema.safeParse(raw);
	if (!parsed.success) {
		throw new NodeOperationError(wx.getNode(), `Invalid option: ${describeZod(parsed.error)}`, { description: 'Fix the option in the trigger\'s Options.' });
	}
	return parsed.data;
}

function outputs(outcome: CallbackOutcome): INodeExecutionData[][] {
	return outcome.output === 'succeeded' ? [[outcome.item], []] : [[], [outcome.item]];
}

function dialectOf(fx: IWebhookFunctions | IHookFunctions): CallbackDialect {
	const providerId = fx.getNodeParameter('provider', DEFAULT_CALLBACK_PROVIDER);
	if (!isCallbackProvider(providerId)) {
		throw new NodeOperationError(fx.getNode(), `Unknown provider "${String(providerId)}"`, { description: 'Pick a provider in the trigger.' });
	}
	return callbackDialectFor(providerId);
}

async function apiTargetOf(fx: IWebhookFunctions | IHookFunctions, dialect: CallbackDialect): Promise<ApiTarget> {
	const target = await settle(resolveApiTarget(fx, dialect));
	if (target.ok) return target.value;
	const failure = asFailure(target.error);
	throw new NodeOperationError(fx.getNode(), failure.message, { description: describeFailureText(failure) });
}

/**
 * Activation (publish, or Listen for test event): nothing is registered at the provider, which takes the URL per
 * request, but the secret is fetched now so a wrong credential shows at once instead of as refused callbacks.
 */
export async function checkCallbackSetup(hx: IHookFunctions): Promise<boolean> {
	const dialect = dialectOf(hx);
	const lookup = await callbackSecret(hx, dialect, await apiTargetOf(hx, dialect));
	if (!lookup.answer.ok) {
		const failure = lookup.answer.failure;
		throw new NodeOperationError(hx.getNode(), `No webhook secret to check ${dialect.label}'s callbacks with: ${failure.message}`, {
			description: `${describeFailureText(failure)} Without it no callback can be verified.`,
		});
	}
	return true;
}

export async function receiveCallback(wx: IWebhookFunctions): Promise<IWebhookResponseData> {
	const res = wx.getResponseObject() as OutgoingResponse;
	const dialect = dialectOf(wx);
	const options = readOptions(wx);
	const api = await apiTargetOf(wx, dialect);

	const rawBody = await readRawBody(wx.getRequestObject() as IncomingRequest);
	if (!rawBody) return refuse(res, { ok: false, reason: 'malformed', detail: 'The request has no body to check' });
	const request: CallbackRequest = { headers: lowerCaseHeaders(wx.getHeaderData() as IDataObject), rawBody, nowSec: Math.floor(Date.now() / 1000) };
	const verdict = await verify(wx, dialect, api, request);
	if ('noSecret' in verdict) {
		// Not a verdict on the sender: the provider may deliver again once the secret is there, and nothing runs meanwhile.
		reply(res, 503, { message: `No webhook secret to check ${dialect.label}'s callbacks with; try again later`, detail: verdict.noSecret.message });
		return { noWebhookResponse: true };
	}
	if (!verdict.ok) return refuse(res, verdict);
	if (!replays.admit(`${dialect.id}|${verdict.replayKey}`, dialect.replayWindowSeconds * 1000, Date.now())) {
		return refuse(res, { ok: false, reason: 'replayed', detail: 'This delivery was already received' });
	}

	// Authentic: acknowledge now, so the provider is not kept waiting while the image downloads.
	reply(res, 200, { received: true });
	const query = { ...(wx.getQueryData() as IDataObject) };
	const reading = dialect.read(parseBody(rawBody));
	if (!reading.ok) {
		const failure = {
			kind: 'malformed' as const,
			message: `${dialect.label} sent a callback that could not be read (${reading.detail})`,
			hint: 'Fetch the result with the Get Result operation using the prediction ID.',
			predictionId: reading.predictionId ?? undefined,
		};
		return { noWebhookResponse: true, workflowData: outputs(failedItem(dialect.id, failure, query)) };
	}
	const task = reading.task;
	// Only finished tasks are announced; anything else has nothing to hand on yet.
	if (task.state === 'running') return { noWebhookResponse: true };
	const resultUrl = task.resultUrl || dialect.resultUrl(api.baseUrl, task.id);
	if (task.state === 'failed') {
		const failure = task.failure ?? { kind: 'task' as const, message: 'The task failed', hint: '' };
		return { noWebhookResponse: true, workflowData: outputs(failedItem(dialect.id, { ...failure, predictionId: task.id, status: task.status }, query, task, resultUrl)) };
	}
	const outcome = await finishedCallbackItem({ fx: wx, provider: dialect.id, label: dialect.label, baseUrl: api.baseUrl, options, query, resultUrl }, task);
	return { noWebhookResponse: true, workflowData: outputs(outcome) };
}
