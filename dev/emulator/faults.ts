/** Fault injection: which request gets which failure, and how each failure looks on the wire. */
import type { ServerResponse } from 'node:http';
import { seededRandom } from './random';
import { sendError, sendText } from './http';
import type { FaultEndpoint, FaultKind, FaultRule, RandomFaultOptions } from './types';

/** An endpoint a request can actually be on ('any' only exists in rules). */
export type ConcreteEndpoint = Exclude<FaultEndpoint, 'any'>;

const CDN_KINDS: readonly FaultKind[] = ['cdn-not-image', 'cdn-redirect', 'cdn-huge', 'cdn-trickle'];
const SUBMIT_ANSWER_KINDS: readonly FaultKind[] = ['numeric-id', 'string-code', 'code-in-200', 'unsafe-id'];
const OUTPUT_KINDS: readonly FaultKind[] = ['many-outputs', 'huge-base64', 'private-outputs'];

/** Whether a fault kind makes sense on an endpoint (e.g. task-failed only on submit, cdn-* only on the CDN). */
export function kindAppliesTo(kind: FaultKind, endpoint: ConcreteEndpoint): boolean {
	if (kind === 'task-failed' || kind === 'task-cancelled' || kind === 'task-timeout' || SUBMIT_ANSWER_KINDS.includes(kind)) return endpoint === 'submit';
	if (OUTPUT_KINDS.includes(kind)) return endpoint === 'submit' || endpoint === 'result';
	if (kind === 'private-ticket') return endpoint === 'upload-ticket';
	if (CDN_KINDS.includes(kind)) return endpoint === 'cdn';
	return true;
}

/** Kinds answered before the handler runs (the handler never sees the request, unless a submit accepts the task). */
export const PRE_HANDLER_KINDS: readonly FaultKind[] = ['http500', 'http502', 'http503', 'gateway504', 'http429', 'reset', 'http-error'];

/** Kinds that rewrite a normal 200 answer after the handler built it. */
export const BODY_KINDS: readonly FaultKind[] = ['malformed', 'truncated', 'bad-envelope', ...SUBMIT_ANSWER_KINDS, ...OUTPUT_KINDS, 'private-ticket'];

/** The cloud metadata address: the classic target of a URL that should never be fetched. */
export const DEFAULT_PRIVATE_URL = 'http://169.254.169.254/latest/meta-data/image.png';

interface ActiveRule {
	rule: FaultRule;
	seen: number;
	applied: number;
}

/**
 * Ordered fault rules. A request takes the first rule that matches its endpoint (or 'any', which never
 * covers the emulator's own reference fetches), whose kind applies there, and that is not used up.
 * `skip` counts matching requests that reached the rule without being taken by an earlier rule.
 */
export class FaultBook {
	private rules: ActiveRule[] = [];
	private random?: { next: () => number; options: RandomFaultOptions };

	add(rule: FaultRule): void {
		this.rules.push({ rule, seen: 0, applied: 0 });
	}

	addRandom(options: RandomFaultOptions): void {
		this.random = { next: seededRandom(options.seed), options };
	}

	clear(): void {
		this.rules = [];
		this.random = undefined;
	}

	/** The fault for this request, if any; consuming one use of the rule. `exclude` lists kinds that cannot happen here. */
	take(endpoint: ConcreteEndpoint, exclude: readonly FaultKind[] = []): FaultRule | undefined {
		for (const active of this.rules) {
			const { rule } = active;
			const endpointMatches = rule.endpoint === endpoint || (rule.endpoint === 'any' && endpoint !== 'reference-fetch');
			if (!endpointMatches || !kindAppliesTo(rule.kind, endpoint) || exclude.includes(rule.kind)) continue;
			if (active.applied >= (rule.times ?? 1)) continue;
			active.seen += 1;
			if (active.seen <= (rule.skip ?? 0)) continue;
			active.applied += 1;
			return rule;
		}
		return this.takeRandom(endpoint, exclude);
	}

	private takeRandom(endpoint: ConcreteEndpoint, exclude: readonly FaultKind[]): FaultRule | undefined {
		if (!this.random) return undefined;
		const { next, options } = this.random;
		const endpoints = options.endpoints ?? null;
		if (endpoints ? !endpoints.includes(endpoint) : endpoint === 'reference-fetch') return undefined;
		const kinds = options.kinds.filter((kind) => kindAppliesTo(kind, endpoint) && !exclude.includes(kind));
		if (kinds.length === 0 || next() >= options.probability) return undefined;
		const kind = kinds[Math.floor(next() * kinds.length)];
		return { endpoint, kind, delayMs: 300 };
	}
}

/** Whether a submit fault still creates the task before failing (ambiguous submit). */
export function submitAcceptsTask(rule: FaultRule): boolean {
	if (rule.acceptTask !== undefined) return rule.acceptTask;
	if (rule.kind === 'http429' || rule.kind === 'http-error') return false;
	return rule.kind === 'gateway504' || rule.kind === 'reset' || BODY_KINDS.includes(rule.kind) || rule.kind === 'task-failed' || rule.kind === 'task-cancelled' || rule.kind === 'task-timeout';
}

const GATEWAY_504_HTML =
	'<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n<center><h1>504 Gateway Time-out</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

/** Writes a pre-handler fault (5xx, 429, gateway 504, reset) on the response. */
export function sendFault(res: ServerResponse, rule: FaultRule): void {
	switch (rule.kind) {
		case 'http500':
			return sendError(res, 500, rule.message ?? 'Internal server error (injected fault)');
		case 'http502':
			return sendError(res, 502, rule.message ?? 'Bad gateway (injected fault)');
		case 'http503':
			return sendError(res, 503, rule.message ?? 'Service temporarily unavailable (injected fault)');
		case 'http-error':
			return sendError(res, rule.httpStatus ?? 400, rule.message ?? 'Bad request (injected fault)');
		case 'gateway504':
			return sendText(res, 504, GATEWAY_504_HTML, 'text/html');
		case 'http429': {
			const seconds = String(rule.retryAfterSeconds ?? 1);
			return sendError(res, 429, rule.message ?? 'Too many requests, please retry later (injected fault)', { 'Retry-After': seconds });
		}
		case 'reset':
			res.socket?.destroy();
			res.destroy();
			return;
		default:
			throw new Error(`sendFault cannot write '${rule.kind}'`);
	}
}

type Envelope = { code: unknown; message?: string; data?: Record<string, unknown> | null; predictionID?: unknown };

/** Rewrites the outputs of a completed prediction; anything else passes unchanged. */
function withOutputs(envelope: Envelope, outputs: () => string[]): Envelope {
	const data = envelope.data;
	if (!data || data.status !== 'completed') return envelope;
	const list = outputs();
	return { ...envelope, data: { ...data, outputs: list, has_nsfw_contents: list.map(() => false) } };
}

/** The answer's JSON changed as the rule says (the kinds that keep a readable body). */
function rewrittenEnvelope(rule: FaultRule, envelope: Envelope): Envelope {
	const data = envelope.data ?? {};
	switch (rule.kind) {
		case 'numeric-id':
			// each::labs' create answers `{ predictionID }`, WaveSpeed's an envelope with data.id.
			if ('predictionID' in envelope) return { ...envelope, predictionID: 987654321 };
			return { ...envelope, data: { ...data, id: 987654321 } };
		case 'string-code':
			return { ...envelope, code: '200' };
		case 'code-in-200':
			return { ...envelope, code: rule.envelopeCode ?? 429, message: rule.message ?? 'Too many requests' };
		case 'unsafe-id':
			return { ...envelope, data: { ...data, id: rule.unsafeId ?? '..' } };
		case 'many-outputs':
			return withOutputs(envelope, () => {
				const first = Array.isArray(data.outputs) ? String(data.outputs[0]) : '';
				return Array.from({ length: rule.outputCount ?? 1000 }, () => first);
			});
		case 'huge-base64':
			return withOutputs(envelope, () => ['A'.repeat(Math.ceil(((rule.hugeBytes ?? 101 * 1024 * 1024) * 4) / 3))]);
		case 'private-outputs':
			return withOutputs(envelope, () => [rule.privateUrl ?? DEFAULT_PRIVATE_URL]);
		case 'private-ticket': {
			const upload = (data.upload ?? {}) as Record<string, unknown>;
			return { ...envelope, data: { ...data, upload: { ...upload, url: rule.privateUrl ?? DEFAULT_PRIVATE_URL } } };
		}
		default:
			return envelope;
	}
}

/** The body a body-rewriting fault sends instead of `json` (always with HTTP 200). */
export function mangledBody(kind: FaultKind, json: string, rule?: FaultRule): { text: string; contentType: string } {
	switch (kind) {
		case 'malformed':
			return { text: '<html><body>upstream said: OK</body></html>', contentType: 'application/json; charset=utf-8' };
		case 'truncated':
			return { text: json.slice(0, Math.floor(json.length / 2)), contentType: 'application/json; charset=utf-8' };
		case 'bad-envelope':
			return { text: JSON.stringify({ code: 200, data: { id: 5, status: 7, outputs: 'none' } }), contentType: 'application/json' };
		default:
			if (!BODY_KINDS.includes(kind)) throw new Error(`mangledBody cannot write '${kind}'`);
			return {
				text: JSON.stringify(rewrittenEnvelope(rule ?? { endpoint: 'any', kind }, JSON.parse(json) as Envelope)),
				contentType: 'application/json; charset=utf-8',
			};
	}
}
