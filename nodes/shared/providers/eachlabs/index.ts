/** each::labs as a provider of GPT Image 2: requests shaped by the model's live input schema, read once per process. */
import type { NodeKind } from '../../core/kinds';
import type { ImageSettings } from '../../core/schemas';
import type { PixelSize } from '../../core/sizes';
import type { ApiClient } from '../../http/transport';
import { parseJsonBody } from '../../http/transport';
import { settle } from '../../core/settle';
import type { ApiCall, TaskRequest, PreparedProvider, Provider } from '../provider';
import { readResult, readSubmit, resultCall, resultUrl } from './api';
import { EACHLABS } from './entry';
import { EACHLABS_HISTORY } from './history';
import type { InputShape } from './inputShape';
import { buildInput, chooseSize, describeChoices, documentedShape, readShape, refuseRequest } from './inputShape';
import { MODEL_VERSION, MODELS, modelAnswerSchema } from './schemas';
import { EACHLABS_PRICING } from './pricing';
import { uploadImage } from './upload';
import { BoundedMap } from '../../core/boundedMap';

/** Schemas read from the API, by Base URL and slug; n8n is long-running, and a model's schema rarely changes. */
const SHAPES_REMEMBERED = 32;
const shapes = new BoundedMap<string, InputShape>(SHAPES_REMEMBERED);

/** One free read of `GET /v1/model?slug=`; any failure falls back to the documented shape (not cached, so retried next batch). */
export async function loadShape(client: ApiClient, kind: NodeKind): Promise<InputShape> {
	const slug = MODELS[kind];
	const key = `${client.api.baseUrl}|${slug}`;
	const known = shapes.get(key);
	if (known) return known;
	const outcome = await settle(client.send({ method: 'GET', path: '/v1/model', qs: { slug }, phase: 'result', timeoutMs: 15_000 }));
	if (outcome.ok && outcome.value.status >= 200 && outcome.value.status < 300) {
		const answer = modelAnswerSchema.safeParse(parseJsonBody(outcome.value.body));
		const shape = answer.success ? readShape(kind, slug, answer.data.request_schema) : undefined;
		if (shape) {
			shapes.set(key, shape);
			return shape;
		}
	}
	return documentedShape(kind, slug);
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
	prepare: async (client, kind) => bound(await loadShape(client, kind)),
};
