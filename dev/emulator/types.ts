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
	/** each::labs: the input schema GET /v1/model answers (see eachlabs/schema.ts); 'unavailable' answers 500. */
	eachlabsSchema: 'array' | 'single' | 'unavailable';
	/** each::labs: failure word of the docs page ('error') or of the OpenAPI enum ('failed'). */
	eachlabsStatusWords: 'docs' | 'openapi';
	/** each::labs: `output` as a URL string, an array of URLs, or `{ url }`. */
	eachlabsOutputShape: 'string' | 'array' | 'object';
	/** each::labs: where a failed prediction carries its reason. */
	eachlabsFailureIn: 'logs' | 'error' | 'output';
	/** each::labs: the estimated cost every in-flight prediction reserves against `balance` (402 beyond it). */
	reservationUsd: number;
	/** each::labs: the real charge of one finished prediction (metrics.cost), taken from `balance`. */
	costUsd: number;
	/** each::labs: predictions in flight at once; beyond, create answers 429 and creates nothing. */
	inFlightCap: number;
	/** POST /api/v3/model/pricing: answers a quote from the price table (pricing.ts), is absent (404), or answers oddly. */
	pricingEndpoint: 'quote' | 'absent' | 'odd';
	/** POST /api/v3/model/price: answers a quote, or is absent (404: clients fall back to /model/pricing). */
	priceEndpoint: 'quote' | 'absent';
	/** Both quote endpoints answer 0, or an absurd figure (pricing.ts ABSURD_QUOTE), instead of the table's price. */
	quoteOverride: 'none' | 'zero' | 'absurd';
	/** Share (0..1) taken off every WaveSpeed price: /model/price's discounted_price, and what a task is charged. */
	discountRate: number;
	/** GET /api/v3/models: served, absent (404) or failing (500). */
	catalogEndpoint: 'served' | 'absent' | 'error';
	/** WaveSpeed model ids left out of GET /api/v3/models (their submit paths still work). */
	catalogOmits: string[];
	/** billings/search: a finished task's charge stays in order.state 'pre' this long before it is 'done'. */
	billingSettleMs: number;
	/** each::labs model details: both GET /v1/models/{slug} and /v1/model?slug= ('both'), only the first ('modelsOnly': the old one 404s), or neither ('none'). */
	eachlabsModelEndpoints: 'both' | 'modelsOnly' | 'none';
	/** each::labs: a callback answered with anything but 2xx is tried again after this long, 3 attempts in all (about 10 s). */
	eachlabsWebhookRetryMs: number;
	/** each::labs: a failed callback's `output[0].error` as a plain string, or `{ error_code, error_message }` with upper-case codes. */
	eachlabsWebhookErrorShape: 'string' | 'object';
	/** each::labs: GET /v1/billing/balance answers 503 (balance unavailable). */
	eachlabsBalanceUnavailable: boolean;
	/** each::labs: once a create got the cap's 429, every create answers 429 until `stickyQuietMs` passed without any create. */
	sticky429: boolean;
	/** each::labs: the silence that clears a sticky 429 (observed 90-120 s). */
	stickyQuietMs: number;
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
	| 'model'
	| 'executions'
	| 'catalog'
	| 'price'
	| 'billings'
	| 'history'
	| 'predictions-delete'
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
	| 'task-cancelled' // the task ends with status 'cancelled'
	| 'task-timeout' // the task ends with status 'timeout'
	| 'cdn-not-image'
	| 'cdn-redirect'
	| 'cdn-huge'
	// Submit answers that are neither a clean acceptance nor a refusal (the task is created):
	| 'numeric-id' // the id is a number (WaveSpeed data.id, each::labs predictionID)
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

/** The GPT Image models WaveSpeed serves (gpt-image-2 and the 2.5 / 2.6 families), each with an edit and a text-to-image path. */
export type WaveSpeedFamily = 'gpt-image-2' | 'gpt-image-2.5-flare' | 'gpt-image-2.5-sunburst' | 'gpt-image-2.6-flare' | 'gpt-image-2.6-sunburst';
export type ModelId = `openai/${WaveSpeedFamily}/${'edit' | 'text-to-image'}`;
/** 'cancelled' and 'timeout' are server statuses too (reached only through the task-cancelled / task-timeout faults). */
export type TaskStatus = 'created' | 'processing' | 'completed' | 'failed' | 'cancelled' | 'timeout';
export type OutputFormat = 'png' | 'jpeg' | 'webp' | 'gif' | 'svg';
export type Resolution = '1k' | '2k' | '4k';

/** What the engine draws for a task; each dialect reads its own wire fields into this. */
export interface RenderSpec {
	prompt: string;
	/** Reference images to fetch, in order (empty for text to image). */
	imageUrls: string[];
	/** An exact pixel size (each::labs 'WxH'); otherwise aspect ratio and resolution, or the first image's shape. */
	size?: { width: number; height: number };
	aspectRatio?: string;
	resolution: Resolution;
	format: OutputFormat;
	/** The output goes inline as base64 instead of to the CDN (WaveSpeed's enable_base64_output). */
	base64: boolean;
	/** A mask (PNG with alpha, the first image's size): only its fully transparent areas change. */
	maskUrl?: string;
	/** Transparent background (each::labs `background: transparent`): the output has an alpha channel. */
	transparent?: boolean;
	/** JPEG/WebP compression 0-100 (each::labs `output_compression`; higher keeps more quality). */
	compression?: number;
	/** Images per task (each::labs `num_images`; default 1). */
	count?: number;
}

export interface EmulatedTask {
	id: string;
	/** The dialect's model name (WaveSpeed path or each::labs slug). */
	model: string;
	input: Record<string, unknown>;
	dropped: string[];
	render: RenderSpec;
	webhook?: string;
	webhookSecret?: string;
	/** each::labs: what the finished prediction was charged (metrics.cost). */
	costUsd?: number;
	/** WaveSpeed: what the accepted task was charged (billings/search `price`). */
	priceUsd?: number;
	/** WaveSpeed: removed by POST /api/v3/predictions/delete. */
	deleted?: boolean;
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
	flow: 'current' | 'legacy' | 'presign';
}

/**
 * Webhook deliveries on request that a receiver must refuse: signed with another secret, older than 300 s, sent
 * twice (genuine, then the same bytes again), with a garbled signature header, without signature headers, a
 * correctly signed body that is not JSON, a body changed after signing ('altered'), or (each::labs) with only the
 * legacy X-Webhook-Secret header and no signature ('secretOnly'; on WaveSpeed the same as 'unsigned').
 */
export type WebhookTamper = 'forged' | 'stale' | 'replayed' | 'malformed' | 'unsigned' | 'notJson' | 'altered' | 'secretOnly';

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
	/** each::labs: 1 to 3 for the first try and its retries. */
	attempt?: number;
	/** each::labs: sent by redeliverWebhook (signed afresh, X-Webhook-Redelivery: true). */
	redelivery?: boolean;
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
	readonly dialect: DialectName;
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
	/** each::labs: USD charged so far (metrics.cost of finished predictions); `balance` minus this is what is left. */
	readonly spentUsd: number;
	/** The balance GET /api/v3/balance reports: `balance` minus the price of every task accepted since the last reset. */
	readonly balanceUsd: number;
	configure(patch: Partial<EmulatorConfig>): void;
	injectFault(rule: FaultRule): void;
	injectRandomFaults(options: RandomFaultOptions): void;
	clearFaults(): void;
	reset(): void;
	webhookSecret: string;
	/** each::labs: sends a finished prediction's callback again, signed afresh with `X-Webhook-Redelivery: true`. */
	redeliverWebhook(id: string): Promise<WebhookDelivery>;
	/** Resolves when the task with this id is completed or failed (rejects after timeoutMs, default 30 s). */
	waitForTask(id: string, timeoutMs?: number): Promise<EmulatedTask>;
	close(): Promise<void>;
}

/** Which API the emulator speaks: one engine, one wire dialect per provider. */
export type DialectName = 'wavespeed' | 'eachlabs';

export interface StartOptions extends Partial<EmulatorConfig> {
	/** Default 'wavespeed'. */
	dialect?: DialectName;
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
	eachlabsSchema: 'array',
	eachlabsStatusWords: 'docs',
	eachlabsOutputShape: 'string',
	eachlabsFailureIn: 'error',
	reservationUsd: 0.25,
	costUsd: 0.17,
	inFlightCap: Infinity,
	pricingEndpoint: 'quote',
	priceEndpoint: 'quote',
	quoteOverride: 'none',
	discountRate: 0,
	catalogEndpoint: 'served',
	catalogOmits: [],
	billingSettleMs: 0,
	eachlabsModelEndpoints: 'both',
	eachlabsWebhookRetryMs: 10_000,
	eachlabsWebhookErrorShape: 'string',
	eachlabsBalanceUnavailable: false,
	sticky429: false,
	stickyQuietMs: 120_000,
};
