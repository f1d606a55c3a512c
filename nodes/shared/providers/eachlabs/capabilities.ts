/** What each::labs' GPT Image 2 can do at most (docs/eachlabs-api.md); the model's live schema may allow less. */
import type { ProviderCapabilities } from '../provider';
import { ASPECT_RATIOS, MAX_REFERENCE_IMAGES, OUTPUT_FORMATS, RESOLUTIONS } from '../../schemas';

export const EACHLABS_BASE_URL = 'https://api.eachlabs.ai';

export const EACHLABS_CAPABILITIES: ProviderCapabilities = {
	// Predictions are always created and then read: there is no request that waits for the image.
	syncMode: false,
	// Outputs are always CDN links.
	inlineBase64: false,
	webhooks: true,
	maxReferenceImages: MAX_REFERENCE_IMAGES,
	outputFormats: OUTPUT_FORMATS,
	aspectRatios: ASPECT_RATIOS,
	resolutions: RESOLUTIONS,
};
