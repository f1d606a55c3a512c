/**
 * The JSON of every output item, one builder per shape: pending (not waited for), finished (with its images), and
 * error (Continue On Fail). README's "Output" section documents these shapes.
 */
import type { CostEstimate, CostSource } from '../money/cost';
import { implausibleCharge } from '../money/cost';
import type { Failure } from '../core/errors';
import { describeFailureText, redactSecrets } from '../core/errors';
import type { OutputImage } from './outputs';
import { classifyOutput } from './outputs';
import type { Task, RequestNotes } from '../providers/provider';

/** Which provider an item came from (every item says it), and what that provider decided about the request. */
export interface ItemSource {
	provider: string;
	notes?: RequestNotes;
}

/** Don't Wait, or Get Result without waiting: the id and where to fetch the result. */
export type PendingItemJson = RequestNotes & {
	provider: string;
	id: string;
	model: string;
	status: string;
	resultUrl: string;
	createdAt: string | null;
} & Origin &
	Partial<CostJson>;

/** A prediction paid for earlier: picked up after its result never reached an output, or reused on request. */
export type Origin = { recovered?: true; reused?: true };
export type OriginName = keyof Origin;

/** One stored image of a finished item. */
export type ImageJson = {
	binaryField: string;
	fileName: string | null;
	mimeType: string;
	width: number | null;
	height: number | null;
	fileSize: number;
};

export type FinishedItemJson = RequestNotes & {
	provider: string;
	id: string;
	model: string;
	status: string;
	/** Output URLs; left out when every output came inline (it is in the binary). */
	outputs?: string[];
	resultUrl: string;
	nsfw: boolean[];
	inferenceMs: number | null;
	/** How long the task waited in the provider's queue, at least; null when the node did not watch (Sync Mode). Submit only. */
	queuedMs?: number | null;
	createdAt: string | null;
	/** Present when the images were stored as binary. */
	images?: ImageJson[];
	/** The real charge in USD, when the provider reported a plausible one. */
	costUsd?: number;
	/** Why a charge the provider reported is not shown (negative, or far above the estimate). */
	costNote?: string;
} & Origin &
	Partial<CostJson>;

/** Under Continue On Fail: every input yields one output, failures included. */
export type ErrorItemJson = {
	provider: string;
	error: string;
	description: string;
	code: number | null;
	kind: string;
	httpCode: number | null;
	predictionId: string | null;
	status: string | null;
} & Partial<CostJson>;

export function pendingJson(task: Task, resultUrl: string, source: ItemSource): PendingItemJson {
	return { provider: source.provider, id: task.id, model: task.model, status: task.status, resultUrl, createdAt: task.createdAt, ...source.notes };
}

/** Only URL outputs are repeated in JSON; inline base64 would bloat every item. */
export function urlOutputs(task: Task): string[] {
	return task.outputs.filter((o) => classifyOutput(o).type === 'url');
}

export function finishedJson(task: Task, resultUrl: string, source: ItemSource, images?: ImageJson[], estimateUsd?: number): FinishedItemJson {
	const urls = urlOutputs(task);
	// With stored images, an empty URL list says nothing (the outputs came inline); without them it is the answer.
	const outputs = images && urls.length === 0 ? {} : { outputs: urls };
	const json: FinishedItemJson = {
		provider: source.provider,
		id: task.id,
		model: task.model,
		status: task.status,
		...outputs,
		resultUrl,
		nsfw: task.nsfw,
		inferenceMs: task.inferenceMs,
		createdAt: task.createdAt,
		...source.notes,
	};
	if (task.costUsd !== undefined) {
		const implausible = implausibleCharge(task.costUsd, estimateUsd);
		if (implausible) json.costNote = implausible;
		else json.costUsd = task.costUsd;
	}
	if (images) json.images = images;
	return json;
}

export function imageJson(field: string, image: OutputImage): ImageJson {
	return {
		binaryField: field,
		fileName: image.binary.fileName ?? null,
		mimeType: image.binary.mimeType,
		width: image.size?.width ?? null,
		height: image.size?.height ?? null,
		fileSize: image.bytes,
	};
}

export function errorJson(failure: Failure, itemIndex: number, provider: string, secrets: readonly string[] = []): ErrorItemJson {
	return {
		provider,
		error: redactSecrets(`${failure.message} [item ${itemIndex}]`, secrets),
		description: redactSecrets(describeFailureText(failure), secrets),
		code: failure.taskCode ?? null,
		kind: failure.kind,
		httpCode: failure.httpCode ?? null,
		predictionId: failure.predictionId ?? null,
		status: failure.status ?? null,
	};
}

/**
 * What one task costs, on every submitted item (pending, finished, and error items once a task exists).
 * `costSource`: "quote" (the provider's price for these settings), "formula" (the published token formula, an
 * estimate) or "provider" (the real charge the provider reported for this task).
 */
export type CostJson = {
	estimatedCostUsd: number;
	costSource: CostSource;
};

export function costJson(cost: CostEstimate): CostJson {
	return { estimatedCostUsd: cost.usd, costSource: cost.source };
}

/** Estimate Cost: one item per row, nothing billable sent. README "What a run costs" documents it. */
export type EstimateItemJson = CostJson & {
	operation: 'estimateCost';
	/** The settings this row would send. */
	settings: {
		aspectRatio: string;
		resolution: string;
		quality: string;
		outputFormat: string;
		referenceImages: number;
		/** The output size the estimate assumes ('match' is priced as a square, the most any shape costs). */
		width: number;
		height: number;
	};
	/** The whole run, repeated on every row so any one item answers "what will this cost". */
	run: {
		rows: number;
		totalUsd: number;
		maxCostPerRunUsd: number | null;
		withinMaxCost: boolean | null;
		/** The provider's balance, when it reports one (a free read). */
		balanceUsd: number | null;
		withinBalance: boolean | null;
	};
};

/** Get Many: one item per prediction the provider lists. README "Get Many" documents it. */
export type ListedItemJson = {
	provider: string;
	id: string;
	/** The provider's own status word, as on every other item. */
	status: string;
	model: string;
	createdAt: string | null;
	/** Output URLs; empty until the prediction has finished, and for failed ones. */
	outputs: string[];
	resultUrl: string;
	/** The real charge the provider reported for this prediction, when it lists one. */
	costUsd?: number;
	costSource?: 'provider';
	/** With Download Images: the stored images, or why they were not stored (the URLs stay above). */
	images?: ImageJson[];
	downloadError?: string;
};

export function listedJson(task: Task, resultUrl: string, provider: string): ListedItemJson {
	const json: ListedItemJson = { provider, id: task.id, status: task.status, model: task.model, createdAt: task.createdAt, outputs: urlOutputs(task), resultUrl };
	if (task.costUsd !== undefined) {
		json.costUsd = task.costUsd;
		json.costSource = 'provider';
	}
	return json;
}
