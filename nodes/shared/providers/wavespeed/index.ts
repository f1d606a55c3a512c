/** WaveSpeedAI as a provider of GPT Image 2. */
import type { PreparedProvider, Provider } from '../provider';
import { readResult, readSubmit, resultCall, resultUrl, submitCall } from './api';
import { WAVESPEED } from './entry';
import { WAVESPEED_HISTORY } from './history';
import { WAVESPEED_PRICING } from './pricing';
import { uploadImage } from './upload';

/** WaveSpeed's request shape is fixed: nothing to read, nothing beyond the capabilities to refuse. */
const prepared: PreparedProvider = {
	...WAVESPEED,
	submitCall,
	readSubmit,
	resultCall,
	readResult,
	resultUrl,
	pricing: WAVESPEED_PRICING,
	history: WAVESPEED_HISTORY,
	upload: uploadImage,
	prepare: async () => prepared,
	refuse: () => undefined,
	notes: () => ({}),
};

export const waveSpeed: Provider = prepared;
