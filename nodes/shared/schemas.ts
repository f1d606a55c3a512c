/** The WaveSpeed API's shapes (wavespeed-api.md) and the node's parameter values, as zod schemas. */
import { z } from 'zod';

export const MODELS = {
	edit: 'openai/gpt-image-2/edit',
	generate: 'openai/gpt-image-2/text-to-image',
} as const;
export type ModelId = (typeof MODELS)[keyof typeof MODELS];

/** The ratios WaveSpeed's current model pages list (a ratio the server ignores would bill an image of the wrong shape). */
export const ASPECT_RATIOS = ['1:1', '3:2', '2:3', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9'] as const;
/** Offered by earlier versions from one older page only; saved workflows may still hold them. */
export const REMOVED_ASPECT_RATIOS = ['1:2', '2:1', '1:3', '3:1', '9:21'] as const;
export const RESOLUTIONS = ['1k', '2k', '4k'] as const;
export const QUALITIES = ['low', 'medium', 'high'] as const;
export const OUTPUT_FORMATS = ['png', 'jpeg'] as const;
export const WAIT_MODES = ['poll', 'sync', 'none'] as const;
export const OUTPUT_MODES = ['binary', 'url'] as const;
export const TRANSFER_MODES = ['download', 'base64'] as const;
export const MAX_REFERENCE_IMAGES = 16;
export const MAX_PROMPT_LENGTH = 32000;

// ---- API answers -------------------------------------------------------------------------

/** Every JSON answer: `code` mirrors the HTTP status, 200 = success even when the HTTP status says otherwise. */
export const envelopeSchema = z.object({
	code: z.number(),
	message: z.string().optional().default(''),
	data: z.unknown().optional(),
});
export type Envelope = z.infer<typeof envelopeSchema>;

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

export const balanceSchema = z.object({ balance: z.number() });

// ---- Node parameters -------------------------------------------------------------------

/** Control characters (C0 other than tab, newline and carriage return; DEL; C1) never belong in a prompt. */
export function hasControlCharacters(text: string): boolean {
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if ((code < 32 && code !== 9 && code !== 10 && code !== 13) || (code >= 0x7f && code <= 0x9f)) return true;
	}
	return false;
}

/** Prediction ids go into URL paths: only these characters, so an id like ".." can never change the path. */
export function isSafePredictionId(id: string): boolean {
	return /^[A-Za-z0-9_-]{1,128}$/.test(id) && !/^[.]+$/.test(id);
}

/** Names JavaScript objects already use: as a binary field they would reach the prototype, not a field. */
export const RESERVED_FIELD_NAMES = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString'];

export function isReservedFieldName(name: string): boolean {
	return RESERVED_FIELD_NAMES.includes(name.trim());
}

export const promptSchema = z
	.string({ invalid_type_error: 'must be text' })
	.refine((p) => p.trim().length > 0, 'is empty. Describe the image you want, e.g. "place it on a marble counter"')
	.refine((p) => p.length <= MAX_PROMPT_LENGTH, (p) => ({
		message: `is ${p.length.toLocaleString('en-US')} characters long; the limit is ${MAX_PROMPT_LENGTH.toLocaleString('en-US')}. Shorten it`,
	}))
	.refine((p) => !hasControlCharacters(p), 'contains control characters. Remove them (newlines and tabs are fine)');

const httpUrl = (what: string) =>
	z.string().trim().superRefine((value, ctx) => {
		const problem = describeUrlProblem(value);
		if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${problem} (${what})` });
	});

/** Why a URL cannot be sent to WaveSpeed, or undefined when it can. */
export function describeUrlProblem(value: string): string | undefined {
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		return `"${truncate(hideUserInfo(value), 80)}" is not a valid URL. Use a full public address, e.g. https://example.com/photo.png`;
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		return `"${truncate(redactUrl(url), 80)}" uses ${url.protocol.replace(':', '')}:, but only http and https URLs can be fetched`;
	}
	if (url.username || url.password) {
		return `"${truncate(redactUrl(url), 80)}" contains a user name or password. Use a URL without credentials, e.g. a pre-signed link`;
	}
	return undefined;
}

/** Text that may hold `user:password@` before a host: never echo it. */
export function hideUserInfo(text: string): string {
	return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1');
}

export function redactUrl(url: URL): string {
	const copy = new URL(url.toString());
	copy.username = '';
	copy.password = '';
	return copy.toString();
}

export function truncate(text: string, max: number): string {
	return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export const referenceImageSchema = z.discriminatedUnion('source', [
	z.object({
		source: z.literal('binary'),
		binaryField: z
			.string()
			.trim()
			.min(1, 'needs a binary field name, e.g. data')
			.refine((name) => !isReservedFieldName(name), (name) => ({ message: `binary field name "${name}" is a reserved name and cannot hold a file. Rename the field in the node before, e.g. to data` })),
	}),
	z.object({ source: z.literal('url'), url: httpUrl('reference image URL') }),
]);
export type ReferenceImage = z.infer<typeof referenceImageSchema>;

export const outputOptionsSchema = z.object({
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
	pollInterval: z.number().min(1, 'must be at least 1 second').max(60, 'must be at most 60 seconds').default(2),
	timeout: z.number().min(10, 'must be at least 10 seconds').max(86400, 'must be at most 86,400 seconds (one day)').default(600),
	maxConcurrency: z.number().int('must be a whole number').min(1, 'must be at least 1').max(100, 'must be at most 100').default(5),
	webhookUrl: z.string().trim().optional(),
	/** Reuse Earlier Results: absent = off. */
	reuseWithinHours: z.number().min(1, 'must be at least 1 hour').max(168, 'must be at most 168 hours (7 days, how long WaveSpeed keeps results)').optional(),
});
export type OutputOptions = z.infer<typeof outputOptionsSchema>;

export const imageSettingsSchema = z.object({
	aspectRatio: z.enum(['match', ...ASPECT_RATIOS]),
	resolution: z.enum(RESOLUTIONS),
	quality: z.enum(QUALITIES),
	outputFormat: z.enum(OUTPUT_FORMATS),
	waitMode: z.enum(WAIT_MODES),
});
export type ImageSettings = z.infer<typeof imageSettingsSchema>;

export const submitRequestSchema = z.object({
	prompt: z.string(),
	images: z.array(z.string()).min(1).max(MAX_REFERENCE_IMAGES).optional(),
	aspect_ratio: z.enum(ASPECT_RATIOS).optional(),
	resolution: z.enum(RESOLUTIONS),
	quality: z.enum(QUALITIES),
	output_format: z.enum(OUTPUT_FORMATS),
	enable_sync_mode: z.boolean(),
	enable_base64_output: z.boolean(),
});
/** Exactly the documented body fields: nothing else is ever sent (the server would drop it silently). */
export type SubmitRequest = z.infer<typeof submitRequestSchema>;
