/** What every workflow test needs: an emulator, the harness with its credentials, and common checks. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INodeParameters } from 'n8n-workflow';
import sharp from 'sharp';

import type { Emulator, RecordedRequest } from '../../dev/emulator';
import { DEFAULT_CONFIG, startEmulator } from '../../dev/emulator';
import type { BinaryMode, RunResult, WorkflowJson, WorkflowRun } from '../../dev/harness';
import { runWorkflow } from '../../dev/harness';
import { chain, generateNode, manualTrigger, onProvider } from '../../dev/workflows/build';

export * from '../../dev/workflows/build';

/** What a test needs to know about a provider to check what a user sees. */
/** A manual run that generates one small image of a sneaker; parameters and options override the defaults. */
export function generateSneaker(parameters: INodeParameters = {}, options: INodeParameters = {}): WorkflowJson {
	return chain(
		manualTrigger(),
		generateNode({
			operation: 'generateImage',
			prompt: 'a red sneaker on a marble counter',
			aspectRatio: '1:1',
			resolution: '1k',
			quality: 'low',
			...parameters,
			options,
		}),
	);
}

export interface ProviderCase {
	id: 'wavespeed' | 'eachlabs';
	/** Its name in messages. */
	label: string;
	credentialType: 'waveSpeedApi' | 'eachLabsApi';
	/** The status word of a finished prediction. */
	done: string;
	/** The status word of a failed one (as the emulator's default vocabulary says it). */
	failed: string;
	/** The reference image URLs a submit request carried. */
	imagesSent(json: unknown): string[] | undefined;
	/** The prompt a submit request carried. */
	promptSent(json: unknown): unknown;
	models: { edit: string; generate: string };
	/** Where an item says its prediction can be fetched. */
	resultUrl(baseUrl: string, id: string): string;
	/** Fields a pending item of a 1:1 1K Generate has beyond the common ones (each::labs: what it decided; no createdAt yet). */
	pendingExtras: Record<string, unknown>;
	/** The cost fields of an error item once a task exists (a 1K low Generate). */
	failedCost: Record<string, unknown>;
}

const record = (value: unknown): Record<string, unknown> => (value && typeof value === 'object' ? (value as Record<string, unknown>) : {});

export const WAVESPEED: ProviderCase = {
	id: 'wavespeed',
	label: 'WaveSpeed',
	credentialType: 'waveSpeedApi',
	done: 'completed',
	failed: 'failed',
	imagesSent: (json) => record(json).images as string[] | undefined,
	promptSent: (json) => record(json).prompt,
	models: { edit: 'openai/gpt-image-2/edit', generate: 'openai/gpt-image-2/text-to-image' },
	resultUrl: (baseUrl, id) => `${baseUrl}/api/v3/predictions/${id}/result`,
	pendingExtras: { schemaSource: 'live', estimatedCostUsd: 0.06, costSource: 'quote' },
	failedCost: { estimatedCostUsd: 0.06, costSource: 'quote' },
};

export const EACHLABS: ProviderCase = {
	id: 'eachlabs',
	label: 'each::labs',
	credentialType: 'eachLabsApi',
	done: 'success',
	failed: 'error',
	imagesSent: (json) => {
		const input = record(record(json).input);
		return (input.image_urls as string[] | undefined) ?? (typeof input.image_url === 'string' ? [input.image_url] : undefined);
	},
	promptSent: (json) => record(record(json).input).prompt,
	models: { edit: 'gpt-image-v2-edit', generate: 'gpt-image-v2-text-to-image' },
	resultUrl: (baseUrl, id) => `${baseUrl}/v1/prediction/${id}`,
	pendingExtras: { createdAt: null, size: '1024x1024', schemaSource: 'live', estimatedCostUsd: expect.any(Number), costSource: 'formula' },
	failedCost: { estimatedCostUsd: expect.any(Number), costSource: 'formula' },
};

/** For describe.each: every workflow test whose behaviour applies to both providers runs on both. */
export const PROVIDER_CASES: ProviderCase[] = [WAVESPEED, EACHLABS];

/**
 * Tests of what only WaveSpeed offers (Sync Mode, Inline Base64, its task codes, ...) are registered for WaveSpeed
 * alone: for each::labs they do not apply (its own refusals are tested in eachlabs.test.ts), so they are not
 * reported as skipped.
 */
export function waveSpeedOnlyFor(provider: ProviderCase): { it: jest.It; describe: jest.Describe } {
	const notApplicable = (() => undefined) as unknown;
	return provider.id === 'wavespeed' ? { it, describe } : { it: notApplicable as jest.It, describe: notApplicable as jest.Describe };
}

export interface TestBed {
	emulator: Emulator;
	provider: ProviderCase;
	run(workflow: WorkflowJson, binaryMode?: BinaryMode, apiKey?: string): Promise<RunResult>;
	start(workflow: WorkflowJson, binaryMode?: BinaryMode): WorkflowRun;
	/** Requests to the API origin (with the key), optionally only those to one endpoint. */
	apiRequests(endpoint?: RecordedRequest['endpoint']): RecordedRequest[];
	submits(): RecordedRequest[];
}

/** Starts one emulator for the file (fast tasks), resets it before each test, closes it after. */
export function useTestBed(config: Parameters<typeof startEmulator>[0] = {}, provider: ProviderCase = WAVESPEED): TestBed {
	const bed = { provider } as TestBed;
	beforeAll(async () => {
		bed.emulator = await startEmulator({ latencyMs: 150, ...config, dialect: provider.id });
	});
	afterAll(async () => {
		await bed.emulator?.close();
	});
	beforeEach(() => {
		bed.emulator.reset();
		// Every knob back to its start value, so a test's configure() never leaks into the next.
		bed.emulator.configure({ ...DEFAULT_CONFIG, latencyMs: 150, ...config });
	});
	bed.start = (workflow, binaryMode = 'default') =>
		runWorkflow(onProvider(workflow, provider.id), {
			binaryMode,
			credentials: { [provider.credentialType]: { apiKey: bed.emulator.apiKey, baseUrl: bed.emulator.baseUrl } },
		});
	bed.run = async (workflow, binaryMode = 'default', apiKey) =>
		await runWorkflow(onProvider(workflow, provider.id), {
			binaryMode,
			credentials: { [provider.credentialType]: { apiKey: apiKey ?? bed.emulator.apiKey, baseUrl: bed.emulator.baseUrl } },
		}).promise;
	bed.apiRequests = (endpoint) =>
		bed.emulator.requests.filter((r) => r.origin === bed.emulator.baseUrl && !r.internal && (!endpoint || r.endpoint === endpoint));
	bed.submits = () => bed.apiRequests('submit');
	return bed;
}

/** A folder with small real images for tests: solid colours are easy to recognise in outputs. */
export async function makeImages(): Promise<{ dir: string; red: string; blue: string; green: string; gif: string; text: string; fake: string }> {
	const dir = mkdtempSync(join(tmpdir(), 'gpt-image-2-test-'));
	const solid = async (file: string, r: number, g: number, b: number, format: 'png' | 'jpeg' | 'webp') => {
		const image = sharp({ create: { width: 96, height: 64, channels: 3, background: { r, g, b } } });
		writeFileSync(join(dir, file), await image.toFormat(format).toBuffer());
		return join(dir, file);
	};
	const red = await solid('red.png', 220, 20, 20, 'png');
	const blue = await solid('blue.jpg', 20, 40, 220, 'jpeg');
	const green = await solid('green.webp', 20, 200, 60, 'webp');
	const gif = join(dir, 'anim.gif');
	writeFileSync(gif, await sharp({ create: { width: 8, height: 8, channels: 3, background: '#888' } }).gif().toBuffer());
	const text = join(dir, 'notes.txt');
	writeFileSync(text, 'not an image at all');
	const fake = join(dir, 'fake.png');
	writeFileSync(fake, '<html>this is not a png</html>');
	return { dir, red, blue, green, gif, text, fake };
}

/** Decodes an output binary with sharp: what a person would check. */
export async function imageOf(result: RunResult, binary: Parameters<RunResult['readBinary']>[0]) {
	const bytes = await result.readBinary(binary);
	const meta = await sharp(bytes).metadata();
	const stats = await sharp(bytes).stats();
	return { bytes, format: meta.format, width: meta.width, height: meta.height, mean: stats.channels.slice(0, 3).map((c) => c.mean) };
}

/** Every piece of text a run produced, to check the API key appears nowhere. */
export function everyText(result: RunResult): string {
	return JSON.stringify({ data: result.run.data.resultData, error: result.error?.message, description: result.error?.description });
}
