/** WaveSpeedAI as a provider of GPT Image 2: values checked against the model's catalog schema (providers/liveSchema.ts reads it). */
import type { PreparedProvider, Provider } from '../provider';
import { readResult, readSubmit, resultCall, resultUrl, submitCall } from './api';
import { WAVESPEED } from './entry';
import { WAVESPEED_HISTORY } from './history';
import type { ModelShape } from './modelShape';
import { documentedShape, readSchema, refuseRequest, schemaCalls, shapeOf } from './modelShape';
import { WAVESPEED_PRICING } from './pricing';
import { uploadImage } from './upload';

/** WaveSpeed's official tools keep the catalog an hour; a model's lists rarely change. */
const CATALOG_REMEMBERED_MS = 60 * 60 * 1000;

function bound(shape: ModelShape): PreparedProvider {
	return {
		...waveSpeed,
		refuse: (request) => refuseRequest(shape, request),
		notes: () => ({ schemaSource: shape.source }),
	};
}

export const waveSpeed: Provider = {
	...WAVESPEED,
	submitCall,
	readSubmit,
	resultCall,
	readResult,
	resultUrl,
	pricing: WAVESPEED_PRICING,
	history: WAVESPEED_HISTORY,
	upload: uploadImage,
	liveSchema: { calls: schemaCalls, read: readSchema, rememberMs: CATALOG_REMEMBERED_MS },
	bind: (kind, found) => bound(found.source === 'live' ? shapeOf(kind, found) : documentedShape(kind)),
};
