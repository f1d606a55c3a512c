/** each::labs in the catalog: what its GPT Image 2 can do at most (docs/eachlabs-api.md); the model's live schema may allow less. */
import { PAGE_ASPECT_RATIOS, MAX_REFERENCE_IMAGES, OUTPUT_FORMATS, RESOLUTIONS } from '../../core/schemas';
import type { ProviderEntry } from '../entry';

export const EACHLABS_BASE_URL = 'https://api.eachlabs.ai';

export const EACHLABS = {
	id: 'eachlabs',
	label: 'each::labs',
	editorName: 'each::labs',
	editorDescription: 'Billed per token; sizes and fields from the model\'s schema',
	credentialName: 'eachLabsApi',
	defaultBaseUrl: EACHLABS_BASE_URL,
	// each::labs documents no attribution headers.
	headers: {},
	capabilities: {
		// Predictions are always created and then read: there is no request that waits for the image.
		syncMode: false,
		// Outputs are always CDN links.
		inlineBase64: false,
		webhookWithInlineBase64: false,
		webhooks: true,
		maxReferenceImages: MAX_REFERENCE_IMAGES,
		outputFormats: OUTPUT_FORMATS,
		aspectRatios: PAGE_ASPECT_RATIOS,
		resolutions: RESOLUTIONS,
	},
} as const satisfies ProviderEntry;
