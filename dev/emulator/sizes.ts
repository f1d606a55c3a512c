/**
 * The emulator's own output pixel sizes, from docs/wavespeed-api.md: WaveSpeed publishes no size table, only the
 * resolutions (1k, 2k, 4k), the aspect ratios and one report (16:9 at 2k = 2736x1536). The rule here: the resolution
 * sets a pixel budget, the ratio the shape, both edges are multiples of 16 and no edge exceeds 3840 (4K UHD).
 * It is written apart from the node's code on purpose: the tests' fake must not share the rule it checks.
 */
import type { Resolution } from './types';

export const ASPECT_RATIOS = [
	'1:1', '1:2', '2:1', '1:3', '3:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '9:21', '21:9',
] as const;
export type AspectRatio = (typeof ASPECT_RATIOS)[number];

/** The ten ratios of WaveSpeed's docs pages (the other five come from the edit model's llms.txt and the family pages). */
export const DOCS_PAGE_RATIOS: readonly AspectRatio[] = ['1:1', '3:2', '2:3', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9'];

export const RESOLUTIONS: readonly Resolution[] = ['1k', '2k', '4k'];

/** Pixel budget per resolution: 1k is a 1024 square, 2k a 2048 square (gives the reported 2736x1536), 4k is UHD. */
const PIXEL_BUDGET: Record<Resolution, number> = { '1k': 1 << 20, '2k': 1 << 22, '4k': 3840 * 2160 };

/** Longest edge any output has. */
export const MAX_EDGE = 3840;

/** The widest documented ratios are 1:3 and 3:1; a first image outside them is drawn at the nearest one. */
const WIDEST = 3;

const multipleOf16 = (edge: number): number => Math.max(16, 16 * Math.round(edge / 16));

/** Width over height of 'w:h'. */
export function parseAspectRatio(aspectRatio: string): number {
	const parts = aspectRatio.split(':').map(Number);
	if (parts.length !== 2 || !parts.every((part) => Number.isInteger(part) && part > 0)) throw new Error(`Bad aspect ratio '${aspectRatio}'`);
	return parts[0] / parts[1];
}

/** The size for a width/height ratio at a resolution. */
export function sizeForRatio(ratio: number, resolution: Resolution): { width: number; height: number } {
	const shape = Math.min(WIDEST, Math.max(1 / WIDEST, ratio));
	const height = Math.sqrt(PIXEL_BUDGET[resolution] / shape);
	const width = height * shape;
	const shrink = Math.min(1, MAX_EDGE / Math.max(width, height));
	return { width: multipleOf16(width * shrink), height: multipleOf16(height * shrink) };
}

/** The size the emulator renders for an aspect ratio and resolution. */
export function expectedSize(aspectRatio: string, resolution: Resolution): { width: number; height: number } {
	return sizeForRatio(parseAspectRatio(aspectRatio), resolution);
}
