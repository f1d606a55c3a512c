/** What the emulator saw of each prediction: when it finished, each status check, and what that says about the node. */
import type { EmulatedTask, Emulator, RecordedRequest } from '../emulator';

export interface PredictionTrace {
	task: EmulatedTask;
	/** Arrival times of the result GETs for this prediction, in order. */
	polls: number[];
	/** The last status check: the one that saw the task finished (the node stops looking then). */
	detectedAt: number;
	/** detectedAt - completedAt: how late the node noticed. */
	lagMs: number;
	/** Smallest gap between two consecutive checks (Infinity with a single check). */
	minSpacingMs: number;
	/** Checks per second between submit (task creation) and detection. */
	pollsPerSecond: number;
	/**
	 * Inferred: the first check came other than one Poll Interval after submit, so the node aimed it at an
	 * estimate learned from earlier items (without one, the first check comes exactly one interval after submit).
	 */
	hadEstimate: boolean;
}

/** Result GETs of the API origin, grouped by prediction id. */
function resultGetsById(emulator: Emulator): Map<string, RecordedRequest[]> {
	const byId = new Map<string, RecordedRequest[]>();
	for (const request of emulator.requests) {
		if (request.endpoint !== 'result' || request.internal || request.origin !== emulator.baseUrl) continue;
		const id = /\/predictions\/([^/]+)/.exec(request.path)?.[1];
		if (!id) continue;
		const list = byId.get(id) ?? [];
		list.push(request);
		byId.set(id, list);
	}
	return byId;
}

/** Every prediction's trace; with onlySeenFinished, those never seen finished (a timed-out row) are left out. */
export function tracePredictions(emulator: Emulator, pollIntervalMs: number, onlySeenFinished = false): PredictionTrace[] {
	const byId = resultGetsById(emulator);
	const seenFinished = (task: EmulatedTask) => {
		const polls = byId.get(task.id) ?? [];
		return task.completedAt !== undefined && polls.some((r) => r.at >= (task.completedAt as number));
	};
	return emulator.tasks.filter((task) => !onlySeenFinished || seenFinished(task)).map((task) => {
		const polls = (byId.get(task.id) ?? []).map((r) => r.at).sort((a, b) => a - b);
		if (task.completedAt === undefined || polls.length === 0) throw new Error(`prediction ${task.id} was never seen finished`);
		const detectedAt = polls[polls.length - 1];
		const gaps = polls.slice(1).map((at, i) => at - polls[i]);
		const firstGap = polls[0] - task.createdAt;
		return {
			task,
			polls,
			detectedAt,
			lagMs: detectedAt - task.completedAt,
			minSpacingMs: gaps.length ? Math.min(...gaps) : Infinity,
			pollsPerSecond: polls.length / Math.max(0.001, (detectedAt - task.createdAt) / 1000),
			// One interval plus the submit's round trip and timer slack; an aimed first check lands elsewhere.
			hadEstimate: !(firstGap >= pollIntervalMs - 20 && firstGap < pollIntervalMs + 150),
		};
	});
}

/**
 * How often the server may see one prediction looked at: no more than once a Poll Interval over its life. The
 * shortest single gap is printed, not held: it measures how long a request waits on this process's event loop on its
 * way to the emulator (longer through n8n's engine than through the plain poller's fetch), and holding it at the
 * server would push every later look by that wait, the slip the fixed-time schedule removes.
 */
export function pollRateTarget(intervalMs: number): { text: string; check: { atMost: number } } {
	const rate = 1000 / intervalMs;
	return { text: `<= ${rate.toFixed(2)}`, check: { atMost: rate } };
}
