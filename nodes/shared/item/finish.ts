/**
 * The last step of every finished task, for the nodes and the trigger alike: the output count, the NSFW flag, an
 * empty answer, the downloads (or inline base64) and the item JSON. Anything that stops it is a FailureError.
 */
import type { IBinaryKeyData } from 'n8n-workflow';

import type { ImageType } from '../core/imageFormat';
import { FailureError, inputFailure, possessive } from '../core/errors';
import type { FailureKind } from '../core/errors';
import { localTargetProblem } from '../http/netPolicy';
import type { Task } from '../providers/provider';
import type { FinishedItemJson, ImageJson, ItemSource } from './json';
import { finishedJson, imageJson } from './json';
import type { DownloadLimits, OutputContext } from './outputs';
import { classifyOutput, MAX_OUTPUTS, outputFieldName, outputFileName, storeOutput } from './outputs';

/** What finishing one task needs to know, and nothing more. */
export interface FinishTarget {
	fx: OutputContext;
	/** The seller's name in messages. */
	label: string;
	source: ItemSource;
	/** The credential's Base URL: output URLs on local hosts are refused when it is public. */
	baseUrl: string;
	resultUrl: string;
	/** 'url': the outputs' URLs only; 'tool': the same for an AI agent, which cannot take inline base64. */
	output: 'binary' | 'url' | 'tool';
	binaryPropertyName: string;
	fileName?: string;
	/** The format asked for; the bytes decide when it is not known (callbacks). */
	expectedType: ImageType;
	/** Every download ends by this deadline: the nodes' row Timeout, the trigger's Timeout from the callback. */
	limits: DownloadLimits;
	/** The row's estimate in USD, against which a reported charge is judged (none on the trigger). */
	estimateUsd?: number;
}

export interface FinishedItem {
	json: FinishedItemJson;
	binary?: IBinaryKeyData;
}

/** Answers whose content is the problem carry the (successful) HTTP status, which marks them as not worth retrying. */
function contentFailure(task: Task, kind: FailureKind, message: string, hint: string): FailureError {
	return new FailureError({ kind, predictionId: task.id, status: task.status, message, hint, ...(kind === 'nsfw' ? {} : { httpCode: 200 }) });
}

export async function finishTask(target: FinishTarget, task: Task): Promise<FinishedItem> {
	const { label } = target;
	if (task.outputs.length > MAX_OUTPUTS) {
		throw contentFailure(
			task,
			'malformed',
			`${label} returned ${task.outputs.length} outputs for one prediction; at most ${MAX_OUTPUTS} are expected`,
			`None of them was downloaded. Use Output: URL Only to inspect the answer, and report it to ${label} if it persists.`,
		);
	}
	if (task.nsfw.some(Boolean)) {
		throw contentFailure(
			task,
			'nsfw',
			`${possessive(label)} safety filter flagged the output as NSFW; the image may be blank or blurred`,
			'Change the prompt or the reference images. The flagged output can still be fetched with Get Result.',
		);
	}
	if (task.outputs.length === 0) {
		throw contentFailure(task, 'malformed', 'The prediction completed without any output image', 'Fetch it with Get Result in a moment; if it stays empty, submit it again.');
	}
	if (target.output !== 'binary') {
		const hasUrl = task.outputs.some((o) => classifyOutput(o).type === 'url');
		if (!hasUrl && target.output === 'tool') {
			throw inputFailure('The outputs are inline base64, which cannot be returned to an AI agent', 'Set Transfer to Download From URL.');
		}
		return { json: finishedJson(task, target.resultUrl, target.source, undefined, target.estimateUsd) };
	}
	const binary: IBinaryKeyData = {};
	const images: ImageJson[] = [];
	for (const [index, output] of task.outputs.entries()) {
		const source = classifyOutput(output);
		if (source.type === 'invalid') {
			throw contentFailure(
				task,
				'download',
				`${label} returned an output that is ${source.reason}`,
				`It was not fetched. Use Output: URL Only to see it, and report it to ${label} if it persists.`,
			);
		}
		const local = source.type === 'url' ? localTargetProblem(target.baseUrl, source.url) : undefined;
		if (local) throw contentFailure(task, 'download', `The output URL was not fetched: ${local}`, 'Use Output: URL Only to see it, and check the Base URL of the credential.');
		const field = outputFieldName(target.binaryPropertyName, index);
		const image = await storeOutput(target.fx, source, {
			fileNameFor: (type) => outputFileName(target.fileName, task.id, index, type),
			expectedType: target.expectedType,
			label,
			baseUrl: target.baseUrl,
			limits: target.limits,
		});
		binary[field] = image.binary;
		images.push(imageJson(field, image));
	}
	return { json: finishedJson(task, target.resultUrl, target.source, images, target.estimateUsd), binary };
}
