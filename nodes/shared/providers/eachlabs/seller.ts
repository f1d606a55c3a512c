/** each::labs as the catalog lists it. */
import type { Seller } from '../seller';
import { EACHLABS } from './entry';
import { eachLabs } from './index';
import { eachLabsCallbacks } from './webhook';

export const EACHLABS_SELLER = { entry: EACHLABS, provider: eachLabs, callbacks: eachLabsCallbacks } as const satisfies Seller;
