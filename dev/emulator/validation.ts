/** Submit body validation against the model's catalog schema (catalog.ts); unknown fields are dropped, like the real server. */
import { requestSchemaOf } from './catalog';
import { checkAgainstSchema, isHttpUrl } from './jsonSchema';
import type { ModelId } from './types';

export const MAX_IMAGES = 16;

export type Validated =
	| { ok: true; input: Record<string, unknown>; dropped: string[] }
	| { ok: false; message: string };

/** Validates a submit body for a model; returns the accepted documented fields and the dropped field names. */
export function validateSubmit(model: ModelId, body: unknown): Validated {
	const checked = checkAgainstSchema(requestSchemaOf(model), body, 'drop');
	if (!checked.ok) {
		if (checked.field === 'body') return { ok: false, message: '[1401] Request body must be a JSON object' };
		if (checked.missing) return { ok: false, message: `[1400] Missing required parameter: ${checked.field}` };
		return { ok: false, message: `[1401] Invalid parameter ${checked.field}: ${checked.why}` };
	}
	const prompt = checked.input.prompt;
	if (typeof prompt !== 'string' || prompt.trim() === '') return { ok: false, message: '[1401] Invalid parameter prompt: must be a non-empty string' };
	return checked;
}

/** The webhook query value, validated: undefined when absent, an error text when unusable. */
export function checkWebhook(value: string | null): { url?: string; error?: string } {
	if (value === null || value === '') return {};
	return isHttpUrl(value) ? { url: value } : { error: '[1401] Invalid parameter webhook: must be an http(s) URL' };
}
