/** WaveSpeedAI as a provider of GPT Image 2. */
import type { PreparedProvider, Provider } from '../provider';
import { CLIENT_NAME, CLIENT_VERSION, readResult, readSubmit, resultCall, resultUrl, submitCall } from './api';
import { WAVESPEED_BASE_URL, WAVESPEED_CAPABILITIES } from './capabilities';
import { WAVESPEED_PRICING } from './pricing';
import { uploadImage } from './upload';

/** WaveSpeed's request shape is fixed: nothing to read, nothing beyond the capabilities to refuse. */
const prepared: PreparedProvider = {
	id: 'wavespeed',
	label: 'WaveSpeed',
	credentialName: 'waveSpeedApi',
	defaultBaseUrl: WAVESPEED_BASE_URL,
	capabilities: WAVESPEED_CAPABILITIES,
	headers: { 'X-Client-Name': CLIENT_NAME, 'X-Client-Version': CLIENT_VERSION },
	submitCall,
	readSubmit,
	resultCall,
	readResult,
	resultUrl,
	pricing: WAVESPEED_PRICING,
	upload: uploadImage,
	prepare: async () => prepared,
	refuse: () => undefined,
	notes: () => ({}),
};

export const waveSpeed: Provider = prepared;
