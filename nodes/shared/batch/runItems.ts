/** Runs items with bounded concurrency; results come back in input order whatever order they finish in. */

import type { Outcome } from '../core/settle';
import { settle } from '../core/settle';

export interface RunItemsOptions {
	concurrency: number;
	/** When it turns true no further item starts (running ones finish or notice themselves). */
	shouldStop?: () => boolean;
	/** Told of each failure as it happens, e.g. to stop the batch. */
	onFailure?: (index: number, error: unknown) => void;
}

export async function runItems<T>(
	count: number,
	worker: (index: number) => Promise<T>,
	options: RunItemsOptions,
): Promise<Array<Outcome<T> | undefined>> {
	const outcomes: Array<Outcome<T> | undefined> = new Array(count).fill(undefined);
	let next = 0;
	const lane = async () => {
		while (next < count && !options.shouldStop?.()) {
			const index = next++;
			const outcome = await settle(worker(index));
			outcomes[index] = outcome;
			if (!outcome.ok) options.onFailure?.(index, outcome.error);
		}
	};
	const lanes = Math.max(1, Math.min(Math.floor(options.concurrency) || 1, count));
	await Promise.all(Array.from({ length: lanes }, lane));
	return outcomes;
}
