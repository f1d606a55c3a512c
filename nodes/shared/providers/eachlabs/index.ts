/** each::labs as a provider of GPT Image 2: requests shaped by the model's live input schema (providers/liveSchema.ts reads it). */
import type { NodeKind } from '../../core/kinds';
import type { ImageSettings } from '../../core/schemas';
import type { PixelSize } from '../../core/sizes';
import type { ApiCall, TaskRequest, PreparedProvider, Provider } from '../provider';
import { readResult, readSubmit, resultCall, resultUrl } from './api';
import { EACHLABS } from './entry';
import { EACHLABS_HISTORY } from './history';
import type { InputShape } from './inputShape';
import { buildInput, chooseSize, describeChoices, documentedShape, readShape, refuseRequest } from './inputShape';
import { MODEL_VERSION, MODELS, modelAnswerSchema } from './schemas';
import type { FoundSchema, ModelInputSchema } from '../modelSchema';
import { EACHLABS_PRICING } from './pricing';
import { uploadImage } from './upload';

/** Model details: the current path first, then the one older docs show (a third party got 404 there). Both are public. */
export function schemaCalls(kind: NodeKind): ApiCall[] {
	const slug = MODELS[kind];
	return [
		{ method: 'GET', path: `/v1/models/${encodeURIComponent(slug)}` },
		{ method: 'GET', path: '/v1/model', qs: { slug } },
	];
}

/** The `request_schema` of a model-details answer, when it has what this node needs. */
export function readSchema(kind: NodeKind, body: unknown): ModelInputSchema | undefined {
	const answer = modelAnswerSchema.safeParse(body);
	return answer.success && readShape(kind, MODELS[kind], answer.data.request_schema) ? answer.data.request_schema : undefined;
}

/** The shape a found schema gives; readSchema accepted a live one, so the documented shape is only a guard. */
export function shapeOf(kind: NodeKind, found: FoundSchema): InputShape {
	const slug = MODELS[kind];
	return (found.source === 'live' ? readShape(kind, slug, found.schema) : undefined) ?? documentedShape(kind, slug);
}

export function createBody(shape: InputShape, request: TaskRequest): Record<string, unknown> {
	const body: Record<string, unknown> = { model: shape.slug, version: MODEL_VERSION, input: buildInput(shape, request) };
	if (request.webhookUrl) {
		body.webhook_url = request.webhookUrl;
		if (request.webhookSecret) body.webhook_secret = request.webhookSecret;
	}
	return body;
}

/** The listed size a row would get; 'auto' or no size field: priced as a square of its resolution (the formula's rule for match). */
function pricedSizeOf(shape: InputShape, settings: ImageSettings): PixelSize | undefined {
	const choice = chooseSize(shape, settings.aspectRatio, settings.resolution);
	return choice.type === 'size' ? { width: choice.size.width, height: choice.size.height } : undefined;
}

function bound(shape: InputShape): PreparedProvider {
	return {
		...eachLabs,
		submitCall: (request: TaskRequest): ApiCall => ({ method: 'POST', path: '/v1/prediction', body: createBody(shape, request) }),
		readSubmit: (response) => readSubmit(response, shape.slug),
		readResult: (response) => readResult(response, shape.slug),
		// The formula prices the size this schema would send (the real charge replaces it when the task reports one).
		pricing: { ...EACHLABS_PRICING, pricedSize: (_kind, settings) => pricedSizeOf(shape, settings) },
		refuse: (request) => refuseRequest(shape, request),
		notes: (request) => describeChoices(shape, request),
	};
}

export const eachLabs: Provider = {
	...EACHLABS,
	// Unbound, the documented shape applies (batch/preflight.ts always prepares first).
	submitCall: (request) => bound(documentedShape(request.kind, MODELS[request.kind])).submitCall(request),
	readSubmit: (response) => readSubmit(response, ''),
	resultCall,
	readResult: (response) => readResult(response, ''),
	resultUrl,
	pricing: EACHLABS_PRICING,
	history: EACHLABS_HISTORY,
	upload: uploadImage,
	liveSchema: { calls: schemaCalls, read: readSchema },
	bind: (kind, found) => bound(shapeOf(kind, found)),
};
