/** What WaveSpeed's GPT Image 2 takes: the catalog's request schema when read (GET /api/v3/models), else the documented lists. */
import { z } from 'zod';

import type { Failure } from '../../core/errors';
import type { NodeKind } from '../../core/kinds';
import type { ImageSettings } from '../../core/schemas';
import { ASPECT_RATIOS, MAX_REFERENCE_IMAGES, OUTPUT_FORMATS, PAGE_ASPECT_RATIOS, QUALITIES, RESOLUTIONS } from '../../core/schemas';
import type { FoundSchema, ModelInputSchema, SchemaSource } from '../modelSchema';
import { modelInputSchema } from '../modelSchema';
import type { ApiCall, PlannedRequest } from '../provider';
import { MODELS } from './schemas';

/** The values one model takes per body field; an absent list means the schema has no such field. */
export interface ModelShape {
	source: SchemaSource;
	model: string;
	aspectRatios?: readonly string[];
	resolutions?: readonly string[];
	qualities?: readonly string[];
	outputFormats?: readonly string[];
	maxImages: number;
}

/** The docs: edit takes the 15 ratios of its llms.txt; text-to-image the 10 of its page (the other five unconfirmed there). */
export function documentedShape(kind: NodeKind): ModelShape {
	return {
		source: 'documented',
		model: MODELS[kind],
		aspectRatios: kind === 'edit' ? ASPECT_RATIOS : PAGE_ASPECT_RATIOS,
		resolutions: RESOLUTIONS,
		qualities: QUALITIES,
		outputFormats: OUTPUT_FORMATS,
		maxImages: MAX_REFERENCE_IMAGES,
	};
}

const catalogSchema = z.object({
	data: z.array(
		z.object({ model_id: z.string(), api_schema: z.object({ api_schemas: z.array(z.object({ request_schema: z.unknown() }).passthrough()) }).passthrough().nullish() }).passthrough(),
	),
});

/** The whole catalog: WaveSpeed has no per-model schema endpoint. */
export function schemaCalls(): ApiCall[] {
	return [{ method: 'GET', path: '/api/v3/models' }];
}

/** The model's request schema in a catalog answer, when it has the fields this node always sends. */
export function readSchema(kind: NodeKind, body: unknown): ModelInputSchema | undefined {
	const catalog = catalogSchema.safeParse(body);
	if (!catalog.success) return undefined;
	const entry = catalog.data.data.find((model) => model.model_id === MODELS[kind]);
	const schema = modelInputSchema.safeParse(entry?.api_schema?.api_schemas[0]?.request_schema);
	if (!schema.success || !schema.data.properties.prompt) return undefined;
	if (kind === 'edit' && !schema.data.properties.images) return undefined;
	return schema.data;
}

/** A field's listed values; a field without an enum keeps the documented list. */
function listed(schema: ModelInputSchema, field: string, documented: readonly string[] | undefined): readonly string[] | undefined {
	const property = schema.properties[field];
	if (!property) return undefined;
	return property.enum ? property.enum.map(String) : documented;
}

export function shapeOf(kind: NodeKind, found: FoundSchema): ModelShape {
	const documented = documentedShape(kind);
	if (found.source !== 'live') return documented;
	const { schema } = found;
	return {
		source: 'live',
		model: MODELS[kind],
		aspectRatios: listed(schema, 'aspect_ratio', documented.aspectRatios),
		resolutions: listed(schema, 'resolution', documented.resolutions),
		qualities: listed(schema, 'quality', documented.qualities),
		outputFormats: listed(schema, 'output_format', documented.outputFormats),
		maxImages: schema.properties.images?.maxItems ?? MAX_REFERENCE_IMAGES,
	};
}

/** The quality and format as sent: a value typed beyond the node's list when there is one. */
export const qualityOf = (settings: ImageSettings): string => settings.schemaValues?.quality ?? settings.quality;
export const formatOf = (settings: ImageSettings): string => settings.schemaValues?.outputFormat ?? settings.outputFormat;

const refusal = (message: string, hint: string): Failure => ({ kind: 'input', message, hint });

/** Why this model cannot take the row, before anything is uploaded or billed. */
export function refuseRequest(shape: ModelShape, request: PlannedRequest): Failure | undefined {
	const model = `WaveSpeed's ${shape.model}`;
	const lists = shape.source === 'live' ? 'its live schema lists' : 'its documented values are';
	const { settings } = request;
	if (request.imageCount > shape.maxImages) {
		return refusal(`${request.imageCount} reference images are set; ${model} takes at most ${shape.maxImages}`, `Remove ${request.imageCount - shape.maxImages} of them.`);
	}
	if (settings.aspectRatio !== 'match' && !shape.aspectRatios?.includes(settings.aspectRatio)) {
		const extra = shape.source === 'documented' && request.kind === 'generate' && ASPECT_RATIOS.includes(settings.aspectRatio)
			? ' (the model catalog could not be read to check the edit model\'s other five)'
			: '';
		return refusal(
			`Aspect Ratio ${settings.aspectRatio} is not available with ${model}: ${shape.aspectRatios ? `${lists} ${shape.aspectRatios.join(', ')}${extra}` : 'its schema has no aspect_ratio field'}`,
			'Pick another Aspect Ratio.',
		);
	}
	if (!shape.resolutions?.includes(settings.resolution)) {
		return refusal(`Resolution ${settings.resolution.toUpperCase()} is not available with ${model}: ${lists} ${shape.resolutions?.join(', ') ?? 'none'}`, 'Pick another Resolution.');
	}
	for (const [label, typed, value, values, node] of [
		['Quality', settings.schemaValues?.quality, qualityOf(settings), shape.qualities, 'Low, Medium or High'],
		['Output Format', settings.schemaValues?.outputFormat, formatOf(settings), shape.outputFormats, 'PNG or JPEG'],
	] as const) {
		if (typed && shape.source !== 'live') {
			return refusal(
				`${label} "${typed}" is not one of the node's values, and ${model}'s live schema could not be read to check it`,
				`Use ${node}, or run again once WaveSpeed answers the model catalog.`,
			);
		}
		if (!values?.includes(value)) return refusal(`${label} "${value}" is not available with ${model}: ${lists} ${values?.join(', ') ?? 'none'}`, `Pick another ${label}.`);
	}
	return undefined;
}
