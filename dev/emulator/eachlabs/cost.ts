/**
 * What a finished each::labs prediction is charged (metrics.cost, execution_cost). gpt-image-v2: the `costUsd` knob.
 * The v2.5 slugs are usage based: the measured medians (low quality, 1024x1024: text to image $0.0066, edit $0.028)
 * grown by quality, pixels and image count, so a test can tell a real charge from any estimate.
 */
import type { EmulatedTask } from '../types';

const QUALITY_FACTOR: Record<string, number> = { low: 1, medium: 4, high: 12, xhigh: 18, max: 24, auto: 4 };
const V25_LOW_1K = { textToImage: 0.0066, edit: 0.028 };

export function chargeOf(task: EmulatedTask, configuredUsd: number): number {
	if (!task.model.includes('-v2-5-')) return configuredUsd;
	const base = task.model.endsWith('-edit') ? V25_LOW_1K.edit : V25_LOW_1K.textToImage;
	const quality = QUALITY_FACTOR[String(task.input.quality ?? 'auto')] ?? QUALITY_FACTOR.auto;
	const pixels = ((task.width ?? 1024) * (task.height ?? 1024)) / (1024 * 1024);
	return Math.round(base * quality * pixels * Math.max(1, task.outputs.length) * 1e6) / 1e6;
}
