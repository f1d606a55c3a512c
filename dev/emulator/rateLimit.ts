/** Rolling one-minute window of accepted submits (WaveSpeed limits images per minute per account level). */
const WINDOW_MS = 60_000;

export class RateLimiter {
	private accepted: number[] = [];

	/** Seconds until the next submit would be accepted, or 0 when one is allowed now. */
	retryAfterSeconds(limitPerMinute: number, now = Date.now()): number {
		this.accepted = this.accepted.filter((at) => now - at < WINDOW_MS);
		if (this.accepted.length < limitPerMinute) return 0;
		const oldest = this.accepted[this.accepted.length - Math.max(1, Math.floor(limitPerMinute))] ?? now;
		return Math.max(1, Math.ceil((oldest + WINDOW_MS - now) / 1000));
	}

	/** Counts an accepted submit. */
	note(now = Date.now()): void {
		this.accepted.push(now);
	}

	clear(): void {
		this.accepted = [];
	}
}
