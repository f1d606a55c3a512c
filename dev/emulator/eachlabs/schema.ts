import { checkAgainstSchema, type RequestSchema, type SchemaProperty } from '../jsonSchema';

/**
 * The input schemas the model endpoints answer (docs/eachlabs-api.md). For the v2 slugs the two variants each::labs'
 * docs disagree on: 'array' (`image_urls` + `image_size` (edit) / `size` (text to image) with quality and format)
 * and 'single' (one `image_url` and a size, nothing else). For the v2.5 slugs the schema the third party read live.
 */
export const EACHLABS_MODELS = { edit: 'gpt-image-v2-edit', generate: 'gpt-image-v2-text-to-image' } as const;

/** The GPT Image 2.5 slugs (live-tested by a third party, 2026-09): their schema is the one in the docs, whatever the variant knob. */
export const EACHLABS_V25_SLUGS = [
	'gpt-image-v2-5-flare-text-to-image',
	'gpt-image-v2-5-flare-edit',
	'gpt-image-v2-5-sunburst-text-to-image',
	'gpt-image-v2-5-sunburst-edit',
] as const;

export type EachLabsSlug = (typeof EACHLABS_MODELS)[keyof typeof EACHLABS_MODELS] | (typeof EACHLABS_V25_SLUGS)[number];
export const EACHLABS_SLUGS: readonly EachLabsSlug[] = [EACHLABS_MODELS.edit, EACHLABS_MODELS.generate, ...EACHLABS_V25_SLUGS];

export const isEachLabsSlug = (slug: unknown): slug is EachLabsSlug => EACHLABS_SLUGS.includes(slug as EachLabsSlug);
export const isEditSlug = (slug: EachLabsSlug): boolean => slug.endsWith('-edit');
const isV25 = (slug: EachLabsSlug): boolean => (EACHLABS_V25_SLUGS as readonly string[]).includes(slug);

/** 'auto' first, as in the docs; larger sizes only in the array variant. */
export const ARRAY_SIZES = ['auto', '1024x1024', '1536x1024', '1024x1536', '2048x2048', '2048x1152', '1152x2048'] as const;
export const SINGLE_SIZES = ['1024x1024', '1536x1024', '1024x1536'] as const;
/** The v2.5 size enum; `custom` stands for any 'WxH' within CUSTOM_SIZE_RULES. */
export const V25_SIZES = ['1024x1024', '1536x1024', '1024x1536', '2048x2048', '2048x1152', '3840x2160', '2160x3840', 'auto', 'custom'] as const;
export const CUSTOM_SIZE_RULES = { multipleOf: 16, maxEdge: 3840, maxRatio: 3, minPixels: 655_360, maxPixels: 8_294_400 } as const;

export type { RequestSchema };
export type SchemaVariant = 'array' | 'single';

export function requestSchema(slug: EachLabsSlug, variant: SchemaVariant): RequestSchema {
	const edit = isEditSlug(slug);
	const sizeField = edit ? 'image_size' : 'size';
	if (isV25(slug)) return v25Schema(edit, sizeField);
	if (variant === 'single') {
		return {
			type: 'object',
			required: edit ? ['prompt', 'image_url'] : ['prompt'],
			properties: {
				prompt: { type: 'string' },
				...(edit ? { image_url: { type: 'string', format: 'uri', description: 'URL of the image to edit' } } : {}),
				[sizeField]: { type: 'string', enum: SINGLE_SIZES, default: '1024x1024' },
			},
			additionalProperties: false,
		};
	}
	return {
		type: 'object',
		required: edit ? ['prompt', 'image_urls'] : ['prompt'],
		properties: {
			prompt: { type: 'string' },
			...(edit ? { image_urls: { type: 'array', items: { type: 'string', format: 'uri' }, minItems: 1, maxItems: 16 } } : {}),
			[sizeField]: { type: 'string', enum: ARRAY_SIZES, default: 'auto' },
			quality: { type: 'string', enum: ['low', 'medium', 'high', 'auto'], default: 'auto' },
			output_format: { type: 'string', enum: ['png', 'jpeg', 'webp'], default: 'png' },
			background: { type: 'string', enum: ['auto', 'opaque', 'transparent'], default: 'auto' },
			num_images: { type: 'integer', default: 1 },
		},
		additionalProperties: false,
	};
}

function v25Schema(edit: boolean, sizeField: string): RequestSchema {
	const { multipleOf, maxEdge, minPixels, maxPixels } = CUSTOM_SIZE_RULES;
	const properties: Record<string, SchemaProperty> = {
		prompt: { type: 'string', maxLength: 32000, description: 'What to draw or change' },
		...(edit
			? {
					image_urls: { type: 'array', items: { type: 'string', format: 'uri' }, minItems: 1, maxItems: 16, description: 'Images to edit; the first one is the base' },
					mask_url: { type: 'string', format: 'uri', description: 'PNG with an alpha channel, the size of the first image; fully transparent areas are changed' },
				}
			: {}),
		[sizeField]: {
			type: 'string',
			enum: V25_SIZES,
			default: '1024x1024',
			description: `Or a custom WxH: both sides multiples of ${multipleOf}, longest side at most ${maxEdge}, ratio 1:3 to 3:1, ${minPixels}-${maxPixels} pixels (above 2560x1440 is experimental)`,
		},
		quality: { type: 'string', enum: ['low', 'medium', 'high', 'xhigh', 'max', 'auto'], default: 'auto' },
		output_format: { type: 'string', enum: ['png', 'jpeg', 'webp'], default: 'png' },
		background: { type: 'string', enum: ['opaque', 'transparent', 'auto'], default: 'auto', description: 'transparent needs output_format png or webp' },
		output_compression: { type: 'integer', minimum: 0, maximum: 100, description: 'JPEG and WebP compression' },
		num_images: { type: 'integer', minimum: 1, maximum: 10, default: 1 },
		moderation: { type: 'string', enum: ['low', 'auto'], default: 'low' },
	};
	return { type: 'object', required: edit ? ['prompt', 'image_urls'] : ['prompt'], properties, 'x-order-properties': Object.keys(properties), additionalProperties: false };
}

/** Why a custom 'WxH' breaks the documented rules, or undefined when it fits them. */
export function customSizeError(text: string): string | undefined {
	const match = /^(\d+)x(\d+)$/.exec(text);
	if (!match) return undefined;
	const [width, height] = [Number(match[1]), Number(match[2])];
	const { multipleOf, maxEdge, maxRatio, minPixels, maxPixels } = CUSTOM_SIZE_RULES;
	if (width % multipleOf !== 0 || height % multipleOf !== 0) return `both sides must be multiples of ${multipleOf}`;
	if (Math.max(width, height) > maxEdge) return `the longest side must be at most ${maxEdge}`;
	if (Math.max(width / height, height / width) > maxRatio) return 'the ratio must be between 1:3 and 3:1';
	if (width * height < minPixels || width * height > maxPixels) return `the size must have ${minPixels} to ${maxPixels} pixels`;
	return undefined;
}

export type InputCheck = { ok: true } | { ok: false; details: string };

/** Checks `input` against the schema strictly (additionalProperties: false): unknown fields, missing required ones and enum misses are refused. */
export function checkInput(schema: RequestSchema, input: unknown): InputCheck {
	const customAllowed = schema.properties.size?.enum?.includes('custom') || schema.properties.image_size?.enum?.includes('custom');
	const checked = checkAgainstSchema(schema, input, 'refuse', (field, value) => {
		if (!customAllowed || (field !== 'size' && field !== 'image_size') || !/^\d+x\d+$/.test(value)) return 'no';
		const why = customSizeError(value);
		return why ? `custom size ${value}: ${why}` : undefined;
	});
	if (!checked.ok) {
		if (checked.field === 'body') return { ok: false, details: 'input must be an object' };
		return { ok: false, details: checked.missing ? `${checked.field} is required` : checked.why.startsWith('custom') ? `${checked.field}: ${checked.why}` : `${checked.field} ${checked.why}` };
	}
	const record = checked.input;
	if (typeof record.prompt !== 'string' || record.prompt.trim() === '') return { ok: false, details: 'prompt must be a non-empty string' };
	if (record.size === 'custom' || record.image_size === 'custom') return { ok: false, details: 'give a custom size as WxH, e.g. 1920x1088' };
	if (record.background === 'transparent' && record.output_format === 'jpeg') {
		return { ok: false, details: 'background transparent needs output_format png or webp' };
	}
	return { ok: true };
}
