/**
 * The subset of JSON Schema both providers publish for a submit body (enum, default, minimum/maximum,
 * minItems/maxItems, required), and one checker for it. WaveSpeed drops fields its schema lacks; each::labs
 * (`additionalProperties: false`) refuses them.
 */

export interface SchemaProperty {
	type: 'string' | 'array' | 'integer' | 'number' | 'boolean';
	title?: string;
	description?: string;
	enum?: readonly string[];
	default?: unknown;
	minimum?: number;
	maximum?: number;
	maxLength?: number;
	minItems?: number;
	maxItems?: number;
	items?: { type: 'string'; format?: 'uri' };
	format?: 'uri';
}

export interface RequestSchema {
	type: 'object';
	properties: Record<string, SchemaProperty>;
	required: string[];
	'x-order-properties'?: string[];
	additionalProperties?: boolean;
}

export type SchemaCheck =
	| { ok: true; input: Record<string, unknown>; dropped: string[] }
	| { ok: false; field: string; why: string; missing?: boolean };

export const isHttpUrl = (value: unknown): boolean => {
	if (typeof value !== 'string') return false;
	try {
		return ['http:', 'https:'].includes(new URL(value).protocol);
	} catch {
		return false;
	}
};

/** Why one value does not fit its property, or undefined when it does. */
function propertyError(property: SchemaProperty, value: unknown): string | undefined {
	switch (property.type) {
		case 'boolean':
			return typeof value === 'boolean' ? undefined : 'must be a boolean';
		case 'integer':
		case 'number': {
			if (typeof value !== 'number' || !Number.isFinite(value)) return `must be a number`;
			if (property.type === 'integer' && !Number.isInteger(value)) return 'must be an integer';
			if (property.minimum !== undefined && value < property.minimum) return `must be at least ${property.minimum}`;
			if (property.maximum !== undefined && value > property.maximum) return `must be at most ${property.maximum}`;
			return undefined;
		}
		case 'array': {
			if (!Array.isArray(value)) return 'must be an array of URLs';
			if (value.length < (property.minItems ?? 0)) return value.length === 0 ? 'must be a non-empty array of URLs' : `at least ${property.minItems} items`;
			if (property.maxItems !== undefined && value.length > property.maxItems) return `at most ${property.maxItems} items`;
			const bad = value.findIndex((entry) => !isHttpUrl(entry));
			return bad >= 0 ? `entry ${bad} is not an http(s) URL (data URIs are not accepted)` : undefined;
		}
		case 'string': {
			if (typeof value !== 'string') return 'must be a string';
			if (property.maxLength !== undefined && value.length > property.maxLength) return `at most ${property.maxLength} characters`;
			if (property.format === 'uri' && !isHttpUrl(value)) return 'must be an http(s) URL (data URIs are not accepted)';
			return undefined;
		}
	}
}

/**
 * Checks a body against a schema. `unknown: 'drop'` keeps only listed fields (WaveSpeed); `'refuse'` fails on the
 * first unlisted one (each::labs). `enumExtra` may accept a value outside a string enum (each::labs' custom sizes).
 */
export function checkAgainstSchema(
	schema: RequestSchema,
	body: unknown,
	unknown: 'drop' | 'refuse',
	enumExtra: (field: string, value: string) => string | undefined | 'no' = () => 'no',
): SchemaCheck {
	if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, field: 'body', why: 'must be a JSON object' };
	const record = body as Record<string, unknown>;
	for (const field of schema.required) if (!(field in record)) return { ok: false, field, why: 'is required', missing: true };
	const input: Record<string, unknown> = {};
	const dropped: string[] = [];
	for (const [field, value] of Object.entries(record)) {
		const property = schema.properties[field];
		if (!property) {
			if (unknown === 'refuse') return { ok: false, field, why: 'is not a field of this model' };
			dropped.push(field);
			continue;
		}
		const why = propertyError(property, value);
		if (why) return { ok: false, field, why };
		if (property.enum && !property.enum.includes(value as string)) {
			const extra = enumExtra(field, value as string);
			if (extra !== undefined) return { ok: false, field, why: extra === 'no' ? `must be one of ${property.enum.join(', ')}` : extra };
		}
		input[field] = value;
	}
	return { ok: true, input, dropped };
}
