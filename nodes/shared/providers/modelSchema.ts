/**
 * A model's input as a seller publishes it (JSON Schema): the subset the node reads. The seller says where its schema
 * is and how to find it in an answer (provider.ts `LiveSchemaSource`); providers/liveSchema.ts reads and keeps it.
 */
import { z } from 'zod';

/** One property of a model's input schema; only what the node reads. */
export const schemaPropertySchema = z
	.object({
		type: z.union([z.string(), z.array(z.string())]).optional(),
		enum: z.array(z.union([z.string(), z.number()])).optional(),
		maxItems: z.number().int().positive().optional(),
	})
	.passthrough();

export const modelInputSchema = z
	.object({
		properties: z.record(schemaPropertySchema),
		required: z.array(z.string()).optional().default([]),
	})
	.passthrough();
export type ModelInputSchema = z.infer<typeof modelInputSchema>;

/** Where a row's request shape came from: the model's live schema, or the documented one when it could not be read. */
export type SchemaSource = 'live' | 'documented';

/** What the node learned about a model for one batch: its live schema, or only that the documented shape applies. */
export type FoundSchema = { source: 'live'; schema: ModelInputSchema } | { source: 'documented' };
