/** WaveSpeedAI as a provider of GPT Image 2. */
import type { PreparedProvider, Provider } from '../provider';
import { readResult, readSubmit, resultCall, resultUrl, submitCall } from './api';
import { WAVESPEED } from './entry';
import { WAVESPEED_HISTORY } from './history';
import { WAVESPEED_PRICING } from './pricing';
import { uploadImage } from './upload';

/** WaveSpeed's request shape is fixed for now (no live schema read yet): nothing beyond the capabilities to refuse. */
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
	bind: () => prepared,
	refuse: () => undefined,
	notes: () => ({ schemaSource: 'documented' }),
};

export const waveSpeed: Provider = prepared;
