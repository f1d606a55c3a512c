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
import { asFailure, describeFailureText, possessive } from '../core/errors';
import { maskDeep, maskItems, maskSecrets, secretsOf } from '../core/redact';
import type { CallbackDialect, CallbackRequest, Verdict, VerifiedBy } from '../providers/callback';
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

/** Every answer goes through the one mask: nothing the trigger says to a caller may carry a secret. */
function reply(res: OutgoingResponse, status: number, body: IDataObject, secrets: readonly string[]): void {
	if (res.headersSent) return;
	res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
	res.end(JSON.stringify(maskDeep(body, secrets)));
}

/** The answer to anything not proven to come from the provider: 401, a reason, and no workflow run. */
function refuse(res: OutgoingResponse, verdict: Exclude<Verdict, { ok: true }>, secrets: readonly string[]): IWebhookResponseData {
	reply(res, 401, { message: 'Unauthorized', reason: verdict.reason, detail: verdict.detail }, secrets);
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

/** No secret matches an empty one: a request refused with it for any reason but "forged" is refused whatever the secret. */
const NO_SECRET = '';

/**
 * The secret check. When the secret comes from an API call, a request that cannot be authentic with any secret
 * (unsigned, malformed, stale) is refused without that call; a signature that fails with a cached secret fetches it
 * again (it may have rotated), within a budget.
 */
async function verify(wx: IWebhookFunctions, dialect: CallbackDialect, api: ApiTarget, request: CallbackRequest): Promise<Verdict | { noSecret: Failure }> {
	const shape = dialect.secret.from === 'api' ? dialect.verify(NO_SECRET, request) : undefined;
	if (shape && !shape.ok && shape.reason !== 'forged') return shape;
	const first = await callbackSecret(wx, dialect, api);
	if (!first.answer.ok) return { noSecret: first.answer.failure };
	const verdict = dialect.verify(first.answer.secret, request);
	if (verdict.ok || verdict.reason !== 'forged' || first.fetched) return verdict;
	const fresh = await callbackSecret(wx, dialect, api, { refresh: true });
	return fresh.fetched && fresh.answer.ok ? dialect.verify(fresh.answer.secret, request) : verdict;
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

/** The run's items, masked like the nodes' (a provider's answer may echo a secret in any field), saying what proved the callback authentic. */
function outputs(outcome: CallbackOutcome, secrets: readonly string[], verifiedBy: VerifiedBy): INodeExecutionData[][] {
	const [masked] = maskItems([outcome.item], secrets);
	const item: INodeExecutionData = { ...masked, json: { ...masked.json, verifiedBy } };
	return outcome.output === 'succeeded' ? [[item], []] : [[], [item]];
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
	const api = await apiTargetOf(hx, dialect);
	const lookup = await callbackSecret(hx, dialect, api);
	if (!lookup.answer.ok) {
		const failure = lookup.answer.failure;
		const secrets = secretsOf(api.credentials.data);
		throw new NodeOperationError(hx.getNode(), maskSecrets(`No webhook secret to check ${possessive(dialect.label)} callbacks with: ${failure.message}`, secrets), {
			description: maskSecrets(`${describeFailureText(failure)} Without it no callback can be verified.`, secrets),
		});
	}
	return true;
}

export async function receiveCallback(wx: IWebhookFunctions): Promise<IWebhookResponseData> {
	const res = wx.getResponseObject() as OutgoingResponse;
	const dialect = dialectOf(wx);
	const options = readOptions(wx);
	const api = await apiTargetOf(wx, dialect);
	const secrets = secretsOf(api.credentials.data);

	const rawBody = await readRawBody(wx.getRequestObject() as IncomingRequest);
	if (!rawBody) return refuse(res, { ok: false, reason: 'malformed', detail: 'The request has no body to check' }, secrets);
	const request: CallbackRequest = { headers: lowerCaseHeaders(wx.getHeaderData() as IDataObject), rawBody, nowSec: Math.floor(Date.now() / 1000) };
	const verdict = await verify(wx, dialect, api, request);
	if ('noSecret' in verdict) {
		// Not a verdict on the sender: the provider may deliver again once the secret is there, and nothing runs meanwhile.
		// The caller is not authenticated: it learns only that callbacks cannot be checked now, never what the provider said.
		reply(res, 503, { message: 'The trigger cannot check callbacks now; try again later' }, secrets);
		return { noWebhookResponse: true };
	}
	if (!verdict.ok) return refuse(res, verdict, secrets);
	if (!replays.admit(`${dialect.id}|${verdict.replayKey}`, dialect.replayWindowSeconds * 1000, Date.now())) {
		return refuse(res, { ok: false, reason: 'replayed', detail: 'This delivery was already received' }, secrets);
	}

	// Authentic: acknowledge now, so the provider is not kept waiting while the image downloads.
	reply(res, 200, { received: true }, secrets);
	const query = { ...(wx.getQueryData() as IDataObject) };
	const reading = dialect.read(parseBody(rawBody));
	if (!reading.ok) {
		const failure = {
			kind: 'malformed' as const,
			message: `${dialect.label} sent a callback that could not be read (${reading.detail})`,
			hint: 'Fetch the result with the Get Result operation using the prediction ID.',
			predictionId: reading.predictionId ?? undefined,
		};
		return { noWebhookResponse: true, workflowData: outputs(failedItem(dialect.id, failure, query), secrets, verdict.verifiedBy) };
	}
	const task = reading.task;
	// Only finished tasks are announced; anything else has nothing to hand on yet.
	if (task.state === 'running') return { noWebhookResponse: true };
	const resultUrl = task.resultUrl || dialect.resultUrl(api.baseUrl, task.id);
	if (task.state === 'failed') {
		const failure = task.failure ?? { kind: 'task' as const, message: 'The task failed', hint: '' };
		return { noWebhookResponse: true, workflowData: outputs(failedItem(dialect.id, { ...failure, predictionId: task.id, status: task.status }, query, task, resultUrl), secrets, verdict.verifiedBy) };
	}
	const outcome = await finishedCallbackItem({ fx: wx, provider: dialect.id, label: dialect.label, baseUrl: api.baseUrl, options, query, resultUrl }, task);
	return { noWebhookResponse: true, workflowData: outputs(outcome, secrets, verdict.verifiedBy) };
}
