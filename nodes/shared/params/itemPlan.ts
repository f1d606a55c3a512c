/** Reads one item's parameters (expressions already resolved by n8n) and validates them before any request. */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { z } from 'zod';

import { inputFailure } from '../core/errors';
import { checkBinaryField } from './references';
import type { NodeKind, SubmitOperation } from '../core/kinds';
import { ESTIMATE_OPERATION, SUBMIT_OPERATION } from '../core/kinds';
import type { Provider } from '../providers/provider';
import type { ImageSettings, ReferenceImage, WaitMode } from '../core/schemas';
import { imageSettingsSchema, waitModeSchema, MAX_REFERENCE_IMAGES, promptSchema, OUTPUT_FORMATS, QUALITIES, referenceImageSchema, schemaValueSchema } from '../core/schemas';
import { describeUrlProblem } from '../core/urls';
import type { ItemOptions } from './options';
import { itemOptionsSchema } from './options';

export interface SubmitPlan {
	operation: SubmitOperation;
	prompt: string;
	references: ReferenceImage[];
	settings: ImageSettings;
	/** Wait For Result. */
	waitMode: WaitMode;
	options: ItemOptions;
}

export interface GetResultPlan {
	operation: 'getResult';
	predictionId: string;
	waitForCompletion: boolean;
	options: ItemOptions;
}

/** Estimate Cost: the row is read and checked exactly as its submit would be, then only priced. */
export interface EstimatePlan {
	operation: typeof ESTIMATE_OPERATION;
	submit: SubmitPlan;
}

export type ItemPlan = SubmitPlan | GetResultPlan | EstimatePlan;

/** Editor names of the parameters, for messages. */
const LABELS: Record<string, string> = {
	prompt: 'Prompt',
	aspectRatio: 'Aspect Ratio',
	resolution: 'Resolution',
	quality: 'Quality',
	outputFormat: 'Output Format',
	waitMode: 'Wait For Result',
	output: 'Options > Output',
	transfer: 'Options > Transfer',
	binaryPropertyName: 'Options > Put Output In Field',
	fileName: 'Options > File Name',
	pollInterval: 'Options > Poll Interval',
	timeout: 'Options > Timeout',
	maxConcurrency: 'Options > Max Concurrent Requests',
	reuseWithinHours: 'Options > Reuse Earlier Results (Hours)',
	webhookUrl: 'Options > Webhook URL',
	maxCostPerRun: 'Options > Max Cost Per Run (USD)',
};

/** The values each choice parameter takes, read from the zod enums (the one place they are written). */
const ALLOWED_VALUES: Record<string, readonly string[]> = {
	aspectRatio: imageSettingsSchema.shape.aspectRatio.options,
	resolution: imageSettingsSchema.shape.resolution.options,
	quality: imageSettingsSchema.shape.quality.options,
	outputFormat: imageSettingsSchema.shape.outputFormat.options,
	waitMode: waitModeSchema.options,
	output: itemOptionsSchema.shape.output.removeDefault().options,
	transfer: itemOptionsSchema.shape.transfer.removeDefault().options,
};

/** A zod failure in words: which parameter, what is wrong, and the values it takes. */
export function describeIssue(issue: z.ZodIssue, received?: unknown): { message: string; hint: string } {
	const key = String(issue.path[issue.path.length - 1] ?? '');
	const label = LABELS[key] ?? key;
	if (issue.code === 'invalid_enum_value' || (issue.code === 'invalid_type' && ALLOWED_VALUES[key])) {
		const allowed = ALLOWED_VALUES[key] ?? [];
		return {
			message: `${label} "${String(received)}" is not a supported value`,
			hint: `Use one of: ${allowed.join(', ')}.`,
		};
	}
	// zod reports .int() as invalid_type 'integer'/'float': keep the schema's own words ("must be a whole number").
	if (issue.code === 'invalid_type' && issue.expected === 'integer') {
		return { message: `${label} ${issue.message}`, hint: `Change ${label}.` };
	}
	if (issue.code === 'invalid_type') {
		return { message: `${label} must be ${issue.expected}, not ${issue.received}`, hint: `Check the value or expression of ${label}.` };
	}
	return { message: `${label} ${issue.message}`, hint: `Change ${label}.` };
}

function parseOrFail<T extends z.ZodTypeAny>(schema: T, value: unknown): z.infer<T> {
	const result = schema.safeParse(value);
	if (result.success) return result.data;
	const issue = result.error.issues[0];
	const received = issue.path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), value);
	const { message, hint } = describeIssue(issue, received);
	throw inputFailure(message, hint);
}

/** n8n hands numbers typed in an expression over as strings; accept "5" where 5 is meant. */
function numeric(value: unknown): unknown {
	return typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)) ? Number(value) : value;
}

export function readItemOptions(fx: IExecuteFunctions, itemIndex: number, provider: Provider): ItemOptions {
	const raw = fx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const options = parseOrFail(itemOptionsSchema, {
		...raw,
		fileName: typeof raw.fileName === 'string' && raw.fileName.trim() === '' ? undefined : raw.fileName,
		webhookUrl: typeof raw.webhookUrl === 'string' && raw.webhookUrl.trim() === '' ? undefined : raw.webhookUrl,
		pollInterval: numeric(raw.pollInterval),
		timeout: numeric(raw.timeout),
		maxConcurrency: numeric(raw.maxConcurrency),
		maxCostPerRun: numeric(raw.maxCostPerRun),
		reuseWithinHours: numeric(raw.reuseWithinHours),
	});
	if (options.webhookUrl) {
		const problem = describeUrlProblem(options.webhookUrl);
		if (problem) throw inputFailure(`Options > Webhook URL: ${problem}`, `Use the URL of a webhook that ${provider.label} can reach, e.g. the Wait node's resume URL.`);
		if (options.transfer === 'base64' && !provider.capabilities.webhookWithInlineBase64) {
			throw inputFailure(
				`Options > Webhook URL cannot be combined with Transfer: Inline Base64 (${provider.label} refuses that pair)`,
				'Set Transfer to Download From URL, or remove the Webhook URL.',
			);
		}
	}
	return options;
}

function readReferences(fx: IExecuteFunctions, itemIndex: number): ReferenceImage[] {
	const collection = fx.getNodeParameter('referenceImages', itemIndex, {}) as { image?: IDataObject[] };
	const entries = collection.image ?? [];
	if (entries.length === 0) {
		throw inputFailure('No reference image is set', 'Add at least one image under Reference Images (the first one is edited).');
	}
	if (entries.length > MAX_REFERENCE_IMAGES) {
		throw inputFailure(
			`${entries.length} reference images are set; GPT Image 2 takes at most ${MAX_REFERENCE_IMAGES}`,
			`Remove ${entries.length - MAX_REFERENCE_IMAGES} of them.`,
		);
	}
	const binaries = fx.getInputData()[itemIndex]?.binary;
	return entries.map((entry, position) => {
		const parsed = referenceImageSchema.safeParse({ source: entry.source ?? 'binary', ...entry });
		if (!parsed.success) {
			const issue = parsed.error.issues[0];
			const source = String(entry.source ?? 'binary');
			throw inputFailure(
				`Reference image ${position + 1}: ${issue.code === 'invalid_union_discriminator' ? `unknown source "${source}"` : issue.message}`,
				issue.code === 'invalid_union_discriminator' ? 'Use Binary Field or URL.' : 'Fix this entry under Reference Images.',
			);
		}
		if (parsed.data.source === 'binary') checkBinaryField(binaries, parsed.data.binaryField, position + 1);
		return parsed.data;
	});
}

/** A value typed beyond the node's list, for the model's live schema to decide; undefined when the list's own check applies. */
function beyondList(value: unknown, listed: readonly string[], provider: Provider): string | undefined {
	if (!provider.liveSchema || typeof value !== 'string' || listed.includes(value) || !schemaValueSchema.safeParse(value).success) return undefined;
	return value.trim();
}

/**
 * Quality and Output Format as typed. A value beyond the node's list goes to the model's live schema when the
 * provider reads one (the settings then hold High and PNG for the formula and the download); otherwise the list's
 * own check refuses it.
 */
function typedSettings(fx: IExecuteFunctions, itemIndex: number, provider: Provider): Record<string, unknown> {
	const quality = fx.getNodeParameter('quality', itemIndex);
	const outputFormat = fx.getNodeParameter('outputFormat', itemIndex);
	const schemaValues = { quality: beyondList(quality, QUALITIES, provider), outputFormat: beyondList(outputFormat, OUTPUT_FORMATS, provider) };
	return {
		quality: schemaValues.quality ? 'high' : quality,
		outputFormat: schemaValues.outputFormat ? 'png' : outputFormat,
		...(schemaValues.quality || schemaValues.outputFormat ? { schemaValues } : {}),
	};
}

/** Everything an item needs, validated: throws an 'input' failure that names the parameter and the fix. */
export function readItemPlan(fx: IExecuteFunctions, itemIndex: number, kind: NodeKind, provider: Provider): ItemPlan {
	const operation = fx.getNodeParameter('operation', itemIndex) as string;
	const options = readItemOptions(fx, itemIndex, provider);
	if (operation === 'getResult') {
		const predictionId = String(fx.getNodeParameter('predictionId', itemIndex, '') ?? '').trim();
		if (!/^[A-Za-z0-9_-]{1,128}$/.test(predictionId)) {
			throw inputFailure(
				predictionId ? `Prediction ID "${predictionId.slice(0, 80)}" is not a valid ID` : 'Prediction ID is empty',
				'Use the id from an earlier run of this node, e.g. {{ $json.id }}.',
			);
		}
		const waitForCompletion = fx.getNodeParameter('waitForCompletion', itemIndex, true) as boolean;
		return { operation: 'getResult', predictionId, waitForCompletion: waitForCompletion !== false, options };
	}
	const expected = SUBMIT_OPERATION[kind];
	if (operation !== expected && operation !== ESTIMATE_OPERATION) {
		throw inputFailure(`Operation "${operation}" is not supported by this node`, `Use ${expected}, ${ESTIMATE_OPERATION} or getResult.`);
	}
	const { prompt } = parseOrFail(z.object({ prompt: promptSchema }), { prompt: fx.getNodeParameter('prompt', itemIndex, '') });
	const settings = parseOrFail(imageSettingsSchema, {
		aspectRatio: fx.getNodeParameter('aspectRatio', itemIndex),
		resolution: fx.getNodeParameter('resolution', itemIndex),
		...typedSettings(fx, itemIndex, provider),
	});
	const { waitMode } = parseOrFail(z.object({ waitMode: waitModeSchema }), { waitMode: fx.getNodeParameter('waitMode', itemIndex) });
	if (kind === 'generate' && settings.aspectRatio === 'match') {
		throw inputFailure('Aspect Ratio "match" needs a reference image', 'Pick a ratio such as 1:1 for Generate Image.');
	}
	const references = kind === 'edit' ? readReferences(fx, itemIndex) : [];
	const plan: SubmitPlan = { operation: expected, prompt, references, settings, waitMode, options };
	checkCapabilities(plan, provider);
	return operation === ESTIMATE_OPERATION ? { operation: ESTIMATE_OPERATION, submit: plan } : plan;
}

/** What this provider cannot do is refused here, before anything is sent. */
export function checkCapabilities(plan: SubmitPlan, provider: Provider): void {
	const { capabilities: can, label } = provider;
	const refuse = (what: string, fix: string) => {
		throw inputFailure(`${what} is not available with ${label}`, fix);
	};
	if (plan.waitMode === 'sync' && !can.syncMode) refuse('Wait For Result: Sync Mode', 'Use Poll Until Done.');
	if (plan.options.transfer === 'base64' && !can.inlineBase64) refuse('Options > Transfer: Inline Base64', 'Use Download From URL.');
	if (plan.options.webhookUrl && !can.webhooks) refuse('Options > Webhook URL', 'Remove the Webhook URL and let the node poll.');
	if (plan.settings.aspectRatio !== 'match' && !can.aspectRatios.includes(plan.settings.aspectRatio)) {
		refuse(`Aspect Ratio ${plan.settings.aspectRatio}`, `Use one of: ${can.aspectRatios.join(', ')}.`);
	}
	if (!can.resolutions.includes(plan.settings.resolution)) refuse(`Resolution ${plan.settings.resolution}`, `Use one of: ${can.resolutions.join(', ')}.`);
	if (!can.outputFormats.includes(plan.settings.outputFormat)) refuse(`Output Format ${plan.settings.outputFormat}`, `Use one of: ${can.outputFormats.join(', ')}.`);
	if (plan.references.length > can.maxReferenceImages) {
		refuse(`${plan.references.length} reference images`, `${label} takes at most ${can.maxReferenceImages}; remove ${plan.references.length - can.maxReferenceImages}.`);
	}
}
