/**
 * WaveSpeed's model catalog as `GET /api/v3/models` serves it (docs/wavespeed-api.md, "History and model catalog"
 * and "Newer GPT Image families"): one entry per model path, its submit body as JSON Schema in
 * `api_schema.api_schemas[0].request_schema`, and `base_price`. Submits are validated against the same schemas.
 */
import { ASPECT_RATIOS } from './sizes';
import type { RequestSchema, SchemaProperty } from './jsonSchema';
import type { ModelId, WaveSpeedFamily as Family } from './types';

export type { Family };
export type Task = 'edit' | 'text-to-image';

export const FAMILIES: readonly Family[] = ['gpt-image-2', 'gpt-image-2.5-flare', 'gpt-image-2.5-sunburst', 'gpt-image-2.6-flare', 'gpt-image-2.6-sunburst'];

/** Every WaveSpeed model path the emulator serves. */
export const MODEL_IDS: readonly ModelId[] = FAMILIES.flatMap((family) => [`openai/${family}/edit`, `openai/${family}/text-to-image`] as ModelId[]);

export const isModelId = (value: unknown): value is ModelId => MODEL_IDS.includes(value as ModelId);

/**
 * The 2.6 edit models take "a mask or markup layer" (family pages) under a field name no page gives: the emulator
 * calls it `mask_image` (WaveSpeed's name on its inpainting models). Unconfirmed.
 */
export const WAVESPEED_MASK_FIELD = 'mask_image';

/** Price from (USD per image): gpt-image-2 $0.06, 2.5 $0.01, 2.6 $0.045 (family pages). */
export const BASE_PRICE: Record<Family, number> = {
	'gpt-image-2': 0.06,
	'gpt-image-2.5-flare': 0.01,
	'gpt-image-2.5-sunburst': 0.01,
	'gpt-image-2.6-flare': 0.045,
	'gpt-image-2.6-sunburst': 0.045,
};

export function familyOf(model: ModelId): Family {
	return model.split('/')[1] as Family;
}

export const taskOf = (model: ModelId): Task => (model.endsWith('/edit') ? 'edit' : 'text-to-image');

const QUALITIES: Record<'2' | 'family', readonly string[]> = { '2': ['low', 'medium', 'high'], family: ['low', 'medium', 'high', 'xhigh', 'max'] };

/** Output formats per model: gpt-image-2 png/jpeg (webp unconfirmed there), the families png/jpeg/webp, 2.6 t2i also gif/svg. */
export function outputFormatsOf(model: ModelId): readonly string[] {
	const family = familyOf(model);
	if (family === 'gpt-image-2') return ['png', 'jpeg'];
	if (family.startsWith('gpt-image-2.6') && taskOf(model) === 'text-to-image') return ['png', 'jpeg', 'webp', 'gif', 'svg'];
	return ['png', 'jpeg', 'webp'];
}

/** The submit body of one model as JSON Schema. */
export function requestSchemaOf(model: ModelId): RequestSchema {
	const family = familyOf(model);
	const edit = taskOf(model) === 'edit';
	const is26 = family.startsWith('gpt-image-2.6');
	const properties: Record<string, SchemaProperty> = {
		prompt: { type: 'string', title: 'Prompt', description: 'What to draw or change' },
		...(edit ? { images: { type: 'array', items: { type: 'string', format: 'uri' }, minItems: 1, maxItems: 16, description: 'Reference images (URLs)' } } : {}),
		...(edit && is26 ? { [WAVESPEED_MASK_FIELD]: { type: 'string', format: 'uri', description: 'Mask or markup layer: a PNG whose transparent areas are edited' } } : {}),
		aspect_ratio: {
			type: 'string',
			enum: ASPECT_RATIOS,
			...(edit ? { description: 'Auto-detected from the input image if not specified' } : { default: '1:1' }),
		},
		resolution: { type: 'string', enum: ['1k', '2k', '4k'], default: '1k' },
		quality: { type: 'string', enum: QUALITIES[family === 'gpt-image-2' ? '2' : 'family'], default: 'medium' },
		...(is26 ? { complexity: { type: 'string', enum: ['low', 'medium', 'high'], default: 'medium' } } : {}),
		output_format: { type: 'string', enum: outputFormatsOf(model), default: 'png' },
		enable_sync_mode: { type: 'boolean', default: false },
		enable_base64_output: { type: 'boolean', default: false },
	};
	return {
		type: 'object',
		properties,
		required: edit ? ['prompt', 'images'] : ['prompt'],
		'x-order-properties': Object.keys(properties),
	};
}

const TITLES: Record<Family, string> = {
	'gpt-image-2': 'GPT Image 2',
	'gpt-image-2.5-flare': 'GPT Image 2.5 Flare',
	'gpt-image-2.5-sunburst': 'GPT Image 2.5 Sunburst',
	'gpt-image-2.6-flare': 'GPT Image 2.6 Flare',
	'gpt-image-2.6-sunburst': 'GPT Image 2.6 Sunburst',
};

/** One `data[]` entry of GET /api/v3/models. */
export function catalogEntry(model: ModelId, sortOrder: number): Record<string, unknown> {
	const family = familyOf(model);
	const edit = taskOf(model) === 'edit';
	return {
		model_id: model,
		name: `${TITLES[family]} ${edit ? 'Edit' : 'Text to Image'}`,
		description: `OpenAI ${TITLES[family]}: ${edit ? 'edit images with a prompt' : 'images from a prompt'}`,
		type: edit ? 'image-to-image' : 'text-to-image',
		base_price: BASE_PRICE[family],
		sort_order: sortOrder,
		formula: '',
		api_schema: { api_schemas: [{ type: 'model_run', method: 'POST', api_path: `/api/v3/${model}`, request_schema: requestSchemaOf(model) }] },
	};
}
