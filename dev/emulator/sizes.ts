/** Output pixel sizes: the node's own rule (nodes/shared/sizes.ts), so estimates and rendered images agree. */
import { MAX_EDGE, outputSize, parseAspectRatio, sizeForRatio } from '../../nodes/shared/core/sizes';
import type { Resolution } from './types';

export { MAX_EDGE, parseAspectRatio, sizeForRatio };

export const ASPECT_RATIOS = [
	'1:1', '1:2', '2:1', '1:3', '3:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '9:21', '21:9',
] as const;
export type AspectRatio = (typeof ASPECT_RATIOS)[number];

export const RESOLUTIONS: readonly Resolution[] = ['1k', '2k', '4k'];

/** The size the emulator renders for a documented aspect ratio and resolution. */
export function expectedSize(aspectRatio: string, resolution: Resolution): { width: number; height: number } {
	return outputSize(aspectRatio, resolution);
}
