/** each::labs' requests and answers for GPT Image 2: the create body, the prediction read, and what answers mean. */
import type { Failure } from '../../core/errors';
import { parseRetryAfterMs } from '../../http/retry';
import type { RawResponse } from '../../http/transport';
import { describeZod, parseJsonBody } from '../../http/transport';
import type { ApiCall, Task, TaskState, ResultAnswer, SubmitAnswer } from '../provider';
import { isSafePredictionId } from '../../core/schemas';
import { truncate } from '../../core/urls';
import { DASHBOARD, describeHttpFailure, describeTaskFailure } from './errors';
import type { OutputError, Prediction } from './schemas';
import { createAnswerSchema, errorBodySchema, outputErrorSchema, predictionSchema } from './schemas';

const SUCCESS = new Set(['success', 'succeeded']);
const FAILURE = new Set(['error', 'failed', 'cancelled', 'canceled']);

/** The docs use `error` in one place and `failed` in another; anything unknown is still running. */
export function taskState(status: string): TaskState {
	const word = status.toLowerCase();
	if (SUCCESS.has(word)) return 'succeeded';
	if (FAILURE.has(word)) return 'failed';
	return 'running';
}

export function resultPath(predictionId: string): string {
	return `/v1/prediction/${encodeURIComponent(predictionId)}`;
}

export function resultCall(predictionId: string): ApiCall {
	return { method: 'GET', path: resultPath(predictionId) };
}

export function resultUrl(baseUrl: string, predictionId: string): string {
	return `${baseUrl}${resultPath(predictionId)}`;
}

/** `output` is a URL, a list of URLs, or `{url}` depending on the page; a failed one may hold an error object. */
export function outputUrls(output: unknown): string[] {
	if (typeof output === 'string') return output ? [output] : [];
	if (Array.isArray(output)) return output.flatMap(outputUrls);
	if (output && typeof output === 'object') {
		const url = (output as Record<string, unknown>).url;
		return typeof url === 'string' && url ? [url] : [];
	}
	return [];
}

function outputError(output: unknown): OutputError | undefined {
	const candidate = Array.isArray(output) ? output[0] : output;
	const parsed = outputErrorSchema.safeParse(candidate);
	return parsed.success && (parsed.data.error_message || parsed.data.classification) ? parsed.data : undefined;
}

const text = (value: unknown): string | undefined => {
	if (typeof value === 'string' && value.trim()) return value.trim();
	if (value && typeof value === 'object') {
		const record = value as Record<string, unknown>;
		for (const key of ['message', 'error_message', 'error', 'detail']) if (typeof record[key] === 'string' && record[key]) return String(record[key]);
	}
	return undefined;
};

/** The last log line that reads like an error, else the last line. */
function fromLogs(logs: string | null | undefined): string | undefined {
	const lines = (logs ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
	return [...lines].reverse().find((l) => /error|fail|exception/i.test(l)) ?? lines[lines.length - 1];
}

/** Where the docs say a failure reason may be, in order: error, message, details, the output's error object, logs. */
export function failureReason(prediction: Prediction): { reason: string; error?: OutputError } {
	const error = outputError(prediction.output);
	const reason = text(prediction.error) ?? text(prediction.message) ?? text(prediction.details) ?? error?.error_message ?? fromLogs(prediction.logs) ?? '';
	return { reason: reason.slice(0, 500), error };
}

export function toTask(prediction: Prediction, fallbackModel: string): Task {
	const state = taskState(prediction.status);
	const outputs = state === 'succeeded' ? outputUrls(prediction.output) : [];
	const predictTime = prediction.metrics?.predict_time;
	const cost = prediction.metrics?.cost;
	const task: Task = {
		id: prediction.id,
		model: prediction.model || fallbackModel,
		state,
		status: prediction.status,
		outputs,
		// each::labs reports no NSFW flags; a moderated task fails instead.
		nsfw: outputs.map(() => false),
		inferenceMs: typeof predictTime === 'number' ? Math.round(predictTime * 1000) : null,
		createdAt: prediction.created_at ?? null,
		resultUrl: prediction.urls?.get || undefined,
	};
	if (typeof cost === 'number' && Number.isFinite(cost)) task.costUsd = cost;
	if (state === 'failed') {
		const { reason, error } = failureReason(prediction);
		task.failure = describeTaskFailure(reason, prediction.id, prediction.status, error);
	}
	return task;
}

/** The words of an error body: `error`, then `details`, then `message`. */
export function apiMessage(body: unknown): string {
	const parsed = errorBodySchema.safeParse(body);
	if (parsed.success) {
		const parts = [text(parsed.data.error), text(parsed.data.details), text(parsed.data.message)].filter((p): p is string => !!p);
		if (parts.length) return [...new Set(parts)].join(' - ').slice(0, 500);
	}
	if (typeof body === 'string') return body.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200);
	return '';
}

function httpFailure(response: RawResponse, body: unknown, phase: 'submit' | 'result'): Failure {
	return describeHttpFailure(response.status, apiMessage(body), phase, parseRetryAfterMs(response.headers['retry-after']));
}

const malformed = (status: number, what: string): Failure => ({
	kind: 'malformed',
	httpCode: status,
	message: `each::labs answered in an unexpected format (${what})`,
	hint: 'This is usually a passing problem with each::labs or a proxy in between; if it persists, check the Base URL.',
});

/** These refusals are definite: each::labs documents that they create nothing (400, 401, 402, 429; other 4xx alike). */
const isDefiniteRefusal = (status: number): boolean => status >= 400 && status < 500 && status !== 408;

const AMBIGUOUS_CREATE_HINT = `It was not submitted again (that could bill twice). Check your ${DASHBOARD} before running this row again.`;

/** A 2xx to the create that is not a clean acceptance: a prediction may exist, so it is never sent again. */
function ambiguousCreate(status: number, what: string, predictionId?: string): SubmitAnswer {
	return { type: 'ambiguous', failure: { kind: 'malformed', httpCode: status, message: `each::labs answered the create ${what}, so a prediction may have been created`, hint: AMBIGUOUS_CREATE_HINT, predictionId } };
}

export function readSubmit(response: RawResponse, model: string): SubmitAnswer {
	const body = parseJsonBody(response.body);
	if (response.status < 200 || response.status >= 300) {
		const failure = httpFailure(response, body, 'submit');
		return isDefiniteRefusal(response.status) ? { type: 'refused', failure } : { type: 'ambiguous', failure };
	}
	const answer = createAnswerSchema.safeParse(body);
	if (!answer.success) return ambiguousCreate(response.status, `in an unexpected format (${describeZod(answer.error)})`);
	const id = answer.data.predictionID;
	if (!isSafePredictionId(id)) return ambiguousCreate(response.status, `with a prediction id that is not safe to use in a URL (${truncate(JSON.stringify(id), 60)})`);
	return {
		type: 'accepted',
		task: { id, model, state: 'running', status: 'created', outputs: [], nsfw: [], inferenceMs: null, createdAt: null },
	};
}

export function readResult(response: RawResponse, fallbackModel: string): ResultAnswer {
	const body = parseJsonBody(response.body);
	if (response.status < 200 || response.status >= 300) return { ok: false, failure: httpFailure(response, body, 'result') };
	const prediction = predictionSchema.safeParse(body);
	if (!prediction.success) return { ok: false, failure: malformed(response.status, describeZod(prediction.error)) };
	return { ok: true, task: toTask(prediction.data, fallbackModel) };
}
