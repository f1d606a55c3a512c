/** WaveSpeed's requests and answers for GPT Image 2: what a submit and a result look like on the wire. */
import type { RawResponse } from '../../http/transport';
import type { ApiCall, Task, TaskRequest, TaskState, ResultAnswer, SubmitAnswer } from '../provider';
import { describeTaskFailure } from './errors';
import { parseEnvelope } from './envelope';
import { formatOf, qualityOf } from './modelShape';
import { classifySubmitAnswer } from './submitAnswer';
import type { Prediction, SubmitRequest } from './schemas';
import { MODELS, predictionSchema, submitRequestSchema } from './schemas';

const SUCCESS = new Set(['completed', 'succeeded']);
const TERMINAL_FAILURES = new Set(['failed', 'cancelled', 'canceled', 'timeout', 'deleted']);

/** Unknown statuses count as still running until the caller's deadline. */
export function taskState(status: string): TaskState {
	if (SUCCESS.has(status)) return 'succeeded';
	if (TERMINAL_FAILURES.has(status)) return 'failed';
	return 'running';
}

/** The documented body, built from validated values only; 'match' means: let WaveSpeed take the first image's ratio. */
export function buildSubmitBody(request: TaskRequest): SubmitRequest {
	const body: SubmitRequest = {
		prompt: request.prompt,
		resolution: request.settings.resolution,
		quality: qualityOf(request.settings),
		output_format: formatOf(request.settings),
		enable_sync_mode: request.waitMode === 'sync',
		enable_base64_output: request.inlineBase64,
	};
	if (request.kind === 'edit') body.images = request.imageUrls;
	if (request.settings.aspectRatio !== 'match') body.aspect_ratio = request.settings.aspectRatio;
	return body;
}

export function submitCall(request: TaskRequest): ApiCall {
	return {
		method: 'POST',
		path: `/api/v3/${MODELS[request.kind]}`,
		// The webhook is a query parameter on WaveSpeed, not a body field.
		qs: request.webhookUrl ? { webhook: request.webhookUrl } : undefined,
		body: submitRequestSchema.strict().parse(buildSubmitBody(request)),
	};
}

export function resultUrl(baseUrl: string, predictionId: string): string {
	return `${baseUrl}/api/v3/predictions/${encodeURIComponent(predictionId)}/result`;
}

export function resultCall(predictionId: string): ApiCall {
	return { method: 'GET', path: `/api/v3/predictions/${encodeURIComponent(predictionId)}/result` };
}

export function toTask(prediction: Prediction): Task {
	const state = taskState(prediction.status);
	const task: Task = {
		id: prediction.id,
		model: prediction.model,
		state,
		status: prediction.status,
		outputs: prediction.outputs,
		nsfw: prediction.has_nsfw_contents,
		inferenceMs: prediction.timings?.inference ?? prediction.executionTime ?? null,
		createdAt: prediction.created_at ?? null,
		resultUrl: prediction.urls?.get || undefined,
	};
	// 'created' is WaveSpeed's queue: the account's concurrent tasks are all busy.
	if (state === 'running') task.queued = prediction.status === 'created';
	if (state === 'failed') task.failure = describeTaskFailure(prediction.code ?? undefined, prediction.error ?? '', prediction.id, prediction.status);
	return task;
}

/** Only a clean 2xx is accepted and only a 4xx is refused; anything else may hide a task (see submitAnswer.ts). */
export function readSubmit(response: RawResponse): SubmitAnswer {
	const answer = classifySubmitAnswer(response);
	if (answer.kind === 'accepted') return { type: 'accepted', task: toTask(answer.prediction) };
	return { type: answer.kind, failure: answer.failure };
}

export function readResult(response: RawResponse): ResultAnswer {
	const result = parseEnvelope(response, predictionSchema, 'result');
	return result.ok ? { ok: true, task: toTask(result.data) } : result;
}
