/**
 * The account's concurrency, learned during one run, and a gate that keeps this run's submissions near it.
 * A server that runs N tasks at once leaves the rest in `created`: submitting more than N + 1 gains nothing (the
 * one extra starts the moment a slot frees, hiding our detection lag) and burns the queued rows' Timeout.
 */
import type { QueuePosition, Sighting } from './pollSchedule';

/** Tasks submitted beyond the learned limit: one waits in the server's queue so a freed slot never idles. */
export const QUEUE_AHEAD = 1;
/** A `created` answer this long after submit means queued behind the account's limit, not a dispatch delay. */
export const QUEUE_EVIDENCE_MS = 1000;
/** Slack for the gap between the server's clock and ours when deciding that two tasks surely ran together. */
const CLOCK_SLACK_MS = 50;

export interface Interval {
	from: number;
	to: number;
}

/** The most intervals that all cover one moment (touching ends do not overlap). */
export function maxOverlap(intervals: readonly Interval[]): number {
	const edges = intervals.flatMap((i) => [
		{ at: i.from, step: 1 },
		{ at: i.to, step: -1 },
	]);
	// Ends before starts at the same moment: a slot handed over is not two tasks at once.
	edges.sort((a, b) => a.at - b.at || a.step - b.step);
	let open = 0;
	let most = 0;
	for (const edge of edges) {
		open += edge.step;
		most = Math.max(most, open);
	}
	return most;
}

/** What one task was seen doing, in absolute ms. */
export interface FlightTimes {
	/** The last moment it was known queued (its submit answer, or a later look that said `created`). */
	queuedUntil: number;
	firstWorking?: number;
	lastMiss?: number;
	detected: number;
	inferenceMs?: number | null;
}

/** A sighting (ms since submit) on the run's clock. */
export function flightTimes(submittedAt: number, s: Sighting): FlightTimes {
	const at = (ms: number | undefined) => (ms === undefined ? undefined : submittedAt + ms);
	return {
		queuedUntil: submittedAt + (s.lastQueuedMs ?? 0),
		firstWorking: at(s.firstWorkingMs),
		lastMiss: at(s.lastMissMs),
		detected: submittedAt + s.detectedMs,
		inferenceMs: s.inferenceMs,
	};
}

/**
 * The part of a finished task's run that it surely spent working: after the latest moment it can have started
 * and before the earliest moment it can have ended. Undefined when that is empty or unknown.
 */
export function certainRun(t: FlightTimes): Interval | undefined {
	const inference = typeof t.inferenceMs === 'number' && t.inferenceMs >= 0 ? t.inferenceMs : undefined;
	const startedBy = Math.min(t.firstWorking ?? t.detected, inference === undefined ? t.detected : t.detected - inference);
	const endedAfter = Math.max(t.lastMiss ?? -Infinity, inference === undefined ? -Infinity : t.queuedUntil + inference);
	const from = startedBy + CLOCK_SLACK_MS;
	const to = endedAfter - CLOCK_SLACK_MS;
	return Number.isFinite(to) && to > from ? { from, to } : undefined;
}

/** How many tasks may be in flight: all the user allows until a queue is seen, then the learned limit plus one. */
export function allowedInFlight(maxConcurrent: number, queueSeen: boolean, serverSlots: number): number {
	const userLimit = Math.max(1, Math.floor(maxConcurrent) || 1);
	return queueSeen ? Math.min(userLimit, Math.max(1, serverSlots) + QUEUE_AHEAD) : userLimit;
}

/** A queued answer is evidence of the account's limit only when it has lasted and others of the run are working. */
export function isQueueEvidence(sinceSubmitMs: number, othersWorking: number): boolean {
	return sinceSubmitMs >= QUEUE_EVIDENCE_MS && othersWorking > 0;
}

interface Flight {
	order: number;
	state: 'queued' | 'working';
}

/** One prediction's view of the run, for its poll loop. */
export interface FlightView {
	/** Reports a look's answer: still queued (`created`) or working. */
	looked(state: 'queued' | 'working', sinceSubmitMs: number): void;
	othersWorking(): number;
	position(): QueuePosition | undefined;
}

/** Shared by the rows of one execution. */
export class ServerSlots {
	private readonly flights = new Map<string, Flight>();
	private readonly runs: Interval[] = [];
	private readonly waiting: Array<() => void> = [];
	private inFlight = 0;
	private submittedCount = 0;
	private queueSeen = false;
	private learnedSlots = 0;

	constructor(private readonly maxConcurrent: number) {}

	/** The server's concurrency as far as this run has seen it (0 while unknown). */
	get serverSlots(): number {
		return this.learnedSlots;
	}

	get limited(): boolean {
		return this.queueSeen;
	}

	/** Waits for room to submit one more task; resolves with how long it waited (ms). */
	async acquire(signal?: AbortSignal): Promise<number> {
		const started = Date.now();
		while (this.inFlight >= allowedInFlight(this.maxConcurrent, this.queueSeen, this.learnedSlots)) {
			await new Promise<void>((resolve, reject) => {
				const onAbort = () => reject(new Error('cancelled'));
				if (signal?.aborted) return onAbort();
				signal?.addEventListener('abort', onAbort, { once: true });
				this.waiting.push(() => {
					signal?.removeEventListener('abort', onAbort);
					resolve();
				});
			});
		}
		this.inFlight += 1;
		return Date.now() - started;
	}

	/** The submit went through: the task now occupies (or waits for) a server slot. */
	submitted(id: string): FlightView {
		this.flights.set(id, { order: this.submittedCount++, state: 'queued' });
		return {
			looked: (state, sinceSubmitMs) => this.looked(id, state, sinceSubmitMs),
			othersWorking: () => this.countWorking(id),
			position: () => this.position(id),
		};
	}

	/** The task ended (or the submit failed, id undefined): its room goes to the next row. */
	release(id?: string, times?: FlightTimes): void {
		if (id !== undefined) this.flights.delete(id);
		const run = times ? certainRun(times) : undefined;
		if (run) {
			this.runs.push(run);
			this.learnedSlots = Math.max(this.learnedSlots, maxOverlap(this.runs));
		}
		this.inFlight = Math.max(0, this.inFlight - 1);
		this.wake();
	}

	private looked(id: string, state: 'queued' | 'working', sinceSubmitMs: number): void {
		const flight = this.flights.get(id);
		if (!flight) return;
		flight.state = state;
		if (state === 'queued' && isQueueEvidence(sinceSubmitMs, this.countWorking(id))) this.queueSeen = true;
	}

	private countWorking(id: string): number {
		let count = 0;
		for (const [other, flight] of this.flights) if (other !== id && flight.state === 'working') count += 1;
		return count;
	}

	private position(id: string): QueuePosition | undefined {
		const flight = this.flights.get(id);
		if (!flight || !this.queueSeen) return undefined;
		let ahead = 0;
		for (const other of this.flights.values()) if (other.order < flight.order && other.state === 'queued') ahead += 1;
		return { ahead, serverSlots: Math.max(1, this.learnedSlots) };
	}

	private wake(): void {
		// Every waiter re-checks the room; those still blocked queue up again.
		for (const resume of this.waiting.splice(0)) resume();
	}
}
