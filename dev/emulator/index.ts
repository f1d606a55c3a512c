/** The WaveSpeed API emulator: public entry point for tests, the CLI, the demo and the bench. */
export { startEmulator } from './emulator';
export { seededRandom } from './random';
export { taskLatencyMs, type LatencySpread } from './latency';
export { expectedSize, sizeForRatio, ASPECT_RATIOS, DOCS_PAGE_RATIOS, MAX_EDGE, RESOLUTIONS, type AspectRatio } from './sizes';
export { MODEL_IDS, BASE_PRICE, requestSchemaOf, outputFormatsOf, WAVESPEED_MASK_FIELD } from './catalog';
export { priceOf, PRICE_TABLE } from './billing';
export { ABSURD_QUOTE } from './pricing';
export { verifyWebhookSignature, signWebhook, tamperedRequest, WEBHOOK_TOLERANCE_SECONDS } from './webhooks';
export { TASK_ERROR_MESSAGES } from './errors';
export { DEFAULT_CONFIG } from './types';
export { EACHLABS_MODELS, EACHLABS_V25_SLUGS, EACHLABS_SLUGS, requestSchema, ARRAY_SIZES, SINGLE_SIZES, V25_SIZES, signEachLabs } from './eachlabs';
export type {
	EmulatorConfig,
	FaultRule,
	FaultKind,
	FaultEndpoint,
	RandomFaultOptions,
	RecordedRequest,
	EmulatedTask,
	DialectName,
	RenderSpec,
	Emulator,
	StartOptions,
	UploadRecord,
	WebhookDelivery,
	WebhookTamper,
	ModelId,
	WaveSpeedFamily,
	OutputFormat,
	Resolution,
	TaskStatus,
} from './types';
