/** WaveSpeed's wire shapes (docs/wavespeed-api.md), as zod schemas. */
import { z } from 'zod';

import { MAX_REFERENCE_IMAGES, RESOLUTIONS, schemaValueSchema } from '../../core/schemas';
import { WAVESPEED_ASPECT_RATIOS } from './entry';

export const MODELS = {
	edit: 'openai/gpt-image-2/edit',
	generate: 'openai/gpt-image-2/text-to-image',
} as const;
export type ModelId = (typeof MODELS)[keyof typeof MODELS];

/** Every JSON answer: `code` mirrors the HTTP status, 200 = success even when the HTTP status says otherwise. */
export const envelopeSchema = z.object({
	code: z.number(),
	message: z.string().optional().default(''),
	data: z.unknown().optional(),
});

/** Statuses are open-ended: anything unknown counts as still running. */
export const predictionSchema = z.object({
	id: z.string().min(1),
	model: z.string().optional().default(''),
	status: z.string().min(1),
	outputs: z.array(z.string()).nullish().transform((v) => v ?? []),
	urls: z.object({ get: z.string().optional() }).partial().nullish(),
	has_nsfw_contents: z.array(z.boolean()).nullish().transform((v) => v ?? []),
	created_at: z.string().nullish(),
	error: z.string().nullish(),
	code: z.number().nullish(),
	timings: z.object({ inference: z.number().nullish() }).partial().nullish(),
	executionTime: z.number().nullish(),
});
export type Prediction = z.infer<typeof predictionSchema>;

export const uploadTicketSchema = z.object({
	download_url: z.string().url(),
	upload: z.object({
		method: z.string().optional().default('PUT'),
		url: z.string().url(),
		headers: z.record(z.string()).optional().default({}),
	}),
});
export type UploadTicket = z.infer<typeof uploadTicketSchema>;

export const legacyUploadSchema = z.object({ download_url: z.string().url() });

export const submitRequestSchema = z.object({
	prompt: z.string(),
	images: z.array(z.string()).min(1).max(MAX_REFERENCE_IMAGES).optional(),
	aspect_ratio: z.enum(WAVESPEED_ASPECT_RATIOS).optional(),
	resolution: z.enum(RESOLUTIONS),
	// Checked against the model's schema before the batch starts (modelShape.ts): a typed value it lists may go.
	quality: schemaValueSchema,
	output_format: schemaValueSchema,
	enable_sync_mode: z.boolean(),
	enable_base64_output: z.boolean(),
});
/** Exactly the documented body fields: nothing else is ever sent (the server would drop it silently). */
export type SubmitRequest = z.infer<typeof submitRequestSchema>;
