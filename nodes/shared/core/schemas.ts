/**
 * The node's parameter values as zod schemas: the one place their allowed values, bounds and defaults live.
 * editor/properties.ts builds the editor's option lists from these enums (a drift test ties the two).
 */
import { z } from 'zod';

import { describeUrlProblem } from './urls';

/** Every ratio a GPT Image 2 seller lists (the edit model's full list); each provider says which of them it takes. */
export const ASPECT_RATIOS = ['1:1', '3:2', '2:3', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9', '1:2', '2:1', '1:3', '3:1', '9:21'] as const;
/** The ratios every current model page lists, for both models; the other five only where a seller lists them. */
export const PAGE_ASPECT_RATIOS = ['1:1', '3:2', '2:3', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9'] as const satisfies readonly (typeof ASPECT_RATIOS)[number][];
export const RESOLUTIONS = ['1k', '2k', '4k'] as const;
export const QUALITIES = ['low', 'medium', 'high'] as const;
export const OUTPUT_FORMATS = ['png', 'jpeg'] as const;
export const WAIT_MODES = ['poll', 'sync', 'none'] as const;
export const OUTPUT_MODES = ['binary', 'url'] as const;
export const TRANSFER_MODES = ['download', 'base64'] as const;
export const MAX_REFERENCE_IMAGES = 16;
export const MAX_PROMPT_LENGTH = 32000;

export type AspectRatio = (typeof ASPECT_RATIOS)[number];
export type Resolution = (typeof RESOLUTIONS)[number];
export type Quality = (typeof QUALITIES)[number];
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];
export type WaitMode = (typeof WAIT_MODES)[number];

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

/** A value typed as an expression that the node's list lacks (e.g. quality "auto"): only a model's live schema can take it. */
export const schemaValueSchema = z.string().trim().regex(/^[A-Za-z0-9_-]{1,32}$/);

export const imageSettingsSchema = z.object({
	aspectRatio: z.enum(['match', ...ASPECT_RATIOS]),
	resolution: z.enum(RESOLUTIONS),
	/** With `schemaValues.quality` set, the nearest the node knows, for the cost formula: High. */
	quality: z.enum(QUALITIES),
	/** With `schemaValues.outputFormat` set: PNG, unused (the format sent is the typed one). */
	outputFormat: z.enum(OUTPUT_FORMATS),
	/** Values beyond the node's lists, sent as typed when the model's live schema lists them (else refused before any request). */
	schemaValues: z.object({ quality: schemaValueSchema.optional(), outputFormat: schemaValueSchema.optional() }).optional(),
});
export type ImageSettings = z.infer<typeof imageSettingsSchema>;

/** Wait For Result: how the row waits, not what the image is. */
export const waitModeSchema = z.enum(WAIT_MODES);
