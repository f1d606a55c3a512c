/** The Options collection of the nodes, as a zod schema: its bounds and defaults (the reuse bound from the catalog). */
import { z } from 'zod';

import { isReservedFieldName, OUTPUT_MODES, TRANSFER_MODES } from '../core/schemas';
import { SHORTEST_RETENTION } from '../providers/catalog';

/** Number options' limits, shared with the editor's minValue/maxValue. */
export const BOUNDS = {
	pollInterval: { min: 1, max: 60 },
	timeout: { min: 10, max: 86400 },
	maxConcurrency: { min: 1, max: 100 },
	/** Hours; the upper bound is how long the seller that keeps predictions the shortest keeps them. */
	reuseWithinHours: { min: 1, max: SHORTEST_RETENTION.days * 24 },
} as const;

/**
 * The Options collection. n8n passes only the options a user added, so the defaults below are the real ones
 * (the editor's defaults in editor/properties.ts only pre-fill a newly added option; a test keeps them equal).
 */
export const itemOptionsSchema = z.object({
	output: z.enum(OUTPUT_MODES).default('binary'),
	transfer: z.enum(TRANSFER_MODES).default('download'),
	binaryPropertyName: z
		.string()
		.trim()
		.min(1, 'is empty. Use a field name such as data')
		.regex(/^[A-Za-z0-9_\-.]+$/, 'may only contain letters, digits, _ - and .')
		.refine((name) => !isReservedFieldName(name), (name) => ({ message: `"${name}" is a reserved name and cannot hold a file. Use a field name such as data` }))
		.default('data'),
	fileName: z.string().trim().max(200, 'is longer than 200 characters').optional(),
	pollInterval: z
		.number()
		.min(BOUNDS.pollInterval.min, `must be at least ${BOUNDS.pollInterval.min} second`)
		.max(BOUNDS.pollInterval.max, `must be at most ${BOUNDS.pollInterval.max} seconds`)
		.default(2),
	timeout: z
		.number()
		.min(BOUNDS.timeout.min, `must be at least ${BOUNDS.timeout.min} seconds`)
		.max(BOUNDS.timeout.max, `must be at most ${BOUNDS.timeout.max.toLocaleString('en-US')} seconds (one day)`)
		.default(600),
	maxConcurrency: z
		.number()
		.int('must be a whole number')
		.min(BOUNDS.maxConcurrency.min, `must be at least ${BOUNDS.maxConcurrency.min}`)
		.max(BOUNDS.maxConcurrency.max, `must be at most ${BOUNDS.maxConcurrency.max}`)
		.default(5),
	webhookUrl: z.string().trim().optional(),
	/** Reuse Earlier Results: absent = off. */
	reuseWithinHours: z
		.number()
		.min(BOUNDS.reuseWithinHours.min, `must be at least ${BOUNDS.reuseWithinHours.min} hour`)
		.max(BOUNDS.reuseWithinHours.max, `must be at most ${BOUNDS.reuseWithinHours.max} hours (${SHORTEST_RETENTION.days} days, how long ${SHORTEST_RETENTION.label} keeps results)`)
		.optional(),
	/** A batch setting: read once per run, from the first valid row (batch/preflight.ts). */
	maxCostPerRun: z.number().positive('must be more than 0. Remove the option for no limit').finite().optional(),
});
export type ItemOptions = z.infer<typeof itemOptionsSchema>;
