/**
 * The provider port: what a seller of GPT Image 2 must answer so the neutral pipeline can use it.
 * A provider describes one request and reads one answer; it never loops, waits or retries. Every money rule
 * (submit once, retry only what created nothing, keep the prediction id) lives in the neutral code that calls it.
 */
import type { IHttpRequestMethods } from 'n8n-workflow';

import type { PixelSize } from '../core/sizes';
import type { Failure } from '../core/errors';
import type { ImageBytes } from '../core/imageFormat';
import type { NodeKind } from '../core/kinds';
import type { ImageSettings, WaitMode } from '../core/schemas';
import type { ApiClient, RawResponse } from '../http/transport';
import type { ProviderEntry } from './entry';
import type { FoundSchema, ModelInputSchema, SchemaSource } from './modelSchema';

/** One task, in the node's words. */
export interface TaskRequest {
	kind: NodeKind;
	prompt: string;
	/** Reference images as URLs the provider can fetch (binaries were uploaded first), in order. */
	imageUrls: string[];
	settings: ImageSettings;
	/** Wait For Result: a seller with sync mode says so in the body. */
	waitMode: WaitMode;
	inlineBase64: boolean;
	webhookUrl?: string;
	/** Sent with the webhook where the provider authenticates callbacks with a shared secret. */
	webhookSecret?: string;
}

/** What a batch-level check needs to know about one row's request, before any image is uploaded. */
export interface PlannedRequest {
	kind: NodeKind;
	settings: ImageSettings;
	imageCount: number;
}

/** Facts about what was actually asked for, shown in the item JSON (only what the provider had to decide). */
// A type, not an interface: item JSON types include it and must stay assignable to n8n's IDataObject.
export type RequestNotes = {
	/** The pixel size sent, when the provider takes sizes instead of ratio and resolution, e.g. "1536x1024". */
	size?: string;
	/** Where the request's field names came from: the model's live schema, or the documented one when it could not be read. */
	schemaSource?: SchemaSource;
	/** Node settings the model's schema has no field for, so they were not sent. */
	settingsNotSent?: string[];
};

/** One request to the provider's API, relative to the credential's Base URL. */
export interface ApiCall {
	method: IHttpRequestMethods;
	path: string;
	qs?: Record<string, string>;
	body?: unknown;
}

export type TaskState = 'running' | 'succeeded' | 'failed';

/** A task as the node sees it (a seller may call it a prediction), whatever the provider calls its fields. */
export interface Task {
	id: string;
	model: string;
	state: TaskState;
	/** The provider's own status word, shown to the user. */
	status: string;
	/** URLs or raw base64 strings. */
	outputs: string[];
	/** One flag per output. */
	nsfw: boolean[];
	inferenceMs: number | null;
	/** Still waiting for a server slot (not working yet), when the provider tells the two apart. */
	queued?: boolean;
	createdAt: string | null;
	/** The provider's own link to the result, when the answer carried one. */
	resultUrl?: string;
	/** Why it failed, when state is 'failed'. */
	failure?: Failure;
	/** The real charge in USD, when the provider reports one for the task (it replaces the estimate on the item). */
	costUsd?: number;
}

/**
 * What a submit answer means for money: accepted (a task exists), refused (nothing was created: safe to send again
 * if the reason passes, e.g. a rate limit), or ambiguous (a task may exist: never send again).
 */
export type SubmitAnswer =
	| { type: 'accepted'; task: Task }
	| { type: 'refused'; failure: Failure }
	| { type: 'ambiguous'; failure: Failure };

export type ResultAnswer = { ok: true; task: Task } | { ok: false; failure: Failure };

/** A provider's published token prices, in USD per million tokens; absent means not charged by token. */
export interface TokenPrices {
	imageOutputPerMillion: number;
	textInputPerMillion?: number;
	imageInputPerMillion?: number;
}

/** What the formula needs from a provider: its token prices and the lowest price it lists per task. */
export interface FormulaPricing {
	tokenPrices: TokenPrices;
	floorUsd: number;
}

/**
 * What a provider says about money. Token prices and the listed floor feed the neutral formula (cost.ts); a quote
 * and a balance are optional free reads: a provider without them still gets an estimate, labelled as one.
 */
export interface ProviderPricing extends FormulaPricing {
	/** Free price quotes for one task with these settings, tried in order: a 404 moves to the next (money/pricing.ts caches the quote). */
	quoteCalls?(request: TaskRequest): ApiCall[];
	/** The quoted USD price of one task, or undefined when there is no quote (404, odd answer, other currency). */
	readQuote?(response: RawResponse): number | undefined;
	/** A free read of the account's balance. */
	balanceCall?(): ApiCall;
	/** The balance in USD, or undefined when the answer does not say. */
	readBalance?(response: RawResponse): number | undefined;
	/** The pixel size a provider that sends sizes (not ratio and resolution) would ask for; the formula prices that. */
	pricedSize?(kind: NodeKind, settings: ImageSettings): PixelSize | undefined;
}

/** Get Many's filters in the node's words; each seller maps them onto its own history request. */
export interface HistoryFilters {
	/** This node's model; undefined lists every model. */
	kind?: NodeKind;
	state?: TaskState;
	/** ISO 8601 times, already checked. */
	createdAfter?: string;
	createdBefore?: string;
}

/** One page of a history read: zero-based index, at most the seller's largest page size. */
export interface HistoryPageRequest {
	index: number;
	size: number;
}

/** A page of predictions, newest first; `total` when the seller says it. */
export type HistoryAnswer = { ok: true; tasks: Task[]; total?: number } | { ok: false; failure: Failure };

/** A seller's list of recent predictions: a free read, paged by the neutral code. */
export interface ProviderHistory {
	/** The largest page the seller serves. */
	maxPageSize: number;
	/** Whether list entries carry output URLs; if not, each finished one is read with resultCall. */
	listsOutputs: boolean;
	historyCall(filters: HistoryFilters, page: HistoryPageRequest): ApiCall;
	readHistory(response: RawResponse): HistoryAnswer;
}

/** A seller's catalog entry, and how it shapes one request and reads one answer. */
export interface Provider extends ProviderEntry {
	submitCall(request: TaskRequest): ApiCall;
	readSubmit(response: RawResponse): SubmitAnswer;
	resultCall(predictionId: string): ApiCall;
	readResult(response: RawResponse): ResultAnswer;
	/** Where a pending prediction can be fetched, for items that do not wait. */
	resultUrl(baseUrl: string, predictionId: string): string;
	pricing: ProviderPricing;
	/** Recent predictions (Get Many). */
	history: ProviderHistory;
	/** Uploads one image (no caching: the neutral code uploads each distinct image once) and returns its URL. */
	upload(client: ApiClient, image: ImageBytes): Promise<string>;
	/**
	 * Where the seller publishes the input schema of each node kind's model; absent: the documented shape always applies.
	 * With it, values typed beyond the node's lists reach the bound provider in `settings.schemaValues`: it must send or refuse them.
	 */
	liveSchema?: LiveSchemaSource;
	/** The provider bound to one node kind and what was found about its model (providers/liveSchema.ts finds it, once per batch). */
	bind(kind: NodeKind, found: FoundSchema): PreparedProvider;
}

/** The free reads that may answer a model's input schema, and how to find it in an answer. */
export interface LiveSchemaSource {
	/** Tried in order; the first answer that holds a schema this node can use wins. */
	calls(kind: NodeKind): ApiCall[];
	/** The schema in a parsed answer body, or undefined when the answer holds none the node can use. */
	read(kind: NodeKind, body: unknown): ModelInputSchema | undefined;
	/** How long a read schema is kept; absent: for the life of the process. */
	rememberMs?: number;
}

/** A provider bound to one node kind and what it learned: it can refuse a row and explain its choices. */
export interface PreparedProvider extends Provider {
	/** Why this provider cannot take this row, or undefined; checked for every row before the first submit. */
	refuse(request: PlannedRequest): Failure | undefined;
	notes(request: PlannedRequest): RequestNotes;
}
