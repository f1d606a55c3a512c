/**
 * Memory of submitted predictions, by request fingerprint, so a later run picks up what an earlier one paid for.
 * It lives in this process (all runs, manual ones included) and in the node's workflow static data, which n8n
 * saves after production runs and shares between queue workers. Both are bounded in age and size.
 */
import { z } from 'zod';

import { SHORTEST_RETENTION } from '../providers/catalog';
import { BoundedMap } from '../core/boundedMap';

/** A prediction whose result never reached the output is picked up for this long (then it is too old to trust). */
export const PENDING_TTL_MS = 24 * 60 * 60 * 1000;
/** Delivered results can be reused at most as long as the seller that keeps them the shortest keeps them. */
export const DELIVERED_TTL_MS = SHORTEST_RETENTION.days * 24 * 60 * 60 * 1000;
/** Entries kept per node in static data (about 100 bytes each) and in process memory. */
export const MAX_STORED_ENTRIES = 1000;
const MAX_PROCESS_ENTRIES = 2000;
const MAX_SCOPES = 500;
export const STATIC_DATA_FIELD = 'gptImage2Predictions';

const entrySchema = z.object({
	/** Fingerprint of the request. */
	f: z.string().min(1).max(128),
	/** Prediction id. */
	id: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/),
	/** p = submitted, result not yet in an output; d = delivered. */
	s: z.enum(['p', 'd']),
	/** Submitted at (ms). */
	t: z.number(),
	/** Delivered at (ms). */
	d: z.number().optional(),
});
export type MemoryEntry = z.infer<typeof entrySchema>;

const storedSchema = z.object({ v: z.literal(1), entries: z.array(z.unknown()) });

/** The part of n8n's static data object this module touches. */
export type StaticBag = Record<string, unknown>;

const processMemory = new BoundedMap<string, MemoryEntry[]>(MAX_SCOPES);

/** Drops entries past their age and keeps the newest ones within the bound. */
export function pruneEntries(entries: MemoryEntry[], now: number, max: number): MemoryEntry[] {
	const alive = entries.filter((e) => (e.s === 'p' ? now - e.t < PENDING_TTL_MS : now - (e.d ?? e.t) < DELIVERED_TTL_MS));
	if (alive.length <= max) return alive;
	return [...alive].sort((a, b) => (b.d ?? b.t) - (a.d ?? a.t)).slice(0, max);
}

/** Entries read from static data; anything that does not look like ours is ignored rather than trusted. */
export function readStoredEntries(bag: StaticBag | undefined): MemoryEntry[] {
	const stored = storedSchema.safeParse(bag?.[STATIC_DATA_FIELD]);
	if (!stored.success) return [];
	return stored.data.entries.flatMap((raw) => {
		const entry = entrySchema.safeParse(raw);
		return entry.success ? [entry.data] : [];
	});
}

/** Both copies of one entry: the delivered one wins, then the later one. */
function mergeInto(target: MemoryEntry[], incoming: MemoryEntry[]): void {
	for (const entry of incoming) {
		const existing = target.find((e) => e.id === entry.id);
		if (!existing) target.push({ ...entry });
		else if (existing.s === 'p' && entry.s === 'd') Object.assign(existing, entry);
	}
}

export interface RecoveryMemoryOptions {
	/** Workflow and node: a prediction is only picked up by the node that submitted it. */
	scope: string;
	staticData?: StaticBag;
	now?: () => number;
}

/** One node run's view of the memory. Entries it created or claimed are never handed out again in this run. */
export class RecoveryMemory {
	private readonly entries: MemoryEntry[];
	private readonly untouchable = new Set<string>();
	private readonly now: () => number;

	constructor(private readonly options: RecoveryMemoryOptions) {
		this.now = options.now ?? Date.now;
		let entries = processMemory.get(options.scope);
		if (!entries) {
			entries = [];
			processMemory.set(options.scope, entries);
		}
		mergeInto(entries, readStoredEntries(options.staticData));
		this.entries = entries;
		this.compact();
	}

	/** A prediction submitted earlier for this request whose result never reached an output, claimed for this run. */
	claimPending(fingerprint: string): MemoryEntry | undefined {
		return this.claim((e) => e.f === fingerprint && e.s === 'p' && this.now() - e.t < PENDING_TTL_MS);
	}

	/** A delivered result for this request no older than the window, claimed for this run. */
	claimDelivered(fingerprint: string, windowMs: number): MemoryEntry | undefined {
		const window = Math.min(windowMs, DELIVERED_TTL_MS);
		return this.claim((e) => e.f === fingerprint && e.s === 'd' && this.now() - e.t < window);
	}

	/** How many predictions this request could pick up (pending; delivered within the window), claiming none: for pricing. */
	available(fingerprint: string, reuseWindowMs = 0): number {
		const window = Math.min(reuseWindowMs, DELIVERED_TTL_MS);
		const pickable = (e: MemoryEntry) => (e.s === 'p' && this.now() - e.t < PENDING_TTL_MS) || (e.s === 'd' && this.now() - e.t < window);
		return this.entries.filter((e) => e.f === fingerprint && !this.untouchable.has(e.id) && pickable(e)).length;
	}

	/** Nothing remembered for this node: no row can be picked up, and no fingerprint needs computing. */
	get isEmpty(): boolean {
		return this.entries.length === 0;
	}

	rememberSubmitted(fingerprint: string, predictionId: string): void {
		if (!entrySchema.shape.id.safeParse(predictionId).success) return;
		this.untouchable.add(predictionId);
		if (!this.entries.some((e) => e.id === predictionId)) this.entries.push({ f: fingerprint, id: predictionId, s: 'p', t: this.now() });
		this.save();
	}

	/** The result is in an output item: no longer pending, but reusable when the user asks for it. */
	markDelivered(predictionId: string): void {
		const entry = this.entries.find((e) => e.id === predictionId);
		if (!entry) return;
		entry.s = 'd';
		entry.d = this.now();
		this.save();
	}

	/** Failed on the server, or gone: never picked up again. */
	forget(predictionId: string): void {
		const index = this.entries.findIndex((e) => e.id === predictionId);
		if (index >= 0) this.entries.splice(index, 1);
		this.save();
	}

	private claim(match: (e: MemoryEntry) => boolean): MemoryEntry | undefined {
		// Oldest first: identical rows of an earlier run are picked up in the order they were paid for.
		const entry = this.entries.filter((e) => !this.untouchable.has(e.id) && match(e)).sort((a, b) => a.t - b.t)[0];
		if (entry) this.untouchable.add(entry.id);
		return entry ? { ...entry } : undefined;
	}

	private compact(): void {
		const kept = pruneEntries(this.entries, this.now(), MAX_PROCESS_ENTRIES);
		this.entries.splice(0, this.entries.length, ...kept);
	}

	private save(): void {
		this.compact();
		if (this.options.staticData) {
			this.options.staticData[STATIC_DATA_FIELD] = { v: 1, entries: pruneEntries(this.entries, this.now(), MAX_STORED_ENTRIES).map((e) => ({ ...e })) };
		}
	}
}

/** Forgets everything this process remembers (tests and the bench start clean with it). */
export function clearProcessMemory(): void {
	processMemory.clear();
}
