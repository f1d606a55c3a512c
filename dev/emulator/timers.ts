/** Every timer the emulator starts goes through here, so close() and reset() can cancel them all at once. */
export class Timers {
	private readonly pending = new Set<NodeJS.Timeout>();

	/** Runs fn after ms unless cancelled first. */
	later(ms: number, fn: () => void): NodeJS.Timeout {
		const timer = setTimeout(() => {
			this.pending.delete(timer);
			fn();
		}, Math.max(0, ms));
		this.pending.add(timer);
		return timer;
	}

	/** Resolves after ms; never resolves if cancelled (callers are then being torn down anyway). */
	sleep(ms: number): Promise<void> {
		return new Promise((resolve) => this.later(ms, resolve));
	}

	cancel(timer: NodeJS.Timeout | undefined): void {
		if (!timer) return;
		clearTimeout(timer);
		this.pending.delete(timer);
	}

	cancelAll(): void {
		for (const timer of this.pending) clearTimeout(timer);
		this.pending.clear();
	}
}
