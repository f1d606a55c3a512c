/** Predictions in each::labs' words: statuses, the three output shapes, failure reasons, metrics, webhook payloads. */
import type { EmulatorConfig, EmulatedTask } from '../types';

/** Engine failure codes as each::labs' error classifications. */
const CLASSIFICATIONS: Record<number, string> = {
	1200: 'content_moderation',
	1400: 'invalid_user_input',
	1401: 'invalid_user_input',
	1402: 'invalid_user_input',
	1403: 'provider_error',
	1405: 'provider_error',
	5000: 'internal_error',
	5003: 'provider_unavailable',
	5004: 'execution_timeout',
};

export const classificationOf = (code: number | undefined): string => CLASSIFICATIONS[code ?? 0] ?? 'unknown';

/** Upper-case error codes of callback failures (seen: EXECUTION_TIMEOUT, INPUT_VALIDATION_ERROR). */
const CALLBACK_CODES: Record<string, string> = {
	content_moderation: 'CONTENT_MODERATION',
	execution_timeout: 'EXECUTION_TIMEOUT',
	invalid_user_input: 'INPUT_VALIDATION_ERROR',
	provider_error: 'PROVIDER_ERROR',
	provider_unavailable: 'PROVIDER_UNAVAILABLE',
	internal_error: 'INTERNAL_ERROR',
	unknown: 'UNKNOWN_ERROR',
};

export const callbackErrorCode = (code: number | undefined): string => CALLBACK_CODES[classificationOf(code)] ?? 'UNKNOWN_ERROR';

type Config = Pick<EmulatorConfig, 'eachlabsStatusWords' | 'eachlabsOutputShape' | 'eachlabsFailureIn' | 'eachlabsWebhookErrorShape'>;

export function statusWord(task: EmulatedTask, config: Pick<Config, 'eachlabsStatusWords'>): string {
	if (task.status === 'completed') return 'success';
	if (task.status === 'cancelled') return 'cancelled';
	if (task.status === 'created') return 'starting';
	if (task.status === 'processing') return 'processing';
	return config.eachlabsStatusWords === 'openapi' ? 'failed' : 'error';
}

/** 'string' (the default, as observed on v2.5): a plain URL for one image, an array for several; 'array' always an array; 'object' `{ url }` per image. */
export function shapedOutput(urls: string[], config: Pick<Config, 'eachlabsOutputShape'>): unknown {
	if (config.eachlabsOutputShape === 'array') return [...urls];
	if (config.eachlabsOutputShape === 'object') return urls.length === 1 ? { url: urls[0] } : urls.map((url) => ({ url }));
	return urls.length === 1 ? urls[0] : [...urls];
}

export interface EachLabsPrediction {
	id: string;
	input: Record<string, unknown>;
	status: string;
	output: unknown;
	logs: string;
	error?: string;
	metrics: { predict_time: number; cost?: number };
	urls: { get: string; cancel: string };
	created_at: string;
}

export function toEachLabsPrediction(task: EmulatedTask, baseUrl: string, config: Config): EachLabsPrediction {
	const get = `${baseUrl}/v1/prediction/${task.id}`;
	const predictTime = task.startedAt && task.completedAt ? (task.completedAt - task.startedAt) / 1000 : 0;
	const prediction: EachLabsPrediction = {
		id: task.id,
		input: task.input,
		status: statusWord(task, config),
		output: task.status === 'completed' ? shapedOutput(task.outputs, config) : null,
		logs: task.status === 'created' ? '' : 'Running gpt-image-v2\n',
		metrics: { predict_time: predictTime, ...(task.costUsd !== undefined ? { cost: task.costUsd } : {}) },
		urls: { get, cancel: `${get}/cancel` },
		created_at: new Date(task.createdAt).toISOString(),
	};
	if (task.status !== 'completed' && statusWord(task, config) !== 'starting' && statusWord(task, config) !== 'processing') {
		const reason = task.error ?? 'Prediction failed';
		if (config.eachlabsFailureIn === 'logs') prediction.logs += `Error: ${reason}\n`;
		else if (config.eachlabsFailureIn === 'error') prediction.error = reason;
		else {
			const classification = classificationOf(task.errorCode);
			prediction.output = { error_code: `E${task.errorCode ?? 0}`, error_message: reason, classification, retryable: classification.startsWith('provider_') };
		}
	}
	return prediction;
}

/**
 * Webhooks use other words than polling: `{ exec_id, flow_id, status: succeeded | failed, output, error }`, the
 * reason in `output[0].error` as a string or (knob) `{ error_code, error_message }` with an upper-case code.
 */
export function webhookPayload(task: EmulatedTask, config: Config): Record<string, unknown> {
	if (task.status === 'completed') return { exec_id: task.id, flow_id: null, status: 'succeeded', output: shapedOutput(task.outputs, config), error: '' };
	const message = task.error ?? 'Prediction failed';
	const error = config.eachlabsWebhookErrorShape === 'object' ? { error_code: callbackErrorCode(task.errorCode), error_message: message } : message;
	return { exec_id: task.id, flow_id: null, status: 'failed', output: [{ error }], error: '' };
}
