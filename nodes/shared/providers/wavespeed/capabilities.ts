/** What WaveSpeed's GPT Image 2 accepts (docs/wavespeed-api.md). */
import type { ProviderCapabilities } from '../provider';
import { ASPECT_RATIOS, MAX_REFERENCE_IMAGES, OUTPUT_FORMATS, RESOLUTIONS } from '../../schemas';

export const WAVESPEED_BASE_URL = 'https://api.wavespeed.ai';

export const WAVESPEED_ASPECT_RATIOS = ASPECT_RATIOS;

export const WAVESPEED_CAPABILITIES: ProviderCapabilities = {
	syncMode: true,
	inlineBase64: true,
	webhooks: true,
	maxReferenceImages: MAX_REFERENCE_IMAGES,
	outputFormats: OUTPUT_FORMATS,
	aspectRatios: WAVESPEED_ASPECT_RATIOS,
	resolutions: RESOLUTIONS,
};
