/**
 * Output pixel sizes: area set by the resolution, shape by the aspect ratio, both edges multiples of 16.
 * No provider publishes its sizes (one report: 16:9 at 2k = 2736x1536); this rule matches that report. The cost
 * formula uses it; the emulator keeps a rule of its own so the tests do not share it.
 */
import type { Resolution } from './schemas';

export interface PixelSize {
	width: number;
	height: number;
}

/** Target pixel area per resolution: 1k ~ 1024², 2k ~ 2048² (16:9 -> 2736x1536, a reported size), 4k ~ 3840x2160. */
const AREA: Record<Resolution, number> = {
	'1k': 1024 * 1024,
	'2k': 2048 * 2048,
	'4k': 3840 * 2160,
};

/** No edge longer than this, whatever the ratio (keeps 4K at about 8 megapixels). */
export const MAX_EDGE = 3840;

/** Ratios are clamped to this range (the widest documented ratios are 1:3 and 3:1). */
const MIN_RATIO = 1 / 3;
const MAX_RATIO = 3;

const roundTo16 = (n: number): number => Math.max(16, Math.round(n / 16) * 16);

/** Parses 'w:h' into width/height; throws on anything else. */
export function parseAspectRatio(aspectRatio: string): number {
	const match = /^(\d+):(\d+)$/.exec(aspectRatio);
	if (!match || Number(match[1]) === 0 || Number(match[2]) === 0) throw new Error(`Bad aspect ratio '${aspectRatio}'`);
	return Number(match[1]) / Number(match[2]);
}

/** Size for a width/height ratio at a resolution: same area, long edge capped, edges rounded to 16. */
export function sizeForRatio(ratio: number, resolution: Resolution): PixelSize {
	const clamped = Math.min(MAX_RATIO, Math.max(MIN_RATIO, ratio));
	let width = Math.sqrt(AREA[resolution] * clamped);
	let height = Math.sqrt(AREA[resolution] / clamped);
	const longEdge = Math.max(width, height);
	if (longEdge > MAX_EDGE) {
		width = (width * MAX_EDGE) / longEdge;
		height = (height * MAX_EDGE) / longEdge;
	}
	return { width: roundTo16(width), height: roundTo16(height) };
}

/** The size of an output for a documented aspect ratio ('w:h') and resolution. */
export function outputSize(aspectRatio: string, resolution: Resolution): PixelSize {
	return sizeForRatio(parseAspectRatio(aspectRatio), resolution);
}
