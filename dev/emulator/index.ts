/** The WaveSpeed API emulator: public entry point for tests, the CLI, the demo and the bench. */
export { startEmulator } from './emulator';
export { seededRandom } from './random';
export { taskLatencyMs, type LatencySpread } from './latency';
export { expectedSize, sizeForRatio, ASPECT_RATIOS, MAX_EDGE, type AspectRatio } from './sizes';
export { verifyWebhookSignature, signWebhook, tamperedRequest, WEBHOOK_TOLERANCE_SECONDS } from './webhooks';
export { TASK_ERROR_MESSAGES } from './errors';
export { DEFAULT_CONFIG } from './types';
export { EACHLABS_MODELS, requestSchema, ARRAY_SIZES, SINGLE_SIZES } from './eachlabs';
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
	OutputFormat,
	Resolution,
	TaskStatus,
} from './types';
