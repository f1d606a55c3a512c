/** Submit body validation: documented fields are checked, unknown fields are dropped (like the real server). */
import { ASPECT_RATIOS, RESOLUTIONS } from './sizes';
import type { ModelId } from './types';

export const MAX_IMAGES = 16;

const QUALITIES = ['low', 'medium', 'high'];
const OUTPUT_FORMATS = ['png', 'jpeg'];
const BOOLEAN_FIELDS = ['enable_sync_mode', 'enable_base64_output'];

/** Documented body fields per model. */
const FIELDS: Record<ModelId, readonly string[]> = {
	'openai/gpt-image-2/edit': ['prompt', 'images', 'aspect_ratio', 'resolution', 'quality', 'output_format', ...BOOLEAN_FIELDS],
	'openai/gpt-image-2/text-to-image': ['prompt', 'aspect_ratio', 'resolution', 'quality', 'output_format', ...BOOLEAN_FIELDS],
};

export type Validated =
	| { ok: true; input: Record<string, unknown>; dropped: string[] }
	| { ok: false; message: string };

const missing = (field: string): Validated => ({ ok: false, message: `[1400] Missing required parameter: ${field}` });
const invalid = (field: string, why: string): Validated => ({ ok: false, message: `[1401] Invalid parameter ${field}: ${why}` });

const isHttpUrl = (value: unknown): boolean => {
	if (typeof value !== 'string') return false;
	try {
		const url = new URL(value);
		return url.protocol === 'http:' || url.protocol === 'https:';
	} catch {
		return false;
	}
};

/** Checks one enum field when present. */
function checkEnum(body: Record<string, unknown>, field: string, allowed: readonly string[]): Validated | undefined {
	if (!(field in body)) return undefined;
	const value = body[field];
	if (typeof value !== 'string' || !allowed.includes(value)) return invalid(field, `must be one of ${allowed.join(', ')}`);
	return undefined;
}

/** Validates a submit body for a model; returns the accepted documented fields and the dropped field names. */
export function validateSubmit(model: ModelId, body: unknown): Validated {
	if (typeof body !== 'object' || body === null || Array.isArray(body)) {
		return { ok: false, message: '[1401] Request body must be a JSON object' };
	}
	const record = body as Record<string, unknown>;
	if (!('prompt' in record)) return missing('prompt');
	if (typeof record.prompt !== 'string' || record.prompt.trim() === '') return invalid('prompt', 'must be a non-empty string');

	if (model === 'openai/gpt-image-2/edit') {
		if (!('images' in record)) return missing('images');
		const images = record.images;
		if (!Array.isArray(images) || images.length === 0) return invalid('images', 'must be a non-empty array of URLs');
		if (images.length > MAX_IMAGES) return invalid('images', `at most ${MAX_IMAGES} images`);
		const bad = images.findIndex((url) => !isHttpUrl(url));
		if (bad >= 0) return invalid('images', `images[${bad}] is not an http(s) URL`);
	}

	const enumError =
		checkEnum(record, 'aspect_ratio', ASPECT_RATIOS) ??
		checkEnum(record, 'resolution', RESOLUTIONS) ??
		checkEnum(record, 'quality', QUALITIES) ??
		checkEnum(record, 'output_format', OUTPUT_FORMATS);
	if (enumError) return enumError;

	for (const field of BOOLEAN_FIELDS) {
		if (field in record && typeof record[field] !== 'boolean') return invalid(field, 'must be a boolean');
	}

	const allowed = FIELDS[model];
	const input: Record<string, unknown> = {};
	const dropped: string[] = [];
	for (const [key, value] of Object.entries(record)) {
		if (allowed.includes(key)) input[key] = value;
		else dropped.push(key);
	}
	return { ok: true, input, dropped };
}

/** The webhook query value, validated: undefined when absent, an error text when unusable. */
export function checkWebhook(value: string | null): { url?: string; error?: string } {
	if (value === null || value === '') return {};
	return isHttpUrl(value) ? { url: value } : { error: '[1401] Invalid parameter webhook: must be an http(s) URL' };
}
