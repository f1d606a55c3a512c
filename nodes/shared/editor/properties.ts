/**
 * The parameters as the editor shows them (README "The nodes"); both nodes build theirs from here.
 * Option values come from core/schemas.ts, bounds from params/options.ts; defaults are literals because n8n's lint reads them statically,
 * and test/unit/properties-drift.test.ts ties every one to the schemas.
 */
import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import type { NodeKind } from '../core/kinds';
import { ESTIMATE_OPERATION, SUBMIT_OPERATION } from '../core/kinds';
import type { AspectRatio, OutputFormat, Quality, Resolution, WaitMode } from '../core/schemas';
import { ASPECT_RATIOS, OUTPUT_FORMATS, QUALITIES, RESOLUTIONS, WAIT_MODES } from '../core/schemas';
import { GET_MANY_OPERATION, LIMIT_BOUNDS } from '../params/getManyPlan';
import { BOUNDS, itemOptionsSchema } from '../params/options';
import type { ProviderId } from '../providers/catalog';
import { CATALOG, PROVIDER_CHOICES, PROVIDER_IDS } from '../providers/catalog';
import type { ProviderCapabilities } from '../providers/entry';

/** Sellers of GPT Image 2; the default keeps workflows saved before this parameter existed on WaveSpeed. */
export const PROVIDER_PROPERTY: INodeProperties = {
	displayName: 'Provider',
	name: 'provider',
	type: 'options',
	noDataExpression: true,
	options: PROVIDER_CHOICES.map(({ id, editorName, editorDescription }) => ({ name: editorName, value: id, description: editorDescription })),
	// A literal (n8n's lint reads defaults statically); a test keeps it equal to the catalog's first seller.
	default: 'wavespeed',
	description: 'Who runs the model and bills it. Each provider needs its own credential.',
};

/** The nodes' one-line descriptions, naming the sellers in catalog order. */
const SELLER_NAMES = PROVIDER_CHOICES.map(({ editorName }) => editorName).join(' or ');
export const NODE_DESCRIPTIONS: Record<NodeKind, string> = {
	edit: `Edit product photos and other images with OpenAI GPT Image 2 on ${SELLER_NAMES}`,
	generate: `Create images from text with OpenAI GPT Image 2 on ${SELLER_NAMES}`,
};

/** Credentials by provider, shown only for the selected one (as n8n's Airtable node does with Authentication). */
export const NODE_CREDENTIALS = PROVIDER_CHOICES.map(({ id, credentialName }) => ({ name: credentialName, required: true, displayOptions: { show: { provider: [id] } } }));

/** The sellers whose catalog capabilities pass a test: controls only they offer are hidden for the others (params/ also refuses them). */
function providersWhere(test: (capabilities: ProviderCapabilities) => boolean): ProviderId[] {
	return PROVIDER_IDS.filter((id) => test(CATALOG[id].capabilities));
}

const GET_RESULT_DESCRIPTION = "Fetch a prediction submitted earlier, e.g. with Wait For Result: Don't Wait";
const GET_MANY_DESCRIPTION = "List the provider's recent predictions (Return All: up to 5,000), e.g. to find paid work after a crash";
const ESTIMATE_COST_DESCRIPTION = 'Check every row like a real run and price it, without creating any task (nothing is billed)';

export function operationProperty(kind: NodeKind): INodeProperties {
	if (kind === 'edit') {
		return {
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			options: [
				{ name: 'Edit Image', value: 'editImage', action: 'Edit an image', description: 'Edit one or more reference images with a prompt' },
				{ name: 'Estimate Cost', value: ESTIMATE_OPERATION, action: 'Estimate the cost of a run', description: ESTIMATE_COST_DESCRIPTION },
				{ name: 'Get Many', value: GET_MANY_OPERATION, action: 'Get many predictions', description: GET_MANY_DESCRIPTION },
				{ name: 'Get Result', value: 'getResult', action: 'Get the result of a prediction', description: GET_RESULT_DESCRIPTION },
			],
			default: 'editImage',
		};
	}
	return {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Estimate Cost', value: ESTIMATE_OPERATION, action: 'Estimate the cost of a run', description: ESTIMATE_COST_DESCRIPTION },
			{ name: 'Generate Image', value: 'generateImage', action: 'Generate an image', description: 'Create an image from a prompt' },
			{ name: 'Get Many', value: GET_MANY_OPERATION, action: 'Get many predictions', description: GET_MANY_DESCRIPTION },
			{ name: 'Get Result', value: 'getResult', action: 'Get the result of a prediction', description: GET_RESULT_DESCRIPTION },
		],
		default: 'generateImage',
	};
}

/** "Landscape 16:9", "Portrait 2:3", "Square 1:1": the shape first, so the list groups by it. */
export function aspectRatioName(ratio: AspectRatio): string {
	const [width, height] = ratio.split(':').map(Number);
	const shape = width > height ? 'Landscape' : width < height ? 'Portrait' : 'Square';
	return `${shape} ${ratio}`;
}

/** Sorted by name (n8n's rule for long option lists), which groups landscape, portrait and square. */
const ASPECT_RATIO_OPTIONS: INodePropertyOptions[] = ASPECT_RATIOS.map((ratio) => ({ name: aspectRatioName(ratio), value: ratio })).sort((a, b) =>
	a.name.localeCompare(b.name, 'en', { numeric: false }),
);

const MATCH_FIRST_IMAGE: INodePropertyOptions = {
	name: 'Match First Image',
	value: 'match',
	description: 'Keep the shape of the first reference image',
};

const ASPECT_RATIO: INodeProperties = {
	displayName: 'Aspect Ratio',
	name: 'aspectRatio',
	type: 'options',
	options: ASPECT_RATIO_OPTIONS,
	default: '1:1',
	description: 'Shape of the output image',
};

/** Edit offers "Match First Image" first: it is the default and what most edits want. */
const ASPECT_RATIO_OPTIONS_WITH_MATCH = [MATCH_FIRST_IMAGE, ...ASPECT_RATIO_OPTIONS];

/** The editor's words for each value; a Record over the zod enum, so a new value cannot lack its label. */
const RESOLUTION_LABELS: Record<Resolution, Omit<INodePropertyOptions, 'value'>> = {
	'1k': { name: '1K', description: 'About 1 megapixel (1024×1024 for 1:1)' },
	'2k': { name: '2K', description: 'About 4 megapixels (costs more)' },
	'4k': { name: '4K', description: 'About 8 megapixels (costs most, slowest)' },
};
const QUALITY_LABELS: Record<Quality, Omit<INodePropertyOptions, 'value'>> = {
	low: { name: 'Low', description: 'Fastest and cheapest, good for drafts' },
	medium: { name: 'Medium' },
	high: { name: 'High', description: 'Best detail; can take over 2 minutes and costs more' },
};
const OUTPUT_FORMAT_LABELS: Record<OutputFormat, Omit<INodePropertyOptions, 'value'>> = {
	png: { name: 'PNG' },
	jpeg: { name: 'JPEG' },
};
const WAIT_MODE_LABELS: Record<WaitMode, Omit<INodePropertyOptions, 'value'>> = {
	poll: { name: 'Poll Until Done', description: 'Check the status until the image is ready' },
	sync: { name: 'Sync Mode', description: 'WaveSpeedAI only: WaveSpeed holds the request until the image is ready; falls back to polling after its 90 s limit' },
	none: { name: "Don't Wait", description: 'Return the prediction ID at once; fetch the image later with Get Result' },
};

function optionsFrom<T extends string>(values: readonly T[], labels: Record<T, Omit<INodePropertyOptions, 'value'>>): INodePropertyOptions[] {
	return values.map((value) => ({ ...labels[value], value }));
}

function referenceImagesProperty(show: { operation: string[] }): INodeProperties {
	return {
		displayName: 'Reference Images',
		name: 'referenceImages',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Image',
		description: 'Up to 16 images, in order. The first one is the image being edited; the others guide it (e.g. a product and a scene).',
		default: { image: [{ source: 'binary', binaryField: 'data' }] },
		displayOptions: { show },
		options: [
			{
				displayName: 'Image',
				name: 'image',
				values: [
					{
						displayName: 'Source',
						name: 'source',
						type: 'options',
						options: [
							{ name: 'Binary Field', value: 'binary', description: 'A file carried by the input item (uploaded to the provider for you)' },
							{ name: 'URL', value: 'url', description: 'A public or pre-signed http(s) link' },
						],
						default: 'binary',
					},
					{
						displayName: 'Binary Field',
						name: 'binaryField',
						type: 'string',
						default: 'data',
						placeholder: 'e.g. data',
						description: 'Name of the binary field of the input item that holds the image (PNG, JPEG or WebP)',
						displayOptions: { show: { source: ['binary'] } },
					},
					{
						displayName: 'URL',
						name: 'url',
						type: 'string',
						default: '',
						placeholder: 'e.g. https://example.com/product.png',
						description: 'Link the provider can download the image from',
						displayOptions: { show: { source: ['url'] } },
					},
				],
			},
		],
	};
}

/** How a finished image is handed on: shared by the nodes' Options and the trigger's. */
export const OUTPUT_OPTION: INodeProperties = {
	displayName: 'Output',
	name: 'output',
	type: 'options',
	options: [
		{ name: 'Binary File', value: 'binary', description: 'Download the image into the item as a file' },
		{ name: 'URL Only', value: 'url', description: 'Return the output URLs in JSON (they expire after 7 days)' },
	],
	default: 'binary',
};

export const OUTPUT_FIELD_OPTION: INodeProperties = {
	displayName: 'Put Output In Field',
	name: 'binaryPropertyName',
	type: 'string',
	default: 'data',
	description: 'Binary field that receives the image. Extra images go to data_1, data_2, ….',
};

function optionsProperty(kind: NodeKind): INodeProperties {
	// Inside a collection, displayOptions paths are relative to the collection: '/operation' is the node's operation.
	const submitOnly = { '/operation': [SUBMIT_OPERATION[kind], ESTIMATE_OPERATION] };
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		// Get Many has its own Options (below): none of these apply to a list.
		displayOptions: { hide: { operation: [GET_MANY_OPERATION] } },
		options: [
			{
				displayName: 'File Name',
				name: 'fileName',
				type: 'string',
				default: '',
				placeholder: 'e.g. {{ $json.sku }}-marble',
				description: 'Name of the output file; the extension is added for you. Defaults to the prediction ID.',
			},
			{
				displayName: 'Max Concurrent Requests',
				name: 'maxConcurrency',
				type: 'number',
				typeOptions: { minValue: BOUNDS.maxConcurrency.min, maxValue: BOUNDS.maxConcurrency.max },
				default: 5,
				description:
					'How many items are processed at the same time. Keep it at or below your account\'s concurrent task limit (WaveSpeed Bronze: 2; each::labs GPT Image 2 on a balance up to $10: 2).',
			},
			{
				displayName: 'Max Cost Per Run (USD)',
				name: 'maxCostPerRun',
				type: 'number',
				typeOptions: { minValue: 0.01, numberPrecision: 2 },
				displayOptions: { show: submitOnly },
				default: 10,
				description:
					'Refuse to start a run whose estimated total is above this, before anything is sent. Applies to the whole run (read from the first item).',
			},
			OUTPUT_OPTION,
			{
				displayName: 'Poll Interval (Seconds)',
				name: 'pollInterval',
				type: 'number',
				typeOptions: { minValue: BOUNDS.pollInterval.min, maxValue: BOUNDS.pollInterval.max },
				default: 2,
				description: 'Minimum time between two status checks of one prediction',
			},
			OUTPUT_FIELD_OPTION,
			{
				displayName: 'Reuse Earlier Results (Hours)',
				name: 'reuseWithinHours',
				type: 'number',
				displayOptions: { show: submitOnly },
				typeOptions: { minValue: BOUNDS.reuseWithinHours.min, maxValue: BOUNDS.reuseWithinHours.max },
				default: 24,
				description:
					'Rows whose prompt, settings and images are identical to a result this node delivered within this many hours get that result again (fetched anew, not paid again). Up to 168 hours (7 days). Manual runs remember in memory only.',
			},
			{
				displayName: 'Timeout (Seconds)',
				name: 'timeout',
				type: 'number',
				typeOptions: { minValue: BOUNDS.timeout.min, maxValue: BOUNDS.timeout.max },
				default: 600,
				description: 'How long to wait for a result before reporting the prediction as still running (use Get Result later)',
			},
			{
				displayName: 'Transfer',
				name: 'transfer',
				type: 'options',
				displayOptions: { show: { ...submitOnly, '/provider': providersWhere((can) => can.inlineBase64) } },
				options: [
					{ name: 'Download From URL', value: 'download', description: 'WaveSpeed returns a CDN link; the node downloads it' },
					{ name: 'Inline Base64', value: 'base64', description: 'WaveSpeed returns the image inside the answer (no webhook possible)' },
				],
				default: 'download',
			},
			{
				displayName: 'Webhook URL',
				name: 'webhookUrl',
				type: 'string',
				displayOptions: { show: submitOnly },
				default: '',
				placeholder: 'e.g. {{ $execution.resumeUrl }}',
				description:
					'The provider POSTs the finished prediction here, e.g. a GPT Image 2 Trigger\'s Production URL (add ?sku=… to match rows) or a Wait node\'s resume URL (each::labs also gets the credential\'s Webhook Secret). Not possible with Inline Base64.',
			},
		],
	};
}

/** Parameters of the Edit Image / Generate Image operation. */
function submitProperties(kind: NodeKind): INodeProperties[] {
	// Estimate Cost reads the very same parameters: it prices exactly what the submit would send.
	const show = { operation: [SUBMIT_OPERATION[kind], ESTIMATE_OPERATION] };
	const properties: INodeProperties[] = [
		{
			displayName: 'Prompt',
			name: 'prompt',
			type: 'string',
			typeOptions: { rows: 4 },
			required: true,
			default: '',
			placeholder: kind === 'edit' ? 'e.g. Place the sneaker on a marble counter, soft morning light' : 'e.g. A red sneaker on a marble counter, soft morning light, studio photo',
			description: 'What the image should show, in plain words (up to 32,000 characters)',
			displayOptions: { show },
		},
	];
	if (kind === 'edit') properties.push(referenceImagesProperty(show));
	properties.push(
		kind === 'edit'
			? { ...ASPECT_RATIO, options: ASPECT_RATIO_OPTIONS_WITH_MATCH, default: 'match', displayOptions: { show } }
			: { ...ASPECT_RATIO, displayOptions: { show } },
		{
			displayName: 'Resolution',
			name: 'resolution',
			type: 'options',
			options: optionsFrom(RESOLUTIONS, RESOLUTION_LABELS),
			default: '1k',
			displayOptions: { show },
		},
		{
			displayName: 'Quality',
			name: 'quality',
			type: 'options',
			options: optionsFrom(QUALITIES, QUALITY_LABELS),
			default: 'medium',
			displayOptions: { show },
		},
		{
			displayName: 'Output Format',
			name: 'outputFormat',
			type: 'options',
			options: optionsFrom(OUTPUT_FORMATS, OUTPUT_FORMAT_LABELS),
			default: 'png',
			displayOptions: { show },
		},
		{
			displayName: 'Wait For Result',
			name: 'waitMode',
			type: 'options',
			options: optionsFrom(WAIT_MODES, WAIT_MODE_LABELS),
			default: 'poll',
			displayOptions: { show: { ...show, provider: providersWhere((can) => can.syncMode) } },
		},
		// Sellers without Sync Mode get the same parameter without it (params/ still refuses a saved 'sync').
		{
			displayName: 'Wait For Result',
			name: 'waitMode',
			type: 'options',
			options: optionsFrom(WAIT_MODES, WAIT_MODE_LABELS).filter((option) => option.value !== 'sync'),
			default: 'poll',
			displayOptions: { show: { ...show, provider: providersWhere((can) => !can.syncMode) } },
		},
	);
	return properties;
}

function getResultProperties(): INodeProperties[] {
	const show = { operation: ['getResult'] };
	return [
		{
			displayName: 'Prediction ID',
			name: 'predictionId',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. 9f1c0a7e5b3d4c2a8e6f',
			description: 'The ID returned when the image was submitted: drag in the ID field of the earlier node',
			displayOptions: { show },
		},
		{
			displayName: 'Wait For Completion',
			name: 'waitForCompletion',
			type: 'boolean',
			default: true,
			description: 'Whether to keep checking until the prediction has finished (otherwise return its current status)',
			displayOptions: { show },
		},
	];
}

/** Get Many in n8n's usual shape: Return All / Limit, a Filters collection, Options. */
export function getManyProperties(): INodeProperties[] {
	const show = { operation: [GET_MANY_OPERATION] };
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
			displayOptions: { show },
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: LIMIT_BOUNDS.min, maxValue: LIMIT_BOUNDS.max },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { show: { ...show, returnAll: [false] } },
		},
		{
			displayName: 'Filters',
			name: 'filters',
			type: 'collection',
			placeholder: 'Add Filter',
			default: {},
			displayOptions: { show },
			options: [
				{
					displayName: 'Created After',
					name: 'createdAfter',
					type: 'dateTime',
					default: '',
					description: 'Only predictions created at or after this time',
				},
				{
					displayName: 'Created Before',
					name: 'createdBefore',
					type: 'dateTime',
					default: '',
					description: 'Only predictions created at or before this time',
				},
				{
					displayName: 'Model',
					name: 'model',
					type: 'options',
					options: [
						{ name: 'Any', value: 'any', description: 'Every model of the account, e.g. other nodes and the web UI' },
						{ name: "This Node's Model", value: 'node', description: 'GPT Image 2 predictions of this node (edit or text to image)' },
					],
					default: 'node',
					description: "Which model's predictions to list. Without this filter: this node's model.",
				},
				{
					displayName: 'Status',
					name: 'status',
					type: 'options',
					options: [
						{ name: 'Any', value: 'any' },
						{ name: 'Failed', value: 'failed' },
						{ name: 'Running', value: 'running', description: 'Working now (tasks still queued are listed only without this filter)' },
						{ name: 'Succeeded', value: 'succeeded' },
					],
					default: 'any',
				},
			],
		},
	];
}

/** Timeout (Seconds) for operations that only download (Get Many, the trigger): bounds and default from the Options schema. */
export function downloadTimeoutOption(description: string): INodeProperties {
	return {
		displayName: 'Timeout (Seconds)',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: BOUNDS.timeout.min, maxValue: BOUNDS.timeout.max },
		default: itemOptionsSchema.shape.timeout.parse(undefined),
		description,
	};
}

/** Get Many's Options, under the same name as the others' (only one of the two is shown for an operation). */
export function getManyOptionsProperty(): INodeProperties {
	return {
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			displayOptions: { show: { operation: [GET_MANY_OPERATION] } },
			options: [
				{
					displayName: 'Download Images',
					name: 'downloadImages',
					type: 'boolean',
					default: false,
					description: 'Whether to download the images of finished predictions into the items as files (data, data_1, …)',
				},
				downloadTimeoutOption('How long downloading the images of one input item may take; a prediction whose images are not stored by then keeps its URLs and says why'),
			],
	};
}

export function nodeProperties(kind: NodeKind): INodeProperties[] {
	return [PROVIDER_PROPERTY, operationProperty(kind), ...submitProperties(kind), ...getResultProperties(), ...getManyProperties(), optionsProperty(kind), getManyOptionsProperty()];
}
