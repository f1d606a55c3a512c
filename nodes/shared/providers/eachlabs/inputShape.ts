/**
 * How the node's controls map onto the fields of each::labs' model schema: pure decisions, unit-tested.
 * The schema's field names are not settled in the docs, so the live `request_schema` decides and nothing it lacks is sent.
 */
import type { Failure } from '../../core/errors';
import type { NodeKind } from '../../core/kinds';
import type { AspectRatio, ImageSettings, OutputFormat, Quality, Resolution } from '../../core/schemas';
import { MAX_REFERENCE_IMAGES } from '../../core/schemas';
import type { TaskRequest, PlannedRequest, RequestNotes } from '../provider';
import type { ModelRequestSchema } from './schemas';

export interface PixelSize {
	width: number;
	height: number;
	text: string;
}

/** The fields one model takes, in the node's terms. */
export interface InputShape {
	source: 'live' | 'documented';
	slug: string;
	/** Edit only: an array of URLs (`image_urls`) or one URL (`image_url`). */
	images?: { field: string; multiple: boolean; max: number };
	/** `image_size` / `size` with its listed `WxH` values; `auto` when the model may pick from the first image. */
	size?: { field: string; sizes: PixelSize[]; auto: boolean };
	quality?: { field: string; values: string[] };
	outputFormat?: { field: string; values: string[] };
}

const DOCUMENTED_SIZES = ['1024x1024', '1536x1024', '1024x1536'];
const DOCUMENTED_QUALITIES = ['low', 'medium', 'high', 'auto'];
const DOCUMENTED_FORMATS = ['png', 'jpeg', 'webp'];

export function parseSize(text: string): PixelSize | undefined {
	const match = /^(\d{2,5})x(\d{2,5})$/.exec(text);
	return match ? { width: Number(match[1]), height: Number(match[2]), text } : undefined;
}

const sizesOf = (values: readonly string[]): PixelSize[] => values.map(parseSize).filter((s): s is PixelSize => s !== undefined);

/** The variant the docs show most often (array of URLs, `WxH` sizes): used when the live schema cannot be read. */
export function documentedShape(kind: NodeKind, slug: string): InputShape {
	return {
		source: 'documented',
		slug,
		images: kind === 'edit' ? { field: 'image_urls', multiple: true, max: MAX_REFERENCE_IMAGES } : undefined,
		size: { field: kind === 'edit' ? 'image_size' : 'size', sizes: sizesOf(DOCUMENTED_SIZES), auto: false },
		quality: { field: 'quality', values: DOCUMENTED_QUALITIES },
		outputFormat: { field: 'output_format', values: DOCUMENTED_FORMATS },
	};
}

const IMAGE_FIELDS = ['image_urls', 'images', 'input_images', 'image_url', 'image'];
const SIZE_FIELDS = ['image_size', 'size'];

const isArrayType = (type: string | string[] | undefined): boolean => (Array.isArray(type) ? type.includes('array') : type === 'array');
const stringValues = (values: ReadonlyArray<string | number> | undefined): string[] => (values ?? []).map(String);

/** The shape a live schema describes; undefined when it lacks what this node needs (then the documented one is used). */
export function readShape(kind: NodeKind, slug: string, schema: ModelRequestSchema): InputShape | undefined {
	const { properties } = schema;
	if (!properties.prompt) return undefined;
	const shape: InputShape = { source: 'live', slug };
	if (kind === 'edit') {
		const field = IMAGE_FIELDS.find((name) => properties[name]);
		if (!field) return undefined;
		const multiple = isArrayType(properties[field].type);
		shape.images = { field, multiple, max: multiple ? Math.min(properties[field].maxItems ?? MAX_REFERENCE_IMAGES, MAX_REFERENCE_IMAGES) : 1 };
	}
	const sizeField = SIZE_FIELDS.find((name) => properties[name]?.enum);
	if (sizeField) {
		const values = stringValues(properties[sizeField].enum);
		shape.size = { field: sizeField, sizes: sizesOf(values), auto: values.includes('auto') };
	}
	if (properties.quality) shape.quality = { field: 'quality', values: stringValues(properties.quality.enum) };
	if (properties.output_format) shape.outputFormat = { field: 'output_format', values: stringValues(properties.output_format.enum) };
	return shape;
}

/** Target pixel area per resolution, as the node describes them (1K about 1 MP, 2K about 4 MP, 4K about 8 MP). */
const TARGET_AREA: Record<Resolution, number> = { '1k': 1024 * 1024, '2k': 2048 * 2048, '4k': 3840 * 2160 };
/** A listed size counts for a resolution when its area is within this factor range of the target. */
const AREA_RANGE = { min: 0.55, max: 2 };

const ratioOf = (ratio: AspectRatio): number => {
	const [w, h] = ratio.split(':').map(Number);
	return w / h;
};

export type SizeChoice = { type: 'size'; size: PixelSize } | { type: 'auto' } | { type: 'none' } | { type: 'refused'; largest?: PixelSize };

/**
 * The listed size nearest to the requested ratio among those of about the requested resolution.
 * 'match' (keep the first image's shape) uses `auto` when listed, else sends no size (the model's default).
 */
export function chooseSize(shape: InputShape, aspectRatio: ImageSettings['aspectRatio'], resolution: Resolution): SizeChoice {
	const size = shape.size;
	if (!size) return { type: 'none' };
	const target = TARGET_AREA[resolution];
	const fitting = size.sizes.filter((s) => s.width * s.height >= target * AREA_RANGE.min && s.width * s.height <= target * AREA_RANGE.max);
	if (fitting.length === 0) {
		const largest = [...size.sizes].sort((a, b) => b.width * b.height - a.width * a.height)[0];
		return { type: 'refused', largest };
	}
	if (aspectRatio === 'match') return size.auto ? { type: 'auto' } : { type: 'none' };
	const wanted = Math.log(ratioOf(aspectRatio));
	const score = (s: PixelSize) => [Math.abs(Math.log(s.width / s.height) - wanted), Math.abs(Math.log((s.width * s.height) / target))];
	const best = [...fitting].sort((a, b) => {
		const [ra, aa] = score(a);
		const [rb, ab] = score(b);
		return ra - rb || aa - ab;
	})[0];
	return { type: 'size', size: best };
}

const refusal = (message: string, hint: string): Failure => ({ kind: 'input', message, hint });

const FORMAT_LABEL: Record<OutputFormat, string> = { png: 'PNG', jpeg: 'JPEG' };

/** Why this model cannot take the row, before anything is uploaded or billed. */
export function refuseRequest(shape: InputShape, request: PlannedRequest): Failure | undefined {
	const model = `each::labs' ${shape.slug}`;
	if (shape.images && request.imageCount > shape.images.max) {
		return shape.images.multiple
			? refusal(`${request.imageCount} reference images are set; ${model} takes at most ${shape.images.max}`, `Remove ${request.imageCount - shape.images.max} of them.`)
			: refusal(
					`${request.imageCount} reference images are set; ${model} takes one image (its schema has only "${shape.images.field}")`,
					'Keep only the image to edit under Reference Images, or set Provider to WaveSpeedAI, which takes up to 16.',
				);
	}
	const size = chooseSize(shape, request.settings.aspectRatio, request.settings.resolution);
	if (size.type === 'refused') {
		return refusal(
			`Resolution ${request.settings.resolution.toUpperCase()} is not available with ${model}: its schema lists no size that large${size.largest ? ` (largest: ${size.largest.text})` : ''}`,
			'Pick a smaller Resolution, or set Provider to WaveSpeedAI for 4K.',
		);
	}
	const format = request.settings.outputFormat;
	if (shape.outputFormat && shape.outputFormat.values.length > 0 && !shape.outputFormat.values.includes(format)) {
		return refusal(`Output Format ${FORMAT_LABEL[format]} is not available with ${model}`, `Use one of: ${shape.outputFormat.values.join(', ')}.`);
	}
	if (!shape.outputFormat && format !== 'png') {
		return refusal(`Output Format ${FORMAT_LABEL[format]} is not available with ${model}: its schema has no output format field`, 'Use PNG.');
	}
	return undefined;
}

/** `auto` and empty enums mean "any"; otherwise the value must be listed. */
const qualityListed = (shape: InputShape, quality: Quality): boolean =>
	!!shape.quality && (shape.quality.values.length === 0 || shape.quality.values.includes(quality));

/** The `input` object: only fields the schema lists. Assumes refuseRequest passed. */
export function buildInput(shape: InputShape, request: TaskRequest): Record<string, unknown> {
	const input: Record<string, unknown> = { prompt: request.prompt };
	if (shape.images && request.kind === 'edit') input[shape.images.field] = shape.images.multiple ? request.imageUrls : request.imageUrls[0];
	const size = chooseSize(shape, request.settings.aspectRatio, request.settings.resolution);
	if (shape.size && size.type === 'size') input[shape.size.field] = size.size.text;
	if (shape.size && size.type === 'auto') input[shape.size.field] = 'auto';
	if (shape.quality && qualityListed(shape, request.settings.quality)) input[shape.quality.field] = request.settings.quality;
	if (shape.outputFormat) input[shape.outputFormat.field] = request.settings.outputFormat;
	return input;
}

export function describeChoices(shape: InputShape, request: PlannedRequest): RequestNotes {
	const size = chooseSize(shape, request.settings.aspectRatio, request.settings.resolution);
	const notSent: string[] = [];
	if (!qualityListed(shape, request.settings.quality)) notSent.push('quality');
	if (!shape.outputFormat) notSent.push('outputFormat');
	if (!shape.size) notSent.push('aspectRatio', 'resolution');
	return {
		size: size.type === 'size' ? size.size.text : size.type === 'auto' ? 'auto' : undefined,
		schemaSource: shape.source,
		...(notSent.length ? { settingsNotSent: notSent } : {}),
	};
}
