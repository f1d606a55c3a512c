/** The prediction object (`data` of submit/result answers, and the bare webhook body). */
import type { EmulatedTask } from './types';

export interface Prediction {
	id: string;
	model: string;
	outputs: string[];
	urls: { get: string };
	has_nsfw_contents: boolean[];
	status: EmulatedTask['status'] | 'processing';
	created_at: string;
	error: string;
	timings: { inference: number };
	/** The task's own error code: 0 on success, e.g. 1402 on failure, 5004 for a sync-mode timeout. */
	code: number;
}

export const resultUrl = (baseUrl: string, id: string): string => `${baseUrl}/api/v3/predictions/${id}/result`;

/** The prediction as WaveSpeed shows it now. */
export function toPrediction(task: EmulatedTask, baseUrl: string): Prediction {
	// failed, cancelled and timeout tasks carry their reason and code
	const ended = task.status === 'failed' || task.status === 'cancelled' || task.status === 'timeout';
	const inference = task.startedAt && task.completedAt ? task.completedAt - task.startedAt : 0;
	return {
		id: task.id,
		model: task.model,
		outputs: task.status === 'completed' ? [...task.outputs] : [],
		urls: { get: resultUrl(baseUrl, task.id) },
		has_nsfw_contents: task.status === 'completed' ? task.outputs.map(() => task.nsfw === true) : [],
		status: task.status,
		created_at: new Date(task.createdAt).toISOString(),
		error: ended ? (task.error ?? 'Task failed') : '',
		timings: { inference },
		code: ended ? (task.errorCode ?? 1403) : 0,
	};
}

/** The HTTP 200 answer of a sync-mode POST that ran out of time: the task keeps running, poll urls.get. */
export function syncTimeoutPrediction(task: EmulatedTask, baseUrl: string, syncTimeoutMs: number): Prediction {
	const seconds = Math.round(syncTimeoutMs / 100) / 10;
	return {
		...toPrediction(task, baseUrl),
		status: 'processing',
		outputs: [],
		has_nsfw_contents: [],
		code: 5004,
		error: `Sync mode timed out after ${seconds} seconds, the task is still running: poll urls.get for the result`,
	};
}
