/** each::labs' wire shapes (docs/eachlabs-api.md), as zod schemas; lenient where the docs disagree. */
import { z } from 'zod';

import { modelInputSchema } from '../modelSchema';

export const MODELS = { edit: 'gpt-image-v2-edit', generate: 'gpt-image-v2-text-to-image' } as const;

/** Deprecated and ignored by the current API; older docs require it, and it is harmless to send. */
export const MODEL_VERSION = '0.0.1';

/** The documented `{ predictionID }`; a numeric id is kept, as text (it names a prediction that exists). */
export const createAnswerSchema = z.object({ predictionID: z.union([z.string().min(1), z.number().int().nonnegative()]).transform(String) });

/** Error bodies: `{error}`, `{status, error, details}` or `{message}`, depending on the endpoint. */
export const errorBodySchema = z
	.object({ error: z.unknown(), details: z.unknown(), message: z.unknown() })
	.partial()
	.passthrough();

/** The error object some failed predictions carry inside `output`. */
export const outputErrorSchema = z.object({
	error_code: z.union([z.string(), z.number()]).optional(),
	error_message: z.string().optional(),
	classification: z.string().optional(),
	retryable: z.boolean().optional(),
});
export type OutputError = z.infer<typeof outputErrorSchema>;

export const predictionSchema = z.object({
	id: z.string().min(1),
	model: z.string().nullish(),
	status: z.string().min(1),
	output: z.unknown().optional(),
	logs: z.string().nullish(),
	error: z.unknown().optional(),
	message: z.string().nullish(),
	details: z.string().nullish(),
	metrics: z.object({ predict_time: z.number().nullish(), cost: z.number().nullish() }).partial().nullish(),
	urls: z.object({ get: z.string().nullish() }).partial().nullish(),
	created_at: z.string().nullish(),
});
export type Prediction = z.infer<typeof predictionSchema>;

/** A model-details answer: `request_schema` is the JSON Schema of `input`. */
export const modelAnswerSchema = z.object({ request_schema: modelInputSchema });

export const presignAnswerSchema = z.object({
	presigned_url: z.string().url(),
	public_url: z.string().url(),
	required_headers: z.record(z.string()).nullish().transform((v) => v ?? {}),
});
