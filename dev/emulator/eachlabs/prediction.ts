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

type Config = Pick<EmulatorConfig, 'eachlabsStatusWords' | 'eachlabsOutputShape' | 'eachlabsFailureIn'>;

export function statusWord(task: EmulatedTask, config: Config): string {
	if (task.status === 'completed') return 'success';
	if (task.status === 'failed') return config.eachlabsStatusWords === 'openapi' ? 'failed' : 'error';
	return task.status === 'created' ? 'starting' : 'processing';
}

export function shapedOutput(url: string, config: Config): unknown {
	if (config.eachlabsOutputShape === 'array') return [url];
	if (config.eachlabsOutputShape === 'object') return { url };
	return url;
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
		output: task.status === 'completed' ? shapedOutput(task.outputs[0], config) : null,
		logs: task.status === 'created' ? '' : 'Running gpt-image-v2\n',
		metrics: { predict_time: predictTime, ...(task.costUsd !== undefined ? { cost: task.costUsd } : {}) },
		urls: { get, cancel: `${get}/cancel` },
		created_at: new Date(task.createdAt).toISOString(),
	};
	if (task.status === 'failed') {
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

/** Webhooks use other words than polling: succeeded / failed, `exec_id`, and the reason in `output[0].error`. */
export function webhookPayload(task: EmulatedTask, config: Config): Record<string, unknown> {
	if (task.status === 'completed') return { exec_id: task.id, status: 'succeeded', output: shapedOutput(task.outputs[0], config), error: '' };
	return { exec_id: task.id, status: 'failed', output: [{ error: task.error ?? 'Prediction failed' }], error: '' };
}
