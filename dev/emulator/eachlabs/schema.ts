/**
 * The two input schemas each::labs' docs disagree on (docs/eachlabs-api.md), as GET /v1/model answers them.
 * 'array': `image_urls` + `image_size` (edit) / `size` (text to image) with quality and format;
 * 'single': one `image_url` and a size, nothing else.
 */
export const EACHLABS_MODELS = { edit: 'gpt-image-v2-edit', generate: 'gpt-image-v2-text-to-image' } as const;
export type EachLabsSlug = (typeof EACHLABS_MODELS)[keyof typeof EACHLABS_MODELS];

export const isEachLabsSlug = (slug: unknown): slug is EachLabsSlug => slug === EACHLABS_MODELS.edit || slug === EACHLABS_MODELS.generate;

/** 'auto' first, as in the docs; larger sizes only in the array variant. */
export const ARRAY_SIZES = ['auto', '1024x1024', '1536x1024', '1024x1536', '2048x2048', '2048x1152', '1152x2048'] as const;
export const SINGLE_SIZES = ['1024x1024', '1536x1024', '1024x1536'] as const;

export interface JsonSchemaProperty {
	type: 'string' | 'array' | 'integer' | 'boolean';
	enum?: readonly string[];
	items?: { type: 'string'; format?: string };
	maxItems?: number;
	default?: unknown;
	description?: string;
}

export interface RequestSchema {
	type: 'object';
	required: string[];
	properties: Record<string, JsonSchemaProperty>;
}

export type SchemaVariant = 'array' | 'single';

export function requestSchema(slug: EachLabsSlug, variant: SchemaVariant): RequestSchema {
	const edit = slug === EACHLABS_MODELS.edit;
	const sizeField = edit ? 'image_size' : 'size';
	if (variant === 'single') {
		return {
			type: 'object',
			required: edit ? ['prompt', 'image_url'] : ['prompt'],
			properties: {
				prompt: { type: 'string' },
				...(edit ? { image_url: { type: 'string', description: 'URL of the image to edit' } } : {}),
				[sizeField]: { type: 'string', enum: SINGLE_SIZES, default: '1024x1024' },
			},
		};
	}
	return {
		type: 'object',
		required: edit ? ['prompt', 'image_urls'] : ['prompt'],
		properties: {
			prompt: { type: 'string' },
			...(edit ? { image_urls: { type: 'array', items: { type: 'string', format: 'uri' }, maxItems: 16 } } : {}),
			[sizeField]: { type: 'string', enum: ARRAY_SIZES, default: 'auto' },
			quality: { type: 'string', enum: ['low', 'medium', 'high', 'auto'], default: 'auto' },
			output_format: { type: 'string', enum: ['png', 'jpeg', 'webp'], default: 'png' },
			background: { type: 'string', enum: ['auto', 'opaque', 'transparent'], default: 'auto' },
			num_images: { type: 'integer', default: 1 },
		},
	};
}

export type InputCheck = { ok: true } | { ok: false; details: string };

const isHttpUrl = (value: unknown): boolean => {
	if (typeof value !== 'string') return false;
	try {
		return ['http:', 'https:'].includes(new URL(value).protocol);
	} catch {
		return false;
	}
};

/** Checks `input` against the schema strictly: unknown fields, missing required ones and enum misses are refused. */
export function checkInput(schema: RequestSchema, input: unknown): InputCheck {
	if (typeof input !== 'object' || input === null || Array.isArray(input)) return { ok: false, details: 'input must be an object' };
	const record = input as Record<string, unknown>;
	for (const field of schema.required) if (!(field in record)) return { ok: false, details: `${field} is required` };
	for (const [field, value] of Object.entries(record)) {
		const property = schema.properties[field];
		if (!property) return { ok: false, details: `unknown field ${field}` };
		if (property.enum && !property.enum.includes(String(value))) return { ok: false, details: `${field} must be one of ${property.enum.join(', ')}` };
		if (property.type === 'array') {
			if (!Array.isArray(value) || value.length === 0) return { ok: false, details: `${field} must be a non-empty array` };
			if (property.maxItems && value.length > property.maxItems) return { ok: false, details: `${field}: at most ${property.maxItems}` };
			if (!value.every(isHttpUrl)) return { ok: false, details: `${field}: every entry must be an http(s) URL (data URIs are not accepted)` };
		}
		if (field === 'image_url' && !isHttpUrl(value)) return { ok: false, details: 'image_url must be an http(s) URL (data URIs are not accepted)' };
		if (property.type === 'string' && typeof value !== 'string') return { ok: false, details: `${field} must be a string` };
	}
	if (typeof record.prompt !== 'string' || record.prompt.trim() === '') return { ok: false, details: 'prompt must be a non-empty string' };
	return { ok: true };
}
