/** WaveSpeedAI in the catalog: what its GPT Image 2 accepts (docs/wavespeed-api.md). */
import { ASPECT_RATIOS, MAX_REFERENCE_IMAGES, OUTPUT_FORMATS, RESOLUTIONS } from '../../core/schemas';
import type { ProviderEntry } from '../entry';

export const WAVESPEED_BASE_URL = 'https://api.wavespeed.ai';

/** Attribution headers WaveSpeed documents; a unit test keeps them equal to package.json's name and version. */
export const CLIENT_NAME = 'n8n-nodes-gpt-image-2';
export const CLIENT_VERSION = '0.2.0';

/** All 15: which of them a model takes is its schema's (or its docs') word, checked in modelShape.ts. */
export const WAVESPEED_ASPECT_RATIOS = ASPECT_RATIOS;

export const WAVESPEED = {
	id: 'wavespeed',
	label: 'WaveSpeed',
	editorName: 'WaveSpeedAI',
	editorDescription: 'Sync Mode, Inline Base64, up to 4K',
	credentialName: 'waveSpeedApi',
	defaultBaseUrl: WAVESPEED_BASE_URL,
	headers: { 'X-Client-Name': CLIENT_NAME, 'X-Client-Version': CLIENT_VERSION },
	capabilities: {
		syncMode: true,
		syncLimitSeconds: 90,
		inlineBase64: true,
		// The API refuses a webhook on a request whose outputs come back inline.
		webhookWithInlineBase64: false,
		webhooks: true,
		maxReferenceImages: MAX_REFERENCE_IMAGES,
		outputFormats: OUTPUT_FORMATS,
		aspectRatios: WAVESPEED_ASPECT_RATIOS,
		resolutions: RESOLUTIONS,
		retentionDays: 7,
	},
} as const satisfies ProviderEntry;
