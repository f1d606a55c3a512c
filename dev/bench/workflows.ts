/** The bench's workflows: N rows, each reading the same product photo, into GPT Image 2 Edit. */
import path from 'node:path';

import type { INodeParameters } from 'n8n-workflow';

import type { WorkflowJson } from '../harness';
import { chain, editNode, manualTrigger, readFile, rows } from '../workflows/build';

/** One of the package's own example photos (13 KB JPEG): every item carries the same bytes, so upload dedupe applies. */
export const REFERENCE_IMAGE = path.resolve(__dirname, '..', '..', 'examples', 'assets', 'sneaker.jpg');

/** Identical prompt for every item: the emulator's render cache then makes the server side cheap. */
export const BENCH_PROMPT = 'place the sneaker on a white marble counter, soft daylight';

export interface EditBatch {
	items: number;
	/** Max Concurrent Requests (the node option). */
	concurrency: number;
	resolution?: '1k' | '2k' | '4k';
	aspectRatio?: string;
	/** Poll Interval in seconds; the node's default (2) unless given. */
	pollInterval?: number;
	/**
	 * The node learns task durations per kind (model, quality, resolution) for the life of the process; the
	 * emulator's latency ignores kind, so each scenario uses a kind of its own to learn only its own tasks.
	 */
	quality?: 'low' | 'medium' | 'high';
	/** Timeout in seconds (the node's default, 600, unless given). */
	timeout?: number;
	/** Failed rows become error items instead of stopping the run (to count timeouts). */
	continueOnFail?: boolean;
}

/** Manual trigger -> N rows -> Read/Write Files (binary `data` per item) -> Edit (poll until done, download to binary). */
export function editBatch(spec: EditBatch): WorkflowJson {
	const options: INodeParameters = { maxConcurrency: spec.concurrency };
	if (spec.pollInterval !== undefined) options.pollInterval = spec.pollInterval;
	if (spec.timeout !== undefined) options.timeout = spec.timeout;
	return chain(
		manualTrigger(),
		...rows(Array.from({ length: spec.items }, (_, index) => ({ index }))),
		readFile(REFERENCE_IMAGE),
		editNode({
			operation: 'editImage',
			prompt: BENCH_PROMPT,
			referenceImages: { image: [{ source: 'binary', binaryField: 'data' }] },
			aspectRatio: spec.aspectRatio ?? '1:1',
			resolution: spec.resolution ?? '1k',
			quality: spec.quality ?? 'low',
			outputFormat: 'png',
			options,
		}, EDIT_NODE, spec.continueOnFail ? { onError: 'continueRegularOutput' } : undefined),
	);
}

/** Name of the Edit node in editBatch(), to read its output. */
export const EDIT_NODE = 'Edit';
