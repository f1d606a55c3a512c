/**
 * Batch-wide pacing of submits. A 429 on submit created nothing, so instead of failing the row the whole batch
 * slows down: fewer submits in flight, spaced by Retry-After or a learned interval, speeding up again gradually
 * once submits are accepted. Pure decisions with an injectable clock; the waiting itself is the caller's.
 */

/** Longest Retry-After honoured as given; a row's own Timeout still bounds the wait. */
export const MAX_RETRY_AFTER_MS = 5 * 60 * 1000;
/** Shortest wait after any 429: a Retry-After of 0 (or a few ms) must not turn rows into a busy loop of POSTs. */
export const MIN_WAIT_AFTER_429_MS = 1000;
/** First spacing after a 429 without Retry-After, and the bounds of the learned spacing. */
const FIRST_INTERVAL_MS = 1000;
const MAX_INTERVAL_MS = 30_000;
/** Below this the spacing is dropped altogether. */
const NEGLIGIBLE_INTERVAL_MS = 50;
/** How often a row waiting for a free slot looks again. */
export const SLOT_RECHECK_MS = 100;

export type SubmitOutcome = 'accepted' | 'rateLimited' | 'other';

export interface PacerSnapshot {
	limit: number;
	inFlight: number;
	/** Tasks this run created that have not ended yet, and the most the account takes at once once a 429 said so. */
	running: number;
	taskCap: number;
	intervalMs: number;
	nextAt: number;
	rateLimited: number;
}

export class SubmitPacer {
	private limit: number;
	private inFlight = 0;
	private intervalMs = 0;
	private nextAt = 0;
	private streak = 0;
	private rateLimited = 0;
	private running = 0;
	private taskCap = Infinity;

	constructor(
		private readonly maxInFlight: number,
		private readonly now: () => number = Date.now,
	) {
		this.maxInFlight = Math.max(1, Math.floor(maxInFlight) || 1);
		this.limit = this.maxInFlight;
	}

	/** 0 when this submit may go now (its slot is then taken: call finish), else how long to wait before asking again. */
	tryStart(): number {
		const now = this.now();
		if (now < this.nextAt) return this.nextAt - now;
		if (this.inFlight >= this.limit) return SLOT_RECHECK_MS;
		// A create beyond the account's limit of tasks at once would be refused (and may prolong the refusal).
		if (this.inFlight + this.running >= this.taskCap) return SLOT_RECHECK_MS;
		this.inFlight += 1;
		this.nextAt = now + this.intervalMs;
		return 0;
	}

	/**
	 * Frees the slot and learns from the answer. `capReached`: the 429 was the account's limit of tasks at once, so
	 * this run's tasks still running are that limit (the largest such count seen).
	 */
	finish(outcome: SubmitOutcome, retryAfterMs?: number, capReached = false): void {
		this.inFlight = Math.max(0, this.inFlight - 1);
		const now = this.now();
		if (outcome === 'accepted') this.running += 1;
		if (outcome === 'rateLimited' && capReached) this.taskCap = Math.max(this.taskCap === Infinity ? 1 : this.taskCap, this.running, 1);
		if (outcome === 'rateLimited') {
			this.rateLimited += 1;
			this.streak = 0;
			this.limit = Math.max(1, Math.floor(this.limit / 2));
			if (retryAfterMs !== undefined && retryAfterMs >= 0) {
				// The server said when: wait that (within the floor and the cap), and learn nothing beyond it (its next answer will say again).
				this.nextAt = Math.max(this.nextAt, now + Math.min(Math.max(retryAfterMs, MIN_WAIT_AFTER_429_MS), MAX_RETRY_AFTER_MS));
				return;
			}
			this.intervalMs = Math.min(MAX_INTERVAL_MS, this.intervalMs > 0 ? this.intervalMs * 1.5 : FIRST_INTERVAL_MS);
			this.nextAt = Math.max(this.nextAt, now + this.intervalMs);
			return;
		}
		if (outcome !== 'accepted') return;
		this.streak += 1;
		// Speed up slowly: narrower spacing with every acceptance, one more slot after a full round without a 429.
		this.intervalMs = this.intervalMs * 0.85 < NEGLIGIBLE_INTERVAL_MS ? 0 : this.intervalMs * 0.85;
		if (this.streak >= this.limit && this.limit < this.maxInFlight) {
			this.limit += 1;
			this.streak = 0;
		}
	}

	/** A task this run created has ended (or is no longer watched): room for another under the account's limit. */
	taskEnded(): void {
		this.running = Math.max(0, this.running - 1);
	}

	snapshot(): PacerSnapshot {
		return { limit: this.limit, inFlight: this.inFlight, running: this.running, taskCap: this.taskCap, intervalMs: this.intervalMs, nextAt: this.nextAt, rateLimited: this.rateLimited };
	}
}
