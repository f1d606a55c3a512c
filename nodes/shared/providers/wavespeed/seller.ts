/** WaveSpeedAI as the catalog lists it. */
import type { Seller } from '../seller';
import { WAVESPEED } from './entry';
import { waveSpeed } from './index';
import { waveSpeedCallbacks } from './webhook';

export const WAVESPEED_SELLER = { entry: WAVESPEED, provider: waveSpeed, callbacks: waveSpeedCallbacks } as const satisfies Seller;
