/** Shared types of the WaveSpeed emulator (docs/wavespeed-api.md describes the behaviour they model). */
import type { LatencySpread } from './latency';

export interface EmulatorConfig {
	/** The only key accepted in `Authorization: Bearer <key>`. */
	apiKey: string;
	/** Time a task stays 'created' before it may start processing. */
	queueMs: number;
	/** Processing time until a task is completed or failed (the median when latencySpread is set). */
	latencyMs: number;
	/** Per-task latency drawn from a seeded lognormal around latencyMs; null: every task takes latencyMs. */
	latencySpread: LatencySpread | null;
	/**
	 * Edit tasks return their first reference image unchanged instead of rendering (no server CPU): for benches that
	 * measure the client with unique large images, where rendering on the same machine would dominate.
	 */
	echoFirstReference: boolean;
	/** Server-side concurrent tasks; extra tasks wait in 'created' (Bronze accounts: 2). */
	concurrency: number;
	/** Accepted submits per rolling minute; beyond that submit answers 429 with Retry-After. */
	rateLimitPerMinute: number;
	/** How long enable_sync_mode holds the POST before answering the 5004 'processing' shape. */
	syncTimeoutMs: number;
	/** USD shown by GET /api/v3/balance. */
	balance: number;
	/** When true, POST /api/v3/media/uploads answers 404 so clients must use the legacy multipart upload. */
	legacyUploadOnly: boolean;
	/** Largest accepted upload, in bytes. */
	maxUploadBytes: number;
	/** Mark every output as NSFW in has_nsfw_contents. */
	nsfw: boolean;
	/** Deliver webhooks tampered with in this way (see WebhookTamper); 'none': genuine deliveries. */
	webhookTamper: WebhookTamper | 'none';
	/** POST /api/v3/model/pricing: answers a quote from the price table (pricing.ts), is absent (404), or answers oddly. */
	pricingEndpoint: 'quote' | 'absent' | 'odd';
}

export type FaultEndpoint =
	| 'submit'
	| 'result'
	| 'balance'
	| 'pricing'
	| 'upload-ticket'
	| 'upload-put'
	| 'upload-legacy'
	| 'cdn'
	| 'webhook-secret'
	| 'reference-fetch'
	| 'any';

export type FaultKind =
	| 'http500'
	| 'http502'
	| 'http503'
	| 'gateway504'
	| 'http429'
	| 'reset'
	| 'slow'
	| 'malformed'
	| 'truncated'
	| 'bad-envelope'
	| 'task-failed'
	| 'cdn-not-image'
	| 'cdn-redirect'
	| 'cdn-huge'
	// Submit answers that are neither a clean acceptance nor a refusal (the task is created):
	| 'numeric-id' // data.id is a number
	| 'string-code' // code is the string "200"
	| 'code-in-200' // HTTP 200 whose body says code `envelopeCode` (default 429)
	| 'unsafe-id' // data.id is `unsafeId` (default "..")
	// Result (or sync submit) answers of a completed prediction:
	| 'many-outputs' // `outputCount` outputs (default 1000)
	| 'huge-base64' // one base64 output of `hugeBytes` decoded bytes (default 101 MiB)
	| 'private-outputs' // outputs point at `privateUrl`
	| 'private-ticket' // upload ticket whose PUT URL is `privateUrl`
	| 'cdn-trickle' // the CDN sends one byte every `trickleMs`
	| 'http-error'; // an error envelope with `httpStatus` and `message`, before the handler (nothing created)

export interface FaultRule {
	endpoint: FaultEndpoint;
	kind: FaultKind;
	/** How many matching requests it affects (default 1; Infinity allowed). */
	times?: number;
	/** Let this many matching requests through first (default 0). */
	skip?: number;
	/** 'slow': delay before the normal answer (default 2000); 'gateway504': delay before the 504 (default 0). */
	delayMs?: number;
	/** 'task-failed': the task's data.code (default 1403). */
	taskErrorCode?: number;
	/** 'http429': Retry-After seconds (default 1). */
	retryAfterSeconds?: number;
	/** 'cdn-huge': bytes streamed after the PNG header (default 60 MiB). */
	hugeBytes?: number;
	/** Submit only: whether the task is really created before the failure (ambiguous submit). */
	acceptTask?: boolean;
	/** 'task-failed': the task's error text instead of the standard one (e.g. one that echoes the key). */
	taskError?: string;
	/** 'http-error': status (default 400) and message of the answer; also the message of http429/http5xx. */
	httpStatus?: number;
	message?: string;
	/** 'code-in-200': the code inside the HTTP 200 body (default 429). */
	envelopeCode?: number;
	/** 'unsafe-id': the id sent back (default ".."). */
	unsafeId?: string;
	/** 'many-outputs': how many (default 1000). */
	outputCount?: number;
	/** 'private-outputs' / 'private-ticket': where they point (default the cloud metadata address). */
	privateUrl?: string;
	/** 'cdn-trickle': milliseconds between bytes (default 2000). */
	trickleMs?: number;
}

export interface RecordedRequest {
	seq: number;
	at: number;
	origin: string;
	method: string;
	path: string;
	query: Record<string, string>;
	headers: Record<string, string>;
	json?: unknown;
	bodyBytes: number;
	endpoint: FaultEndpoint | 'other';
	status?: number;
	fault?: FaultKind;
	/** True for requests the emulator itself made (reference fetches of its own CDN); faults never hit them. */
	internal?: boolean;
}

export type ModelId = 'openai/gpt-image-2/edit' | 'openai/gpt-image-2/text-to-image';
export type TaskStatus = 'created' | 'processing' | 'completed' | 'failed';
export type OutputFormat = 'png' | 'jpeg';
export type Resolution = '1k' | '2k' | '4k';

export interface EmulatedTask {
	id: string;
	model: ModelId;
	input: Record<string, unknown>;
	dropped: string[];
	webhook?: string;
	status: TaskStatus;
	createdAt: number;
	/** The processing time this task was given (drawn when latencySpread is set). */
	latencyMs?: number;
	startedAt?: number;
	completedAt?: number;
	polls: number;
	outputs: string[];
	width?: number;
	height?: number;
	format?: OutputFormat;
	errorCode?: number;
	/** The task's error text when failed (empty otherwise). */
	error?: string;
	/** has_nsfw_contents value of its output, fixed when it completed. */
	nsfw?: boolean;
}

export interface UploadRecord {
	id: string;
	bytes: number;
	contentType: string;
	url: string;
	flow: 'current' | 'legacy';
}

/**
 * Webhook deliveries on request that a receiver must refuse: signed with another secret, older than 300 s, sent
 * twice (genuine, then the same bytes again), with a garbled signature header, without signature headers, or a
 * correctly signed body that is not JSON.
 */
export type WebhookTamper = 'forged' | 'stale' | 'replayed' | 'malformed' | 'unsigned' | 'notJson';

export interface WebhookDelivery {
	url: string;
	/** How this delivery was tampered with, when the webhookTamper knob was set. */
	tamper?: WebhookTamper;
	/** With 'replayed': how the genuine delivery before this copy was answered. */
	replayOf?: { status?: number; error?: string };
	status?: number;
	error?: string;
	body: string;
	headers: Record<string, string>;
}

export interface RandomFaultOptions {
	seed: number;
	/** Chance (0..1) that a request on a listed endpoint gets a fault. */
	probability: number;
	/** Kinds to draw from; only kinds that make sense for the endpoint are drawn. */
	kinds: FaultKind[];
	/** Endpoints affected (default: every endpoint except reference-fetch). */
	endpoints?: Exclude<FaultEndpoint, 'any'>[];
}

export interface Emulator {
	readonly baseUrl: string;
	readonly cdnBaseUrl: string;
	/** A second CDN origin serving the same files; the 'cdn-redirect' fault points here. */
	readonly cdnMirrorBaseUrl: string;
	readonly apiKey: string;
	readonly config: Readonly<EmulatorConfig>;
	readonly requests: RecordedRequest[];
	readonly tasks: EmulatedTask[];
	readonly uploads: UploadRecord[];
	readonly webhookDeliveries: WebhookDelivery[];
	/** The balance GET /api/v3/balance reports: `balance` minus the price of every task accepted since the last reset. */
	readonly balanceUsd: number;
	configure(patch: Partial<EmulatorConfig>): void;
	injectFault(rule: FaultRule): void;
	injectRandomFaults(options: RandomFaultOptions): void;
	clearFaults(): void;
	reset(): void;
	webhookSecret: string;
	/** Resolves when the task with this id is completed or failed (rejects after timeoutMs, default 30 s). */
	waitForTask(id: string, timeoutMs?: number): Promise<EmulatedTask>;
	close(): Promise<void>;
}

export interface StartOptions extends Partial<EmulatorConfig> {
	port?: number;
	cdnPort?: number;
	/** Seeds ids and the webhook secret so runs are reproducible. */
	seed?: number;
	/** Called once per finished request (the CLI logs with it). */
	onRequest?: (request: RecordedRequest) => void;
}

export const DEFAULT_CONFIG: EmulatorConfig = {
	apiKey: 'ws-emulator-key-0123456789abcdef',
	queueMs: 0,
	latencyMs: 200,
	latencySpread: null,
	echoFirstReference: false,
	concurrency: Infinity,
	rateLimitPerMinute: Infinity,
	syncTimeoutMs: 90_000,
	balance: 42.5,
	legacyUploadOnly: false,
	maxUploadBytes: 20 * 1024 * 1024,
	nsfw: false,
	webhookTamper: 'none',
	pricingEndpoint: 'quote',
};
