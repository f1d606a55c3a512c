/** Remembers recently accepted callback deliveries so a copy sent again inside its window is refused. */
import { BoundedMap } from '../core/boundedMap';

/** Bounds memory under a flood; the oldest keys go first (they are the closest to expiring). */
const DEFAULT_MAX_KEYS = 50_000;

export class ReplayGuard {
	private readonly expiries: BoundedMap<string, number>;

	constructor(maxKeys = DEFAULT_MAX_KEYS) {
		this.expiries = new BoundedMap(maxKeys);
	}

	/** True the first time a key is seen within its window; false for a replay. */
	admit(key: string, windowMs: number, nowMs: number): boolean {
		this.forgetExpired(nowMs);
		const expiry = this.expiries.get(key);
		if (expiry !== undefined && expiry > nowMs) return false;
		this.expiries.delete(key);
		this.expiries.set(key, nowMs + windowMs);
		return true;
	}

	get size(): number {
		return this.expiries.size;
	}

	/** Keys are inserted in time order with one window per dialect, so expired ones sit at the front. */
	private forgetExpired(nowMs: number): void {
		for (const [key, expiry] of this.expiries) {
			if (expiry > nowMs) break;
			this.expiries.delete(key);
		}
	}
}
